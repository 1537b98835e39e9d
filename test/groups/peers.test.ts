// Third-party group consumers against the broker — librdkafka's (kcat -G, confluent-kafka) and
// kafka-python's — join, consume and commit; `kt groups describe` then shows their members,
// committed offsets and lag, and its JSON and table agree (lag = log-end − committed).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { test } from 'node:test';
import { forTheFile, kt, requirePeer, run } from '../helpers.js';
import { groupBroker, kafkaFor, waitFor } from './helpers.js';

const PYTHON = '/usr/bin/python3';

/** The Debian python with kafka-python and confluent-kafka (.ci/run installs them). */
function requirePython(module: string): string | false {
  const ok = fs.existsSync(PYTHON) && spawnSync(PYTHON, ['-c', `import ${module}`]).status === 0;
  if (ok) return false;
  if (process.env.CI) throw new Error(`${PYTHON} with ${module} is required in CI (install it in .ci/run)`);
  return `${PYTHON} with ${module} is not installed`;
}

const broker = await forTheFile(groupBroker());
const B = broker.bootstrap;

/** A 3-partition topic holding 10 records per partition. */
async function topicWith30(topic: string): Promise<void> {
  const admin = kafkaFor(B).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
  await admin.disconnect();
  await produce(topic, 30);
}

async function produce(topic: string, n: number, partition?: number): Promise<void> {
  const producer = kafkaFor(B).producer();
  await producer.connect();
  await producer.send({ topic, messages: Array.from({ length: n }, (_, i) => ({ partition: partition ?? i % 3, value: `v${i}` })) });
  await producer.disconnect();
}

interface JsonRow {
  group: string;
  topic: string | null;
  partition: number | null;
  currentOffset: number | null;
  logEndOffset: number | null;
  lag: number | null;
  consumerId: string | null;
  host: string | null;
  clientId: string | null;
}

async function describeJson(group: string) {
  const r = await kt(['groups', 'describe', group, '--json', '-b', B]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.out).groups[0] as { state: string; protocol: string; members: Array<{ consumerId: string; clientId: string; host: string; assignment: unknown[] }>; offsets: JsonRow[]; totalLag: number };
}

/** The data rows of the people's table, split on column gaps. */
function tableRows(text: string): string[][] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('GROUP '));
  const rows: string[][] = [];
  for (const l of lines.slice(start + 1)) {
    if (l.trim() === '') break;
    rows.push(l.trim().split(/\s{2,}/));
  }
  return rows;
}

/** JSON and table describe the same rows; every known lag is log-end − committed. */
async function assertTableAgrees(group: string, rows: JsonRow[]): Promise<void> {
  const h = await kt(['groups', 'describe', group, '-b', B]);
  assert.equal(h.code, 0, h.stderr);
  const s = (v: string | number | null) => (v === null ? '-' : String(v));
  assert.deepEqual(
    tableRows(h.out),
    rows.map((r) => [r.group, s(r.topic), s(r.partition), s(r.currentOffset), s(r.logEndOffset), s(r.lag), s(r.consumerId), s(r.host), s(r.clientId)]),
  );
  for (const r of rows) if (r.currentOffset !== null) assert.equal(r.lag, r.logEndOffset! - r.currentOffset, `lag of ${r.topic}-${r.partition}`);
  const total = rows.reduce((n, r) => n + (r.lag ?? 0), 0);
  assert.match(h.out, new RegExp(`Total lag of group ${group}: ${total}\\b`));
}

