// kt's client-side record batch codec (src/client/records.ts) against the two other
// implementations in the project: the broker's buildBatch/readRecords and kafkajs's
// RecordBatch encoder / decoder (with its Batch filtering). Encoding must be byte for byte
// the same given the same header fields; decoding must yield the same records.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import { ATTR_TRANSACTIONAL, buildBatch, checkBatch, readRecords, setBaseOffset, type Record } from '../../../src/protocol/recordBatch.js';
import { markerBatch } from '../../../src/broker/txn/markers.js';
import type { ConsumedRecord, Header } from '../../../src/format/record.js';
import { BatchEncoder, murmur2, partitionForKey } from '../../../src/client/records.js';
import { decodeBatches, inflate, LegacyFormatError } from '../../../src/client/recordDecoder.js';

const require = createRequire(import.meta.url);

interface Rec {
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Header[];
}

const T0 = 1_732_579_200_000;

function sample(n: number, seed = 1): Rec[] {
  let x = seed;
  const rnd = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const out: Rec[] = [];
  for (let i = 0; i < n; i++) {
    const r = rnd();
    const key = r < 0.2 ? null : Buffer.from(`key-${i}-${'k'.repeat(Math.floor(rnd() * 200))}`);
    const value = r > 0.9 ? null : Buffer.from(`value ${i} ${'v'.repeat(Math.floor(rnd() * 300))} é`);
    const headers: Header[] = rnd() < 0.3 ? [['h1', Buffer.from(`x${i}`)], ['ünï', null], ['h1', Buffer.alloc(0)]] : [];
    // deltas below, above and far from the first timestamp (varlong beyond 32 bits)
    const timestamp = i === 3 ? T0 - 5000 : i === 7 ? T0 + 2 ** 36 : T0 + Math.floor(rnd() * 100_000);
    out.push({ timestamp, key, value, headers });
  }
  return out;
}

function encode(records: Rec[], fields: Parameters<BatchEncoder['sealSync']>[0] = {}, headroom = 0): Buffer {
  const e = new BatchEncoder(64, headroom);
  for (const r of records) {
    if (r.headers.length === 0 && r.value !== null) e.appendValue(r.timestamp, r.key, r.value, 0, r.value.length);
    else e.append(r.timestamp, r.key, r.value, r.headers);
  }
  return Buffer.from(e.sealSync(fields));
}

const asBroker = (records: Rec[]): Record[] => records.map((r) => ({ timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers.map(([key, value]) => ({ key, value })) }));

