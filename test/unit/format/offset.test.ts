import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOffset, parseDuration, resolveStartOffset } from '../../../src/format/offset.js';
import { parsePartitionFlags } from '../../../src/format/partitions.js';

const parsePartitionList = (values: string[]) => parsePartitionFlags(values, '--partition');
import { UsageError } from '../../../src/cli/errors.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');

test('named positions', () => {
  for (const s of ['earliest', 'beginning', 'EARLIEST']) assert.deepEqual(parseOffset(s), { kind: 'earliest' });
  for (const s of ['latest', 'end']) assert.deepEqual(parseOffset(s), { kind: 'latest' });
});

test('absolute, relative to end, relative to start', () => {
  assert.deepEqual(parseOffset('42'), { kind: 'absolute', offset: 42 });
  assert.deepEqual(parseOffset('0'), { kind: 'absolute', offset: 0 });
  assert.deepEqual(parseOffset('-5'), { kind: 'fromEnd', count: 5 });
  assert.deepEqual(parseOffset('+3'), { kind: 'fromStart', count: 3 });
});

test('timestamps: ms, ISO-8601, durations', () => {
  assert.deepEqual(parseOffset('@1700000000000'), { kind: 'timestamp', ms: 1700000000000 });
  assert.deepEqual(parseOffset('@2024-05-01T12:00:00Z'), { kind: 'timestamp', ms: NOW });
  assert.deepEqual(parseOffset('@2024-05-01T14:00:00+02:00'), { kind: 'timestamp', ms: NOW });
  assert.deepEqual(parseOffset('@2024-05-01'), { kind: 'timestamp', ms: Date.parse('2024-05-01') });
  assert.deepEqual(parseOffset('@-1h', NOW), { kind: 'timestamp', ms: NOW - 3_600_000 });
  assert.deepEqual(parseOffset('@-15m', NOW), { kind: 'timestamp', ms: NOW - 900_000 });
  assert.deepEqual(parseOffset('@-2d', NOW), { kind: 'timestamp', ms: NOW - 172_800_000 });
  assert.deepEqual(parseOffset('@-30s', NOW), { kind: 'timestamp', ms: NOW - 30_000 });
  assert.deepEqual(parseOffset('@-1h30m', NOW), { kind: 'timestamp', ms: NOW - 5_400_000 });
});

test('anything outside the grammar is a usage error listing the grammar', () => {
  for (const bad of ['foo', '', '1.5', '--1', '+-1', '@', '@abc', '@-1x', '@-h', '@2024-13-45T99:99:99Z', 'latest+1', '12abc', '@-', ' ']) {
    assert.throws(
      () => parseOffset(bad, NOW),
      (e: unknown) => e instanceof UsageError && e.exitCode === 2 && /earliest\|beginning/.test(e.message) && /@-<duration>/.test(e.message),
      `expected '${bad}' to be rejected`,
    );
  }
});

test('a number too large is rejected, not rounded', () => {
  assert.throws(() => parseOffset('99999999999999999999'), UsageError);
});

test('durations', () => {
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('1w'), 604_800_000);
  assert.equal(parseDuration('1h1s'), 3_601_000);
  assert.equal(parseDuration('1'), null);
  assert.equal(parseDuration('h'), null);
});

test('resolveStartOffset places the start inside [low, high]', () => {
  const b = { low: 10, high: 20 };
  assert.equal(resolveStartOffset({ kind: 'earliest' }, b), 10);
  assert.equal(resolveStartOffset({ kind: 'latest' }, b), 20);
  assert.equal(resolveStartOffset({ kind: 'absolute', offset: 15 }, b), 15);
  assert.equal(resolveStartOffset({ kind: 'absolute', offset: 5 }, b), 10);
  assert.equal(resolveStartOffset({ kind: 'absolute', offset: 50 }, b), 20);
  assert.equal(resolveStartOffset({ kind: 'fromEnd', count: 3 }, b), 17);
  assert.equal(resolveStartOffset({ kind: 'fromEnd', count: 30 }, b), 10);
  assert.equal(resolveStartOffset({ kind: 'fromStart', count: 3 }, b), 13);
  assert.equal(resolveStartOffset({ kind: 'fromStart', count: 30 }, b), 20);
  assert.equal(resolveStartOffset({ kind: 'timestamp', ms: 1 }, { ...b, timestampOffset: 12 }), 12);
  assert.equal(resolveStartOffset({ kind: 'timestamp', ms: 1 }, { ...b, timestampOffset: -1 }), 20);
  assert.equal(resolveStartOffset({ kind: 'timestamp', ms: 1 }, b), 20);
});

test('partition lists', () => {
  assert.deepEqual(parsePartitionList(['0,2', '1', '2']), [0, 2, 1]);
  assert.throws(() => parsePartitionList(['a']), UsageError);
  assert.throws(() => parsePartitionList(['-1']), UsageError);
  assert.throws(() => parsePartitionList(['1,,2']), UsageError);
});
