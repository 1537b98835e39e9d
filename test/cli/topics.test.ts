// kt topics as a process against the in-process broker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forTheFile, kt, testBroker } from '../helpers.js';

const broker = await forTheFile(testBroker());
const B = broker.bootstrap;

test('Apache style --create, then --list and --describe (TAB layout)', async () => {
  const c = await kt(['topics', '--create', '--topic', 'quickstart-events', '--partitions', '3', '--replication-factor', '1', '--bootstrap-server', B]);
  assert.equal(c.code, 0, c.stderr);
  assert.equal(c.out, 'Created topic quickstart-events.\n');
  const l = await kt(['topics', '--list', '--bootstrap-server', B]);
  assert.equal(l.code, 0);
  assert.ok(l.out.split('\n').includes('quickstart-events'));
  const d = await kt(['topics', '--describe', '--topic', 'quickstart-events', '--bootstrap-server', B]);
  assert.equal(d.code, 0, d.stderr);
  const lines = d.out.trimEnd().split('\n');
  assert.match(lines[0], /^Topic: quickstart-events\tTopicId: [\w-]{22}\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: $/);
  assert.equal(lines.length, 4);
  assert.match(lines[1], /^\tTopic: quickstart-events\tPartition: 0\tLeader: \d+\tReplicas: \d+\tIsr: \d+\tElr: \tLastKnownElr: $/);
});

test('kt topics create NAME, existing topic errors, --if-not-exists', async () => {
  const c = await kt(['topics', 'create', 'orders', '--partitions', '2', '--config', 'retention.ms=3600000', '-b', B]);
  assert.equal(c.code, 0, c.stderr);
  assert.equal(c.out, 'Created topic orders.\n');
  const again = await kt(['topics', 'create', 'orders', '-b', B]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /kt: error: Topic 'orders' already exists\./);
  const ok = await kt(['topics', 'create', 'orders', '--if-not-exists', '-b', B, '--json']);
  assert.equal(ok.code, 0);
  assert.deepEqual(JSON.parse(ok.out), { created: [], existing: ['orders'] });
});

test('describe --json: partitions, leader, replicas, ISR, watermarks, message count, configs', async () => {
  const p = await kt(['produce', '-b', B, '-t', 'orders', '-p', '1'], { stdin: 'a\nb\nc\n' });
  assert.equal(p.code, 0, p.stderr);
  const d = await kt(['topics', 'describe', 'orders', '--json', '-b', B]);
  assert.equal(d.code, 0, d.stderr);
  const j = JSON.parse(d.out);
  assert.equal(j.topics.length, 1);
  const t = j.topics[0];
  assert.equal(t.name, 'orders');
  assert.equal(t.partitionCount, 2);
  assert.equal(t.replicationFactor, 1);
  assert.equal(t.messageCount, 3);
  assert.equal(t.configs['retention.ms'], '3600000');
  assert.deepEqual(t.partitions.map((x: { partition: number }) => x.partition), [0, 1]);
  const p1 = t.partitions[1];
  assert.equal(typeof p1.leader, 'number');
  assert.deepEqual(p1.replicas, [p1.leader]);
  assert.deepEqual(p1.isr, [p1.leader]);
  assert.equal(p1.lowWatermark, 0);
  assert.equal(p1.highWatermark, 3);
  assert.equal(p1.messageCount, 3);
  assert.equal(t.partitions[0].highWatermark, 0);
  // human table
  const h = await kt(['topics', 'describe', 'orders', '-b', B]);
  assert.match(h.out, /PARTITION\s+LEADER\s+REPLICAS\s+ISR\s+LOW-WATERMARK\s+HIGH-WATERMARK\s+MESSAGES/);
  assert.match(h.out, /retention\.ms=3600000/);
});

test('replication factor above the broker count → Kafka INVALID_REPLICATION_FACTOR, clearly worded', async () => {
  for (const args of [
    ['topics', 'create', 'rf3', '--replication-factor', '3'],
    ['topics', '--create', '--topic', 'rf3', '--partitions', '1', '--replication-factor', '3'],
  ]) {
    const r = await kt([...args, '-b', B]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /kt: error: cannot create topic rf3: replication factor 3 is larger than the number of available brokers \(1\) \(INVALID_REPLICATION_FACTOR\)/);
  }
});

