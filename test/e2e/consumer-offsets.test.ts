// __consumer_offsets as Apache Kafka has it (issue 13 part 4): an internal topic that only the
// broker writes, holding the group coordinator's records in Kafka's own format. The same
// requests go to the bundled broker and to Apache Kafka 4.4, and the records each writes for
// a commit are read back with kafkajs and decoded with one decoder
// (src/protocol/consumerOffsets.ts): Apache's records decoding proves the format.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import type { Broker } from '../../src/index.js';
import * as A from '../../src/protocol/apis/index.js';
import { code } from '../../src/protocol/errors.js';
import { buildBatch } from '../../src/protocol/recordBatch.js';
import { WireClient } from '../../src/client/wireClient.js';
import {
  CONSUMER_OFFSETS_TOPIC,
  decodeConsumerOffsetsRecord,
  javaStringHash,
  offsetsPartitionFor,
  type ConsumerOffsetsRecord,
} from '../../src/protocol/consumerOffsets.js';
import { testBroker } from '../helpers.js';
import { forEachTarget, type Target } from './targets.js';

const ZERO_ID = Buffer.alloc(16);

function wire(t: Target): { get: () => WireClient } {
  let c: WireClient | undefined;
  before(async () => {
    const [host, port] = t.bootstrap.split(',')[0].split(':');
    c = await WireClient.connect(host, Number(port), { clientId: 'kt-e2e-offsets' });
  });
  after(() => c?.close());
  return { get: () => c as WireClient };
}

/** Asks again while Apache is still electing leaders or loading the group's partition. */
async function retrying<T>(fn: () => Promise<T>, retriable: (r: T) => boolean): Promise<T> {
  for (;;) {
    const r = await fn();
    if (!retriable(r)) return r;
    await new Promise((res) => setTimeout(res, 100));
  }
}

const RETRIABLE = new Set(['COORDINATOR_LOAD_IN_PROGRESS', 'COORDINATOR_NOT_AVAILABLE', 'NOT_COORDINATOR', 'LEADER_NOT_AVAILABLE', 'UNKNOWN_TOPIC_OR_PARTITION'].map((n) => code(n as never)));

async function findCoordinator(c: WireClient, group: string): Promise<void> {
  await retrying(() => c.request(A.FindCoordinator, 4, { keyType: 0, coordinatorKeys: [group] }), (r) => RETRIABLE.has(r.coordinators[0].errorCode));
}

async function commit(c: WireClient, group: string, topic: string, partition: number, offset: number, metadata: string | null): Promise<void> {
  await findCoordinator(c, group);
  const r = await retrying(
    () =>
      c.request(A.OffsetCommit, 9, {
        groupId: group, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
        topics: [{ name: topic, partitions: [{ partitionIndex: partition, committedOffset: offset, committedLeaderEpoch: 3, committedMetadata: metadata }] }],
      }),
    (r) => RETRIABLE.has(r.topics[0].partitions[0].errorCode),
  );
  assert.equal(r.topics[0].partitions[0].errorCode, 0, 'OffsetCommit');
}

async function createTopic(c: WireClient, name: string, partitions: number): Promise<void> {
  const r = await c.request(A.CreateTopics, 7, { topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 30000, validateOnly: false });
  assert.equal(r.topics[0].errorCode, 0, `create ${name}`);
}

/**
 * Reads __consumer_offsets from the beginning with a kafkajs consumer until a record matches,
 * returning the record and the partition it was in.
 */
