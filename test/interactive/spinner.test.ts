// src/cli/spinner.ts: nothing for short waits, one redrawn line on a terminal for long ones,
// erased at the end; never on a pipe, with TERM=dumb or in CI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { spinnerEnabled, startSpinner, withSpinner } from '../../src/cli/spinner.js';

type FakeTTY = Writable & { isTTY: boolean; columns: number; text: () => string; until: (check: (text: string) => boolean) => Promise<void> };
function fakeTTY(): FakeTTY {
  const chunks: string[] = [];
  let waiters: Array<() => void> = [];
  const s = new Writable({
    write(c, _e, cb) {
      chunks.push(String(c));
      const w = waiters;
      waiters = [];
      for (const f of w) f();
      cb();
    },
  }) as FakeTTY;
  s.isTTY = true;
  s.columns = 40;
  s.text = () => chunks.join('');
  // resolves once what was written satisfies `check` (waits on writes, not on the clock)
  s.until = async (check) => {
    // the spinner's timers are unref'd: keep the event loop alive while waiting for them
    const keepAlive = setInterval(() => undefined, 1000);
    try {
      while (!check(s.text())) await new Promise<void>((r) => waiters.push(r));
    } finally {
      clearInterval(keepAlive);
    }
  };
  return s;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ENV = { LANG: 'C.UTF-8' };

test('a wait shorter than the delay draws nothing', async () => {
  const s = fakeTTY();
  const v = await withSpinner('connecting', sleep(20).then(() => 7), { stream: s, env: ENV, delayMs: 200 });
  assert.equal(v, 7);
  await sleep(250);
  assert.equal(s.text(), '');
});

test('a long wait draws frames on one line, shows updates, and erases the line at the end', async () => {
  const s = fakeTTY();
  const sp = startSpinner('connecting to 127.0.0.1:9092', { stream: s, env: ENV, delayMs: 30, intervalMs: 20 });
  await s.until((t) => t.split('\r').length > 3);
  sp.update('describing 400 partitions and a very long label that does not fit');
  await s.until((t) => t.includes('describing'));
  sp.stop();
  sp.stop();
  const text = s.text();
  assert.match(text, /^\r⠋ connecting to 127\.0\.0\.1:9092\u001b\[K/);
  assert.ok(text.split('\r').length > 3, 'redrawn in place');
  assert.match(text, /\r. describing 400 partitions and a very…\u001b\[K/, 'cut to the terminal width');
  assert.ok(text.endsWith('\r\u001b[K'), 'the line is erased');
  assert.ok(!text.includes('\n'), 'never a new line');
  const after = text.length;
  await sleep(60);
  assert.equal(s.text().length, after, 'nothing after stop');
});

test('an error in the work still erases the spinner and propagates', async () => {
  const s = fakeTTY();
  // the work fails once the spinner has drawn (waiting on the write, not on the clock)
  const work = async () => {
    await s.until((t) => t.length > 0);
    throw new Error('boom');
  };
  await assert.rejects(withSpinner('x', work, { stream: s, env: ENV, delayMs: 10, intervalMs: 10 }), /boom/);
  assert.match(s.text(), /^\r. x\u001b\[K/, 'drawn');
  assert.ok(s.text().endsWith('\r\u001b[K'), 'and erased');
});

test('never on a pipe, with TERM=dumb or in CI; ASCII frames without a UTF-8 locale', async () => {
  assert.equal(spinnerEnabled({ isTTY: false }, {}), false);
  assert.equal(spinnerEnabled({ isTTY: true }, { TERM: 'dumb' }), false);
  assert.equal(spinnerEnabled({ isTTY: true }, { CI: 'true' }), false);
  assert.equal(spinnerEnabled({ isTTY: true }, { CI: '0' }), true);
  const pipe = fakeTTY();
  pipe.isTTY = false;
  const sp = startSpinner('x', { stream: pipe, env: {}, delayMs: 1, intervalMs: 5 });
  await sleep(30);
  sp.stop();
  assert.equal(pipe.text(), '');
  const ascii = fakeTTY();
  const sp2 = startSpinner('x', { stream: ascii, env: { LANG: 'C' }, delayMs: 1, intervalMs: 5 });
  await sleep(30);
  sp2.stop();
  assert.match(ascii.text(), /^\r\| x/);
});