test('list: sorted names, --long table, --json shape', async () => {
  await kt(['topics', 'create', 'aaa-first', '-b', B, '--partitions', '1']);
  const l = await kt(['topics', '-b', B]);
  const names = l.out.trimEnd().split('\n');
  assert.deepEqual(names, [...names].sort());
  assert.equal(names[0], 'aaa-first');
  const long = await kt(['topics', 'list', '--long', '-b', B]);
  assert.match(long.out, /^TOPIC\s+PARTITIONS\s+REPLICATION-FACTOR/);
  const j = JSON.parse((await kt(['topics', 'list', '--json', '-b', B])).out);
  assert.ok(j.topics.some((t: { name: string; partitions: number }) => t.name === 'orders' && t.partitions === 2));
});

test('alter: add partitions (increase only), set and delete configs', async () => {
  const a = await kt(['topics', 'alter', 'orders', '--partitions', '4', '-b', B, '--json']);
  assert.equal(a.code, 0, a.stderr);
  assert.deepEqual(JSON.parse(a.out).partitions, { from: 2, to: 4 });
  const down = await kt(['topics', 'alter', 'orders', '--partitions', '1', '-b', B]);
  assert.equal(down.code, 1, "a Kafka error (INVALID_PARTITIONS), as kafka-topics, not a usage error");
  assert.match(down.stderr, /can only be increased/);
  const apache = await kt(['topics', '--alter', '--topic', 'orders', '--partitions', '5', '-b', B]);
  assert.equal(apache.code, 0, apache.stderr);
  const setc = await kt(['topics', 'alter', 'orders', '--config', 'cleanup.policy=compact', '-b', B]);
  assert.equal(setc.code, 0, setc.stderr);
  let d = JSON.parse((await kt(['topics', 'describe', 'orders', '--json', '-b', B])).out).topics[0];
  assert.equal(d.partitionCount, 5);
  assert.equal(d.configs['cleanup.policy'], 'compact');
  assert.equal(d.configs['retention.ms'], '3600000');
  const del = await kt(['topics', 'alter', 'orders', '--delete-config', 'retention.ms', '-b', B]);
  assert.equal(del.code, 0, del.stderr);
  d = JSON.parse((await kt(['topics', 'describe', 'orders', '--json', '-b', B])).out).topics[0];
  assert.equal(d.configs['retention.ms'], undefined);
  assert.equal(d.configs['cleanup.policy'], 'compact');
});

test('delete: --yes (without a TTY kt refuses otherwise); --if-exists; Apache --delete', async () => {
  await kt(['topics', 'create', 'doomed', '-b', B]);
  await kt(['topics', 'create', 'doomed2', '-b', B]);
  const d = await kt(['topics', 'delete', 'doomed', '--yes', '-b', B, '--json']);
  assert.equal(d.code, 0, d.stderr);
  assert.deepEqual(JSON.parse(d.out), { deleted: ['doomed'], missing: [] });
  const missing = await kt(['topics', 'delete', 'doomed', '-b', B]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Topic 'doomed' does not exist/);
  const ifx = await kt(['topics', 'delete', 'doomed', '--if-exists', '-b', B]);
  assert.equal(ifx.code, 0);
  const refused = await kt(['topics', '--delete', '--topic', 'doomed2', '-b', B]);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /^kt: error: refusing to delete topic doomed2 without --yes/);
  const apache = await kt(['topics', '--delete', '--topic', 'doomed2', '--yes', '-b', B]);
  assert.equal(apache.code, 0, apache.stderr);
  const l = await kt(['topics', 'list', '-b', B]);
  assert.ok(!l.out.split('\n').includes('doomed2'));
});

test('describe of a missing topic → exit 1', async () => {
  const r = await kt(['topics', 'describe', 'nope-nope', '-b', B]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Topic 'nope-nope' does not exist/);
});
