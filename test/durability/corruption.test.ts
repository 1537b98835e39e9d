// Bit rot after crashes: the broker process is killed with SIGKILL while acks=all producers
// write (flush.messages=1), then one bit is flipped in a batch of a rolled segment (and, once,
// in an entry in the middle of consumer-offsets.log) before it is started again. After every
// restart: the high watermark has not gone back; every acknowledged record is at its
// acknowledged offset except those of the damaged batches; each of those offsets is answered
// CORRUPT_MESSAGE (a reader steps past them) and the broker's log names the damaged range;
// new records get new offsets; committed offsets after the damaged entry are all there. At the
// end a kafkajs consumer group reads everything but the damaged batches, moved past each with
// `kt groups reset-offsets`.
//
// KT_CORRUPTION_CYCLES sets the number of kill-flip-restart cycles (default 4). The flips come
// from a seeded generator: KT_CORRUPTION_SEED replays the choices of a run (the seed is printed;
// where the kills land, and so the segments' contents, still vary). Flips may land in
// neighbouring batches (in different cycles): each is still reported by its own offsets.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { Fetch } from '../../src/protocol/apis/fetch.js';
import { OffsetCommit } from '../../src/protocol/apis/offsetCommit.js';
import { batchesIn, readRecords } from '../../src/protocol/recordBatch.js';
import { WireClient } from '../../src/client/wireClient.js';
import { kt } from '../helpers.js';
import { eventually, startChildBroker, tempDir, type ChildBroker } from './helpers.js';

