// One confirmation rule (issue 16 items 2, 3, 9): kt asks when a person can answer (stdin and
// stderr are a terminal), even with stdout redirected; without one it refuses a destructive
// action unless --yes (exit 2); a "no" is exit 1 in every command. Ctrl-C at any prompt is
// quiet and exits 130.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { forTheFile, kt, requirePeer, tempDir, testBroker } from '../helpers.js';
import { ktLine, sh, Terminal, termEnv } from './terminal.js';

const skip = requirePeer('tmux');
if (skip) console.log(`# skipping the terminal tests: ${skip}`);

const topics = async () => (await kt(['topics', 'list', '-b', B])).out.split('\n');

const broker = await forTheFile(testBroker());
const B = broker.bootstrap;
before(async () => {
  const c = await kt(['topics', 'create', 'keep-me', 'ask-me', 'gone-soon', '-b', B]);
  assert.equal(c.code, 0, c.stderr);
});

test('no terminal to ask: destructive commands refuse without --yes (exit 2, one line) and do nothing', async () => {
  const env = termEnv();
  for (const args of [
    ['topics', 'delete', 'keep-me', '-b', B],
    ['topics', '--delete', '--topic', 'keep-me', '-b', B],
    ['delete-records', 'keep-me:0', '--before', '0', '-b', B],
  ]) {
    const r = await kt(args, { env });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^kt: error: refusing to delete .*keep-me.* without --yes — .*pass --yes/m, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  assert.ok((await topics()).includes('keep-me'));
  // kt local reset </dev/null: the data stays
  const data = path.join(env.KT_DATA_DIR!, 'broker');
  fs.mkdirSync(data, { recursive: true });
  fs.writeFileSync(path.join(data, 'marker'), 'x');
  const reset = await kt(['local', 'reset', '--data-dir', env.KT_DATA_DIR!], { env });
  assert.equal(reset.code, 2, reset.stderr);
  assert.match(reset.stderr, /refusing to delete the local broker data without --yes/);
  assert.ok(fs.existsSync(path.join(data, 'marker')));
  // a profile removal asks too
  assert.equal((await kt(['profile', 'add', 'p1', '-b', 'h:1'], { env })).code, 0);
  const rm = await kt(['profile', 'remove', 'p1'], { env });
  assert.equal(rm.code, 2, rm.stderr);
  assert.equal((await kt(['profile', 'remove', 'p1', '--yes'], { env })).code, 0);
});

test('stdout redirected at a terminal: kt still asks (on stderr); "n" is exit 1 and nothing is deleted', { skip: skip || undefined, timeout: 120_000 }, async () => {
  const out = path.join(tempDir(), 'out.txt');
  const term = await Terminal.start(`${ktLine(['topics', 'delete', 'ask-me', '-b', B])} > ${sh(out)}`, { env: termEnv() });
  try {
    await term.waitFor(/Delete topic ask-me and all its data\?/);
    await term.type('n');
    await term.send('Enter');
    const screen = await term.waitFor(/aborted; nothing deleted/);
    assert.match(screen, /kt: error: aborted; nothing deleted/);
    assert.equal(await term.waitForExit(), 1);
  } finally {
    await term.close();
  }
  assert.equal(fs.readFileSync(out, 'utf8'), '', 'the prompt is not in the redirected output');
  assert.ok((await topics()).includes('ask-me'));
});

test('"y" at the prompt deletes; kt local reset declined is exit 1 like the others', { skip: skip || undefined, timeout: 120_000 }, async () => {
  const term = await Terminal.start(ktLine(['topics', 'delete', 'gone-soon', '-b', B]), { env: termEnv() });
  try {
    await term.waitFor(/Delete topic gone-soon/);
    await term.type('y');
    await term.send('Enter');
    await term.waitFor(/Deleted topic gone-soon/);
    assert.equal(await term.waitForExit(), 0);
  } finally {
    await term.close();
  }
  assert.ok(!(await topics()).includes('gone-soon'));
  const env = termEnv();
  const reset = await Terminal.start(ktLine(['local', 'reset', '--data-dir', env.KT_DATA_DIR!]), { env });
  try {
    await reset.waitFor(/Delete all local broker data/);
    await reset.type('n');
    await reset.send('Enter');
    await reset.waitFor(/aborted; nothing deleted/);
    assert.equal(await reset.waitForExit(), 1);
  } finally {
    await reset.close();
  }
});

test('kt groups delete of an unknown group does not ask first', { skip: skip || undefined, timeout: 120_000 }, async () => {
  const term = await Terminal.start(ktLine(['groups', 'delete', 'no-such-group', '-b', B]), { env: termEnv() });
  try {
    const code = await term.waitForExit();
    const screen = await term.screen();
    assert.doesNotMatch(screen, /Delete consumer group/);
    assert.match(screen, /does not exist/);
    assert.equal(code, 1, screen);
  } finally {
    await term.close();
  }
});

test('Ctrl-C in a picker: quiet, exit 130', { skip: skip || undefined, timeout: 120_000 }, async () => {
  const term = await Terminal.start(ktLine(['consume', '-b', B]), { env: termEnv() });
  try {
    await term.waitFor(/Topic[\s\S]*keep-me/);
    await term.send('C-c');
    assert.equal(await term.waitForExit(), 130);
    const screen = await term.screen();
    assert.doesNotMatch(screen, /force closed|SIGINT|error/i);
  } finally {
    await term.close();
  }
});

test('Ctrl-C at the > prompt of kt produce: exit 130, the records sent so far are counted', { skip: skip || undefined, timeout: 120_000 }, async () => {
  const term = await Terminal.start(ktLine(['produce', '-t', 'keep-me', '-b', B]), { env: termEnv() });
  try {
    await term.waitFor(/^>/m);
    await term.type('one');
    await term.send('Enter');
    await term.waitFor(/partition 0, offset 0/);
    await term.send('C-c');
    assert.equal(await term.waitForExit(), 130);
    assert.match(await term.screen(), /Produced 1 message to keep-me/);
  } finally {
    await term.close();
  }
});
