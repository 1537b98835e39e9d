// Admin interop: the admin clients of confluent-kafka and kafka-python, both Debian's (1.7 on
// librdkafka 2.0; 2.0) and PyPI's (pinned in .ci/run), create, describe (metadata and configs),
// alter-config, grow and delete topics and list / describe / delete groups against the broker; kcat -L describes the cluster and kcat -Q finds
// offsets by timestamp, exactly, inside uncompressed and compressed (lz4, zstd, snappy) batches.
// Each client runs its own scenario (peers/*.py, op "admin") and reports every call's result;
// the assertions are here. Without a peer (locally) its test is skipped with the reason; in
// CI every peer must be there.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import kafkajs from 'kafkajs';
import { registerCodecs } from '../../src/client/compression.js';
import { testBroker } from '../helpers.js';
import { callPeer, kcat, skipUnless, stepResult, type Report } from './lib.js';


for (const client of ['confluent-kafka', 'confluent-kafka-pypi'] as const) test(`${client} admin: topics (create, errors, metadata, configs, alter, partitions, delete), groups (list, describe)`, { skip: skipUnless(client), timeout: 60_000 }, async (t) => {
  t.diagnostic('the same scenario for both: confluent-kafka 1.7 (Debian) has no delete-groups (or describe_consumer_groups) call. Groups are deleted here by kafka-python (next tests).');
  const broker = await testBroker();
  try {
    const report = (await callPeer(client, { op: 'admin', bootstrap: broker.bootstrap, prefix: 'ck', group: 'ck-admin-group' })) as unknown as Report;
    const topic = 'ck-ck-admin';
    assert.deepEqual(stepResult(report, 'create'), { [topic]: null });
    assert.deepEqual(stepResult(report, 'createExisting'), { [topic]: 'TOPIC_ALREADY_EXISTS' });
    assert.deepEqual(stepResult(report, 'createBadRf'), { 'ck-ck-badrf': 'INVALID_REPLICATION_FACTOR' });
    assert.deepEqual(stepResult(report, 'createBadName'), { 'bad name!': 'TOPIC_EXCEPTION' }, 'INVALID_TOPIC_EXCEPTION (17), librdkafka calls it TOPIC_EXCEPTION');
    assert.deepEqual(stepResult(report, 'validateOnly'), { 'ck-ck-validate': null });
    assert.deepEqual(stepResult(report, 'listTopics'), { topics: [topic], partitions: [0, 1], brokers: 1, controller: 0 }, 'validate_only created nothing');
    const DYNAMIC_TOPIC_CONFIG = 1;
    const DEFAULT_CONFIG = 5;
    const configs = stepResult(report, 'describeConfigs') as Record<string, { value: string; default: boolean; readOnly: boolean; source: number }>;
    assert.deepEqual(configs['retention.ms'], { value: '3600000', default: false, readOnly: false, source: DYNAMIC_TOPIC_CONFIG });
    assert.deepEqual(configs['cleanup.policy'], { value: 'delete', default: true, readOnly: false, source: DEFAULT_CONFIG });
    assert.equal(configs['segment.bytes']?.value, '1073741824');
    assert.deepEqual(Object.values(stepResult(report, 'alterConfigs') as object), [null]);
    assert.equal((stepResult(report, 'describeConfigsAfter') as typeof configs)['retention.ms']?.value, '7200000');
    const brokerConfigs = stepResult(report, 'describeBrokerConfigs') as { count: number; 'num.partitions': string };
    assert.ok(brokerConfigs.count > 10, `broker configs: ${brokerConfigs.count}`);
    assert.equal(brokerConfigs['num.partitions'], '1');
    assert.deepEqual(stepResult(report, 'createPartitions'), { [topic]: null });
    assert.deepEqual(stepResult(report, 'partitionsAfter'), [0, 1, 2, 3]);
    const groups = stepResult(report, 'groups') as { assigned: number[]; listed: string[]; described: Record<string, unknown>; single: string[] };
    assert.deepEqual(groups.assigned, [0, 1, 2, 3]);
    assert.deepEqual(groups.listed, ['ck-admin-group']);
    assert.deepEqual(groups.single, ['ck-admin-group']);
    assert.deepEqual(groups.described, {
      state: 'Stable', protocolType: 'consumer', protocol: 'range', error: null,
      members: [{ clientId: 'ck-member', host: '/127.0.0.1' }],
    });
    assert.deepEqual(stepResult(report, 'delete'), { [topic]: null });
    assert.deepEqual(stepResult(report, 'deleteMissing'), { 'ck-ck-never-created': 'UNKNOWN_TOPIC_OR_PART' });
    assert.deepEqual(stepResult(report, 'listTopicsAfter'), []);
  } finally {
    await broker.stop();
  }
});