const CYCLES = Number(process.env.KT_CORRUPTION_CYCLES ?? 4);
const TOPIC = 'rot';
const GROUPS = 21;
const WRITERS = 3;
/** Acknowledged records each cycle writes at least before its SIGKILL (enough for 3 segments in the first). */
const MIN_RECORDS_PER_CYCLE = 400;
const RECORDS_PER_BATCH = 20;
const CORRUPT_MESSAGE = 2;
const SEED = Number(process.env.KT_CORRUPTION_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** A seeded generator of numbers in [0, 1) (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const kafkaFor = (b: ChildBroker, retries = 5) => new Kafka({
  clientId: 'corruption-test', brokers: [b.bootstrap], logLevel: logLevel.NOTHING,
  connectionTimeout: 5000, requestTimeout: 30000, retry: { retries },
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
      // Partition 1 (empty) rides along: damage in partition 0 does not concern it.
      const r = await c.request(Fetch, 11, {
        maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20,
        topics: [{ topic: TOPIC, partitions: [{ partition: 0, fetchOffset: next, partitionMaxBytes: 1 << 20 }, { partition: 1, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }],
      });
      const p = r.responses[0].partitions.find((x) => x.partitionIndex === 0)!;
      assert.equal(r.responses[0].partitions.find((x) => x.partitionIndex === 1)?.errorCode, 0);
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

interface Hit { from: number; to: number; segment: string }

/**
 * Flips a bit inside the records of a random batch of a random rolled segment; returns its
 * offsets. With `beside`, the batch right after that one (right before, when it is its
 * segment's last): two damaged batches side by side.
 */
function rot(dir: string, spared: Set<number>, random: () => number, beside?: Hit): Hit {
  const segments = fs.readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
  assert.ok(segments.length >= 3, `${segments.length} segments`);
  for (;;) {
    const segment = beside?.segment ?? segments[Math.floor(random() * (segments.length - 1))]; // never the active one
    const file = path.join(dir, segment);
    const batches = [...batchesIn(fs.readFileSync(file))];
    let i = Math.floor(random() * batches.length);
    if (beside) {
      const at = batches.findIndex(([, h]) => h.baseOffset === beside.from);
      i = at + 1 < batches.length ? at + 1 : at - 1;
    }
    const [pos, h] = batches[i];
    if (spared.has(h.baseOffset)) continue; // one flip per batch
    flipByte(file, pos + 61 + Math.floor(random() * (h.size - 61))); // in the records, under the CRC
    return { from: h.baseOffset, to: h.baseOffset + h.lastOffsetDelta + 1, segment };
  }
}

/** Flips a bit in the JSON of the journal entry ([length u32][crc32c u32][json]) that holds `text`. */
function rotEntry(file: string, text: string): void {
  const buf = fs.readFileSync(file);
  for (let pos = 0; pos < buf.length; pos += 8 + buf.readUInt32BE(pos)) {
    if (buf.subarray(pos + 8, pos + 8 + buf.readUInt32BE(pos)).includes(text)) {
      assert.ok(pos > 0 && pos + 8 + buf.readUInt32BE(pos) < buf.length, 'an entry in the middle');
      flipByte(file, pos + 8 + 5);
      return;
    }
  }
  assert.fail(`no entry holds ${text}`);
}

test(`corruption: ${CYCLES} SIGKILL + bit flip cycles; only the damaged batches are lost, each is reported`, { timeout: 600_000 }, async () => {
  const random = seeded(SEED);
  console.log(`seed ${SEED} (KT_CORRUPTION_SEED=${SEED} replays these flips)`);
  const root = tempDir();
  let broker = await startChildBroker(root);
  const data = path.join(root, 'broker'); // kt local's layout: <root>/broker is the broker's data directory
  const dir = path.join(data, 'topics', `${TOPIC}-0`);
  const admin = kafkaFor(broker).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2, configEntries: [{ name: 'flush.messages', value: '1' }, { name: 'segment.bytes', value: '8192' }] }] });
  await admin.disconnect();

  let verified = 0;
  const acked = new Map<number, string>();
  const damaged = new Set<number>();
  const damagedBases = new Set<number>();
  const hits: Hit[] = [];
  let highWatermark = 0;
  try {
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      if (cycle === 0) {
        // One simple (admin) OffsetCommit, one journal entry, per group: group gi at offset i + 1.
        const c = await WireClient.connect('127.0.0.1', broker.port);
        for (let i = 0; i < GROUPS; i++) {
          const r = await c.request(OffsetCommit, 2, {
            groupId: `g${i}`, generationIdOrMemberEpoch: -1, memberId: '',
            topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, committedOffset: i + 1, committedMetadata: null }] }],
          });
          assert.equal(r.topics[0].partitions[0].errorCode, 0);
        }
        c.close();
      }
      // Writers until the SIGKILL: it comes once enough was written, at a random moment.
      const producer = kafkaFor(broker, 0).producer({ allowAutoTopicCreation: false, idempotent: false });
      await producer.connect();
      let stop = false;
      const ackedBefore = acked.size;
      const writers = Array.from({ length: WRITERS }, async (_, w) => {
        for (let b = 0; !stop; b++) {
          const values = Array.from({ length: RECORDS_PER_BATCH }, (_, i) => `c${cycle}-w${w}-b${b}-r${i}-${'x'.repeat(40)}`);
          try {
            const [meta] = await producer.send({ topic: TOPIC, acks: -1, messages: values.map((value) => ({ value, partition: 0 })) });
            values.forEach((v, i) => acked.set(Number(meta.baseOffset) + i, v));
          } catch {
            return; // the broker is gone
          }
        }
      });
      await eventually('records written', () => acked.size - ackedBefore >= MIN_RECORDS_PER_CYCLE, 120_000);
      await new Promise((r) => setTimeout(r, random() * 500));
      await broker.kill();
      stop = true;
      await Promise.all(writers);
      await producer.disconnect().catch(() => {});

      // The second flip lands beside the first: each is still reported by its own offsets.
      const hit = rot(dir, damagedBases, random, cycle === 1 ? hits[0] : undefined);
      hits.push(hit);
      damagedBases.add(hit.from);
      for (let o = hit.from; o < hit.to; o++) damaged.add(o);
      if (cycle === 0) rotEntry(path.join(data, 'consumer-offsets.log'), `"t":"commit","g":"g${Math.floor(GROUPS / 2)}"`);
      broker = await startChildBroker(root);

      const { records, reported, highWatermark: hw } = await readPastDamage(broker.port);
      assert.ok(hw >= highWatermark, `the high watermark does not go back (${highWatermark} before, ${hw} now)`);
      assert.ok(hw >= Math.max(...acked.keys()) + 1, 'every acknowledged offset is below the high watermark');
      highWatermark = hw;
      assert.deepEqual(reported, [...damaged].sort((x, y) => x - y), 'exactly the damaged offsets are reported');
      for (const [offset, value] of acked) {
        if (damaged.has(offset)) assert.ok(!records.has(offset));
        else assert.equal(records.get(offset), value, `acknowledged offset ${offset}`);
      }
      // Records written but not acknowledged when the broker died may be there too.
      assert.equal(records.size, hw - damaged.size, 'every offset below the high watermark is readable or reported');
      verified = [...acked.keys()].filter((o) => !damaged.has(o)).length;
      // Every damaged batch, of this cycle and the earlier ones, is reported by exactly its
      // offsets: by the read that met it, or at start when its segment was checked (a kill
      // between a roll and its recovery point checkpoint leaves the rolled segment unchecked-for).
      for (const h of hits) {
        assert.match(broker.output(), new RegExp(`offsets ${h.from}\\.\\.${h.to - 1} are in damaged data at byte \\d+ of segment ${h.segment}|segment ${h.segment}: damaged data at bytes \\d+\\.\\.\\d+ \\(CRC32C mismatch\\); offsets ${h.from}\\.\\.${h.to - 1} cannot be read`));
      }
      const reports = broker.output().match(/rot-0: (offsets \d+\.\.\d+ are in damaged data at byte |segment \d+\.log: damaged data at bytes )/g) ?? [];
      assert.equal(reports.length, hits.length, `one report per damaged batch:\n${broker.output()}`);
      // Only a torn tail of the active segment (a write the kill interrupted) may be cut.
      assert.doesNotMatch(broker.output(), /deleted segment/);
      for (const m of broker.output().matchAll(/segment (\d+)\.log: .*truncated to/g)) assert.ok(Number(m[1]) > hit.from, m[0]);
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
      console.log(`cycle ${cycle + 1}: SIGKILL, bit flip in offsets ${hit.from}..${hit.to - 1} of ${hit.segment}, restart: ${verified} of ${acked.size} acknowledged records verified at their offsets; ${damaged.size} offsets in ${damagedBases.size} damaged batch(es) reported; high watermark ${hw}`);
    }
    console.log(`${CYCLES} SIGKILL + bit flip cycles: ${verified} acknowledged records verified, ${damaged.size} lost in ${damagedBases.size} damaged batches, all reported`);
    // A kafkajs consumer group reads every record before a damaged batch and stops there (it
    // retries CORRUPT_MESSAGE); moved past it with `kt groups reset-offsets` (the group
    // stopped), it reads on. In the end it has read every record but the damaged ones.
    const got = new Map<number, string>();
    const ranges: [number, number][] = [];
    for (const o of [...damaged].sort((x, y) => x - y)) {
      if (ranges.length > 0 && ranges[ranges.length - 1][1] === o) ranges[ranges.length - 1][1] = o + 1;
      else ranges.push([o, o + 1]);
    }
    for (let i = 0; i <= ranges.length; i++) {
      const until = i < ranges.length ? ranges[i][0] : highWatermark;
      const consumer = kafkaFor(broker).consumer({ groupId: 'reader', maxWaitTimeInMs: 100, retry: { retries: 1000, initialRetryTime: 100, maxRetryTime: 500 } });
      await consumer.connect();
      await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          if (partition === 0) got.set(Number(message.offset), message.value?.toString() ?? '');
        },
      });
      await eventually(`kafkajs reads up to offset ${until}`, () => {
        for (let o = i === 0 ? 0 : ranges[i - 1][1]; o < until; o++) if (!got.has(o)) return false;
        return true;
      }, 120_000);
      await consumer.stop();
      await consumer.disconnect();
      if (i === ranges.length) break;
      assert.ok(![...got.keys()].some((o) => o >= until), `nothing at or after the damaged offset ${until} is served`);
      const moved = await kt(['groups', 'reset-offsets', 'reader', '--topic', `${TOPIC}:0`, '--to-offset', String(ranges[i][1]), '--execute', '-b', broker.bootstrap]);
      assert.equal(moved.code, 0, moved.stderr);
    }
    assert.equal(got.size, highWatermark - damaged.size);
    for (const [offset, value] of acked) if (!damaged.has(offset)) assert.equal(got.get(offset), value, `kafkajs at offset ${offset}`);
    console.log(`kafkajs consumer group: ${got.size} of ${highWatermark} records read, moved past ${ranges.length} damaged batch(es) with kt groups reset-offsets`);

    // New records still get new offsets.
    const producer = kafkaFor(broker).producer({ allowAutoTopicCreation: false, idempotent: false });
    await producer.connect();
    const [meta] = await producer.send({ topic: TOPIC, acks: -1, messages: [{ value: 'after', partition: 0 }] });
    await producer.disconnect();
    assert.equal(Number(meta.baseOffset), highWatermark);
    const { code } = await broker.stop();
    assert.equal(code, 0);
  } catch (e) {
    console.log(`failed with seed ${SEED}: KT_CORRUPTION_SEED=${SEED} replays its flips`);
    throw e;
  } finally {
    if (broker.proc.exitCode === null && broker.proc.signalCode === null) await broker.kill();
  }
});
