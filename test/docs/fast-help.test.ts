// bin/run.js answers help from the texts rendered at build time (src/dev/helpText.ts) without
// loading the CLI: byte for byte what oclif prints in the same environment, for every form
// (`kt`, `kt --help`, `kt help`, `kt COMMAND... --help`, `kt help COMMAND...`) of every
// command, alias and topic; and only where oclif would print exactly that (to a pipe, no
// colour forced, default width, texts not older than the bundle and the manifest).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { helpFile, helpSubjects, HELP_DIR, pool } from '../../src/dev/helpText.js';
import { isolatedEnv, kt, REPO, requirePeer, run, tempDir, type RunResult } from '../helpers.js';
import { Terminal, termEnv, sh } from '../interactive/terminal.js';

const skipTerminal = requirePeer('tmux');
if (skipTerminal) console.log(`# skipping the terminal tests: ${skipTerminal}`);

const subjects = helpSubjects(REPO);
const forms: string[][] = [[], ['--help'], ['help']];
for (const id of subjects.filter(Boolean)) {
  const w = id.split(':');
  forms.push([...w, '--help'], ['help', ...w]);
}

const show = (r: RunResult) => ({ code: r.code, stdout: r.out, stderr: r.stderr });

test('the build wrote a text for every command, alias and topic', () => {
  assert.ok(subjects.length >= 40, `${subjects.length} subjects`);
  for (const s of ['', 'produce', 'topics', 'topics:list', 'topics:ls', 'local', 'local:start', 'profile:rm']) assert.ok(subjects.includes(s), s);
  for (const s of subjects) assert.ok(fs.existsSync(path.join(REPO, HELP_DIR, helpFile(s))), `${HELP_DIR}/${helpFile(s)}`);
});

test('every help form prints what oclif prints (stdout, stderr, exit code)', { timeout: 600_000 }, async () => {
  // a colour terminal's variables (stdout is still a pipe: oclif prints no colours)
  const env = { ...isolatedEnv({ COLORTERM: 'truecolor', TERM: 'xterm-256color' }), NO_COLOR: undefined };
  const fullEnv = { ...env, KT_FULL_HELP: '1' };
  const diffs: string[] = [];
  await pool(forms, 2, async (args) => {
    const [fast, full] = [await kt(args, { env }), await kt(args, { env: fullEnv })];
    assert.equal(full.code, 0, `kt ${args.join(' ')}: ${full.stderr}`);
    try {
      assert.deepEqual(show(fast), show(full));
    } catch (err) {
      diffs.push(`kt ${args.join(' ')}:\n${(err as Error).message}`);
    }
  });
  assert.deepEqual(diffs, [], diffs.join('\n'));
  // the VERSION line of the root is filled in for this platform and Node
  const root = await kt(['--help'], { env });
  assert.ok(root.out.includes(`\n  kt/${JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).version} ${process.platform}-${process.arch} node-${process.version}\n`), root.out);
  assert.ok(!root.out.includes('\u0000'), 'no placeholder left');
});

/**
 * A package whose bundle only says that it was loaded (exit 7), with the real help texts and
 * manifest: shows whether a call was answered without loading the CLI.
 */
function decoyPackage(): { bin: string; bundle: string } {
  const root = tempDir('kt-decoy-');
  fs.mkdirSync(path.join(root, 'bin'));
  for (const f of fs.readdirSync(path.join(REPO, 'bin'))) fs.copyFileSync(path.join(REPO, 'bin', f), path.join(root, 'bin', f));
  for (const f of ['package.json', 'oclif.manifest.json']) fs.copyFileSync(path.join(REPO, f), path.join(root, f));
  fs.mkdirSync(path.join(root, 'dist'));
  fs.cpSync(path.join(REPO, HELP_DIR), path.join(root, HELP_DIR), { recursive: true });
  const bundle = path.join(root, 'dist', 'kt.cjs');
  fs.writeFileSync(bundle, `process.stdout.write('the CLI was loaded\\n'); process.exit(7);\n`);
  // as old as a packed npm tarball's files: not newer than the texts
  fs.utimesSync(bundle, new Date(0), new Date(0));
  fs.utimesSync(path.join(root, 'oclif.manifest.json'), new Date(0), new Date(0));
  return { bin: path.join(root, 'bin', 'run.js'), bundle };
}

