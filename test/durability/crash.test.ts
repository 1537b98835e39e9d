// The crash test: a kafkajs producer (acks=all) writes to a topic with flush.messages=1 while the
// broker process is killed with SIGKILL at random moments. After every restart each
// acknowledged record is in the log exactly once, at the offset it was acknowledged with, the
// offsets are contiguous, and no record (acknowledged or not) appears twice.
//
// KT_CRASH_ITERATIONS sets the number of kills (default 6); KT_CRASH_FLUSH_MESSAGES the topic's
// flush.messages (default 1; a process crash keeps the page cache, so any value passes here,
// while only 1 also covers a power loss).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { readWholeLog, startChildBroker, tempDir, type ChildBroker } from './helpers.js';

const ITERATIONS = Number(process.env.KT_CRASH_ITERATIONS ?? 6);
const TOPIC = 'crash';
const PARTITIONS = 2;
const WRITERS = 4;
const FLUSH_MESSAGES = process.env.KT_CRASH_FLUSH_MESSAGES ?? '1';

const kafkaFor = (b: ChildBroker) => new Kafka({
  clientId: 'crash-test', brokers: [b.bootstrap], logLevel: logLevel.NOTHING,
  connectionTimeout: 2000, requestTimeout: 5000, retry: { retries: 0 },
});

/** Checks the whole log against what was acknowledged; returns the number of records found. */
async function verify(port: number, acked: Map<string, { partition: number; offset: number }>): Promise<number> {
  let total = 0;
  for (let p = 0; p < PARTITIONS; p++) {
    const { records, logStartOffset, highWatermark } = await readWholeLog(port, TOPIC, p);
    assert.equal(logStartOffset, 0);
    assert.equal(records.length, highWatermark, `partition ${p}: ${records.length} records below the high watermark ${highWatermark}`);
    records.forEach((r, i) => assert.equal(r.offset, i, `partition ${p}: offsets are contiguous`));
    const seen = new Map<string, number>();
    for (const r of records) {
      assert.ok(!seen.has(r.value as string), `partition ${p}: ${r.value} appears twice (offsets ${seen.get(r.value as string)} and ${r.offset})`);
      seen.set(r.value as string, r.offset);
    }
    for (const [value, at] of acked) {
      if (at.partition !== p) continue;
      assert.equal(seen.get(value), at.offset, `acknowledged ${value} is at offset ${at.offset} of partition ${p}`);
    }
    total += records.length;
  }
  return total;
}

test(`crash test: ${ITERATIONS} SIGKILLs during acks=all writes with flush.messages=${FLUSH_MESSAGES} lose no acknowledged record`, { timeout: 300_000 }, async () => {
  const root = tempDir();
  let broker = await startChildBroker(root);
  const admin = kafkaFor(broker).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS, configEntries: [{ name: 'flush.messages', value: FLUSH_MESSAGES }, { name: 'segment.bytes', value: '65536' }] }] });
  await admin.disconnect();

  const acked = new Map<string, { partition: number; offset: number }>();
  let attempted = 0;
  try {
    for (let iteration = 0; iteration < ITERATIONS; iteration++) {
      const producer = kafkaFor(broker).producer({ allowAutoTopicCreation: false, idempotent: false });
      await producer.connect();
      let running = true;
      const writer = async (w: number): Promise<void> => {
        for (let seq = 0; running; seq++) {
          const partition = (w + seq) % PARTITIONS;
          const values = Array.from({ length: 1 + (seq % 5) }, (_, i) => `i${iteration}-w${w}-s${seq}-r${i}`);
          attempted += values.length;
          try {
            const [meta] = await producer.send({ topic: TOPIC, acks: -1, messages: values.map((value) => ({ value, partition })) });
            values.forEach((v, i) => acked.set(v, { partition, offset: Number(meta.baseOffset) + i }));
          } catch {
            return; // the broker died under this request: it may or may not be in the log
          }
        }
      };
      const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));
      // a random moment, after the writers are well under way
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 1200));
      await broker.kill();
      running = false;
      await Promise.all(writers);
      await producer.disconnect().catch(() => {});

      broker = await startChildBroker(root);
      const found = await verify(broker.port, acked);
      console.log(`crash ${iteration + 1}: ${acked.size} acknowledged of ${attempted} attempted, ${found} in the log after the restart`);
      assert.ok(found >= acked.size);
    }
    assert.ok(acked.size > 100, `only ${acked.size} records acknowledged in total`);
    // and a graceful stop keeps everything too
    const { code } = await broker.stop();
    assert.equal(code, 0);
    broker = await startChildBroker(root);
    await verify(broker.port, acked);
  } finally {
    await broker.stop();
  }
});
