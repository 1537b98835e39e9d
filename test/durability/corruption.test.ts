// Bit rot after crashes: the broker process is killed with SIGKILL while acks=all producers
// write (flush.messages=1), then one bit is flipped in a batch of a rolled segment (and, once,
// in an entry in the middle of consumer-offsets.log) before it is started again. After every
// restart: the high watermark has not gone back; every acknowledged record is at its
// acknowledged offset except those of the damaged batches; each of those offsets is answered
// CORRUPT_MESSAGE (a reader steps past them) and the broker's log names the damaged range;
// new records get new offsets; committed offsets after the damaged entry are all there.
//
// KT_CORRUPTION_CYCLES sets the number of kill-flip-restart cycles (default 4).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { Fetch } from '../../src/broker/protocol/apis/fetch.js';
import { batchesIn, readRecords } from '../../src/broker/protocol/recordBatch.js';
import { WireClient } from '../../src/broker/wireClient.js';
import { startChildBroker, tempDir, type ChildBroker } from './helpers.js';

const CYCLES = Number(process.env.KT_CORRUPTION_CYCLES ?? 4);
const TOPIC = 'rot';
const GROUPS = 21;
const BATCHES_PER_CYCLE = 60;
const RECORDS_PER_BATCH = 20;
const CORRUPT_MESSAGE = 2;

const kafkaFor = (b: ChildBroker) => new Kafka({
  clientId: 'corruption-test', brokers: [b.bootstrap], logLevel: logLevel.NOTHING,
  connectionTimeout: 5000, requestTimeout: 30000, retry: { retries: 5 },
});

/** Every record of partition 0 from 0 to the high watermark; offsets answered CORRUPT_MESSAGE are stepped over. */
async function readPastDamage(port: number): Promise<{ records: Map<number, string>; reported: number[]; highWatermark: number }> {
  const c = await WireClient.connect('127.0.0.1', port);
  try {
    const records = new Map<number, string>();
    const reported: number[] = [];
    let next = 0;
    let highWatermark = 0;
    for (let first = true; first || next < highWatermark; first = false) {
      const r = await c.request(Fetch, 11, {
        maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20,
        topics: [{ topic: TOPIC, partitions: [{ partition: 0, fetchOffset: next, partitionMaxBytes: 1 << 20 }] }],
      });
      const p = r.responses[0].partitions[0];
      highWatermark = p.highWatermark;
      if (p.errorCode === CORRUPT_MESSAGE) {
        reported.push(next);
        next++; // what a consumer does: seek past it
        continue;
      }
      assert.equal(p.errorCode, 0, `fetch at ${next}`);
      const buf = p.records ?? Buffer.alloc(0);
      let progressed = false;
      for (const [pos, h] of batchesIn(buf)) {
        for (const rec of readRecords(buf, pos)) {
          if ((rec.offset as number) >= next) records.set(rec.offset as number, rec.value?.toString() ?? '');
        }
        next = h.baseOffset + h.lastOffsetDelta + 1;
        progressed = true;
      }
      if (!progressed && next < highWatermark) throw new Error(`fetch at ${next} returned nothing below the high watermark ${highWatermark}`);
    }
    return { records, reported, highWatermark };
  } finally {
    c.close();
  }
}

function flipByte(file: string, at: number): void {
  const fd = fs.openSync(file, 'r+');
  const b = Buffer.alloc(1);
  fs.readSync(fd, b, 0, 1, at);
  b[0] ^= 0x08;
  fs.writeSync(fd, b, 0, 1, at);
  fs.closeSync(fd);
}

/** Flips a bit inside the records of a random batch of a random rolled segment; returns its offsets. */
function rot(dir: string, spared: Set<number>): { from: number; to: number; segment: string } {
  const segments = fs.readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
  assert.ok(segments.length >= 3, `${segments.length} segments`);
  for (;;) {
    const segment = segments[Math.floor(Math.random() * (segments.length - 1))]; // never the active one
    const file = path.join(dir, segment);
    const batches = [...batchesIn(fs.readFileSync(file))];
    const [pos, h] = batches[Math.floor(Math.random() * batches.length)];
    if (spared.has(h.baseOffset)) continue; // one flip per batch
    flipByte(file, pos + 61 + Math.floor(Math.random() * (h.size - 61))); // in the records, under the CRC
    return { from: h.baseOffset, to: h.baseOffset + h.lastOffsetDelta + 1, segment };
  }
}