describe('BatchEncoder', () => {
  test('byte for byte the broker\'s buildBatch (uncompressed), and a valid batch', () => {
    for (const n of [1, 2, 50, 700]) {
      const records = sample(n, n);
      const mine = encode(records, { partitionLeaderEpoch: 0 });
      const theirs = buildBatch(asBroker(records), { partitionLeaderEpoch: 0 });
      assert.equal(mine.toString('hex'), theirs.toString('hex'), `${n} records`);
      assert.equal(checkBatch(mine, 0), null);
    }
  });

  test('appendValue takes the value from a slice of a larger buffer; headroom does not change the batch', () => {
    const src = Buffer.from('xxhello worldyy');
    const a = new BatchEncoder(16, 100);
    a.appendValue(T0, Buffer.from('k'), src, 2, 13);
    a.appendValue(T0 + 1, null, null, 0, 0);
    const batch = Buffer.from(a.sealSync({ partitionLeaderEpoch: 0 }));
    assert.equal(a.frameStart, 100);
    assert.equal(a.frame!.subarray(100, 100 + batch.length).toString('hex'), batch.toString('hex'));
    const b = buildBatch([{ timestamp: T0, key: Buffer.from('k'), value: Buffer.from('hello world') }, { timestamp: T0 + 1, key: null, value: null }], { partitionLeaderEpoch: 0 });
    assert.equal(batch.toString('hex'), b.toString('hex'));
  });

  test('values from input in the same memory as the batch (copyWithin) encode as from any buffer, up to and past the capacity', () => {
    // one allocation: an input area, then the batch buffer (as DirectProducerSession.inputBuffer)
    const values = Array.from({ length: 40 }, (_, i) => Buffer.from(`line ${i} ${'x'.repeat(i * 7)}`));
    const input = Buffer.concat(values.map((v) => Buffer.concat([v, Buffer.from('\n')])));
    const records: Rec[] = values.map((v, i) => ({ timestamp: T0 + (i % 3), key: i % 5 === 0 ? Buffer.from('k') : null, value: v, headers: [] }));
    const reference = encode(records, { partitionLeaderEpoch: 0 });
    // capacities: roomy; exactly the records (the last one fills the buffer to its end); a few
    // bytes short (the encoder grows out of the shared memory in the middle of the batch)
    const exact = reference.length + 5; // appendValue keeps 5 bytes of slack after a record
    for (const capacity of [reference.length * 2, exact, exact - 3, 300]) {
      const headroom = 24;
      const memory = Buffer.alloc(input.length + capacity + headroom + 64, 0xee);
      const src = memory.subarray(0, input.length);
      input.copy(src);
      const slot = memory.subarray(input.length + 32, input.length + 32 + capacity + headroom);
      const e = new BatchEncoder(capacity, headroom, slot);
      assert.equal(e.buffer, slot, 'the encoder writes into the given memory');
      let at = 0;
      records.forEach((r, i) => {
        e.appendValue(r.timestamp, r.key, src, at, at + values[i].length);
        at += values[i].length + 1;
      });
      const batch = e.sealSync({ partitionLeaderEpoch: 0 });
      assert.equal(batch.toString('hex'), reference.toString('hex'), `capacity ${capacity}`);
      assert.equal(e.buffer === slot, capacity >= exact, `capacity ${capacity}: grew out of the shared memory`);
      // the bytes around the batch buffer are untouched, and so is the input
      assert.ok(memory.subarray(input.length, input.length + 32).every((b) => b === 0xee));
      assert.ok(memory.subarray(input.length + 32 + capacity + headroom).every((b) => b === 0xee));
      assert.equal(src.toString('hex'), input.toString('hex'));
    }
  });

  test('value sources in turn: input after the batch in one memory, node\'s shared pool, their own memory; a read buffer rewritten between records', () => {
    const values = ['first', '', 'é€𝄞 bytes', 'x'.repeat(700), 'last one'].map((s) => Buffer.from(s));
    const expected = encode(values.map((v) => ({ timestamp: T0, key: null, value: v, headers: [] })), { partitionLeaderEpoch: 0 });
    const headroom = 40;
    // the batch first, then the input (the input lies after the batch: srcAt > bufAt)
    const memory = Buffer.alloc(4096 + headroom + 2048, 0xee);
    const slot = memory.subarray(16, 16 + 512 + headroom);
    const input = memory.subarray(4096 + headroom, 4096 + headroom + 1024);
    const e = new BatchEncoder(512, headroom, slot);
    assert.equal(e.buffer, slot);
    // 1: from the shared input, a record at its end
    values[0].copy(input, 1024 - values[0].length);
    e.appendValue(T0, null, input, 1024 - values[0].length, 1024);
    // 2: empty, from the same input
    e.appendValue(T0, null, input, 7, 7);
    // 3: a small Buffer of node's pool (the batch's memory is another)
    const pooled = Buffer.from(values[2]);
    e.appendValue(T0, null, pooled, 0, pooled.length);
    // 4: the same input object again, rewritten since (a read buffer): today's bytes are taken
    input.fill(0x41);
    values[3].copy(input, 3);
    e.appendValue(T0, null, input, 3, 3 + values[3].length); // past the capacity: grows out of the memory
    assert.notEqual(e.buffer, slot);
    input.fill(0x42);
    values[4].copy(input, 0);
    e.appendValue(T0, null, input, 0, values[4].length);
    assert.equal(Buffer.from(e.sealSync({ partitionLeaderEpoch: 0 })).toString('hex'), expected.toString('hex'));
    // nothing outside the slot was written
    assert.ok(memory.subarray(0, 16).every((b) => b === 0xee));
    assert.ok(memory.subarray(16 + 512 + headroom, 4096 + headroom).every((b) => b === 0xee));

    // batch and values both in node's shared pool (allocUnsafe of a small size): copyWithin
    // in the pool's memory, at the right places
    let shared = 0;
    for (let round = 0; round < 20; round++) {
      const small = Buffer.allocUnsafe(300 + headroom);
      const e2 = new BatchEncoder(300, headroom, small);
      const srcs = values.slice(0, 3).map((v) => Buffer.from(v));
      if (srcs.some((x) => x.buffer === small.buffer)) shared++;
      for (const s of srcs) e2.appendValue(T0, null, s, 0, s.length);
      const want = encode(values.slice(0, 3).map((v) => ({ timestamp: T0, key: null, value: v, headers: [] })), { partitionLeaderEpoch: 0 });
      assert.equal(Buffer.from(e2.sealSync({ partitionLeaderEpoch: 0 })).toString('hex'), want.toString('hex'), `round ${round}`);
      assert.ok(srcs.every((s, i) => s.equals(values[i])), 'the sources are untouched');
    }
    assert.ok(shared > 0, 'a batch and its values shared the pool');
  });

  test('every codec: the broker reads back the same records, header fields as given', async () => {
    const records = sample(300, 7);
    for (const codec of [0, 1, 2, 3, 4]) {
      const e = new BatchEncoder(1024, 40);
      for (const r of records) e.append(r.timestamp, r.key, r.value, r.headers);
      const batch = Buffer.from(await e.seal({ codec, producerId: 42, producerEpoch: 3, baseSequence: 9, transactional: true }));
      assert.equal(checkBatch(batch, 0), null, `codec ${codec}`);
      assert.equal(batch.readInt16BE(21) & 0x17, codec | 0x10);
      assert.equal(Number(batch.readBigInt64BE(43)), 42);
      assert.equal(batch.readInt16BE(51), 3);
      assert.equal(batch.readInt32BE(53), 9);
      const back = readRecords(batch);
      assert.equal(back.length, records.length);
      back.forEach((r, i) => {
        assert.equal(r.offset, i);
        assert.equal(r.timestamp, records[i].timestamp);
        assert.deepEqual(r.key, records[i].key);
        assert.deepEqual(r.value, records[i].value);
        assert.deepEqual(r.headers?.map((h) => [h.key, h.value]), records[i].headers);
      });
    }
  });

  test('byte for byte kafkajs\'s RecordBatch encoder (same header fields)', async () => {
    const Long = require('kafkajs/src/utils/long.js');
    const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js');
    const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js');
    // kafkajs's base timestamp is the smallest; give it records in order, headers without repeats
    const records = sample(120, 3)
      .map((r, i) => ({ ...r, timestamp: T0 + i * 13, headers: r.headers.length ? ([['a', Buffer.from('1')], ['b', Buffer.alloc(0)]] as Header[]) : [] })); // kafkajs cannot encode a null header value
    const kjsRecords = records.map((r, i) =>
      Record({
        offsetDelta: i,
        timestampDelta: r.timestamp - T0,
        key: r.key,
        value: r.value,
        headers: Object.fromEntries(r.headers),
      }),
    );
    const enc = await RecordBatch({
      records: kjsRecords,
      firstTimestamp: T0,
      maxTimestamp: records[records.length - 1].timestamp,
      partitionLeaderEpoch: 0,
      lastOffsetDelta: records.length - 1,
      producerId: Long.fromValue(-1),
      producerEpoch: 0,
      firstSequence: 0,
    });
    const mine = encode(records, { partitionLeaderEpoch: 0, producerEpoch: 0, baseSequence: 0 });
    assert.equal(mine.toString('hex'), (enc.buffer as Buffer).toString('hex'));
  });
});

