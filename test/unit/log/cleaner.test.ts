// Compaction (cleanup.policy=compact), on the disk and the memory log alike: latest value per
// key, tombstones and delete.retention.ms, min.compaction.lag.ms, the dirty ratio, codecs,
// sparse batches, merged segments, null keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaError } from '../../../src/protocol/errors.js';
import { Codec, batchesIn, buildBatch, readBatchHeader, readRecords } from '../../../src/protocol/recordBatch.js';
import { IMPLS, kv, readAll, type AnyLog } from './helpers.js';

/** Writes `rounds` updates of keys k0..k{keys-1}, one record per batch; returns offset -> [key, value]. */
function updates(log: AnyLog, keys: number, rounds: number, opts: { timestamp?: number; now?: number } = {}): Map<number, [string, string]> {
  const written = new Map<number, [string, string]>();
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < keys; k++) {
      const v = `v${r}`.padEnd(40, '.');
      const { baseOffset } = log.append(kv([[`k${k}`, v]], { timestamp: opts.timestamp }), opts.now);
      written.set(baseOffset, [`k${k}`, v]);
    }
  }
  return written;
}

/** Appends unique-key filler until the log has rolled past everything written so far. */
function rollPast(log: AnyLog, now?: number): void {
  const end = log.logEndOffset;
  for (let i = 0; log.describeSegments().at(-1)!.baseOffset < end; i++) log.append(kv([[`filler-${end}-${i}`, 'f'.repeat(40)]]), now);
}

const activeBase = (log: AnyLog) => log.describeSegments().at(-1)!.baseOffset;

