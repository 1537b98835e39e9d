// Build step: bundles the compiled CLI (dist/src: oclif, every command, kafkajs, chalk, ...)
// into one CommonJS file, dist/kt.cjs, and writes V8's code cache for it beside it
// (dist/kt.cjs.cache, and one for each command scripts call most: dist/kt.cjs.produce.cache, ...). bin/run.js loads the bundle through that cache, so a call of kt
// reads two files instead of resolving and compiling some 900 modules: start-up is most of
// what a script pays per call (npm run bench, "start-up").
//
//   tsc -p tsconfig.json && node dist/src/dev/bundle.js && node dist/src/dev/manifest.js
//
// What the bundle changes, and only there:
// - each command is a lazily initialised module behind a getter of `COMMANDS` (oclif's
//   "explicit" command discovery), so a call evaluates only the command it runs;
// - `createRequire(import.meta.url)` is the bundle's own `require`, so kafkajs' internal
//   modules that kt uses are the bundled ones, not a second copy from node_modules;
// - kafkajs' two modules that kt replaces (client/kafkajsPatches.ts) are replaced at
//   bundle time instead of through the require cache;
// - `import.meta.url` is the URL the module had under dist/src, so paths next to it (the
//   broker daemon's main.js) stay right;
// - native codecs and checksums stay in node_modules (loaded on first use);
// - the file is already wrapped as a CommonJS module function (BUNDLE_HEAD).

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { PACKAGE_ROOT } from './commands.js';
import { KAFKAJS_REPLACED } from '../client/kafkajsPatches.js';

export const BUNDLE_FILE = path.join('dist', 'kt.cjs');
// The bundle is its own CommonJS module function, so that load.cjs compiles the file's text as
// it is (Module.wrap would make a second copy of its 1.8 MB: more peak memory per call). As a
// script (load.cjs) its value is that function; required as a module it calls it.
export const BUNDLE_HEAD = '((f, a) => (a ? f.apply(a[0], a) : f))(function (exports, require, module, __filename, __dirname) {\n';
export const BUNDLE_TAIL = '\n}, typeof arguments === "object" ? arguments : undefined);\n';
export const CACHE_FILE = `${BUNDLE_FILE}.cache`;
const NATIVE = ['@node-rs/crc32', '@toondepauw/node-zstd', 'lz4-napi', 'snappy'];
// oclif's optional TypeScript support: never used by an installed kt
const DEV_ONLY = ['typescript', 'ts-node'];
// Modules required at load time that a call rarely or never uses; each is a stand-in that
// evaluates the real module on first use (lazyModuleSource).
// - Node built-ins (kafkajs requires tls, crypto and assert, oclif child_process, ...).
// - Packages oclif requires at load: lilconfig (an .oclifrc search: kt's package.json has its
//   oclif config), tinyglobby and minimatch (command discovery by pattern and plugin filters:
//   kt's discovery is "explicit"), semver (oclif's engines check, replaced by bin/run.js's
//   own, see ENGINES_CHECK), ejs (help templates), cli-spinners, clean-stack, indent-string
//   and wrap-ansi (spinners and error rendering).
const LAZY_BUILTINS = ['assert', 'child_process', 'crypto', 'dgram', 'dns', 'http', 'https', 'inspector', 'net', 'os',
  'perf_hooks', 'readline', 'readline/promises', 'tls', 'v8', 'worker_threads', 'zlib', 'fs/promises', 'stream/promises'];
const LAZY_PACKAGES = ['lilconfig', 'tinyglobby', 'minimatch', 'semver', 'ejs', 'cli-spinners', 'clean-stack', 'indent-string', 'wrap-ansi'];

/**
 * The stand-in for a module: calling it or reading a property loads `specifier`. Its shape is
 * the real module's, read at build time: a function or an object, its keys (listed without
 * loading it), and __esModule (read at load by TypeScript's and esbuild's import helpers).
 */
