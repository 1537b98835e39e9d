// Retention and compaction with small segments, driven by the broker's own maintenance and
// read back through kafkajs: old segments deleted by retention.bytes / retention.ms, and on a
// compacted topic only the latest value per key kept, at its original offset, with tombstones
// kept or removed by delete.retention.ms.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { Broker } from '../../src/index.js';
import { eventually, readWholeLog, tempDir, testBroker } from './helpers.js';

const kafkaFor = (b: Broker) => new Kafka({ clientId: 'retention-test', brokers: [b.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 3, initialRetryTime: 50 } });

interface Got {
  offset: number;
  key: string;
  value: string | null;
}

/** Reads a partition with a kafkajs consumer group from the beginning up to the high watermark. */
async function consumeAll(broker: Broker, topic: string): Promise<Got[]> {
  const hwm = broker.store.partition(topic, 0)!.logEndOffset;
  const consumer = kafkaFor(broker).consumer({ groupId: `read-${topic}-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const got: Got[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`consumed ${got.length} records, never reached offset ${hwm - 1}`)), 30_000);
    consumer.run({
      eachMessage: async ({ message }) => {
        got.push({ offset: Number(message.offset), key: message.key?.toString() ?? '', value: message.value === null ? null : message.value.toString() });
        if (Number(message.offset) >= hwm - 1) {
          clearTimeout(timer);
          resolve();
        }
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  return got;
}

const segmentFiles = (dataDir: string, topic: string) => fs.readdirSync(path.join(dataDir, 'topics', `${topic}-0`)).filter((f) => f.endsWith('.log')).sort();

async function create(admin: Admin, topic: string, configs: Record<string, string>): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })) }] });
}

test('retention.bytes and retention.ms delete whole old segments; consumers start at the new log start', { timeout: 90_000 }, async () => {
  const dataDir = tempDir();
  const broker = await testBroker({ dataDir });
  const kafka = kafkaFor(broker);
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer();
  await producer.connect();
  try {
    await create(admin, 'by-bytes', { 'segment.bytes': '1024', 'retention.bytes': '4096' });
    await create(admin, 'by-time', { 'segment.bytes': '1024', 'retention.ms': '600000' });
    const value = 'v'.repeat(80);
    const old = Date.now() - 3_600_000; // an hour ago: past retention.ms
    for (let i = 0; i < 150; i++) {
      await producer.send({ topic: 'by-bytes', acks: -1, messages: [{ key: `k${i}`, value: `${i}-${value}` }] });
      await producer.send({ topic: 'by-time', acks: -1, messages: [{ key: `k${i}`, value: `${i}-${value}`, timestamp: String(i < 100 ? old : Date.now()) }] });
    }
    const bytes = broker.store.partition('by-bytes', 0)!;
    const time = broker.store.partition('by-time', 0)!;
    await eventually('retention.bytes', () => bytes.logStartOffset > 0 && bytes.sizeBytes <= 4096 + 1024);
    // segments of ~5 records: every segment holding only old records goes
    await eventually('retention.ms', () => time.logStartOffset >= 100 - 20);

    // whole segments went: the files are gone and the log starts at a segment boundary
    const files = segmentFiles(dataDir, 'by-bytes');
    assert.ok(files.length <= 4096 / 1024 + 2, `${files.length} segment files left`);
    assert.deepEqual(files, bytes.describeSegments().map((seg) => `${String(seg.baseOffset).padStart(20, '0')}.log`));
    assert.equal(bytes.describeSegments()[0].baseOffset, bytes.logStartOffset);
    const [low] = await admin.fetchTopicOffsets('by-bytes');
    assert.equal(Number(low.low), bytes.logStartOffset);

    const gotBytes = await consumeAll(broker, 'by-bytes');
    assert.equal(gotBytes[0].offset, bytes.logStartOffset);
    assert.deepEqual(gotBytes.map((g) => g.value), Array.from({ length: 150 - bytes.logStartOffset }, (_, j) => `${bytes.logStartOffset + j}-${value}`));

    // by time: only segments whose newest record is older than retention.ms; every recent record stays
    assert.ok(time.logStartOffset <= 100, `log start ${time.logStartOffset}: recent records must stay`);
    const gotTime = await consumeAll(broker, 'by-time');
    assert.deepEqual(gotTime.map((g) => g.offset), Array.from({ length: 150 - time.logStartOffset }, (_, j) => time.logStartOffset + j));
  } finally {
    await producer.disconnect();
    await admin.disconnect();
    await broker.stop();
  }
});

test('compaction keeps only the latest value per key at its original offset; tombstones follow delete.retention.ms', { timeout: 90_000 }, async () => {
  const dataDir = tempDir();
  const lines: string[] = [];
  const broker = await testBroker({ dataDir, log: (l) => lines.push(l) });
  const kafka = kafkaFor(broker);
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer();
  await producer.connect();
  try {
    const base = { 'cleanup.policy': 'compact', 'segment.bytes': '2048', 'min.cleanable.dirty.ratio': '0.01' };
    const topics = { 'keeps-tombstones': { ...base }, 'drops-tombstones': { ...base, 'delete.retention.ms': '0' } };
    for (const [topic, configs] of Object.entries(topics)) await create(admin, topic, configs);
    const latest = new Map<string, { topic: string; offset: number; value: string | null }[]>();
    for (const topic of Object.keys(topics)) {
      const expected = new Map<string, { offset: number; value: string | null }>();
      // 30 rounds: even rounds update k0-k9, odd rounds only the odd keys (so batches become sparse)
      for (let round = 0; round < 30; round++) {
        const keys = Array.from({ length: 10 }, (_, k) => k).filter((k) => round % 2 === 0 || k % 2 === 1);
        const [meta] = await producer.send({ topic, acks: -1, messages: keys.map((k) => ({ key: `k${k}`, value: `k${k}@${round}` })) });
        keys.forEach((k, i) => expected.set(`k${k}`, { offset: Number(meta.baseOffset) + i, value: `k${k}@${round}` }));
      }
      const [del] = await producer.send({ topic, acks: -1, messages: [{ key: 'k0', value: null }, { key: 'k1', value: null }] });
      expected.set('k0', { offset: Number(del.baseOffset), value: null });
      expected.set('k1', { offset: Number(del.baseOffset) + 1, value: null });
      // unique keys push everything above into sealed (cleanable) segments
      for (let i = 0; i < 60; i++) {
        const [m] = await producer.send({ topic, acks: -1, messages: [{ key: `filler-${i}`, value: `f${i}`.padEnd(60, '.') }] });
        expected.set(`filler-${i}`, { offset: Number(m.baseOffset), value: `f${i}`.padEnd(60, '.') });
      }
      latest.set(topic, [...expected.entries()].map(([key, e]) => ({ topic: key, ...e })));
    }
    const wanted = (topic: string) => latest.get(topic)!
      .filter((e) => e.value !== null || topic === 'keeps-tombstones')
      .map((e) => ({ offset: e.offset, key: e.topic, value: e.value }))
      .sort((a, b) => a.offset - b.offset);
    const compacted = async (topic: string): Promise<boolean> => {
      const active = broker.store.partition(topic, 0)!.describeSegments().at(-1)!.baseOffset;
      const { records } = await readWholeLog(broker.port, topic, 0);
      return JSON.stringify(records.filter((r) => r.offset < active)) === JSON.stringify(wanted(topic).filter((w) => w.offset < active));
    };
    // the maintenance timer compacts (tombstones of delete.retention.ms=0 go on the next pass)
    for (const topic of Object.keys(topics)) await eventually(`${topic} compacted`, () => compacted(topic));
    assert.ok(Object.keys(topics).every((t) => lines.some((l) => l.startsWith(`${t}-0: compacted`))), lines.join('\n'));

    for (const topic of Object.keys(topics)) {
      const log = broker.store.partition(topic, 0)!;
      const active = log.describeSegments().at(-1)!.baseOffset;
      assert.ok(active >= 30 / 2 * 10 + 30 / 2 * 5 + 2, `${topic}: the keyed records are all in rolled segments (active from ${active})`);
      const got = await consumeAll(broker, topic);
      const want = wanted(topic);
      // everything below the active segment is compacted: exactly the latest record per key
      assert.deepEqual(got.filter((g) => g.offset < active), want.filter((w) => w.offset < active), topic);
      assert.deepEqual(got.filter((g) => g.offset >= active), want.filter((w) => w.offset >= active), `${topic}: the active segment is untouched`);
      assert.equal(log.logEndOffset, 30 / 2 * 10 + 30 / 2 * 5 + 2 + 60, `${topic}: the log end offset never moves back`);
    }
  } finally {
    await producer.disconnect();
    await admin.disconnect();
    await broker.stop();
  }
});
