// The torn-tail test: bytes cut from, or garbage appended to, the last segment of a stopped
// broker. It starts, keeps every complete batch before the damage, and serves new writes at
// contiguous offsets (through kafkajs). Also times recovery of a larger log after a crash.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { CLEAN_SHUTDOWN_FILE, RECOVERY_POINT_FILE } from '../../src/broker/log/diskLog.js';
import { buildBatch } from '../../src/protocol/recordBatch.js';
import { readWholeLog, tempDir, testBroker } from './helpers.js';

const kafkaFor = (bootstrap: string) => new Kafka({ clientId: 'torn-tail', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 50 } });

function lastSegment(dir: string): string {
  const logs = fs.readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
  return path.join(dir, logs[logs.length - 1]);
}

/** Byte size of each batch in a segment file, in order. */
function batchSizes(file: string): number[] {
  const buf = fs.readFileSync(file);
  const out: number[] = [];
  for (let pos = 0; pos < buf.length; pos += out[out.length - 1]) out.push(buf.readInt32BE(pos + 8) + 12);
  return out;
}

type Damage = (file: string, sizes: number[]) => { keptBatches: number };
const DAMAGES: [string, Damage][] = [
  ['the last batch cut short', (f, s) => (fs.truncateSync(f, fs.statSync(f).size - Math.floor(s.at(-1)! / 2)), { keptBatches: s.length - 1 })],
  ['the file cut inside the last batch header', (f, s) => (fs.truncateSync(f, fs.statSync(f).size - s.at(-1)! + 20), { keptBatches: s.length - 1 })],
  ['garbage appended', (f, s) => (fs.appendFileSync(f, Buffer.from('\u0000\u0000\u0000\u0000garbage that is not a record batch'.repeat(5))), { keptBatches: s.length })],
  ['zeros appended', (f, s) => (fs.appendFileSync(f, Buffer.alloc(8192)), { keptBatches: s.length })],
  ['a flipped byte in the last batch', (f, s) => {
    const buf = fs.readFileSync(f);
    buf[buf.length - 3] ^= 0x40;
    fs.writeFileSync(f, buf);
    return { keptBatches: s.length - 1 };
  }],
];

for (const [what, damage] of DAMAGES) {
  test(`torn tail (${what}): the broker starts, keeps every complete batch, and appends after them`, { timeout: 60_000 }, async () => {
    const dataDir = tempDir();
    const lines: string[] = [];
    let broker = await testBroker({ dataDir, log: (l) => lines.push(l) });
    const producer = kafkaFor(broker.bootstrap).producer();
    await producer.connect();
    const sent: string[][] = [];
    for (let i = 0; i < 40; i++) {
      const values = Array.from({ length: 1 + (i % 3) }, (_, j) => `b${i}-r${j}`);
      sent.push(values);
      await producer.send({ topic: 'torn', acks: -1, messages: values.map((value) => ({ key: `k${i}`, value })) });
    }
    await producer.disconnect();
    await broker.stop();

    const partitionDir = path.join(dataDir, 'topics', 'torn-0');
    const file = lastSegment(partitionDir);
    // A torn write is a crash during the last append: the recovery point is then the last
    // segment's base, as its roll left it (a clean stop moves it to the log end, and damage
    // below it is kept and reported rather than cut: corruption.test.ts).
    fs.writeFileSync(path.join(partitionDir, RECOVERY_POINT_FILE), `${Number(path.basename(file, '.log'))}\n`);
    const sizes = batchSizes(file);
    assert.equal(sizes.length, 40, 'one batch per send');
    const { keptBatches } = damage(file, sizes);

    const started = Date.now();
    broker = await testBroker({ dataDir, log: (l) => lines.push(l) });
    const startMs = Date.now() - started;
    try {
      assert.ok(lines.some((l) => l.includes('truncated')), lines.join('\n'));
      const kept = sent.slice(0, keptBatches).flat();
      let log = await readWholeLog(broker.port, 'torn', 0);
      assert.deepEqual(log.records.map((r) => r.value), kept, 'every complete batch before the damage');
      assert.deepEqual(log.records.map((r) => r.offset), kept.map((_, i) => i));

      const again = kafkaFor(broker.bootstrap).producer();
      await again.connect();
      const [meta] = await again.send({ topic: 'torn', acks: -1, messages: [{ value: 'after-1' }, { value: 'after-2' }] });
      await again.disconnect();
      assert.equal(Number(meta.baseOffset), kept.length, 'new writes continue at the recovered end');
      log = await readWholeLog(broker.port, 'torn', 0);
      assert.deepEqual(log.records.map((r) => r.value), [...kept, 'after-1', 'after-2']);
      assert.deepEqual(log.records.map((r) => r.offset), [...kept, 0, 0].map((_, i) => i));
      console.log(`torn tail (${what}): broker started in ${startMs} ms, kept ${kept.length} records`);
    } finally {
      await broker.stop();
    }
  });
}

test('recovery after a crash without a recovery point validates every segment of a larger log and truncates its torn tail', { timeout: 120_000 }, async () => {
  const dataDir = tempDir();
  const MB = Number(process.env.KT_RECOVERY_MB ?? 64);
  let broker = await testBroker({ dataDir });
  broker.store.createTopic('big', 1, { 'segment.bytes': String(16 << 20) });
  const log = broker.store.partition('big', 0)!;
  const value = Buffer.alloc(1000, 'x');
  let records = 0;
  while (log.sizeBytes < MB << 20) {
    log.append(buildBatch(Array.from({ length: 100 }, (_, i) => ({ key: Buffer.from(`k${i}`), value }))));
    records += 100;
  }
  const end = log.logEndOffset;
  await broker.stop();
  const partitionDir = path.join(dataDir, 'topics', 'big-0');
  fs.rmSync(path.join(partitionDir, CLEAN_SHUTDOWN_FILE)); // as after kill -9
  fs.rmSync(path.join(partitionDir, RECOVERY_POINT_FILE)); // as in a data directory of an older kt: the worst case
  const file = lastSegment(partitionDir);
  fs.truncateSync(file, fs.statSync(file).size - 500);

  const lines: string[] = [];
  const started = process.hrtime.bigint();
  broker = await testBroker({ dataDir, log: (l) => lines.push(l) });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  try {
    const after = broker.store.partition('big', 0)!;
    assert.equal(after.logEndOffset, end - 100, 'only the torn batch is gone');
    assert.ok(lines.some((l) => l.includes('checking all')), lines.join('\n'));
    console.log(`recovery: ${MB} MiB in ${after.describeSegments().length} segments (${records} records), unclean start with a torn tail in ${ms.toFixed(0)} ms (${(MB / (ms / 1000)).toFixed(0)} MiB/s)`);
  } finally {
    await broker.stop();
  }
});
