#!/usr/bin/env node
// kt entry point. oclif finds and runs the command; errors that escape a command (unknown
// command, a parse error before the command's own handler) are printed as one
// `kt: error:` line with the exit code of PRODUCT.md §3. The process exits as soon as the
// command is done, so open sockets or timers of the Kafka client never keep it alive.
//
// The CLI runs from one bundled file, dist/kt.cjs, loaded with V8's code cache (load.cjs;
// built by `npm run build`, see src/dev/bundle.ts). This file is CommonJS (bin/package.json):
// an ES module entry starts Node's ES module loader, ~3 ms more for every call.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

// `kt --version` is called in loops by scripts: answer it without loading the CLI (same
// text as oclif's: name/version platform-arch node-version).
if (process.argv.length === 3 && process.argv[2] === '--version') {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
  process.stdout.write(`${pkg.oclif?.bin ?? pkg.name}/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`);
  process.exit(0);
}

// `kt --help`, `kt help [COMMAND...]` and `kt COMMAND... --help` (and `kt` alone): oclif's text,
// rendered at build time (src/dev/helpText.ts), printed without loading the CLI when the output
// is what oclif renders it as: to a pipe or file, no colour forced, 80 columns, a C or English
// locale (oclif sorts the commands in the locale's order). On a terminal (colours, its width),
// with FORCE_COLOR, OCLIF_COLUMNS or DEBUG set, in another locale, for a text older than the
// bundle or the manifest, or with KT_FULL_HELP=1, oclif renders it.
{
  const argv = process.argv.slice(2);
  const last = argv.length - 1;
  const words = argv.length === 0 ? [] : argv[0] === 'help' ? argv.slice(1) : argv[last] === '--help' ? argv.slice(0, last) : undefined;
  const env = process.env;
  if (words && words.every((w) => /^[a-z][a-z0-9-]*$/.test(w)) && !process.stdout.isTTY
    && !env.KT_FULL_HELP && !('FORCE_COLOR' in env) && !env.OCLIF_COLUMNS && !env.DEBUG
    && /^(C|POSIX|en(_[A-Z]{2})?)?([.@].*)?$/.test(env.LC_ALL || env.LC_MESSAGES || env.LANG || '')) {
    const root = path.join(__dirname, '..');
    const file = path.join(root, 'dist', 'help', `${['kt', ...words].join('.')}.txt`);
    const at = fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs;
    const newer = (rel) => (fs.statSync(path.join(root, rel), { throwIfNoEntry: false })?.mtimeMs ?? 0) > at;
    if (at !== undefined && !newer('dist/kt.cjs') && !newer('oclif.manifest.json')) {
      const text = fs.readFileSync(file, 'utf8');
      // as oclif: a reader that went away (EPIPE) is no error; a failed write is (exit 1)
      process.stdout.on('error', () => undefined);
      process.stdout.write(text.replaceAll('\0platform\0', `${process.platform}-${process.arch} node-${process.version}`), (err) => {
        if (err && err.code !== 'EPIPE') process.stderr.write(`kt: error: cannot write to stdout: ${err.message}\n`);
        process.exit(err && err.code !== 'EPIPE' ? 1 : 0);
      });
      return;
    }
  }
}

// package.json's engines (>= 20), checked as oclif would, without loading semver: a warning
const MIN_NODE = 20;
if (Number(process.versions.node.split('.')[0]) < MIN_NODE) {
  process.emitWarning(`Node version must be >=${MIN_NODE} to use this CLI. Current node version: ${process.versions.node}`);
}

const bundle = require('./load.cjs').loadBundle();
if (!bundle) {
  process.stderr.write('kt: error: kt is not built (dist/kt.cjs is missing): run npm run build\n');
  process.exit(1);
}
const kt = bundle.exports;

(async () => {
  let code = 0;
  try {
    // the package root (oclif finds package.json there; bin/ has its own, for the module type)
    await kt.run(process.argv.slice(2), path.join(__dirname, '..'));
    await kt.flush();
  } catch (err) {
    code = kt.exitCodeOf(err);
    if (!(err instanceof kt.ExitSignal) && !(err && err.code === 'EEXIT')) {
      process.stderr.write(`kt: error: ${kt.describeError(err)}\n`);
      if (process.argv.includes('--debug')) process.stderr.write(`${kt.debugStack(err)}\n`);
    }
  }
  await kt.drainStdio();
  process.exit(typeof process.exitCode === 'number' && process.exitCode !== 0 ? process.exitCode : code);
})();
