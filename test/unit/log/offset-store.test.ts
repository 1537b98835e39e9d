// Committed offsets: semantics (disk and memory alike), durability, torn tails, compaction.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { OffsetStoreImpl } from '../../../src/broker/log/offsetStore.js';
import { tempDir } from './helpers.js';

const entry = (topic: string, partition: number, offset: number, metadata: string | null = null) =>
  ({ topic, partition, offset, leaderEpoch: 3, metadata });

const IMPLS = [
  { name: 'disk', open: () => new OffsetStoreImpl(path.join(tempDir(), 'offsets.log')) },
  { name: 'memory', open: () => new OffsetStoreImpl() },
];

for (const impl of IMPLS) {
  test(`${impl.name}: commit, get, list, groups, deletes`, () => {
    const s = impl.open();
    s.commit('g1', [entry('a', 0, 10, 'm'), entry('a', 1, 20), entry('b', 0, 5)], 1000);
    s.commit('g1', [entry('a', 0, 11)], 2000);
    s.commit('g2', [entry('a', 0, 99)], 3000);
    assert.deepEqual(s.get('g1', 'a', 0), { offset: 11, leaderEpoch: 3, metadata: null, commitTimestamp: 2000 });
    assert.equal(s.get('g1', 'c', 0), undefined);
    assert.deepEqual(s.list('g1').map((o) => `${o.topic}/${o.partition}=${o.offset}`), ['a/0=11', 'a/1=20', 'b/0=5']);
    assert.deepEqual(s.groups().sort(), ['g1', 'g2']);
    s.deleteOffsets('g1', 'a', 1);
    assert.equal(s.get('g1', 'a', 1), undefined);
    s.deleteOffsets('g1', 'b');
    assert.deepEqual(s.list('g1').map((o) => o.topic), ['a']);
    s.setGroupMeta('g3', { protocolType: 'consumer' });
    assert.deepEqual(s.groupMeta('g3'), { protocolType: 'consumer' });
    assert.ok(s.groups().includes('g3'), 'metadata alone makes a group');
    s.deleteTopic('a');
    assert.deepEqual(s.groups().sort(), ['g3'], 'groups left with nothing disappear');
    s.deleteGroup('g3');
    assert.deepEqual(s.groups(), []);
    s.close();
  });
}

test('committed offsets survive a reopen', () => {
  const file = path.join(tempDir(), 'offsets.log');
  const s = new OffsetStoreImpl(file);
  s.commit('g', [entry('t', 0, 1), entry('t', 1, 2, 'hello')], 5);
  s.setGroupMeta('g', { protocolType: 'consumer', generation: 4 });
  s.deleteOffsets('g', 't', 0);
  s.commit('h', [entry('t', 0, 7)], 6);
  s.deleteGroup('h');
  // no close(): every call is durable on its own
  const again = new OffsetStoreImpl(file);
  assert.deepEqual(again.list('g'), [{ topic: 't', partition: 1, offset: 2, leaderEpoch: 3, metadata: 'hello', commitTimestamp: 5 }]);
  assert.deepEqual(again.groupMeta('g'), { protocolType: 'consumer', generation: 4 });
  assert.deepEqual(again.groups(), ['g']);
  again.close();
  s.close();
});

test('commit() fsyncs once per call, however many partitions it holds', () => {
  const spy = mock.method(fs, 'fdatasyncSync');
  try {
    const s = new OffsetStoreImpl(path.join(tempDir(), 'offsets.log'));
    const before = spy.mock.callCount();
    s.commit('g', Array.from({ length: 100 }, (_, i) => entry('t', i, i)));
    assert.equal(spy.mock.callCount() - before, 1);
    s.close();
  } finally {
    spy.mock.restore();
  }
});

