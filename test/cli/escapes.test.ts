// One escape rule for every flag and property that takes text with backslash escapes
// (--format, --delimiter, key.separator, line.separator, ...): `\xHH` is one byte, as kcat
// has it, other text is UTF-8. A real produce with one of them, read back by a real consume
// with another, must give the same bytes; a bad escape is a one-line usage error (exit 2)
// naming the flag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forTheFile, kt, testBroker } from '../helpers.js';

const broker = await forTheFile(testBroker());
const B = broker.bootstrap;
let n = 0;
const topicName = (p: string) => `${p}-${process.pid}-${++n}`;

async function consume(topic: string, extra: string[]): Promise<Buffer> {
  const c = await kt(['consume', '-b', B, '-t', topic, '--from-beginning', '--exit', ...extra]);
  assert.equal(c.code, 0, c.stderr);
  return c.stdout;
}

test("--delimiter '\\xff' and --format '%v\\xff' agree: 0xff is one byte both ways", async () => {
  const t = topicName('esc-ff');
  const input = Buffer.concat([Buffer.from('a'), Buffer.of(0xff), Buffer.from('é'), Buffer.of(0xff), Buffer.from('c'), Buffer.of(0xff)]);
  const p = await kt(['produce', '-b', B, '-t', t, '--delimiter', '\\xff', '--quiet'], { stdin: input });
  assert.equal(p.code, 0, p.stderr);
  // three records, each read back with the same one-byte delimiter: the input again
  assert.deepEqual(await consume(t, ['--format', '%v\\xff']), input);
  // and with the Apache formatter's line.separator
  assert.deepEqual(await consume(t, ['--property', 'line.separator=\\xff']), input);
});

test('key.separator \\xfe on produce and in --format / Apache key.separator on consume agree', async () => {
  const t = topicName('esc-fe');
  const input = Buffer.concat([Buffer.from('k1'), Buffer.of(0xfe), Buffer.from('v1\n'), Buffer.from('k2'), Buffer.of(0xfe), Buffer.from('v2\n')]);
  const p = await kt(['produce', '-b', B, '-t', t, '--property', 'parse.key=true', '--property', 'key.separator=\\xfe', '--quiet'], { stdin: input });
  assert.equal(p.code, 0, p.stderr);
  assert.deepEqual(await consume(t, ['--format', '%k\\xfe%v\\n']), input);
  assert.deepEqual(await consume(t, ['--property', 'print.key=true', '--property', 'key.separator=\\xfe']), input);
});

test('a bad escape is a one-line usage error naming the flag, exit 2', async () => {
  const cases: [string[], RegExp][] = [
    [['produce', '-t', 'x', '--delimiter', '\\q'], /--delimiter/],
    [['produce', '-t', 'x', '--delimiter', '\\xZ1'], /--delimiter/],
    [['produce', '-t', 'x', '--property', 'key.separator=\\x'], /key\.separator/],
    [['consume', '-t', 'x', '--format', '%v\\q'], /--format/],
    [['consume', '-t', 'x', '--format', '%v\\'], /--format/],
    [['consume', '-t', 'x', '--property', 'line.separator=\\xg0'], /line\.separator/],
  ];
  for (const [args, flag] of cases) {
    const r = await kt([...args, '-b', '127.0.0.1:1'], { stdin: '' });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n').filter((l) => !/^\s*(hint|try|see)\b/i.test(l));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], flag);
    assert.match(lines[0], /escape/);
  }
});