for (const client of ['kafka-python', 'kafka-python-pypi'] as const) test(`${client} admin: topics (create, errors, describe, configs, alter, partitions, delete), cluster, groups (list, describe, offsets, delete)`, { skip: skipUnless(client), timeout: 60_000 }, async () => {
  const broker = await testBroker();
  try {
    const report = (await callPeer(client, { op: 'admin', bootstrap: broker.bootstrap, prefix: 'kp', group: 'kp-admin-group' })) as unknown as Report;
    const topic = 'kp-kp-admin';
    assert.deepEqual(stepResult(report, 'create'), [[topic, 0]]);
    assert.equal(stepResult(report, 'createExisting'), 'TopicAlreadyExistsError');
    assert.equal(stepResult(report, 'createBadRf'), 'InvalidReplicationFactorError');
    assert.equal(stepResult(report, 'createBadName'), 'InvalidTopicError');
    assert.deepEqual(stepResult(report, 'listTopics'), [topic]);
    assert.deepEqual(stepResult(report, 'describeTopics'), [{ topic, error: 0, partitions: [0, 1, 2] }]);
    const configs = stepResult(report, 'describeConfigs') as { error: number; configs: Record<string, string> };
    assert.equal(configs.error, 0);
    assert.equal(configs.configs['retention.ms'], '3600000');
    assert.equal(configs.configs['cleanup.policy'], 'delete');
    assert.equal(configs.configs['compression.type'], 'producer');
    assert.deepEqual(stepResult(report, 'alterConfigs'), [[0, topic]]);
    assert.equal((stepResult(report, 'describeConfigsAfter') as typeof configs).configs['retention.ms'], '7200000');
    assert.equal((stepResult(report, 'describeBrokerConfigs') as { 'num.partitions': string })['num.partitions'], '1');
    assert.deepEqual(stepResult(report, 'createPartitions'), [[topic, 0]]);
    assert.deepEqual(stepResult(report, 'partitionsAfter'), [0, 1, 2, 3, 4]);
    assert.deepEqual(stepResult(report, 'describeCluster'), { brokers: 1, controller: 0 });
    assert.deepEqual(stepResult(report, 'consumeInGroup'), [0, 1, 2, 3, 4]);
    assert.deepEqual(stepResult(report, 'listGroups'), ['kp-admin-group']);
    assert.deepEqual(stepResult(report, 'describeGroups'), [{ group: 'kp-admin-group', state: 'Empty', protocolType: 'consumer', members: 0 }]);
    assert.deepEqual(stepResult(report, 'groupOffsets'), [0, 1, 2, 3, 4].map((p) => [topic, p, 0]));
    assert.deepEqual(stepResult(report, 'deleteGroups'), [['kp-admin-group', 'NoError']]);
    assert.deepEqual(stepResult(report, 'listGroupsAfter'), []);
    assert.deepEqual(stepResult(report, 'delete'), [[topic, 0]]);
    assert.deepEqual(stepResult(report, 'listTopicsAfter'), []);
  } finally {
    await broker.stop();
  }
});

test('kcat -L describes the cluster; kcat -Q finds offsets by time, exactly, inside compressed batches', { skip: skipUnless('kcat'), timeout: 60_000 }, async () => {
  const broker = await testBroker();
  const b = broker.bootstrap;
  try {
    registerCodecs(kafkajs as unknown as Parameters<typeof registerCodecs>[0]);
    const kafka = new Kafka({ clientId: 'interop-admin', brokers: [b], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'times', numPartitions: 2 }, { topic: 'other', numPartitions: 3 }] });
    await admin.disconnect();

    const list = await kcat(['-L', '-J', '-b', b]);
    assert.equal(list.code, 0, list.stderr);
    const md = JSON.parse(list.out) as {
      controllerid: number;
      brokers: { id: number; name: string }[];
      topics: { topic: string; partitions: { partition: number; leader: number; replicas: { id: number }[]; isrs: { id: number }[] }[] }[];
    };
    assert.equal(md.controllerid, 0);
    assert.deepEqual(md.brokers, [{ id: 0, name: b }]);
    const other = md.topics.find((t) => t.topic === 'other');
    assert.deepEqual(other?.partitions, [0, 1, 2].map((p) => ({ partition: p, leader: 0, replicas: [{ id: 0 }], isrs: [{ id: 0 }] })));
    const plain = await kcat(['-L', '-b', b, '-t', 'times']);
    assert.match(plain.out, new RegExp(`broker 0 at ${b.replace(/\./g, '\\.')} \\(controller\\)`));
    assert.match(plain.out, /topic "times" with 2 partitions:\n\s+partition 0, leader 0, replicas: 0, isrs: 0/);

    // partition 0: four batches of ten records, timestamps T+100k+i, one batch per codec
    const T = 1_700_000_000_000;
    const producer = kafka.producer();
    await producer.connect();
    const codecs = [kafkajs.CompressionTypes.None, kafkajs.CompressionTypes.LZ4, kafkajs.CompressionTypes.ZSTD, kafkajs.CompressionTypes.Snappy];
    for (const [k, compression] of codecs.entries()) {
      await producer.send({
        topic: 'times',
        compression,
        messages: Array.from({ length: 10 }, (_, i) => ({ partition: 0, key: `k${i}`, value: `v${k}-${i}`, timestamp: String(T + k * 100 + i) })),
      });
    }
    await producer.disconnect();

    const query = async (partition: number, ts: number): Promise<number> => {
      const r = await kcat(['-Q', '-b', b, '-t', `times:${partition}:${ts}`]);
      assert.equal(r.code, 0, r.stderr);
      const m = /times \[(\d+)\] offset (-?\d+)/.exec(r.out);
      assert.ok(m, r.out);
      return Number(m[2]);
    };
    const cases: [number, number, number, string][] = [
      [0, T - 1000, 0, 'before everything: the first offset'],
      [0, T + 5, 5, 'uncompressed batch'],
      [0, T + 105, 15, 'inside an lz4 batch'],
      [0, T + 203, 23, 'inside a zstd batch'],
      [0, T + 309, 39, 'last record of a snappy batch'],
      [0, T + 150, 20, 'between batches: the next batch start'],
      [0, T + 10_000, -1, 'after everything: -1'],
      [1, T, -1, 'empty partition: -1'],
    ];
    const got = await Promise.all(cases.map(([p, ts]) => query(p, ts)));
    for (const [i, [p, ts, want, why]] of cases.entries()) assert.equal(got[i], want, `kcat -Q -t times:${p}:${ts} (${why})`);
  } finally {
    await broker.stop();
  }
});
