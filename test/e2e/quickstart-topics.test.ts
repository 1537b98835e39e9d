// The Apache quickstart walkthrough and every `kt topics` command, against the bundled broker
// and Apache Kafka 4.4 (test/e2e/targets.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachTarget } from './targets.js';

forEachTarget((t) => {
  test('quickstart: two lines to a topic, --from-beginning shows them, without it nothing', async () => {
    const topic = t.unique('myTestTopic');
    const p = await t.kt(['produce', '--topic', topic], { stdin: 'my first message\nmy second message\n' });
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stderr, new RegExp(`^Produced 2 messages to ${topic}$`, 'm'));
    const c = await t.kt(['consume', '--topic', topic, '--from-beginning', '--max-messages', '2']);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.out, 'my first message\nmy second message\n');
    assert.match(c.stderr, /^Processed a total of 2 messages$/m);
    const latest = await t.kt(['consume', '--topic', topic, '--timeout-ms', '2000']);
    assert.equal(latest.code, 0, latest.stderr);
    assert.equal(latest.out, '');
    assert.match(latest.stderr, /Processed a total of 0 messages/);
  });

  test('consuming a topic that does not exist yet auto-creates it (as the Java consumer does), with or without a group', async () => {
    for (const extra of [[], ['--group', t.unique('g')]]) {
      const topic = t.unique('not-yet');
      const c = await t.kt(['consume', '--topic', topic, '--timeout-ms', '1500', ...extra]);
      assert.equal(c.code, 0, c.stderr);
      assert.match(c.stderr, /Processed a total of 0 messages/);
      const l = await t.kt(['topics', '--list']);
      assert.ok(l.out.split('\n').includes(topic), `${topic} was created`);
    }
  });

  test('topics: create (both spellings), list, describe, alter, delete', async () => {
    const a = t.unique('events');
    const b = t.unique('orders');
    const c = await t.kt(['topics', '--create', '--topic', a, '--partitions', '3', '--replication-factor', '1']);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.out, `Created topic ${a}.\n`);
    const c2 = await t.kt(['topics', 'create', b, '--partitions', '2', '--config', 'retention.ms=3600000']);
    assert.equal(c2.code, 0, c2.stderr);
    const again = await t.kt(['topics', 'create', b]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, new RegExp(`kt: error: Topic '${b}' already exists\\.`));
    const ifne = await t.kt(['topics', 'create', b, '--if-not-exists', '--json']);
    assert.equal(ifne.code, 0, ifne.stderr);
    assert.deepEqual(JSON.parse(ifne.out), { created: [], existing: [b] });

    const l = await t.kt(['topics', '--list']);
    assert.equal(l.code, 0, l.stderr);
    const names = l.out.trimEnd().split('\n');
    assert.ok(names.includes(a) && names.includes(b), l.out);
    assert.deepEqual(names, [...names].sort());

    const d = await t.kt(['topics', '--describe', '--topic', a]);
    assert.equal(d.code, 0, d.stderr);
    const lines = d.out.trimEnd().split('\n');
    assert.equal(lines.length, 4, d.out);
    // (the broker-level Configs difference from Apache's own tool: parity.test.ts); the ELR lists
    // come from DescribeTopicPartitions, which both brokers have: empty on one node
    assert.match(lines[0], new RegExp(`^Topic: ${a}\\tTopicId: [\\w-]{22}\\tPartitionCount: 3\\tReplicationFactor: 1\\tConfigs: `));
    assert.match(lines[1], new RegExp(`^\\tTopic: ${a}\\tPartition: 0\\tLeader: \\d+\\tReplicas: \\d+\\tIsr: \\d+\\tElr: \\tLastKnownElr: $`));

    const p = await t.kt(['produce', '-t', b, '-p', '1'], { stdin: 'a\nb\nc\n' });
    assert.equal(p.code, 0, p.stderr);
    const j = JSON.parse((await t.kt(['topics', 'describe', b, '--json'])).out).topics[0];
    assert.equal(j.partitionCount, 2);
    assert.match(j.topicId, /^[\w-]{22}$/);
    assert.equal(j.replicationFactor, 1);
    assert.equal(j.messageCount, 3);
    assert.equal(j.configs['retention.ms'], '3600000');
    assert.equal(j.partitions[1].highWatermark, 3);

    const up = await t.kt(['topics', 'alter', b, '--partitions', '4', '--json']);
    assert.equal(up.code, 0, up.stderr);
    assert.deepEqual(JSON.parse(up.out).partitions, { from: 2, to: 4 });
    const down = await t.kt(['topics', 'alter', b, '--partitions', '1']);
    assert.equal(down.code, 1, 'INVALID_PARTITIONS from the broker, as kafka-topics');
    assert.match(down.stderr, /can only be increased/);
    const setc = await t.kt(['topics', 'alter', b, '--config', 'cleanup.policy=compact', '--delete-config', 'retention.ms']);
    assert.equal(setc.code, 0, setc.stderr);
    const j2 = JSON.parse((await t.kt(['topics', 'describe', b, '--json'])).out).topics[0];
    assert.equal(j2.partitionCount, 4);
    assert.equal(j2.configs['cleanup.policy'], 'compact');
    assert.equal(j2.configs['retention.ms'], undefined);

    const del = await t.kt(['topics', 'delete', b, '--yes', '--json']);
    assert.equal(del.code, 0, del.stderr);
    assert.deepEqual(JSON.parse(del.out), { deleted: [b], missing: [] });
    const apacheDel = await t.kt(['topics', '--delete', '--topic', a, '--yes']);
    assert.equal(apacheDel.code, 0, apacheDel.stderr);
    const missing = await t.kt(['topics', 'describe', b]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, new RegExp(`Topic '${b}' does not exist`));
    const ifx = await t.kt(['topics', 'delete', b, '--if-exists', '--yes']);
    assert.equal(ifx.code, 0, ifx.stderr);
  });

  test('replication factor above the broker count → INVALID_REPLICATION_FACTOR', async () => {
    const r = await t.kt(['topics', 'create', t.unique('rf3'), '--replication-factor', '3']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /replication factor 3 is larger than the number of available brokers \(1\) \(INVALID_REPLICATION_FACTOR\)/);
  });
});