async function readUntil(bootstrap: string, match: (r: ConsumerOffsetsRecord) => boolean, groupId = `offsets-reader-${process.pid}-${Math.random().toString(36).slice(2)}`): Promise<{ record: ConsumerOffsetsRecord; partition: number; raw: { key: Buffer; value: Buffer | null } }> {
  const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING, clientId: 'kt-e2e-offsets-reader' });
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: CONSUMER_OFFSETS_TOPIC, fromBeginning: true });
    return await new Promise((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            if (!message.key) return;
            const record = decodeConsumerOffsetsRecord(message.key, message.value);
            if (record && match(record)) resolve({ record, partition, raw: { key: message.key, value: message.value } });
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}

async function offsetsTopicMetadata(c: WireClient): Promise<{ isInternal: boolean | undefined; partitions: number; errorCode: number }> {
  const m = await retrying(
    () => c.request(A.Metadata, 12, { topics: [{ name: CONSUMER_OFFSETS_TOPIC, topicId: ZERO_ID }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }),
    (m) => RETRIABLE.has(m.topics[0].errorCode),
  );
  const t = m.topics[0];
  return { isInternal: t.isInternal, partitions: t.partitions.length, errorCode: t.errorCode };
}

test('the group partition is abs(String.hashCode) % partitions, as Java computes it', () => {
  assert.equal(javaStringHash('g1'), 3242);
  assert.equal(javaStringHash('polygenelubricants'), -2147483648); // Integer.MIN_VALUE: Utils.abs gives 0
  assert.equal(offsetsPartitionFor('polygenelubricants', 50), 0);
  assert.equal(javaStringHash('console-consumer-12345'), 'console-consumer-12345'.split('').reduce((h, ch) => (Math.imul(h, 31) + ch.charCodeAt(0)) | 0, 0));
  assert.equal(offsetsPartitionFor('g1', 5), 2); // Apache put group g1 in partition 2 of 5
  assert.equal(offsetsPartitionFor('\u00e9t\u00e9', 50), Math.abs(javaStringHash('\u00e9t\u00e9')) % 50);
});

forEachTarget((t) => {
  const w = wire(t);

  test('a commit is a record in __consumer_offsets, in Kafka\'s format, in the group\'s partition; the topic is internal', async () => {
    const c = w.get();
    const topic = t.unique('co-orders');
    const group = t.unique('co-group');
    await createTopic(c, topic, 3);
    await commit(c, group, topic, 2, 42, 'kt-meta');
    const meta = await offsetsTopicMetadata(c);
    assert.equal(meta.errorCode, 0);
    assert.equal(meta.isInternal, true);
    const { record, partition } = await readUntil(t.bootstrap, (r) => r.type === 'offset' && r.group === group && r.value !== null);
    assert.equal(partition, offsetsPartitionFor(group, meta.partitions));
    assert.ok(record.type === 'offset' && record.value);
    assert.equal(record.topic, topic);
    assert.equal(record.partition, 2);
    assert.equal(record.value.offset, 42);
    assert.equal(record.value.leaderEpoch, 3);
    assert.equal(record.value.metadata, 'kt-meta');
    assert.ok(record.value.commitTimestamp > Date.now() - 3_600_000, `commit timestamp ${record.value.commitTimestamp}`);
  });

  test('deleting a group\'s offsets writes tombstones (null values) for them', async () => {
    const c = w.get();
    const topic = t.unique('co-del');
    const group = t.unique('co-delgroup');
    await createTopic(c, topic, 1);
    await commit(c, group, topic, 0, 7, null);
    const d = await c.request(A.OffsetDelete, 0, { groupId: group, topics: [{ name: topic, partitions: [{ partitionIndex: 0 }] }] });
    assert.equal(d.errorCode, 0);
    assert.equal(d.topics[0].partitions[0].errorCode, 0);
    const { record } = await readUntil(t.bootstrap, (r) => r.type === 'offset' && r.group === group && r.value === null);
    assert.ok(record.type === 'offset');
    assert.equal(record.topic, topic);
    assert.equal(record.partition, 0);
  });

  test('a consumer group\'s rebalance is a GroupMetadata record: protocol type, generation, leader, the member with its subscription and assignment', async () => {
    const group = t.unique('co-reader');
    const { record } = await readUntil(t.bootstrap, (r) => r.type === 'group' && r.group === group && r.value !== null && r.value.members.length === 1, group);
    assert.ok(record.type === 'group' && record.value);
    const v = record.value;
    assert.equal(v.protocolType, 'consumer');
    assert.ok(v.generation >= 1, `generation ${v.generation}`);
    assert.equal(v.protocol, 'RoundRobinAssigner');
    const m = v.members[0];
    assert.equal(v.leader, m.memberId);
    assert.equal(m.clientId, 'kt-e2e-offsets-reader');
    assert.equal(m.groupInstanceId, null);
    assert.ok(m.subscription.includes(Buffer.from(CONSUMER_OFFSETS_TOPIC)), 'the subscription names the topic');
    assert.ok(m.assignment.includes(Buffer.from(CONSUMER_OFFSETS_TOPIC)), 'the assignment names the topic');
    assert.ok(m.sessionTimeout > 0 && m.rebalanceTimeout > 0);
  });

  test('a client cannot produce to __consumer_offsets: INVALID_TOPIC_EXCEPTION', async () => {
    const c = w.get();
    await findCoordinator(c, t.unique('co-produce'));
    await offsetsTopicMetadata(c);
    const batch = buildBatch([{ key: Buffer.from('k'), value: Buffer.from('v') }]);
    const r = await c.request(A.Produce, 9, { transactionalId: null, acks: -1, timeoutMs: 30000, topicData: [{ name: CONSUMER_OFFSETS_TOPIC, partitionData: [{ index: 0, records: batch }] }] });
    assert.equal(r.responses[0].partitionResponses[0].errorCode, code('INVALID_TOPIC_EXCEPTION'));
  });

  test('CreateTopics on an existing __consumer_offsets: TOPIC_ALREADY_EXISTS', async () => {
    const c = w.get();
    await findCoordinator(c, t.unique('co-create'));
    await offsetsTopicMetadata(c);
    const r = await c.request(A.CreateTopics, 7, { topics: [{ name: CONSUMER_OFFSETS_TOPIC, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 30000, validateOnly: false });
    assert.equal(r.topics[0].errorCode, code('TOPIC_ALREADY_EXISTS'));
  });

  test('DescribeConfigs reports offsets.topic.num.partitions, and the topic has that many partitions', async () => {
    const c = w.get();
    await findCoordinator(c, t.unique('co-configs'));
    const meta = await offsetsTopicMetadata(c);
    const r = await c.request(A.DescribeConfigs, 4, { resources: [{ resourceType: 4, resourceName: t.name === 'bundled' ? '0' : '1', configurationKeys: ['offsets.topic.num.partitions'] }], includeSynonyms: false, includeDocumentation: false });
    const entry = r.results[0].configs.find((e) => e.name === 'offsets.topic.num.partitions');
    assert.ok(entry, 'offsets.topic.num.partitions reported');
    assert.equal(Number(entry.value), meta.partitions);
  });
});

describe('bundled broker: when __consumer_offsets is created', () => {
  let broker: Broker;
  let c: WireClient;
  before(async () => {
    broker = await testBroker();
    c = await WireClient.connect('127.0.0.1', broker.port, { clientId: 'kt-e2e-offsets' });
  });
  after(async () => {
    c.close();
    await broker.stop();
  });

  test('Metadata for all topics, or for others, does not create it; FindCoordinator for a group does, with 50 partitions by default', async () => {
    await createTopic(c, 'plain', 1);
    await c.request(A.Metadata, 12, { topics: null, allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
    await c.request(A.Metadata, 12, { topics: [{ name: 'other', topicId: ZERO_ID }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
    assert.deepEqual(broker.store.listTopics().map((x) => x.name).sort(), ['other', 'plain']);
    await findCoordinator(c, 'g');
    const info = broker.store.getTopic(CONSUMER_OFFSETS_TOPIC);
    assert.equal(info?.partitions, 50);
    assert.deepEqual(info?.configs, { 'cleanup.policy': 'compact', 'segment.bytes': '104857600', 'compression.type': 'producer' });
    const all = await c.request(A.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    assert.deepEqual(all.topics.filter((x) => x.isInternal).map((x) => x.name), [CONSUMER_OFFSETS_TOPIC]);
  });

  test('deleted (Kafka 4.4 allows it), the topic comes back with the commits made before', async () => {
    await commit(c, 'keeper', 'plain', 0, 5, null);
    const d = await c.request(A.DeleteTopics, 6, { topics: [{ name: CONSUMER_OFFSETS_TOPIC, topicId: ZERO_ID }], timeoutMs: 30000 });
    assert.equal(d.responses[0].errorCode, 0);
    assert.equal(broker.store.getTopic(CONSUMER_OFFSETS_TOPIC), undefined);
    // the journal still has the offset
    const f = await c.request(A.OffsetFetch, 7, { groupId: 'keeper', topics: null, requireStable: false });
    assert.deepEqual(f.topics.map((x) => [x.name, x.partitions[0].committedOffset]), [['plain', 5]]);
    await findCoordinator(c, 'keeper');
    const { record } = await readUntil(broker.bootstrap, (r) => r.type === 'offset' && r.group === 'keeper');
    assert.ok(record.type === 'offset' && record.value);
    assert.equal(record.value.offset, 5);
  });
});

test('bundled broker: Metadata naming __consumer_offsets creates it as the internal topic when auto-creation is on, else answers UNKNOWN_TOPIC_OR_PARTITION', async () => {
  for (const auto of [false, true]) {
    const broker = await testBroker({ autoCreateTopics: auto, configs: { 'offsets.topic.num.partitions': 4 } });
    const c = await WireClient.connect('127.0.0.1', broker.port, { clientId: 'kt-e2e-offsets' });
    try {
      const m = await c.request(A.Metadata, 12, { topics: [{ name: CONSUMER_OFFSETS_TOPIC, topicId: ZERO_ID }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
      const topic = m.topics[0];
      if (!auto) {
        assert.equal(topic.errorCode, code('UNKNOWN_TOPIC_OR_PARTITION'));
        assert.equal(broker.store.getTopic(CONSUMER_OFFSETS_TOPIC), undefined);
        continue;
      }
      assert.equal(topic.errorCode, 0);
      assert.equal(topic.isInternal, true);
      assert.equal(topic.partitions.length, 4);
      assert.equal(broker.store.getTopic(CONSUMER_OFFSETS_TOPIC)?.configs['cleanup.policy'], 'compact');
    } finally {
      c.close();
      await broker.stop();
    }
  }
});