test('to a pipe, help is answered without loading the CLI; anything else goes to oclif', async () => {
  const decoy = decoyPackage();
  const env = isolatedEnv();
  const node = (args: string[], e: Record<string, string | undefined> = env) => run(process.execPath, [decoy.bin, ...args], { env: e });
  for (const args of [[], ['--help'], ['help'], ['produce', '--help'], ['help', 'topics', 'list'], ['local', '--help']]) {
    const r = await node(args);
    assert.equal(r.code, 0, `kt ${args.join(' ')}: ${r.out}${r.stderr}`);
    assert.ok(!r.out.includes('the CLI was loaded'), `kt ${args.join(' ')}`);
  }
  const loaded = async (args: string[], e = env) => {
    const r = await node(args, e);
    assert.equal(r.code, 7, `kt ${args.join(' ')} should load the CLI: ${r.out}${r.stderr}`);
    assert.equal(r.out, 'the CLI was loaded\n');
  };
  // environments where oclif's text differs (colours, width, debug output), or on request
  await loaded(['--help'], { ...env, FORCE_COLOR: '1' });
  await loaded(['--help'], { ...env, FORCE_COLOR: '0' });
  await loaded(['--help'], { ...env, OCLIF_COLUMNS: '120' });
  await loaded(['--help'], { ...env, DEBUG: '*' });
  await loaded(['--help'], { ...env, KT_FULL_HELP: '1' });
  // another locale: oclif sorts the commands in its order
  await loaded(['--help'], { ...env, LANG: 'da_DK.UTF-8', LC_ALL: undefined, LC_MESSAGES: undefined });
  await loaded(['--help'], { ...env, LC_ALL: 'lt_LT.UTF-8' });
  for (const LANG of ['C.UTF-8', 'en_US.UTF-8', 'POSIX']) {
    const r = await node(['--help'], { ...env, LANG, LC_ALL: undefined, LC_MESSAGES: undefined });
    assert.equal(r.code, 0, `LANG=${LANG}: ${r.out}`);
  }
  // not a help form, or no such text
  await loaded(['topics', 'list']);
  await loaded(['local']);
  await loaded(['produce', '-t', 'x', '--help']);
  await loaded(['help', 'nosuch']);
  await loaded(['nosuch', '--help']);
  await loaded(['-h']);
  await loaded(['help', '--help']);
  // a bundle built after the texts: they may be stale
  fs.utimesSync(decoy.bundle, new Date(), new Date(Date.now() + 60_000));
  await loaded(['--help']);
});

test('on a terminal oclif renders help (its width, its colours)', { skip: skipTerminal || undefined, timeout: 120_000 }, async () => {
  const decoy = decoyPackage();
  let term = await Terminal.start([process.execPath, decoy.bin, '--help'].map(sh).join(' '), { env: termEnv(), cols: 120 });
  try {
    assert.equal(await term.waitForExit(), 7);
    assert.match(await term.screen(), /the CLI was loaded/);
  } finally {
    await term.close();
  }
  // the real one, 120 columns wide: a description oclif wraps at 80 stays on one line
  term = await Terminal.start([process.execPath, path.join(REPO, 'bin', 'run.js'), '--help'].map(sh).join(' '), { env: termEnv(), cols: 120 });
  try {
    assert.equal(await term.waitForExit(), 0);
    assert.match(await term.screen(), /groups +Consumer groups: list, describe with lag, reset offsets, delete \(kafka-consumer-groups\)/);
  } finally {
    await term.close();
  }
});

test('a help text that cannot be written fails as oclif does (exit 1); a reader that went away does not', { skip: !fs.existsSync('/dev/full') || undefined }, () => {
  const env = isolatedEnv() as NodeJS.ProcessEnv;
  for (const extra of [{}, { KT_FULL_HELP: '1' }]) {
    const full = fs.openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, [path.join(REPO, 'bin', 'run.js'), 'produce', '--help'], { env: { ...env, ...extra }, stdio: ['ignore', full, 'pipe'] });
      assert.equal(r.status, 1, `${JSON.stringify(extra)}: ${r.stderr}`);
    } finally {
      fs.closeSync(full);
    }
  }
  // a reader that exits at once (kt's write gets EPIPE, or lands in the pipe first): exit 0
  for (const extra of [{}, { KT_FULL_HELP: '1' }]) {
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${path.join(REPO, 'bin', 'run.js')}" --help | true`], { env: { ...env, ...extra } });
    assert.equal(r.status, 0, `${JSON.stringify(extra)}: ${r.stderr}`);
  }
});
