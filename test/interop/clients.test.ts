// Transactions from the Python clients that have them (confluent-kafka 1.7 and PyPI's,
// kafka-python from PyPI; Debian's kafka-python 2.0 has no transactional producer): commit
// 3 records, abort 2, commit 1, and read read_committed.
// The Go clients' own scenario against the broker: franz-go (kgo + kadm) and IBM/sarama
// (config.Version = V3_6_0_0) each create topics (with a config, and once more for the
// error), list them, describe their configs, consume in a group and commit (read back with
// the admin API), list and describe the group, run three transactions (commit, abort,
// commit) and read them read_committed, and delete the topics. Their records in every codec
// are the interop matrix's (matrix.test.ts). Without a peer (locally) its test is skipped
// with the reason; in CI every peer must be there (.ci/peers builds them).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DescribeGroups } from '../../src/protocol/apis/describeGroups.js';
import { Kafka, logLevel } from 'kafkajs';
import { testBroker, withWireBroker } from '../helpers.js';
import { callPeer, skipUnless, stepResult, type Report } from './lib.js';


const SOURCES: Record<string, { dynamic: string; default: string }> = {
  'franz-go': { dynamic: 'DYNAMIC_TOPIC_CONFIG', default: 'DEFAULT_CONFIG' },
  sarama: { dynamic: 'Topic', default: 'Default' },
};

for (const client of ['franz-go', 'sarama'] as const) {
  test(`${client}: admin (create, list, describe configs, delete), group commit, transactions`, { skip: skipUnless(client), timeout: 180_000 }, async () => {
    const broker = await testBroker();
    try {
      const p = client === 'franz-go' ? 'fz' : 'sr';
      const report = (await callPeer(client, { op: 'scenario', bootstrap: broker.bootstrap, prefix: p }, 150_000)) as unknown as Report;
      assert.deepEqual(stepResult(report, 'createTopics'), { [`${p}-admin`]: null, [`${p}-txn`]: null });
      assert.match(String(stepResult(report, 'createExisting')), /already exists/i);
      assert.deepEqual(stepResult(report, 'listTopics'), { [`${p}-admin`]: 2, [`${p}-txn`]: 2 });
      const src = SOURCES[client] as { dynamic: string; default: string };
      assert.deepEqual(stepResult(report, 'describeConfigs'), {
        'retention.ms': { value: '3600000', source: src.dynamic },
        'cleanup.policy': { value: 'delete', source: src.default },
      });
      assert.deepEqual(stepResult(report, 'groupCommit'), { consumed: 6, committed: 6 }, 'six records read in the group, their offsets committed (the sum over both partitions)');
      assert.deepEqual(stepResult(report, 'listGroups'), [`${p}-group`]);
      assert.deepEqual(stepResult(report, 'describeGroup'), { state: 'Empty', members: 0, err: null });
      assert.deepEqual(stepResult(report, 'transactions'), { readCommitted: ['t0', 't1', 't2', 't5'] }, 'read_committed: the two aborted records are not read');
      assert.deepEqual(stepResult(report, 'deleteTopics'), { [`${p}-admin`]: null, [`${p}-txn`]: null });
      assert.deepEqual(stepResult(report, 'listTopicsAfter'), {});
    } finally {
      await broker.stop();
    }
  });
}

for (const client of ['confluent-kafka', 'confluent-kafka-pypi', 'kafka-python-pypi'] as const) {
  test(`${client}: transactions (commit, abort, commit), read read_committed`, { skip: skipUnless(client), timeout: 120_000 }, async () => {
    const broker = await testBroker();
    try {
      const kafka = new Kafka({ clientId: 'interop-txn', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'txn', numPartitions: 2 }] });
      await admin.disconnect();
      const answer = await callPeer(client, { op: 'txn', bootstrap: broker.bootstrap, topic: 'txn', txid: `${client}-txid` }, 100_000);
      assert.deepEqual(answer, { readCommitted: ['t0', 't1', 't2', 't5'] }, 'the two aborted records are not read');
    } finally {
      await broker.stop();
    }
  });
}

test('DescribeGroups v3+: authorized operations when asked (READ, DELETE, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS), INT32_MIN when not', async () => {
  await withWireBroker(async (_broker, c) => {
    for (const version of [3, 5, 6]) {
      const asked = await c.request(DescribeGroups, version, { groups: ['g-none'], includeAuthorizedOperations: true });
      // v6 answers an unknown group GROUP_ID_NOT_FOUND, without operations (as Kafka)
      assert.equal(asked.groups[0]?.authorizedOperations, version >= 6 ? -2147483648 : (1 << 3) | (1 << 6) | (1 << 8) | (1 << 10) | (1 << 11), `v${version} asked`);
      const notAsked = await c.request(DescribeGroups, version, { groups: ['g-none'], includeAuthorizedOperations: false });
      assert.equal(notAsked.groups[0]?.authorizedOperations, -2147483648, `v${version} not asked`);
    }
  });
});
