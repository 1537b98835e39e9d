// kt perf produce|consume: Apache's perf-test lines (matched by regex) and exact counts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Broker } from '../../src/index.js';
import { spawn } from 'node:child_process';
import { Kafka, logLevel } from 'kafkajs';
import { KT, isolatedEnv, kt, tempDir, testBroker } from '../helpers.js';

let broker: Broker;
let B: string;
before(async () => {
  broker = await testBroker();
  B = broker.bootstrap;
  assert.equal((await kt(['topics', 'create', 'perf', '--partitions', '3', '-b', B])).code, 0);
});
after(async () => {
  await broker?.stop();
});

const NUM = String.raw`\d+\.\d`;
const WINDOW = new RegExp(String.raw`^\d+ records sent, ${NUM} records/sec \(\d+\.\d{2} MB/sec\), ${NUM} ms avg latency, ${NUM} ms max latency\.$`);
const TOTAL = (n: number) =>
  new RegExp(String.raw`^${n} records sent, ${NUM} records/sec \(\d+\.\d{2} MB/sec\), \d+\.\d{2} ms avg latency, \d+\.\d{2} ms max latency, \d+ ms 50th, \d+ ms 95th, \d+ ms 99th, \d+ ms 99\.9th\.\n$`);
const HEADER = 'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';
const DATE = String.raw`\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}:\d{3}`;
const F4 = String.raw`-?\d+\.\d{4}`;
const ROW = (n: number, mb: string) => new RegExp(String.raw`^${DATE}, ${DATE}, ${mb}, ${F4}, ${n}, ${F4}, \d+, \d+, ${F4}, ${F4}$`);

const latestTotal = async (topic: string) => {
  const r = await kt(['offsets', topic, '--json', '-b', B]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.out).partitions.reduce((n: number, p: { latest: number }) => n + p.latest, 0);
};

test('perf produce: periodic lines on stderr, the total line on stdout, every record written', async () => {
  const r = await kt(['perf', 'produce', '--topic', 'perf', '--num-records', '3000', '--record-size', '100', '--throughput', '3000', '--reporting-interval', '200', '-b', B]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.out, TOTAL(3000));
  const windows = r.stderr.trimEnd().split('\n');
  assert.ok(windows.length >= 2, `periodic lines: ${r.stderr}`);
  for (const w of windows) assert.match(w, WINDOW);
  const sent = windows.reduce((n, w) => n + Number(w.split(' ')[0]), 0);
  assert.ok(sent <= 3000 && sent > 0);
  const rate = Number(/records sent, ([\d.]+) records\/sec/.exec(r.out)![1]);
  assert.ok(rate < 4500, `--throughput 3000 is respected (${rate}/s)`);
  assert.ok(r.ms >= 900, `3000 records at 3000/s take about a second (${r.ms} ms)`);
  assert.equal(await latestTotal('perf'), 3000);
});

test('perf produce --json; --payload-monotonic and --payload-file payloads', async () => {
  const j = await kt(['perf', 'produce', '-t', 'mono', '-n', '500', '--payload-monotonic', '--json', '-b', B]);
  assert.equal(j.code, 0, j.stderr);
  const doc = JSON.parse(j.out);
  assert.deepEqual(Object.keys(doc).sort(), ['avgLatencyMs', 'maxLatencyMs', 'mbPerSec', 'p50Ms', 'p95Ms', 'p999Ms', 'p99Ms', 'records', 'recordsPerSec']);
  assert.equal(doc.records, 500);
  assert.ok(doc.maxLatencyMs >= doc.p999Ms && doc.p999Ms >= doc.p50Ms);
  const values = await kt(['consume', '-t', 'mono', '--from-beginning', '--exit', '-b', B]);
  assert.deepEqual(values.out.trimEnd().split('\n').map(Number).sort((a, b) => a - b), Array.from({ length: 500 }, (_, i) => i));

  const file = path.join(tempDir(), 'payloads.txt');
  fs.writeFileSync(file, 'alpha|beta|gamma');
  const p = await kt(['perf', 'produce', '-t', 'fromfile', '-n', '60', '--payload-file', file, '--payload-delimiter', '|', '--producer-props', 'acks=1', 'linger.ms=1', `bootstrap.servers=${B}`]);
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.out, TOTAL(60));
  assert.match(p.stderr, /^Reading payloads from: .*payloads\.txt\nNumber of messages read: 3\n/);
  const got = new Set((await kt(['consume', '-t', 'fromfile', '--from-beginning', '--exit', '-b', B])).out.trimEnd().split('\n'));
  assert.ok([...got].every((v) => ['alpha', 'beta', 'gamma'].includes(v)) && got.size >= 2, [...got].join(','));
});