/** Flips a bit in the JSON of entry `n` of a journal ([length u32][crc32c u32][json] entries). */
function rotEntry(file: string, n: number): void {
  const buf = fs.readFileSync(file);
  let pos = 0;
  for (let i = 0; i < n; i++) pos += 8 + buf.readUInt32BE(pos);
  flipByte(file, pos + 8 + 5);
}

test(`corruption: ${CYCLES} SIGKILL + bit flip cycles; only the damaged batches are lost, each is reported`, { timeout: 600_000 }, async () => {
  const root = tempDir();
  let broker = await startChildBroker(root);
  const dir = path.join(root, 'topics', `${TOPIC}-0`);
  const admin = kafkaFor(broker).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1, configEntries: [{ name: 'flush.messages', value: '1' }, { name: 'segment.bytes', value: '16384' }] }] });
  await admin.disconnect();

  const acked = new Map<number, string>();
  const damaged = new Set<number>();
  const damagedBases = new Set<number>();
  let highWatermark = 0;
  try {
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const producer = kafkaFor(broker).producer({ allowAutoTopicCreation: false, idempotent: false });
      await producer.connect();
      for (let b = 0; b < BATCHES_PER_CYCLE; b++) {
        const values = Array.from({ length: RECORDS_PER_BATCH }, (_, i) => `c${cycle}-b${b}-r${i}-${'x'.repeat(40)}`);
        const [meta] = await producer.send({ topic: TOPIC, acks: -1, messages: values.map((value) => ({ value, partition: 0 })) });
        values.forEach((v, i) => acked.set(Number(meta.baseOffset) + i, v));
      }
      await producer.disconnect();
      if (cycle === 0) {
        // One OffsetCommit (one journal entry) per group: group gi at offset i + 1.
        const a = kafkaFor(broker).admin();
        await a.connect();
        for (let i = 0; i < GROUPS; i++) await a.setOffsets({ groupId: `g${i}`, topic: TOPIC, partitions: [{ partition: 0, offset: String(i + 1) }] });
        await a.disconnect();
      }
      const before = (await readPastDamage(broker.port)).highWatermark;
      assert.equal(before, acked.size);

      await broker.kill();
      const hit = rot(dir, damagedBases);
      damagedBases.add(hit.from);
      for (let o = hit.from; o < hit.to; o++) damaged.add(o);
      if (cycle === 0) rotEntry(path.join(root, 'consumer-offsets.log'), Math.floor(GROUPS / 2));
      broker = await startChildBroker(root);

      const { records, reported, highWatermark: hw } = await readPastDamage(broker.port);
      assert.equal(hw, before, 'the high watermark does not go back');
      assert.ok(hw >= highWatermark);
      highWatermark = hw;
      assert.deepEqual(reported, [...damaged].sort((x, y) => x - y), 'exactly the damaged offsets are reported');
      for (const [offset, value] of acked) {
        if (damaged.has(offset)) assert.ok(!records.has(offset));
        else assert.equal(records.get(offset), value, `acknowledged offset ${offset}`);
      }
      assert.equal(records.size, acked.size - damaged.size);
      assert.match(broker.output(), new RegExp(`offsets ${hit.from}\\.\\.${hit.to - 1} are in damaged data at byte \\d+ of segment ${hit.segment}`));
      assert.doesNotMatch(broker.output(), /deleted segment|truncated to/);
      if (cycle === 0) {
        assert.match(broker.output(), /consumer-offsets\.log: damaged entry at bytes \d+\.\.\d+ \(CRC32C mismatch\): skipped/);
        const a = kafkaFor(broker).admin();
        await a.connect();
        for (let i = 0; i < GROUPS; i++) {
          const [t] = await a.fetchOffsets({ groupId: `g${i}`, topics: [TOPIC] });
          assert.equal(t.partitions[0].offset, i === Math.floor(GROUPS / 2) ? '-1' : String(i + 1), `group g${i}`);
        }
        await a.disconnect();
      }
      console.log(`cycle ${cycle + 1}: ${records.size} of ${acked.size} acknowledged records verified, ${damaged.size} in ${damagedBases.size} damaged batch(es) reported`);
    }
    // New records still get new offsets.
    const producer = kafkaFor(broker).producer({ allowAutoTopicCreation: false, idempotent: false });
    await producer.connect();
    const [meta] = await producer.send({ topic: TOPIC, acks: -1, messages: [{ value: 'after', partition: 0 }] });
    await producer.disconnect();
    assert.equal(Number(meta.baseOffset), highWatermark);
    const { code } = await broker.stop();
    assert.equal(code, 0);
  } finally {
    if (broker.proc.exitCode === null && broker.proc.signalCode === null) await broker.kill();
  }
});