for (const impl of IMPLS) {
  const name = (s: string) => `${impl.name}: ${s}`;
  const compact = (extra: Record<string, string> = {}) => ({ 'cleanup.policy': 'compact', 'segment.bytes': '700', ...extra });

  test(name('compaction keeps the latest record per key, at its original offset'), () => {
    const log = impl.open(compact());
    const written = updates(log, 5, 10);
    rollPast(log);
    const before = readAll(log);
    const segsBefore = log.describeSegments().length;
    const result = log.clean(Date.now());
    assert.ok(result, 'a first pass runs: everything is dirty');
    const after = readAll(log);
    const cleanedPart = after.filter((r) => r.offset < activeBase(log));
    const keys = cleanedPart.filter((r) => r.key.startsWith('k')).map((r) => r.key);
    assert.deepEqual(keys.sort(), ['k0', 'k1', 'k2', 'k3', 'k4'], 'each key once');
    for (const r of cleanedPart.filter((x) => x.key.startsWith('k'))) {
      assert.deepEqual(written.get(r.offset), [r.key, 'v9'.padEnd(40, '.')], `k${r.key} has its last value at its offset`);
    }
    // fillers (unique keys) all kept, offsets unchanged; the log end and start did not move
    assert.deepEqual(after.filter((r) => r.key.startsWith('filler')), before.filter((r) => r.key.startsWith('filler')));
    assert.equal(log.logStartOffset, 0);
    assert.equal(result.recordsRemoved, 45);
    assert.ok(log.sizeBytes < before.length * 100);
    // a second pass right away finds nothing dirty
    assert.equal(log.clean(Date.now()), null);
    // groups are formed by size before cleaning (as Kafka does): the next pass merges the now
    // small segments, and changes no record
    assert.equal(log.describeSegments().length, segsBefore);
    log.clean(Date.now(), true);
    assert.ok(log.describeSegments().length < segsBefore / 2, `${log.describeSegments().length} segments after merging ${segsBefore}`);
    assert.deepEqual(readAll(log), after);
    // appends continue at the same end offset
    const end = log.logEndOffset;
    assert.equal(log.append(kv([['k0', 'new']])).baseOffset, end);
    log.close();
  });

  test(name('a batch that loses records keeps its base offset and lastOffsetDelta; every offset still reads'), () => {
    const log = impl.open(compact({ 'segment.bytes': '100000' }));
    log.append(kv([['a', '1'], ['b', '1'], ['c', '1'], ['d', '1']])); // offsets 0-3
    log.append(kv([['b', '2']])); // 4
    log.append(kv([['d', '2']])); // 5
    log.append(kv([['e', '1'], ['f', '1']])); // 6-7: all superseded below
    log.append(kv([['e', '2'], ['f', '2']])); // 8-9
    (log as unknown as { roll(now: number): void }).roll(Date.now());
    log.append(kv([['g', '1']])); // 10, active
    log.clean(Date.now(), true);
    const batches = [...batchesIn(Buffer.concat(log.read(0, 1 << 20).chunks))].map(([, h]) => [h.baseOffset, h.lastOffsetDelta, h.recordCount]);
    assert.deepEqual(batches, [[0, 3, 2], [4, 0, 1], [5, 0, 1], [8, 1, 2]], 'sparse first batch, emptied batch 6-7 gone');
    assert.deepEqual(readAll(log).map((r) => `${r.offset}:${r.key}=${r.value}`), ['0:a=1', '2:c=1', '4:b=2', '5:d=2', '8:e=2', '9:f=2', '10:g=1']);
    // a fetch at any offset gets the batch holding it or the next one (readers skip the gaps)
    const firstBatchAt = (o: number) => readBatchHeader(Buffer.concat(log.read(o, 1).chunks)).baseOffset;
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(firstBatchAt), [0, 0, 0, 0, 4, 5, 8, 8, 8, 8, 10]);
    log.close();
  });

  test(name('tombstones remove older values at once and disappear after delete.retention.ms'), () => {
    const T = Date.now();
    const log = impl.open(compact({ 'segment.bytes': '100000', 'delete.retention.ms': '60000' }), { now: T });
    log.append(kv([['a', '1'], ['b', '1']]), T);
    log.append(kv([['a', null]]), T); // tombstone for a at offset 2
    (log as unknown as { roll(now: number): void }).roll(T);
    log.append(kv([['c', '1']]), T);
    log.clean(T + 10);
    assert.deepEqual(readAll(log).map((r) => `${r.offset}:${r.key}=${r.value}`), ['1:b=1', '2:a=null', '3:c=1'], 'tombstone kept, a=1 gone');
    assert.equal(log.clean(T + 30_000), null, 'nothing due before delete.retention.ms');
    const result = log.clean(T + 61_000);
    assert.ok(result, 'the kept tombstone makes a pass due without new dirty data');
    assert.equal(result.tombstonesRemoved, 1);
    assert.deepEqual(readAll(log).map((r) => `${r.offset}:${r.key}=${r.value}`), ['1:b=1', '3:c=1']);
    assert.equal(log.clean(T + 200_000), null, 'no tombstone left to expire');
    log.close();
  });

  test(name('min.compaction.lag.ms keeps young segments (and everything after them) uncleaned'), () => {
    const T = Date.now();
    const log = impl.open(compact({ 'min.compaction.lag.ms': '10000' }));
    updates(log, 3, 10, { timestamp: T });
    rollPast(log);
    const n = readAll(log).length;
    assert.equal(log.clean(T + 5000), null, 'records are younger than the lag');
    assert.equal(log.clean(T + 5000, true), null, 'even a forced pass has nothing cleanable');
    assert.equal(readAll(log).length, n);
    assert.ok(log.clean(T + 20_000), 'old enough now');
    assert.ok(readAll(log).length < n);
    log.close();
  });

  test(name('a pass runs only while the dirty ratio exceeds min.cleanable.dirty.ratio, or max.compaction.lag.ms passed'), () => {
    const log = impl.open(compact({ 'min.cleanable.dirty.ratio': '0.5' }));
    for (let i = 0; i < 60; i++) log.append(kv([[`u${i}`, 'x'.repeat(40)]])); // unique keys: stays large when cleaned
    rollPast(log);
    assert.ok(log.clean(Date.now()), 'all dirty: ratio 1');
    // a little new data: ratio well below 0.5
    log.append(kv([['u1', 'y'.repeat(40)]]));
    rollPast(log);
    assert.equal(log.clean(Date.now()), null);
    log.updateConfig({ ...(log as unknown as { config: object }).config, minCleanableDirtyRatio: 0.5, maxCompactionLagMs: 1 } as never);
    assert.ok(log.clean(Date.now() + 5000), 'max.compaction.lag.ms forces the pass');
    assert.equal(readAll(log).filter((r) => r.key === 'u1').length, 1);
    log.close();
  });

  test(name('gzip batches are cleaned and recompressed; batches in codecs not available here are kept whole'), () => {
    const messages: string[] = [];
    const log = impl.open(compact({ 'segment.bytes': '100000' }), { log: (m) => messages.push(m) });
    log.append(kv([['a', '1'], ['b', '1'], ['c', '1']], { codec: Codec.Gzip })); // 0-2
    log.append(kv([['a', '0'], ['z', '0']], { attributes: Codec.Snappy })); // 3-4: flagged snappy, unreadable here
    log.append(kv([['b', '2'], ['z', '1']], { codec: Codec.Gzip })); // 5-6
    (log as unknown as { roll(now: number): void }).roll(Date.now());
    log.append(kv([['x', '1']]));
    log.clean(Date.now(), true);
    const buf = Buffer.concat(log.read(0, 1 << 20).chunks);
    const hs = [...batchesIn(buf)].map(([pos, h]) => ({ pos, h }));
    assert.deepEqual(hs.map(({ h }) => [h.baseOffset, h.lastOffsetDelta, h.recordCount, h.attributes & 7]), [[0, 2, 2, 1], [3, 1, 2, 2], [5, 1, 2, 1]]);
    assert.deepEqual(readRecords(buf, hs[0].pos).map((r) => `${r.offset}:${r.key}`), ['0:a', '2:c'], 'b was superseded; a stays (its newer value is unreadable)');
    assert.equal(messages.filter((m) => m.includes('cannot read')).length, 1);
    log.clean(Date.now(), true);
    assert.equal(messages.filter((m) => m.includes('cannot read')).length, 1, 'logged once per partition');
    log.close();
  });

  test(name('snappy, lz4 and zstd batches are cleaned and recompressed in their own codec'), () => {
    const log = impl.open(compact({ 'segment.bytes': '100000' }));
    const codecs = [Codec.Snappy, Codec.Lz4, Codec.Zstd];
    for (const codec of codecs) log.append(kv([['a', `old-${codec}`], [`only-${codec}`, 'kept']], { codec })); // a superseded each time
    log.append(kv([['a', 'latest']]));
    (log as unknown as { roll(now: number): void }).roll(Date.now());
    log.append(kv([['x', '1']]));
    log.clean(Date.now(), true);
    const buf = Buffer.concat(log.read(0, 1 << 20).chunks);
    const hs = [...batchesIn(buf)].map(([pos, h]) => ({ pos, h }));
    assert.deepEqual(hs.slice(0, 3).map(({ h }) => [h.baseOffset, h.recordCount, h.attributes & 7]), codecs.map((c, i) => [i * 2, 1, c]));
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(readRecords(buf, hs[i].pos).map((r) => `${r.offset}:${r.key}=${r.value}`), [`${i * 2 + 1}:only-${codecs[i]}=kept`]);
    }
    log.close();
  });

  test(name('records without a key are refused on compacted topics, accepted elsewhere'), () => {
    const log = impl.open(compact());
    const noKey = buildBatch([{ key: null, value: Buffer.from('v') }]);
    assert.throws(() => log.append(noKey), (e: unknown) => e instanceof KafkaError && e.name === 'INVALID_RECORD');
    assert.throws(() => log.append(buildBatch([{ key: null, value: Buffer.from('v') }], { codec: Codec.Gzip })), KafkaError);
    assert.equal(log.logEndOffset, 0);
    log.close();
    const plain = impl.open({});
    assert.equal(plain.append(buildBatch([{ key: null, value: Buffer.from('v') }])).baseOffset, 0);
    plain.close();
  });

  test(name('compact,delete applies retention and compaction; DeleteRecords below the cleaned part'), () => {
    const log = impl.open(compact({ 'cleanup.policy': 'compact,delete', 'retention.bytes': '1500' }));
    updates(log, 4, 20);
    rollPast(log);
    log.maintain(Date.now());
    assert.ok(log.logStartOffset > 0, 'retention.bytes deleted the oldest segments');
    assert.ok(log.sizeBytes <= 1500 + 700);
    const recs = readAll(log);
    assert.equal(new Set(recs.filter((r) => r.offset < activeBase(log)).map((r) => r.key)).size, recs.filter((r) => r.offset < activeBase(log)).length);
    log.close();
  });
}

test('a gzip bomb on a compacted topic is neither inflated past the limit nor a crash', async () => {
  const { gzipSync } = await import('node:zlib');
  const { rawRecords } = await import('../../../src/broker/log/cleaner.js');
  // a valid batch header around ~80 KiB of gzip that inflates to 80 MiB of zeros (the limit is 64 MiB)
  const bomb = gzipSync(Buffer.alloc(80 << 20), { level: 9 });
  const b = kv([['k', 'v']], { codec: Codec.Gzip });
  const out = Buffer.concat([b.subarray(0, 61), bomb]);
  out.writeInt32BE(out.length - 12, 8);
  const { decompressedLimit } = await import('../../../src/protocol/compression.js');
  const started = Date.now();
  assert.ok(rawRecords(out, decompressedLimit(1048588)) === null, 'unreadable, so left as it is');
  assert.ok(Date.now() - started < 5000);
});
