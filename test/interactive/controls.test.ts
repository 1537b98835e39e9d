// Record values never drive the terminal (issue 16 item 11): on a TTY kt consume shows control
// characters visibly; through a pipe the bytes are unchanged.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { forTheFile, kt, requirePeer, testBroker } from '../helpers.js';
import { visibleControls } from '../../src/format/visible.js';
import { ktLine, Terminal, termEnv } from './terminal.js';

const skip = requirePeer('tmux');
if (skip) console.log(`# skipping the terminal tests: ${skip}`);

const EVIL = '\u001b]2;PWNED\u0007title \u001b[31mred\u001b[0m cr\rdone del\u007f c1\u009b';

const broker = await forTheFile(testBroker());
const B = broker.bootstrap;
before(async () => {
  const p = await kt(['produce', '-t', 'evil', '-b', B, '--input', 'json'], { stdin: `${JSON.stringify({ value: EVIL })}\n` });
  assert.equal(p.code, 0, p.stderr);
});

test('visibleControls: caret notation for C0 and DEL, <U+00XX> for C1, TAB and LF kept', () => {
  assert.equal(visibleControls(Buffer.from(EVIL)).toString(), '^[]2;PWNED^Gtitle ^[[31mred^[[0m cr^Mdone del^? c1<U+009B>');
  const plain = Buffer.from('a\tb\nc');
  assert.equal(visibleControls(plain), plain, 'nothing to do: the same buffer');
});

test('through a pipe the value is the bytes as produced', async () => {
  const c = await kt(['consume', '-t', 'evil', '--from-beginning', '--exit', '-b', B]);
  assert.equal(c.code, 0, c.stderr);
  assert.equal(c.out, `${EVIL}\n`);
});

test('on a terminal the escape sequences are shown, not acted on', { skip: skip || undefined, timeout: 120_000 }, async () => {
  const term = await Terminal.start(ktLine(['consume', '-t', 'evil', '--from-beginning', '--exit', '-b', B]), { env: termEnv() });
  try {
    assert.equal(await term.waitForExit(), 0);
    const screen = await term.screen();
    assert.match(screen, /\^\[\]2;PWNED\^Gtitle \^\[\[31mred\^\[\[0m cr\^Mdone del\^\? c1<U\+009B>/);
  } finally {
    await term.close();
  }
});
