// The one TOPIC[:P,P...] / P,P... parser (src/format/partitions.ts) and its errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePartitionFlags, parsePartitions, parseTopicPartitions } from '../../../src/format/partitions.js';
import { parseTopicScope } from '../../../src/format/groups.js';
import { parseTopicPartitionArg } from '../../../src/format/cluster.js';
import { UsageError } from '../../../src/cli/errors.js';

test('partition lists: spaces ignored, duplicates dropped, order kept', () => {
  assert.deepEqual(parsePartitions('0', '--partition'), [0]);
  assert.deepEqual(parsePartitions('2, 0,2 ,1', '--partition'), [2, 0, 1]);
  assert.deepEqual(parsePartitions('2147483647', '--partition'), [2147483647]);
  assert.deepEqual(parsePartitionFlags(['0,2', '1', '2'], '--partition'), [0, 2, 1]);
});

test('TOPIC and TOPIC:P,P', () => {
  assert.deepEqual(parseTopicPartitions('orders', 'argument'), { topic: 'orders', partitions: null });
  assert.deepEqual(parseTopicPartitions('orders:3,1', 'argument'), { topic: 'orders', partitions: [3, 1] });
  assert.deepEqual(parseTopicPartitions('my.topic_1-x:0', 'argument'), { topic: 'my.topic_1-x', partitions: [0] });
});

test('every caller gives the same answer for the same text', () => {
  assert.deepEqual(parseTopicScope('orders:2,0,2'), { topic: 'orders', partitions: [0, 2] }); // sorted, as Apache prints scopes
  assert.deepEqual(parseTopicPartitionArg('orders:2,0,2'), { topic: 'orders', regex: false, partitions: { kind: 'set', partitions: [2, 0] } });
  for (const bad of ['orders:', ':1', 'orders:a', 'orders:1:2', '', 'orders:1,,2', 'orders:-1', 'orders:2147483648']) {
    for (const parse of [(a: string) => parseTopicScope(a), (a: string) => parseTopicPartitionArg(a), (a: string) => parseTopicPartitions(a, 'x')]) {
      assert.throws(() => parse(bad), UsageError, bad);
    }
  }
});

function fails(f: () => unknown, message: RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof UsageError && e.exitCode === 2 && !e.message.includes('\n') && message.test(e.message), String(message));
}

test('errors: one line, exit 2, naming the flag, the whole text and the bad part', () => {
  fails(() => parsePartitions('a', '--partition'), /^invalid --partition 'a': invalid partition 'a'$/);
  fails(() => parsePartitions('1,,2', '--partitions'), /^invalid --partitions '1,,2': empty partition in the list$/);
  fails(() => parsePartitions('-1', '--partition'), /invalid partition '-1'/);
  fails(() => parsePartitions('1.5', '--partition'), /invalid partition '1\.5'/);
  fails(() => parsePartitions('99999999999', '--partition'), /partition 99999999999 is out of range \(max 2147483647\)/);
  fails(() => parsePartitionFlags(['0', 'x'], '--partition'), /^invalid --partition 'x'/);
  fails(() => parseTopicPartitions(':1', 'argument'), /^invalid argument ':1': missing topic name$/);
  fails(() => parseTopicPartitions('', '--topic'), /^invalid --topic '': missing topic name$/);
  fails(() => parseTopicPartitions('orders:', '--topic'), /^invalid --topic 'orders:': missing partitions after ':'$/);
  fails(() => parseTopicPartitions('a:1:2', '--topic'), /more than one ':'/);
  fails(() => parseTopicPartitions('events:x', '--topic'), /^invalid --topic 'events:x': invalid partition 'x'$/);
  // the hint says what is expected
  assert.throws(() => parseTopicPartitions('orders:', 'argument'), (e: unknown) => /TOPIC:PARTITION/.test(String((e as { hint?: string }).hint)));
});