function lazyModuleSource(specifier: string, real: unknown): string {
  const fn = typeof real === 'function';
  const esModule = JSON.stringify((real as { __esModule?: unknown }).__esModule);
  const load = `let m; const load = () => (m ??= require(${JSON.stringify(specifier)}));`;
  if (fn) {
    return `${load}
module.exports = new Proxy(function () {}, {
  apply: (_, self, args) => Reflect.apply(load(), self, args),
  get: (_, k) => (k === '__esModule' ? ${esModule} : load()[k]),
  has: (_, k) => k in load(),
});`;
  }
  return `${load} const keys = ${JSON.stringify(Object.keys(real as object))};
module.exports = new Proxy({}, {
  get: (_, k) => (k === '__esModule' ? ${esModule} : load()[k]),
  set: (_, k, v) => { load()[k] = v; return true; },
  has: (_, k) => k in load(),
  ownKeys: () => keys,
  getOwnPropertyDescriptor: (_, k) => (keys.includes(k) ? { configurable: true, enumerable: true, get: () => load()[k] } : undefined),
});`;
}

// oclif warns at load when Node does not satisfy kt's engines (semver and a read of
// package.json on every call); bin/run.js makes the same check from the major version.
const ENGINES_CHECK = 'checkCWD();\ncheckNodeVersion();\n';

// oclif asks wsl-utils whether this is WSL on every call (Config.load); wsl-utils also holds
// PowerShell helpers that take child_process at load. The stand-in answers isWsl and loads
// the real module for the rest (a Windows shell lookup).
function wslUtilsSource(real: string): string {
  return `export { default as isWsl } from 'is-wsl';
export const powerShellPath = async (...a) => (await import(${JSON.stringify(real)})).powerShellPath(...a);`;
}

function commandFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return commandFiles(p);
    return e.name.endsWith('.js') ? [p] : [];
  }).sort();
}

/** `topics/index.js` → `topics`, `groups/reset-offsets.js` → `groups:reset-offsets`. */
export function commandId(commandsDir: string, file: string): string {
  const rel = path.relative(commandsDir, file).replace(/\.js$/, '').split(path.sep);
  if (rel[rel.length - 1] === 'index') rel.pop();
  return rel.join(':');
}

function entrySource(root: string): string {
  const dist = path.join(root, 'dist', 'src');
  const commandsDir = path.join(dist, 'commands');
  const getters = commandFiles(commandsDir).map((f) =>
    `  get ${JSON.stringify(commandId(commandsDir, f))}() { return require(${JSON.stringify(f)}).default; },`);
  return [
    `export { run, flush } from '@oclif/core';`,
    `export { ExitSignal, exitCodeOf, describeError, debugStack } from ${JSON.stringify(path.join(dist, 'cli', 'errors.js'))};`,
    `export { drainStdio } from ${JSON.stringify(path.join(dist, 'cli', 'output.js'))};`,
    // package.json's oclif.hooks and oclif.helpClass name these exports of the bundle
    `export { default as commandNotFound } from ${JSON.stringify(path.join(dist, 'cli', 'hooks', 'notFound.js'))};`,
    `export { default as KtHelp } from ${JSON.stringify(path.join(dist, 'cli', 'help.js'))};`,
    `export const COMMANDS = {`,
    ...getters,
    `};`,
  ].join('\n');
}