test('murmur2 and the key partition match kafkajs\'s default partitioner', () => {
  const kjsMurmur = require('kafkajs/src/producer/partitioners/default/murmur2.js');
  const createPartitioner = require('kafkajs/src/producer/partitioners/default/index.js');
  const partitioner = createPartitioner();
  const keys = ['', 'a', 'ab', 'abc', 'abcd', 'order-1', 'ünïcödé', 'x'.repeat(1001)].map((k) => Buffer.from(k));
  for (let i = 0; i < 300; i++) keys.push(Buffer.from(`key-${i * 7919}`));
  for (const k of keys) {
    assert.equal(murmur2(k), kjsMurmur(k), k.toString());
    for (const n of [1, 3, 7, 64]) {
      const partitionMetadata = Array.from({ length: n }, (_, i) => ({ partitionId: i, leader: 0 }));
      assert.equal(partitionForKey(k, n), partitioner({ topic: 't', partitionMetadata, message: { key: k } }));
    }
  }
});

describe('decodeBatches', () => {
  const decode = (data: Buffer, o: Partial<Parameters<typeof decodeBatches>[1]> = {}): { records: ConsumedRecord[]; next: number; complete: boolean } => {
    const records: ConsumedRecord[] = [];
    const r = decodeBatches(data, { topic: 't', partition: 2, fetchOffset: 0, endOffset: Infinity, max: Infinity, ...o }, records);
    return { records, ...r };
  };
  /** Batches at consecutive offsets starting at `base`. */
  const log = (batches: Buffer[], base = 0): Buffer => {
    let off = base;
    const out = batches.map((b) => {
      const c = Buffer.from(b);
      setBaseOffset(c, 0, off);
      off += c.readInt32BE(23) + 1;
      return c;
    });
    return Buffer.concat(out);
  };

  test('the same records as the broker\'s readRecords, in every codec', async () => {
    const records = sample(200, 11);
    for (const codec of [0, 1, 2, 3, 4]) {
      const data = log([buildBatch(asBroker(records.slice(0, 120)), { codec }), buildBatch(asBroker(records.slice(120)), { codec })], 1000);
      const got = decode(data, { fetchOffset: 1000 });
      const viaInflate: ConsumedRecord[] = [];
      decodeBatches(data, { topic: 't', partition: 2, fetchOffset: 1000, endOffset: Infinity, max: Infinity }, viaInflate, await inflate(data));
      assert.deepEqual(viaInflate, got.records);
      assert.equal(got.records.length, 200);
      assert.equal(got.next, 1200);
      assert.equal(got.complete, true);
      const theirs = [...readRecords(data, 0), ...readRecords(data, data.readInt32BE(8) + 12)];
      got.records.forEach((r, i) => {
        assert.equal(r.topic, 't');
        assert.equal(r.partition, 2);
        assert.equal(r.offset, theirs[i].offset);
        assert.equal(r.timestamp, theirs[i].timestamp);
        assert.equal(r.timestampType, 0);
        assert.deepEqual(r.key, theirs[i].key);
        assert.deepEqual(r.value, theirs[i].value);
        assert.deepEqual(r.headers, (theirs[i].headers ?? []).map((h) => [h.key, h.value]));
      });
    }
  });

  test('the same records as kafkajs\'s decoder and Batch', async () => {
    const Decoder = require('kafkajs/src/protocol/decoder.js');
    const decodeMessages = require('kafkajs/src/protocol/requests/fetch/v4/decodeMessages.js');
    const Batch = require('kafkajs/src/consumer/batch.js');
    const records = sample(90, 5);
    const data = log([buildBatch(asBroker(records.slice(0, 40))), buildBatch(asBroker(records.slice(40)), { codec: 1 })], 50);
    const framed = Buffer.concat([Buffer.alloc(4), data]);
    framed.writeInt32BE(data.length, 0);
    const messages = await decodeMessages(new Decoder(framed));
    const batch = new Batch('t', '60', { partition: 2, highWatermark: '140', messages });
    const mine = decode(data, { fetchOffset: 60 }).records;
    assert.equal(mine.length, batch.messages.length);
    mine.forEach((r, i) => {
      const m = batch.messages[i];
      assert.equal(String(r.offset), m.offset);
      assert.equal(String(r.timestamp), m.timestamp);
      assert.deepEqual(r.key, m.key);
      assert.deepEqual(r.value, m.value);
      const headers: Header[] = [];
      for (const [k, v] of Object.entries(m.headers as { [k: string]: Buffer | Buffer[] })) for (const x of Array.isArray(v) ? v : [v]) headers.push([k, x ?? null]);
      assert.deepEqual([...r.headers].sort(), headers.sort());
    });
  });

  test('fetch offset inside a batch, end offset and max cut the records; a torn last batch is left', () => {
    const a = buildBatch(asBroker(sample(10, 2)));
    const b = buildBatch(asBroker(sample(10, 3)));
    const data = log([a, b], 100);
    assert.deepEqual(decode(data, { fetchOffset: 104 }).records.map((r) => r.offset), Array.from({ length: 16 }, (_, i) => 104 + i));
    const cut = decode(data, { fetchOffset: 100, endOffset: 113 });
    assert.equal(cut.records.length, 13);
    assert.equal(cut.next, 113);
    assert.equal(cut.complete, false);
    const max = decode(data, { fetchOffset: 102, max: 5 });
    assert.deepEqual(max.records.map((r) => r.offset), [102, 103, 104, 105, 106]);
    assert.equal(max.next, 107);
    const torn = decode(data.subarray(0, data.length - 7), { fetchOffset: 100 });
    assert.equal(torn.records.length, 10);
    assert.equal(torn.next, 110);
    assert.equal(torn.complete, true);
    assert.equal(decode(Buffer.alloc(0), { fetchOffset: 7 }).next, 7);
  });

  test('control batches are skipped; read_committed drops aborted transactions up to their marker', () => {
    const pid = 77;
    const txn = (n: number, seed: number) => buildBatch(asBroker(sample(n, seed)), { producerId: pid, producerEpoch: 0, attributes: ATTR_TRANSACTIONAL });
    const plain = buildBatch(asBroker(sample(3, 9)));
    // 0-4 aborted txn, 5 ABORT marker, 6-8 plain, 9-11 committed txn, 12 COMMIT marker, 13-14 aborted txn, 15 ABORT
    const data = log([txn(5, 1), markerBatch(pid, 0, false), plain, txn(3, 2), markerBatch(pid, 0, true), txn(2, 3), markerBatch(pid, 0, false)]);
    const all = decode(data);
    assert.deepEqual(all.records.map((r) => r.offset), [0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 13, 14]);
    assert.equal(all.next, 16);
    const committed = decode(data, { abortedTransactions: [{ producerId: pid, firstOffset: 13 }, { producerId: pid, firstOffset: 0 }] });
    assert.deepEqual(committed.records.map((r) => r.offset), [6, 7, 8, 9, 10, 11]);
    assert.equal(committed.next, 16);
  });

  test('LogAppendTime batches give every record the batch max timestamp', () => {
    const b = Buffer.from(buildBatch([{ timestamp: T0, key: null, value: Buffer.from('a') }, { timestamp: T0 + 5, key: null, value: Buffer.from('b') }], { attributes: 0x08 }));
    const r = decode(b).records;
    assert.deepEqual(r.map((x) => [x.timestamp, x.timestampType]), [[T0 + 5, 1], [T0 + 5, 1]]);
  });

  test('message format v0/v1 is left to kafkajs', () => {
    const b = Buffer.from(buildBatch([{ key: null, value: Buffer.from('a') }]));
    b[16] = 1;
    assert.throws(() => decode(b), LegacyFormatError);
  });
});

test('crc32c: the JS checksum of small batches equals the native one at every length around the switch', async () => {
  const { crc32c: native } = await import('@node-rs/crc32');
  const { crc32c } = await import('../../../src/client/records.js');
  const data = Buffer.alloc(5000);
  for (let i = 0; i < data.length; i++) data[i] = (i * 131 + 7) & 0xff;
  for (const n of [0, 1, 2, 3, 61, 100, 4095, 4096, 4097, 5000]) {
    assert.equal(crc32c(data.subarray(0, n)), native(data.subarray(0, n)) >>> 0, `length ${n}`);
  }
  // the check value of CRC-32C
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
});
