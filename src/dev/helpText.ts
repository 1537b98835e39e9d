// Build step (after the bundle and oclif.manifest.json): oclif's help text for the root, every
// command, alias and topic, as kt prints it to a pipe, written to dist/help/ so that bin/run.js
// answers `kt --help`, `kt help [COMMAND...]` and `kt COMMAND... --help` without loading
// the CLI (oclif builds its whole config first: most of what a `kt --help` cost).
//
//   node dist/src/dev/helpText.js
//
// Each text is what `kt ... --help` prints with stdout not a terminal and no colour forced
// (oclif's own rendering, run in a child with KT_FULL_HELP=1, which turns the fast path
// off), so it is oclif's text byte for byte; the fast path is taken only in that same
// environment (helpFastPathAllowed), anything else goes through oclif. The platform and
// Node version of the VERSION line are filled in at run time.
// test/docs/fast-help.test.ts compares every text with oclif's.

import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { PACKAGE_ROOT } from './commands.js';

export const HELP_DIR = path.join('dist', 'help');
/** Stands for `${platform}-${arch} node-${version}` in the texts (bin/run.js fills it in). */
export const PLATFORM_MARK = '\u0000platform\u0000';

/** The file of a help subject (`''` root, `topics:list`): dist/help/kt.txt, dist/help/kt.topics.list.txt. */
export function helpFile(id: string): string {
  return ['kt', ...id.split(':').filter(Boolean)].join('.') + '.txt';
}

/** Every help subject of the manifest: '' (root), commands, their aliases, and topics. */
export function helpSubjects(root = PACKAGE_ROOT): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'oclif.manifest.json'), 'utf8')) as {
    commands: Record<string, { aliases?: string[] }>;
  };
  const pjson = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { oclif?: { topics?: Record<string, unknown> } };
  const ids = new Set<string>(['']);
  for (const [id, c] of Object.entries(manifest.commands)) {
    ids.add(id);
    for (const a of c.aliases ?? []) ids.add(a.replace(/ /g, ':'));
  }
  for (const id of [...ids]) {
    const w = id.split(':');
    for (let i = 1; i < w.length; i++) ids.add(w.slice(0, i).join(':'));
  }
  for (const t of Object.keys(pjson.oclif?.topics ?? {})) ids.add(t);
  return [...ids].sort();
}

/** The environment of a `kt` run whose help is plain text 80 columns wide (as to a pipe). */
export function plainHelpEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  // the C locale: bin/run.js prints the texts in C and English locales (the same order)
  const out: NodeJS.ProcessEnv = { ...env, KT_FULL_HELP: '1', LANG: 'C.UTF-8' };
  for (const k of ['FORCE_COLOR', 'OCLIF_COLUMNS', 'DEBUG', 'NODE_OPTIONS', 'LC_ALL', 'LC_MESSAGES']) delete out[k];
  return out;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/run.js ...args` with stdout and stderr to pipes. */
export function runKt(args: string[], env: NodeJS.ProcessEnv, root = PACKAGE_ROOT): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bin', 'run.js'), ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs fn over items, `width` at a time. */
export async function pool<T, R>(items: T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}

export async function buildHelpTexts(root = PACKAGE_ROOT): Promise<number> {
  const platform = `${process.platform}-${process.arch} node-${process.version}`;
  const subjects = helpSubjects(root);
  const dir = path.join(root, HELP_DIR);
  const tmp = `${dir}.${process.pid}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  const env = plainHelpEnv();
  await pool(subjects, 2, async (id) => {
    const r = await runKt([...id.split(':').filter(Boolean), '--help'], env, root);
    if (r.code !== 0 || r.stderr !== '') throw new Error(`kt ${id.replace(/:/g, ' ')} --help: exit ${r.code}: ${r.stderr}`);
    // the user agent (name/version platform-arch node-version) is only in the root's VERSION
    const text = r.stdout.split(` ${platform}`).join(` ${PLATFORM_MARK}`);
    fs.writeFileSync(path.join(tmp, helpFile(id)), text);
  });
  // written last: bin/run.js takes a text only when it is no older than the manifest and bundle
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  return subjects.length;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildHelpTexts().then((n) => process.stderr.write(`wrote ${HELP_DIR}/ (${n} help texts)\n`), (err) => {
    process.stderr.write(`help texts: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
