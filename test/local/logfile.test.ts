// The pieces under the local broker's log: the escaping every broker log line goes through,
// and the log file that neither throws nor retries in a loop when the disk fails.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { escapeLogLine, brokerLog } from '../../src/broker/logLine.js';
import { LogFile } from '../../src/local/logFile.js';
import { tempDir } from '../helpers.js';
import { mode } from './helpers.js';

test('escapeLogLine: one line, no control characters, no line separators or bidi overrides', () => {
  assert.equal(escapeLogLine('plain text: /path/x-0 \\ "q"'), 'plain text: /path/x-0 \\ "q"');
  assert.equal(escapeLogLine('a\nb\r\nc\td'), 'a\\nb\\r\\nc\\td');
  assert.equal(escapeLogLine('\u0000\u001b[31m\u007f\u0085'), '\\x00\\x1b[31m\\x7f\\x85');
  assert.equal(escapeLogLine('x\u2028y\u2029z\u202egnp.exe\u2066'), 'x\\u2028y\\u2029z\\u202egnp.exe\\u2066');
  assert.equal(escapeLogLine('grüße ✓ 日本'), 'grüße ✓ 日本');
});

test('brokerLog: escaped lines, and a sink that throws loses the line, not the caller', () => {
  const lines: string[] = [];
  brokerLog((l) => lines.push(l))('client a\nb');
  assert.deepEqual(lines, ['client a\\nb']);
  assert.doesNotThrow(() => brokerLog(() => { throw new Error('ENOSPC'); })('x'));
});

test('LogFile: mode 0600; a failing file is not retried for a while, then the loss is reported', () => {
  const dir = tempDir();
  const file = path.join(dir, 'local.log');
  fs.writeFileSync(file, '', { mode: 0o644 });
  fs.chmodSync(file, 0o644);
  let now = Date.parse('2030-01-01T00:00:00Z');
  const log = new LogFile(file, () => now);
  log.write('first');
  assert.equal(mode(file).toString(8), '600');
  assert.match(fs.readFileSync(file, 'utf8'), /^\[2030-01-01T00:00:00\.000Z\] first\n$/);
  log.close();

  // a full disk
  const full = path.join(dir, 'full.log');
  fs.symlinkSync('/dev/full', full);
  const failing = new LogFile(full, () => now);
  failing.write('lost 1');
  // The disk has room again, but within the retry pause nothing is tried: no I/O per line.
  fs.rmSync(full);
  for (let i = 2; i <= 1000; i++) failing.write(`lost ${i}`);
  assert.equal(fs.existsSync(full), false, 'a line was written during the pause');
  now += 10_000;
  failing.write('back');
  const text = fs.readFileSync(full, 'utf8').split('\n');
  assert.match(text[0], /^\[2030-01-01T00:00:10\.000Z\] 1000 log line\(s\) lost: cannot write .*full\.log: ENOSPC/);
  assert.equal(text[1], '[2030-01-01T00:00:10.000Z] back');
  failing.close();
});
