// kafkajs 2.2.4 against the broker over TCP: admin, keyed produce, a consumer group that
// commits, and a restart on the same data directory.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { tempDir, testBroker } from '../helpers.js';

const kafkaFor = (bootstrap: string, clientId = 'kt-test') =>
  new Kafka({ clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 3, initialRetryTime: 50 } });

interface Seen {
  partition: number;
  offset: number;
  key: string;
  value: string;
}

/** Consumes until `want` records arrived (or the timeout), returns them in arrival order. */
async function consumeN(consumer: Consumer, topic: string, want: number, fromBeginning: boolean, timeoutMs = 30_000): Promise<Seen[]> {
  const seen: Seen[] = [];
  await consumer.subscribe({ topic, fromBeginning });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${seen.length}/${want} records within ${timeoutMs} ms`)), timeoutMs);
    if (want === 0) {
      clearTimeout(timer);
      resolve();
    }
    consumer
      .run({
        eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
          for (const m of batch.messages) {
            seen.push({ partition: batch.partition, offset: Number(m.offset), key: m.key?.toString() ?? '', value: m.value?.toString() ?? '' });
            resolveOffset(m.offset);
          }
          await heartbeat();
          if (seen.length >= want) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  return seen;
}

test('kafkajs: 10,000 keyed records through a 3-partition topic, a committing group, and a restart', async (t) => {
  const dataDir = tempDir();
  const topic = 'orders';
  const N = 10_000;
  let broker = await testBroker({ dataDir });
  const kafka = kafkaFor(broker.bootstrap);
  const admin = kafka.admin();
  await admin.connect();
  assert.equal(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] }), true);
  const md = await admin.fetchTopicMetadata({ topics: [topic] });
  assert.equal(md.topics[0].partitions.length, 3);
  await admin.disconnect();

  const producer = kafka.producer();
  await producer.connect();
  const started = Date.now();
  const messages = Array.from({ length: N }, (_, i) => ({ key: `key-${i % 97}`, value: `value-${i}` }));
  for (let i = 0; i < N; i += 1000) {
    await producer.send({ topic, messages: messages.slice(i, i + 1000) });
  }
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: 'billing' });
  await consumer.connect();
  const seen = await consumeN(consumer, topic, N, true);
  await consumer.disconnect();
  const elapsed = Date.now() - started;
  t.diagnostic(`10,000-record round trip: ${elapsed} ms (${Math.round((N * 1000) / elapsed)} records/s)`);

  assert.equal(seen.length, N);
  // same key → same partition; per-partition order is production order
  const partitionOfKey = new Map<string, number>();
  const lastIndex = new Map<number, number>();
  for (const s of seen) {
    const p = partitionOfKey.get(s.key);
    if (p === undefined) partitionOfKey.set(s.key, s.partition);
    else assert.equal(p, s.partition, `key ${s.key} seen on two partitions`);
    const i = Number(s.value.slice('value-'.length));
    assert.ok(i > (lastIndex.get(s.partition) ?? -1), `out of order on partition ${s.partition}`);
    lastIndex.set(s.partition, i);
  }
  assert.equal(new Set(seen.map((s) => s.value)).size, N, 'every record exactly once');
  assert.equal(new Set(partitionOfKey.values()).size, 3, 'keys spread over all partitions');

  // restart on the same data
  await broker.stop();
  broker = await testBroker({ dataDir });
  const kafka2 = kafkaFor(broker.bootstrap);
  const producer2 = kafka2.producer();
  await producer2.connect();
  await producer2.send({ topic, messages: [{ key: 'after', value: 'after-restart' }] });
  await producer2.disconnect();

  const resumed = kafka2.consumer({ groupId: 'billing' });
  await resumed.connect();
  const again = await consumeN(resumed, topic, 1, true);
  await resumed.disconnect();
  assert.deepEqual(again.map((s) => s.value), ['after-restart'], 'the group resumes from its committed offsets');

  const fresh = kafka2.consumer({ groupId: 'fresh' });
  await fresh.connect();
  const all = await consumeN(fresh, topic, N + 1, true);
  await fresh.disconnect();
  assert.equal(new Set(all.map((s) => s.value)).size, N + 1, 'a new group reads everything again');
  await broker.stop();
});
