// Behaviour every PartitionLog must have, run against the disk and the memory log alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ATTR_TIMESTAMP_LOG_APPEND, Codec, buildBatch, checkBatch, readBatchHeader } from '../../../src/protocol/recordBatch.js';
import { KafkaError } from '../../../src/protocol/errors.js';
import { IMPLS, batch, batchesOf, recordsOf } from './helpers.js';

const T0 = 1_700_000_000_000;

for (const impl of IMPLS) {
  const name = (s: string) => `${impl.name}: ${s}`;

  test(name('append assigns contiguous offsets and reads return the records'), () => {
    const log = impl.open();
    assert.equal(log.logEndOffset, 0);
    const r1 = log.append(batch(3, { prefix: 'a' }));
    const r2 = log.append(batch(2, { prefix: 'b' }));
    assert.deepEqual([r1.baseOffset, r2.baseOffset], [0, 3]);
    assert.equal(r1.logAppendTime, -1);
    assert.equal(log.logEndOffset, 5);
    const recs = recordsOf(log.read(0, 1 << 20));
    assert.deepEqual(recs.map((r) => `${r.offset}:${r.value}`), ['0:a-0', '1:a-1', '2:a-2', '3:b-0', '4:b-1']);
    log.close();
  });

  test(name('a payload of several batches is appended in one go'), () => {
    const log = impl.open();
    const payload = Buffer.concat([batch(2, { prefix: 'x' }), batch(3, { prefix: 'y' })]);
    const r = log.append(payload);
    assert.equal(r.baseOffset, 0);
    assert.equal(log.logEndOffset, 5);
    const bs = batchesOf(log.read(0, 1 << 20));
    assert.deepEqual(bs.map((b) => [b.baseOffset, b.lastOffset]), [[0, 1], [2, 4]]);
    log.close();
  });

  test(name('stored batches keep a valid CRC and have partitionLeaderEpoch 0'), () => {
    const log = impl.open();
    log.append(batch(1));
    log.append(batch(2, { partitionLeaderEpoch: 7 }));
    const buf = Buffer.concat(log.read(0, 1 << 20).chunks);
    const second = readBatchHeader(buf, readBatchHeader(buf, 0).size);
    assert.equal(second.baseOffset, 1);
    assert.equal(second.partitionLeaderEpoch, 0);
    assert.equal(checkBatch(buf, 0), null);
    assert.equal(checkBatch(buf, readBatchHeader(buf, 0).size), null);
    log.close();
  });

  test(name('every offset reads from the batch containing it, across segment rolls'), () => {
    // ~150-byte batches, 1 KiB segments, an index entry every 300 bytes
    const log = impl.open({ 'segment.bytes': '1024', 'index.interval.bytes': '300' });
    const sizes: number[] = [];
    for (let i = 0; i < 60; i++) {
      const n = 1 + (i % 4);
      sizes.push(n);
      log.append(batch(n, { prefix: `b${i}`, valueSize: 20 }));
    }
    const total = sizes.reduce((a, b) => a + b, 0);
    assert.equal(log.logEndOffset, total);
    const segs = log.describeSegments();
    assert.ok(segs.length > 5, `expected several segments, got ${segs.length}`);
    for (const s of segs.slice(0, -1)) assert.ok(s.size <= 1024, `segment ${s.baseOffset} is ${s.size} bytes`);
    for (let i = 1; i < segs.length; i++) assert.equal(segs[i].baseOffset, segs[i - 1].nextOffset);
    for (let offset = 0; offset < total; offset++) {
      const bs = batchesOf(log.read(offset, 1));
      assert.equal(bs.length, 1, `offset ${offset}`);
      assert.ok(bs[0].baseOffset <= offset && offset <= bs[0].lastOffset, `offset ${offset} read batch ${bs[0].baseOffset}..${bs[0].lastOffset}`);
    }
    // Walking the whole log with small reads sees every record once, in order.
    const seen: number[] = [];
    for (let next = 0; next < total;) {
      const recs = recordsOf(log.read(next, 400)).filter((r) => r.offset >= next);
      assert.ok(recs.length > 0);
      for (const r of recs) seen.push(r.offset);
      next = recs[recs.length - 1].offset + 1;
    }
    assert.deepEqual(seen, Array.from({ length: total }, (_, i) => i));
    log.close();
  });

  test(name('reading at the log end offset is empty; outside the log is OFFSET_OUT_OF_RANGE'), () => {
    const log = impl.open();
    assert.deepEqual(log.read(0, 100), { chunks: [], bytes: 0 });
    log.append(batch(2));
    assert.equal(log.read(2, 1 << 20).bytes, 0);
    assert.throws(() => log.read(3, 100), (e: unknown) => e instanceof KafkaError && e.name === 'OFFSET_OUT_OF_RANGE');
    assert.throws(() => log.read(-1, 100), (e: unknown) => e instanceof KafkaError && e.name === 'OFFSET_OUT_OF_RANGE');
    log.close();
  });

  test(name('maxBytes: at least one whole batch, otherwise never more than maxBytes'), () => {
    const log = impl.open({ 'index.interval.bytes': '0' });
    const sizes: number[] = [];
    for (let i = 0; i < 20; i++) {
      const b = batch(1 + (i % 3), { valueSize: 30 + i * 7 });
      sizes.push(b.length);
      log.append(b);
    }
    for (const maxBytes of [0, 1, 60, sizes[0], sizes[0] + sizes[1] - 1, sizes[0] + sizes[1], 500, 10_000]) {
      const r = log.read(0, maxBytes);
      const bs = batchesOf(r);
      assert.ok(bs.length >= 1, `maxBytes ${maxBytes}`);
      assert.equal(bs[0].baseOffset, 0);
      if (bs.length > 1) assert.ok(r.bytes <= maxBytes, `maxBytes ${maxBytes} returned ${r.bytes}`);
      // greedy: the next batch would not have fitted
      const next = sizes[bs.length];
      if (next !== undefined && maxBytes >= sizes[0]) assert.ok(r.bytes + next > maxBytes, `maxBytes ${maxBytes} stopped early at ${r.bytes}`);
    }
    log.close();
  });

  test(name('a batch larger than maxBytes and larger than the index interval is still returned whole'), () => {
    const log = impl.open({ 'index.interval.bytes': '100' });
    log.append(batch(1, { valueSize: 10 }));
    log.append(batch(5, { valueSize: 3000 }));
    log.append(batch(1, { valueSize: 10 }));
    const bs = batchesOf(log.read(3, 10));
    assert.equal(bs.length, 1);
    assert.deepEqual([bs[0].baseOffset, bs[0].lastOffset], [1, 5]);
    assert.ok(bs[0].size > 15000);
    log.close();
  });

  test(name('invalid payloads are rejected and leave the log unchanged'), () => {
    const log = impl.open({ 'max.message.bytes': '500' });
    log.append(batch(1));
    const corrupt = batch(2);
    corrupt[corrupt.length - 1] ^= 0xff;
    const code = (n: string) => (e: unknown) => e instanceof KafkaError && e.name === n;
    assert.throws(() => log.append(corrupt), code('CORRUPT_MESSAGE'));
    assert.throws(() => log.append(Buffer.alloc(0)), code('CORRUPT_MESSAGE'));
    assert.throws(() => log.append(batch(1, { valueSize: 600 })), code('MESSAGE_TOO_LARGE'));
    assert.throws(() => log.append(Buffer.concat([batch(1), Buffer.from([1, 2, 3])])), code('CORRUPT_MESSAGE'));
    assert.equal(log.logEndOffset, 1);
    assert.equal(log.append(batch(1)).baseOffset, 1);
    log.close();
  });

  test(name('LogAppendTime topics stamp batches with the broker time and keep the CRC valid'), () => {
    const log = impl.open({ 'message.timestamp.type': 'LogAppendTime' });
    const r = log.append(batch(2, { timestamp: 1000 }), T0);
    assert.equal(r.logAppendTime, T0);
    const buf = Buffer.concat(log.read(0, 1 << 20).chunks);
    const h = readBatchHeader(buf);
    assert.equal(h.maxTimestamp, T0);
    assert.ok(h.attributes & ATTR_TIMESTAMP_LOG_APPEND);
    assert.equal(checkBatch(buf, 0), null);
    assert.deepEqual(log.offsetForTimestamp(T0), { offset: 0, timestamp: T0 });
    log.close();
  });

  test(name('offsetForTimestamp finds the first record at or after a timestamp'), () => {
    const log = impl.open({ 'segment.bytes': '600', 'index.interval.bytes': '200' });
    // batch i holds records at T0 + 10*i, T0 + 10*i + 1, ...; one out-of-order batch
    for (let i = 0; i < 30; i++) {
      const ts = i === 15 ? T0 - 5000 : T0 + 10 * i;
      log.append(batch(3, { timestamp: ts, valueSize: 20 }));
    }
    assert.ok(log.describeSegments().length > 3);
    assert.deepEqual(log.offsetForTimestamp(T0 - 10_000), { offset: 0, timestamp: T0 });
    assert.deepEqual(log.offsetForTimestamp(T0 + 50), { offset: 15, timestamp: T0 + 50 });
    assert.deepEqual(log.offsetForTimestamp(T0 + 151), { offset: 48, timestamp: T0 + 160 });
    assert.equal(log.offsetForTimestamp(T0 + 10_000), null);
    assert.deepEqual(log.maxTimestampOffset(), { offset: 87, timestamp: T0 + 290 });
    log.close();
  });

  test(name('offsetForTimestamp reads record timestamps inside a gzip batch'), () => {
    const log = impl.open();
    const records = [0, 5, 10].map((d) => ({ key: null, value: Buffer.from('x'), timestamp: T0 + d }));
    log.append(batch(1, { timestamp: T0 - 100 }));
    log.append(buildBatch(records, { codec: Codec.Gzip }));
    assert.deepEqual(log.offsetForTimestamp(T0 + 3), { offset: 2, timestamp: T0 + 5 });
    log.close();
  });

  test(name('deleteRecordsBefore moves the log start offset and drops whole segments below it'), () => {
    const log = impl.open({ 'segment.bytes': '400' });
    for (let i = 0; i < 20; i++) log.append(batch(2, { valueSize: 40 }));
    const before = log.describeSegments().length;
    assert.equal(log.deleteRecordsBefore(15), 15);
    assert.equal(log.logStartOffset, 15);
    assert.ok(log.describeSegments().length < before);
    assert.ok(log.describeSegments()[0].baseOffset <= 15);
    assert.throws(() => log.read(14, 100), (e: unknown) => e instanceof KafkaError && e.name === 'OFFSET_OUT_OF_RANGE');
    const bs = batchesOf(log.read(15, 1));
    assert.deepEqual([bs[0].baseOffset, bs[0].lastOffset], [14, 15]);
    assert.equal(log.deleteRecordsBefore(3), 15, 'never moves backwards');
    assert.throws(() => log.deleteRecordsBefore(41), (e: unknown) => e instanceof KafkaError && e.name === 'OFFSET_OUT_OF_RANGE');
    assert.equal(log.deleteRecordsBefore(40), 40);
    assert.equal(log.read(40, 100).bytes, 0);
    assert.equal(log.append(batch(1)).baseOffset, 40);
    assert.equal(log.append(batch(1)).logStartOffset, 40);
    log.close();
  });

  test(name('retention.ms deletes old segments, never the active one'), () => {
    const log = impl.open({ 'segment.bytes': '300', 'retention.ms': '1000' }, { now: T0 });
    for (let i = 0; i < 6; i++) log.append(batch(1, { timestamp: T0 + i * 100, valueSize: 150 }), T0 + i * 100);
    const segs = log.describeSegments();
    assert.ok(segs.length >= 3);
    log.maintain(T0 + 1000); // nothing older than 1000 ms yet
    assert.equal(log.describeSegments().length, segs.length);
    log.maintain(T0 + 1250); // batches at T0, T0+100, T0+200 are older than 1000 ms
    const left = log.describeSegments();
    assert.ok(left.length < segs.length);
    assert.ok(left.every((s) => s.maxTimestamp >= T0 + 250 || s === left[left.length - 1]));
    assert.equal(log.logStartOffset, left[0].baseOffset);
    log.maintain(T0 + 1_000_000);
    assert.equal(log.describeSegments().length, 1, 'the active segment stays');
    assert.equal(log.logEndOffset, 6);
    log.close();
  });

  test(name('retention.bytes deletes the oldest segments beyond the size limit'), () => {
    const log = impl.open({ 'segment.bytes': '500', 'retention.bytes': '1000' });
    for (let i = 0; i < 20; i++) log.append(batch(1, { valueSize: 150 }));
    assert.ok(log.sizeBytes > 2000);
    log.maintain(Date.now());
    assert.ok(log.sizeBytes <= 1000 + 500, `size ${log.sizeBytes}`);
    assert.ok(log.sizeBytes > 500);
    assert.ok(log.logStartOffset > 0);
    assert.equal(batchesOf(log.read(log.logStartOffset, 1))[0].baseOffset, log.logStartOffset);
    log.close();
  });

  test(name('cleanup.policy=compact disables deletion by retention'), () => {
    const log = impl.open({ 'segment.bytes': '300', 'retention.ms': '1', 'cleanup.policy': 'compact' });
    for (let i = 0; i < 5; i++) log.append(batch(1, { valueSize: 150, timestamp: T0 }));
    const n = log.describeSegments().length;
    log.maintain(T0 + 10_000);
    assert.equal(log.describeSegments().length, n);
    log.close();
  });

  test(name('segment.ms rolls on append and in maintain'), () => {
    const log = impl.open({ 'segment.ms': '1000' }, { now: T0 });
    log.append(batch(1), T0);
    log.append(batch(1), T0 + 500);
    assert.equal(log.describeSegments().length, 1);
    log.append(batch(1), T0 + 1500);
    assert.deepEqual(log.describeSegments().map((s) => s.baseOffset), [0, 2]);
    log.maintain(T0 + 2600);
    assert.deepEqual(log.describeSegments().map((s) => s.baseOffset), [0, 2, 3]);
    log.maintain(T0 + 9000); // an empty active segment does not roll
    assert.equal(log.describeSegments().length, 3);
    log.close();
  });
}
