// Prompts in a real terminal (tmux): `kt consume` without --topic shows the topic picker and
// consumes after a choice; `kt groups describe` without a group shows the group picker.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { forTheFile, kt, requirePeer, testBroker } from '../helpers.js';
import { ktLine, Terminal, termEnv } from './terminal.js';

const skip = requirePeer('tmux');
if (skip) console.log(`# skipping the terminal tests: ${skip}`);

const B = (await forTheFile(testBroker())).bootstrap;
before(async () => {
  const c = await kt(['topics', 'create', 'alpha-orders', 'beta-payments', '-b', B]);
  assert.equal(c.code, 0, c.stderr);
  const p = await kt(['produce', '-t', 'beta-payments', '-b', B], { stdin: 'paid-1\npaid-2\n' });
  assert.equal(p.code, 0, p.stderr);
  const g = await kt(['consume', '-t', 'beta-payments', '-g', 'billing', '--from-beginning', '--exit', '-b', B]);
  assert.equal(g.code, 0, g.stderr);
});

test('kt consume with no --topic in a terminal: the topic picker, then records after the choice', { skip: skip || undefined, timeout: 120_000 }, async () => {
  const term = await Terminal.start(ktLine(['consume', '-b', B, '--from-beginning', '-n', '2']), { env: termEnv() });
  try {
    // the prompt line may draw before its choices: wait for both
    const picker = await term.waitFor(/Topic[\s\S]*alpha-orders[\s\S]*beta-payments/);
    assert.match(picker, /alpha-orders/);
    assert.match(picker, /beta-payments/);
    assert.doesNotMatch(picker, /paid-1/, 'nothing consumed before the choice');
    await term.type('beta');
    await term.waitFor(/beta/);
    await term.send('Enter');
    const screen = await term.waitFor(/Processed a total of 2 messages/);
    assert.match(screen, /paid-1\npaid-2/);
    assert.equal(await term.waitForExit(), 0);
  } finally {
    await term.close();
  }
});

test('kt groups describe with no group in a terminal: the group picker', { skip: skip || undefined, timeout: 120_000 }, async () => {
  const term = await Terminal.start(ktLine(['groups', 'describe', '-b', B]), { env: termEnv() });
  try {
    const picker = await term.waitFor(/Consumer group[\s\S]*billing/);
    assert.match(picker, /billing/);
    await term.send('Enter');
    const screen = await term.waitFor(/LOG-END-OFFSET/);
    assert.match(screen, /billing\s+beta-payments\s+0\s+2\s+2\s+0/);
    assert.equal(await term.waitForExit(), 0);
  } finally {
    await term.close();
  }
});

test('kt produce with no --topic in a terminal: the picker takes a new topic name', { skip: skip || undefined, timeout: 120_000 }, async () => {
  const term = await Terminal.start(ktLine(['produce', '-b', B]), { env: termEnv() });
  try {
    await term.waitFor(/Topic \(or type a new name\)[\s\S]*alpha-orders/);
    await term.type('gamma-new');
    await term.waitFor(/gamma-new \(new topic\)/);
    await term.send('Enter');
    await term.waitFor(/^>/m);
    await term.type('hello');
    await term.send('Enter');
    await term.waitFor(/partition 0, offset 0/);
    await term.send('C-d');
    assert.equal(await term.waitForExit(), 0);
    assert.match(await term.screen(), /Produced 1 message to gamma-new/);
  } finally {
    await term.close();
  }
  const c = await kt(['consume', '-t', 'gamma-new', '--from-beginning', '--exit', '-b', B]);
  assert.equal(c.out, 'hello\n');
});

test('without a terminal the same commands never wait: exit 2 and nothing on stdout', async () => {
  for (const args of [['consume', '-b', B, '--from-beginning', '-n', '2'], ['groups', 'describe', '-b', B]]) {
    const r = await kt(args, { env: termEnv(), timeoutMs: 10_000 });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.out, '');
    assert.match(r.stderr, /kt: error: missing /);
  }
});
