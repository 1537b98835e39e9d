import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ProducerStats,
  consumerHeader,
  consumerProgressRow,
  consumerRow,
  consumerSummary,
  javaFixed,
  producerTotalLine,
  producerTuning,
  simpleDateFormat,
  splitProperties,
  PRODUCER_TUNING_KEYS,
} from '../../../src/format/perf.js';
import { UsageError } from '../../../src/cli/errors.js';

test("javaFixed: Java's %.Nf (HALF_UP, NaN, Infinity)", () => {
  assert.equal(javaFixed(1.005, 2), '1.01');
  assert.equal(javaFixed(2.5, 0), '3');
  assert.equal(javaFixed(0.125, 2), '0.13');
  assert.equal(javaFixed(123456.789, 1), '123456.8');
  assert.equal(javaFixed(-1.25, 1), '-1.3');
  assert.equal(javaFixed(0, 4), '0.0000');
  assert.equal(javaFixed(NaN, 2), 'NaN');
  assert.equal(javaFixed(Infinity, 1), 'Infinity');
});

test('ProducerStats: windows every interval, totals and percentiles as Apache', () => {
  const windows: string[] = [];
  const s = new ProducerStats(10, 1000, (l) => windows.push(l), 0);
  // 10 records of 1000 bytes, latencies 1..10 ms; the 6th, at t=1500, closes the first window
  for (let i = 0; i < 10; i++) s.record(i + 1, 1000, i < 5 ? 500 : 1000 + i * 100);
  assert.equal(windows.length, 1, 'one window closed at t >= 1000');
  assert.equal(windows[0], '6 records sent, 4.0 records/sec (0.00 MB/sec), 3.5 ms avg latency, 6.0 ms max latency.');
  const t = s.totals(2000);
  assert.deepEqual(t, { records: 10, recordsPerSec: 5, mbPerSec: 10_000 / 2 / 1048576, avgLatencyMs: 5.5, maxLatencyMs: 10, p50Ms: 6, p95Ms: 10, p99Ms: 10, p999Ms: 10 });
  assert.equal(producerTotalLine(t), '10 records sent, 5.0 records/sec (0.00 MB/sec), 5.50 ms avg latency, 10.00 ms max latency, 6 ms 50th, 10 ms 95th, 10 ms 99th, 10 ms 99.9th.');
});

test('ProducerStats: samples at most 500,000 latencies; no records → zeros, not a crash', () => {
  const s = new ProducerStats(1_200_000, 5000, () => undefined, 0);
  for (let i = 0; i < 1_200_000; i++) s.record(i % 100, 1, 1);
  const t = s.totals(1000);
  assert.equal(t.records, 1_200_000);
  assert.ok(t.p50Ms >= 40 && t.p50Ms <= 60, String(t.p50Ms));
  const empty = new ProducerStats(5, 5000, () => undefined, 0).totals(10);
  assert.deepEqual([empty.records, empty.p50Ms, empty.avgLatencyMs], [0, 0, 0]);
});

test('consumer header, totals row and detailed row', () => {
  assert.equal(consumerHeader(false), 'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec');
  assert.equal(consumerHeader(true), 'time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec');
  const fmt = (ms: number) => `T${ms}`;
  const s = consumerSummary({ startMs: 0, endMs: 2000, bytes: 2 * 1048576, messages: 1000, rebalanceTimeMs: 1000 }, fmt);
  assert.equal(consumerRow(s), 'T0, T2000, 2.0000, 1.0000, 1000, 500.0000, 1000, 1000, 2.0000, 1000.0000');
  assert.equal(
    consumerProgressRow({ bytes: 1048576, lastBytes: 0, messages: 100, lastMessages: 0, startMs: 0, endMs: 1000, rebalanceMs: 0 }, fmt),
    'T1000, 0, 1.0000, 1.0000, 100, 100.0000, 0, 1000, 1.0000, 100.0000',
  );
});

test('simpleDateFormat: the Apache default pattern and quoting', () => {
  const ms = new Date(2024, 4, 1, 9, 5, 7, 42).getTime(); // local time
  assert.equal(simpleDateFormat('yyyy-MM-dd HH:mm:ss:SSS')(ms), '2024-05-01 09:05:07:042');
  assert.equal(simpleDateFormat("yy/M/d h:mm a 'at' EEE")(ms), '24/5/1 9:05 AM at Wed');
  assert.equal(simpleDateFormat("MMM ''d''")(ms), "May '1'");
  assert.throws(() => simpleDateFormat('yyyy-QQ'), /unsupported date format letter 'Q'/);
});

test('producer properties: connection, tuning, unused; tuning values', () => {
  const s = splitProperties(
    { 'bootstrap.servers': 'k:9092', acks: '1', 'security.protocol': 'SSL', 'ssl.ca.location': '/ca', 'client.id': 'me', 'buffer.memory': '1', 'key.serializer': 'x' },
    PRODUCER_TUNING_KEYS,
  );
  assert.equal(s.bootstrap, 'k:9092');
  assert.deepEqual(s.connection, { 'security.protocol': 'SSL', 'ssl.ca.location': '/ca', 'client.id': 'me' });
  assert.deepEqual(s.tuning, { acks: '1' });
  assert.deepEqual(s.unused, ['buffer.memory']);
  assert.deepEqual(producerTuning({}), { acks: -1, compression: 'none', batchBytes: 262_144, lingerMs: 10, maxInFlight: 5, idempotent: false });
  assert.deepEqual(producerTuning({ acks: '0', 'compression.type': 'GZIP', 'batch.size': '16384', 'linger.ms': '0', 'enable.idempotence': 'true' }), {
    acks: 0,
    compression: 'gzip',
    batchBytes: 16384,
    lingerMs: 0,
    maxInFlight: 5,
    idempotent: true,
  });
  for (const bad of [{ acks: '2' }, { 'batch.size': '0' }, { 'compression.type': 'brotli' }, { 'enable.idempotence': 'yes' }] as Array<Record<string, string>>) {
    assert.throws(() => producerTuning(bad), (e: unknown) => e instanceof UsageError && e.exitCode === 2);
  }
});