export async function buildBundle(root = PACKAGE_ROOT): Promise<{ bytes: number; inputs: string[] }> {
  const esbuild = await import('esbuild');
  const distSrc = path.join(root, 'dist', 'src');
  const outfile = path.join(root, BUNDLE_FILE);
  const kafkajsSrc = fs.realpathSync(path.join(root, 'node_modules', 'kafkajs', 'src'));
  const plugin = {
    name: 'kt',
    setup(build: import('esbuild').PluginBuild) {
      const lazyBuiltin = new RegExp(`^(node:)?(${LAZY_BUILTINS.map((b) => b.replace('/', '\\/')).join('|')})$`);
      build.onResolve({ filter: lazyBuiltin }, (args) => (args.namespace === 'kt-lazy-builtin' ? undefined
        : { path: args.path.replace(/^node:/, ''), namespace: 'kt-lazy-builtin' }));
      build.onLoad({ filter: /.*/, namespace: 'kt-lazy-builtin' }, async (args) => {
        const real = ((await import(`node:${args.path}`)) as { default: unknown }).default;
        return { contents: lazyModuleSource(`node:${args.path}`, real), loader: 'js' };
      });
      const lazyPackage = new RegExp(`^(${LAZY_PACKAGES.join('|')})$`);
      build.onResolve({ filter: lazyPackage }, async (args) => {
        if (args.pluginData === 'kt') return undefined;
        const r = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'kt' });
        return { path: r.path, namespace: 'kt-lazy-package', pluginData: args.path };
      });
      build.onLoad({ filter: /.*/, namespace: 'kt-lazy-package' }, (args) => ({
        contents: lazyModuleSource(args.pluginData as string, createRequire(args.path)(args.path)),
        resolveDir: path.dirname(args.path),
        pluginData: 'kt',
        loader: 'js',
      }));
      build.onResolve({ filter: /^wsl-utils$/ }, async (args) => {
        if (args.pluginData === 'kt') return undefined;
        const r = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'kt' });
        return { path: r.path, namespace: 'kt-wsl-utils' };
      });
      build.onLoad({ filter: /.*/, namespace: 'kt-wsl-utils' }, (args) => ({ contents: wslUtilsSource(args.path), resolveDir: path.dirname(args.path), loader: 'js' }));
      build.onLoad({ filter: /@oclif[\\/]core[\\/]lib[\\/]index\.js$/ }, (args) => {
        const text = fs.readFileSync(args.path, 'utf8');
        if (text.split(ENGINES_CHECK).length !== 2) throw new Error(`bundle: oclif's engines check not found in ${args.path}`);
        return { contents: text.replace(ENGINES_CHECK, 'checkCWD();\n'), loader: 'js' };
      });
      // oclif sorts the commands with localeCompare at every start: kt's compareIds gives the
      // same order without loading ICU's collator where it can (src/cli/compareIds.ts)
      build.onLoad({ filter: /@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin\.js$/ }, (args) => {
        const text = fs.readFileSync(args.path, 'utf8');
        const sort = '.sort((a, b) => a.id.localeCompare(b.id))';
        if (text.split(sort).length !== 2) throw new Error(`bundle: oclif's command sort not found in ${args.path}`);
        const compare = `require(${JSON.stringify(path.join(distSrc, 'cli', 'compareIds.js'))}).compareIds`;
        return { contents: text.replace(sort, `.sort((a, b) => ${compare}(a.id, b.id))`), loader: 'js' };
      });
      // kafkajs' own requires of the modules kt replaces resolve to kt's versions
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (!args.importer.startsWith(kafkajsSrc) || args.pluginData === 'kt') return undefined;
        const r = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'kt' });
        const rel = path.relative(kafkajsSrc, r.path).replace(/\\/g, '/');
        if (!(rel in KAFKAJS_REPLACED)) return r;
        return { path: rel, namespace: 'kt-kafkajs' };
      });
      build.onLoad({ filter: /.*/, namespace: 'kt-kafkajs' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(path.join(distSrc, 'client', 'kafkajsPatches.js'))}).KAFKAJS_REPLACED[${JSON.stringify(args.path)}];`,
        resolveDir: distSrc,
        loader: 'js',
      }));
      // kt's modules: createRequire(import.meta.url) is the bundle's require; import.meta.url
      // is the module's own file URL under dist/src, relative to the bundle
      build.onLoad({ filter: /\.js$/ }, (args) => {
        if (!args.path.startsWith(distSrc)) return undefined;
        const rel = path.relative(path.dirname(outfile), args.path).replace(/\\/g, '/');
        // A default import of a Node built-in becomes a require of it: esbuild would copy the
        // module's exports into a namespace object (its __toESM: ~0.5 ms for node:fs) in every
        // module that imports it, on every call.
        const text = fs.readFileSync(args.path, 'utf8')
          .replace(/^import (\w+) from '(node:[\w/]+)';$/gm, "const $1 = require('$2');")
          .replace(/^[ \t]*const require = createRequire\(import\.meta\.url\);$/gm, '')
          .replace(/createRequire\(import\.meta\.url\)\(/g, 'require(')
          .replace(/import\.meta\.url/g, `__ktModuleUrl(${JSON.stringify(rel)})`);
        return { contents: text, loader: 'js' };
      });
    },
  };
  const result = await esbuild.build({
    stdin: { contents: entrySource(root), resolveDir: root, sourcefile: 'kt-entry.js', loader: 'js' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // import() of node: built-ins and native packages as require: the bundle runs as a
    // vm.Script, which has no loader for dynamic imports
    supported: { 'dynamic-import': false },
    outfile,
    external: [...NATIVE, ...DEV_ONLY, '*.node'],
    banner: {
      js: `const __ktModuleUrl = (rel) => require('node:url').pathToFileURL(require('node:path').join(__dirname, rel)).href;`,
    },
    plugins: [plugin],
    // src/client/gateway.ts: kafkajs's patches are applied at build time
    define: { KT_BUNDLED: 'true' },
    metafile: true,
    logLevel: 'error',
    legalComments: 'none',
    // smaller to read and parse; names kept (oclif and kt use class names in messages)
    minify: true,
    keepNames: true,
    // ASCII only (non-ASCII escaped), so load.cjs reads it as latin1 without decoding UTF-8
    charset: 'ascii',
  });
  const inputs = Object.keys(result.metafile.inputs);
  const text = fs.readFileSync(outfile, 'utf8');
  fs.writeFileSync(outfile, `${BUNDLE_HEAD}${text}${BUNDLE_TAIL}`);
  if (/createRequire\(import\.meta\.url\)/.test(text)) throw new Error('bundle: a createRequire(import.meta.url) was left');
  for (const rel of Object.keys(KAFKAJS_REPLACED)) {
    if (inputs.some((i) => i.endsWith(`kafkajs/src/${rel}`))) throw new Error(`bundle: kafkajs/src/${rel} was bundled, not replaced`);
  }
  return { bytes: text.length, inputs };
}

/**
 * The code caches, each from a training run in a child node (codeCache.ts): dist/kt.cjs.cache
 * and one per CACHE_GROUPS command (dist/kt.cjs.<word>.cache). Returns their sizes in bytes.
 */
export async function buildCodeCache(root = PACKAGE_ROOT): Promise<Record<string, number>> {
  const { CACHE_GROUPS } = await import('./codeCache.js');
  const dist = path.join(root, 'dist');
  // caches of groups that no longer exist would be picked by bin/load.cjs
  for (const f of fs.readdirSync(dist)) if (/^kt\.cjs\..+\.cache$/.test(f)) fs.rmSync(path.join(dist, f));
  const sizes: Record<string, number> = {};
  for (const group of ['', ...Object.keys(CACHE_GROUPS)]) {
    const r = spawnSync(process.execPath, [path.join(dist, 'src', 'dev', 'codeCache.js'), ...(group ? [group] : [])], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    // the commands' own notices are noise here; the training's reports are not
    process.stderr.write(r.stderr.split('\n').filter((l) => l.startsWith('code cache:')).map((l) => `${l}\n`).join(''));
    if (r.status !== 0) throw new Error(`code cache ${group || '(all)'}: exit ${r.status}`);
    const file = group ? path.join(dist, `kt.cjs.${group}.cache`) : path.join(root, CACHE_FILE);
    sizes[group || 'all'] = fs.statSync(file).size;
  }
  return sizes;
}

async function main(): Promise<void> {
  const { bytes, inputs } = await buildBundle();
  const caches = await buildCodeCache();
  const sizes = Object.entries(caches).map(([g, n]) => `${g} ${(n / 1e6).toFixed(1)} MB`).join(', ');
  process.stderr.write(`wrote ${BUNDLE_FILE} (${(bytes / 1e6).toFixed(1)} MB from ${inputs.length} modules) and its code caches (${sizes})\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    process.stderr.write(`bundle: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