test('perf consume: the Apache header and totals row, exact counts and MB; --json', async () => {
  const r = await kt(['perf', 'consume', '--topic', 'perf', '--messages', '3000', '-b', B]);
  assert.equal(r.code, 0, r.stderr);
  const [header, row, ...rest] = r.out.split('\n');
  assert.equal(header, HEADER);
  assert.match(row, ROW(3000, '0\\.2861'));
  assert.deepEqual(rest, ['']);
  assert.equal(row.split(', ')[6], '0', 'no group: no rebalance');
  const j = await kt(['perf', 'consume', '-t', 'perf', '-n', '1000', '--json', '-b', B]);
  assert.equal(j.code, 0, j.stderr);
  const doc = JSON.parse(j.out);
  assert.deepEqual(Object.keys(doc).sort(), ['endTime', 'fetchMbPerSec', 'fetchMessagesPerSec', 'fetchTimeMs', 'mb', 'mbPerSec', 'messages', 'messagesPerSec', 'rebalanceTimeMs', 'startTime']);
  assert.equal(doc.messages, 1000);
  assert.equal(doc.mb, (1000 * 100) / 1048576);
});

test('perf consume --group with --show-detailed-stats and --hide-header', async () => {
  const r = await kt(['perf', 'consume', '-t', 'perf', '-n', '3000', '--group', 'perf-g', '--show-detailed-stats', '--reporting-interval', '1', '--hide-header', '-b', B]);
  assert.equal(r.code, 0, r.stderr);
  const rows = r.out.trimEnd().split('\n');
  assert.ok(rows.length >= 1, r.out);
  for (const row of rows) assert.match(row, new RegExp(String.raw`^${DATE}, 0, ${F4}, ${F4}, \d+, ${F4}, \d+, -?\d+, ${F4}, ${F4}$`));
  const lastCount = Number(rows[rows.length - 1].split(', ')[4]);
  assert.ok(lastCount > 0 && lastCount <= 3000);
  // the group committed exactly what it read
  const kafka = new Kafka({ brokers: [B], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId: 'perf-g', topics: ['perf'] });
    assert.equal(t.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0), 3000);
  } finally {
    await admin.disconnect();
  }
});

test('perf consume: --timeout before --messages → Apache WARNING on stderr, the row, exit 3', async () => {
  const r = await kt(['perf', 'consume', '-t', 'perf', '-n', '3500', '--timeout', '800', '--hide-header', '-b', B]);
  assert.equal(r.code, 3);
  assert.match(r.out.trimEnd(), ROW(3000, '0\\.2861'));
  assert.match(r.stderr, /^WARNING: Exiting before consuming the expected number of messages: timeout \(800 ms\) exceeded\. You can use the --timeout option to increase the timeout\.\n$/);
});

test('perf produce: Ctrl-C stops sending, prints the totals of what was acknowledged, exit 130', async () => {
  // interrupt once it is producing (the first periodic line), not at a fixed time
  const child = spawn(process.execPath, [KT, 'perf', 'produce', '-t', 'interrupted', '-n', '100000', '--record-size', '10', '--throughput', '2000', '--reporting-interval', '200', '-b', B], {
    env: isolatedEnv() as NodeJS.ProcessEnv,
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    if (/records sent/.test(err)) child.kill('SIGINT');
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(killer);
  assert.equal(code, 130, err);
  const m = /^(\d+) records sent, /.exec(out);
  assert.ok(m, out);
  const sent = Number(m[1]);
  assert.ok(sent > 0 && sent < 100000, String(sent));
  assert.equal(await latestTotal('interrupted'), sent, 'every acknowledged record is in the log');
});

test('perf: usage errors exit 2 with nothing on stdout', async () => {
  for (const args of [
    ['produce', '-t', 'x', '-n', '10'],
    ['produce', '-t', 'x', '-n', '10', '--record-size', '10', '--payload-monotonic'],
    ['produce', '-t', 'x', '-n', '10', '--record-size', '10', '--producer-props', 'acks=2'],
    ['consume', '-t', 'x', '--include', 'y', '-n', '10'],
    ['consume', '-t', 'x'],
  ]) {
    const r = await kt(['perf', ...args, '-b', B]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.out, '');
  }
});