for (const [what, damage] of [
  ['cut inside the last entry', (f: string) => fs.truncateSync(f, fs.statSync(f).size - 3)],
  ['cut inside the last entry header', (f: string) => fs.truncateSync(f, fs.statSync(f).size - lastEntrySize(f) + 5)],
  ['garbage appended', (f: string) => fs.appendFileSync(f, Buffer.from([0, 0, 0, 4, 1, 2, 3, 4, 9, 9, 9, 9]))],
] as const) {
  test(`a torn tail (${what}) is dropped; earlier commits are kept and new ones continue`, () => {
    const file = path.join(tempDir(), 'offsets.log');
    const s = new OffsetStoreImpl(file);
    s.commit('g', [entry('t', 0, 1)]);
    s.commit('g', [entry('t', 1, 2)]);
    s.commit('g', [entry('t', 0, 3)]);
    s.close();
    const goodSize = fs.statSync(file).size;
    damage(file);
    const messages: string[] = [];
    const again = new OffsetStoreImpl(file, (m) => messages.push(m));
    const expected0 = what.startsWith('cut') ? 1 : 3;
    assert.equal(again.get('g', 't', 0)?.offset, expected0);
    assert.equal(again.get('g', 't', 1)?.offset, 2);
    assert.equal(messages.length, 1, messages.join('\n'));
    assert.ok(fs.statSync(file).size <= goodSize);
    again.commit('g', [entry('t', 2, 30)]);
    again.close();
    const third = new OffsetStoreImpl(file);
    assert.equal(third.get('g', 't', 2)?.offset, 30);
    assert.equal(third.get('g', 't', 0)?.offset, expected0);
    third.close();
  });
}

function lastEntrySize(file: string): number {
  const buf = fs.readFileSync(file);
  let pos = 0;
  let size = 0;
  while (pos < buf.length) {
    size = buf.readUInt32BE(pos) + 8;
    pos += size;
  }
  return size;
}

test('a corrupt entry in the middle is skipped and reported; the entries after it are kept', () => {
  const file = path.join(tempDir(), 'offsets.log');
  const s = new OffsetStoreImpl(file);
  s.commit('g', [entry('t', 0, 1), entry('t', 1, 10)]);
  const firstEnd = s.fileSize;
  s.commit('g', [entry('t', 0, 2), entry('t', 1, 20)]);
  s.commit('g', [entry('t', 0, 3)]);
  s.close();
  const buf = fs.readFileSync(file);
  buf[firstEnd + 12] ^= 0x20; // inside the second entry's JSON
  fs.writeFileSync(file, buf);
  const messages: string[] = [];
  const again = new OffsetStoreImpl(file, (m) => messages.push(m));
  assert.equal(again.get('g', 't', 0)?.offset, 3, 'the later commit survives');
  assert.equal(again.get('g', 't', 1)?.offset, 10, 'only the damaged commit is lost: the one before it applies');
  assert.ok(messages.some((m) => m.includes('damaged entry') && m.includes('CRC32C mismatch')), messages.join('\n'));
  again.close();
  // The file was rewritten from the state: the damage is reported once.
  const quiet: string[] = [];
  const third = new OffsetStoreImpl(file, (m) => quiet.push(m));
  assert.equal(third.get('g', 't', 0)?.offset, 3);
  assert.ok(!quiet.some((m) => m.includes('damaged')), quiet.join('\n'));
  third.close();
});

test('the file is compacted when it outgrows its live data, and the state survives', () => {
  const file = path.join(tempDir(), 'offsets.log');
  const messages: string[] = [];
  const s = new OffsetStoreImpl(file, (m) => messages.push(m), { minCompactBytes: 16 * 1024 });
  let written = 0;
  for (let i = 0; i < 600; i++) {
    s.commit('group', [entry('topic', i % 4, i, 'some metadata to make it grow')]);
    written += 1;
  }
  assert.ok(messages.some((m) => m.includes('compacted')), 'compaction ran');
  assert.ok(fs.statSync(file).size < 16 * 1024 + 1000, `file is ${fs.statSync(file).size} bytes`);
  s.close();
  const again = new OffsetStoreImpl(file);
  for (let p = 0; p < 4; p++) assert.equal(again.get('group', 'topic', p)?.offset, written - 4 + p);
  again.close();
});

test('at open a mostly superseded file is rewritten as a snapshot', () => {
  const file = path.join(tempDir(), 'offsets.log');
  const s = new OffsetStoreImpl(file);
  for (let i = 0; i < 200; i++) s.commit('g', [entry('t', 0, i)]);
  s.close();
  const big = fs.statSync(file).size;
  assert.ok(big > 8 * 1024);
  const again = new OffsetStoreImpl(file);
  assert.ok(fs.statSync(file).size < 200, `${fs.statSync(file).size} bytes after compaction`);
  assert.equal(again.get('g', 't', 0)?.offset, 199);
  again.close();
  assert.ok(!fs.existsSync(`${file}.tmp`));
});