test('kcat -G (librdkafka) joins, consumes and commits; kt groups describe shows its offsets and lag', { skip: requirePeer('kcat') }, async () => {
  await topicWith30('by-kcat');
  const r = await run('kcat', ['-b', B, '-G', 'kcat-group', '-X', 'auto.offset.reset=earliest', '-e', '-q', '-f', '%p\n', 'by-kcat'], { timeoutMs: 30_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.out.trim().split('\n').length, 30);
  let g = await describeJson('kcat-group');
  assert.equal(g.state, 'Empty');
  assert.deepEqual(g.offsets.map((o) => [o.partition, o.currentOffset, o.lag]), [[0, 10, 0], [1, 10, 0], [2, 10, 0]]);
  await produce('by-kcat', 5, 2);
  g = await describeJson('kcat-group');
  assert.deepEqual(g.offsets.map((o) => [o.partition, o.currentOffset, o.logEndOffset, o.lag]), [[0, 10, 10, 0], [1, 10, 10, 0], [2, 10, 15, 5]]);
  assert.equal(g.totalLag, 5);
  await assertTableAgrees('kcat-group', g.offsets);
});

test('kafka-python KafkaConsumer with a group_id: an active member shown with its partitions, then its commits and lag', { skip: requirePython('kafka') }, async () => {
  await topicWith30('by-python');
  const script = `
import sys
from kafka import KafkaConsumer
c = KafkaConsumer('by-python', bootstrap_servers=sys.argv[1], group_id='py-group', client_id='py-client',
                  auto_offset_reset='earliest', enable_auto_commit=False, session_timeout_ms=6000,
                  heartbeat_interval_ms=300, consumer_timeout_ms=20000)
n = 0
for m in c:
    n += 1
    if n >= 12:
        break
c.commit()
print('COMMITTED', n, flush=True)
sys.stdin.readline()
c.close()
print('CLOSED', flush=True)
`;
  const child = spawn(PYTHON, ['-c', script, B], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  try {
    await waitFor(() => out.includes('COMMITTED'), 30_000, () => `kafka-python to consume and commit (${err.slice(-500)})`);
    // Still a member: the group is Stable with one kafka-python consumer owning all three partitions.
    const g = await describeJson('py-group');
    assert.equal(g.state, 'Stable');
    assert.equal(g.members.length, 1);
    assert.equal(g.members[0].clientId, 'py-client');
    assert.equal(g.members[0].assignment.length, 3);
    assert.equal(g.offsets.length, 3);
    assert.ok(g.offsets.every((o) => o.consumerId === g.members[0].consumerId && o.host === '/127.0.0.1'));
    const committed = g.offsets.reduce((n, o) => n + (o.currentOffset ?? 0), 0);
    assert.ok(committed >= 12, `kafka-python committed what it read (${committed})`);
    await assertTableAgrees('py-group', g.offsets);
    const m = await kt(['groups', 'describe', 'py-group', '--members', '--verbose', '-b', B]);
    assert.match(m.out, /py-group\s+\S+\s+\/127\.0\.0\.1\s+py-client\s+3\s+by-python\(0,1,2\)/);
    child.stdin.end('\n');
    await waitFor(() => out.includes('CLOSED'), 15_000, 'kafka-python to leave');
    const empty = await describeJson('py-group');
    assert.equal(empty.state, 'Empty');
    assert.deepEqual(empty.offsets.map((o) => o.currentOffset), g.offsets.map((o) => o.currentOffset), 'the commits outlive the member');
    assert.ok(empty.offsets.every((o) => o.consumerId === null));
  } finally {
    child.kill('SIGKILL');
  }
});

test('confluent-kafka (Python, librdkafka) Consumer joins a group, consumes and commits synchronously', { skip: requirePython('confluent_kafka') }, async () => {
  await topicWith30('by-confluent');
  const script = `
import sys, time
from confluent_kafka import Consumer
c = Consumer({'bootstrap.servers': sys.argv[1], 'group.id': 'ck-group', 'client.id': 'ck-client',
              'auto.offset.reset': 'earliest', 'enable.auto.commit': False})
c.subscribe(['by-confluent'])
n = 0
deadline = time.time() + 25
while n < 30 and time.time() < deadline:
    m = c.poll(0.2)
    if m is None or m.error():
        continue
    n += 1
c.commit(asynchronous=False)
print('COMMITTED', n, flush=True)
c.close()
`;
  const r = await run(PYTHON, ['-c', script, B], { timeoutMs: 40_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.out, /COMMITTED 30/);
  const g = await describeJson('ck-group');
  assert.equal(g.state, 'Empty');
  assert.deepEqual(g.offsets.map((o) => [o.partition, o.currentOffset, o.lag]), [[0, 10, 0], [1, 10, 0], [2, 10, 0]]);
  await assertTableAgrees('ck-group', g.offsets);
});
