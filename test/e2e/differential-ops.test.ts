// Differential tests of the admin operations (issue 13 part 6): DescribeConfigs,
// IncrementalAlterConfigs, AlterConfigs, CreatePartitions, DeleteRecords, DeleteGroups,
// OffsetDelete, AddOffsetsToTxn and TxnOffsetCommit, valid and invalid requests at their newest
// version and an older one, sent to the bundled broker and to Apache Kafka 4.4 and compared
// field by field (test/e2e/differential.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as A from '../../src/protocol/apis/index.js';
import { buildBatch } from '../../src/protocol/recordBatch.js';
import { createTopic, differential, type Side } from './differential.js';

const d = differential();
const TOPIC = 2; // ConfigResource.Type.TOPIC
const SET = 0, DELETE = 1, APPEND = 2, SUBTRACT = 3;

const batch = (n: number) =>
  buildBatch(Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`value ${i}`), timestamp: 1_700_000_000_000 + i })), { baseTimestamp: 1_700_000_000_000 });

async function produce(s: Side, topic: string, partition: number, n: number): Promise<void> {
  const r = await s.c.request(A.Produce, 11, { transactionalId: null, acks: -1, timeoutMs: 30000, topicData: [{ name: topic, partitionData: [{ index: partition, records: batch(n) }] }] });
  assert.equal(r.responses[0].partitionResponses[0].errorCode, 0, `${s.name}: produce to ${topic}`);
}

/** The named configs of a topic as DescribeConfigs v4 reports them (name, value, source). */
const describe = (s: Side, topic: string, names: string[] | null, v = 4, includeSynonyms = false) =>
  s.c.request(A.DescribeConfigs, v, { resources: [{ resourceType: TOPIC, resourceName: topic, configurationKeys: names }], includeSynonyms, includeDocumentation: false });

const WATCHED = ['cleanup.policy', 'retention.ms', 'max.message.bytes', 'segment.bytes', 'min.cleanable.dirty.ratio'];

test('DescribeConfigs v4 and v1: named configs, synonyms, an unknown topic, an unknown config name', async () => {
  await d.same('create', async (s) => {
    await createTopic(s, s.n('dc'), 1, [{ name: 'retention.ms', value: '86400000' }]);
    await createTopic(s, s.n('dc-plain'), 1);
    return null;
  });
  for (const v of [4, 1]) {
    await d.same(`named configs v${v}`, (s) => describe(s, s.n('dc'), WATCHED, v));
    await d.same(`every config with synonyms, defaults v${v}`, (s) => describe(s, s.n('dc-plain'), null, v, true));
    await d.same(`with synonyms v${v}`, (s) => describe(s, s.n('dc'), ['retention.ms', 'cleanup.policy'], v, true));
    await d.request(`an unknown topic v${v}`, A.DescribeConfigs, v, (s) => ({ resources: [{ resourceType: TOPIC, resourceName: `${s.n('dc')}-none`, configurationKeys: null }], includeSynonyms: false, includeDocumentation: false }));
    await d.same(`an unknown config name v${v}`, (s) => describe(s, s.n('dc'), ['no.such.config'], v));
  }
});

test('IncrementalAlterConfigs v1 and v0: set, delete, append, subtract, validateOnly, an invalid value, an unknown config and topic', async () => {
  for (const v of [1, 0]) {
    const k = (x: string) => `iac${v}-${x}`;
    await d.same('create', async (s) => {
      await createTopic(s, s.n(k('t')), 1);
      return null;
    });
    const alter = (label: string, configs: (s: Side) => { name: string; configOperation: number; value: string | null }[], validateOnly = false, topic = (s: Side) => s.n(k('t'))) =>
      d.request(label, A.IncrementalAlterConfigs, v, (s) => ({ resources: [{ resourceType: TOPIC, resourceName: topic(s), configs: configs(s) }], validateOnly }));
    await alter('set', () => [{ name: 'retention.ms', configOperation: SET, value: '3600000' }, { name: 'cleanup.policy', configOperation: SET, value: 'compact' }]);
    await d.converged('after set', (s) => describe(s, s.n(k('t')), WATCHED));
    await alter('append', () => [{ name: 'cleanup.policy', configOperation: APPEND, value: 'delete' }]);
    await alter('subtract', () => [{ name: 'cleanup.policy', configOperation: SUBTRACT, value: 'compact' }]);
    await d.converged('after append and subtract', (s) => describe(s, s.n(k('t')), ['cleanup.policy']));
    await alter('delete', () => [{ name: 'retention.ms', configOperation: DELETE, value: null }]);
    await alter('validateOnly', () => [{ name: 'retention.ms', configOperation: SET, value: '1000' }], true);
    await d.converged('after delete and validateOnly', (s) => describe(s, s.n(k('t')), WATCHED));
    await alter('an invalid value', () => [{ name: 'retention.ms', configOperation: SET, value: 'soon' }]);
    await alter('an unknown config', () => [{ name: 'no.such.config', configOperation: SET, value: '1' }]);
    await alter('an unknown topic', () => [{ name: 'retention.ms', configOperation: SET, value: '1000' }], false, (s) => `${s.n(k('t'))}-none`);
    await alter('one key set and deleted', () => [{ name: 'segment.bytes', configOperation: SET, value: '1048576' }, { name: 'segment.bytes', configOperation: DELETE, value: null }]);
    await alter('one key set twice', () => [{ name: 'segment.bytes', configOperation: SET, value: '1048576' }, { name: 'segment.bytes', configOperation: SET, value: '2097152' }]);
    await alter('null values to set and append', () => [{ name: 'segment.bytes', configOperation: SET, value: null }, { name: 'cleanup.policy', configOperation: APPEND, value: null }]);
    await d.request('the topic named twice', A.IncrementalAlterConfigs, v, (s) => ({
      resources: [0, 1].map(() => ({ resourceType: TOPIC, resourceName: s.n(k('t')), configs: [{ name: 'segment.bytes', configOperation: SET, value: '1048576' }] })), validateOnly: false,
    }));
    await d.same('nothing changed by the refused requests', (s) => describe(s, s.n(k('t')), WATCHED));
  }
});

test('AlterConfigs v2 and v0: replace all, validateOnly, an invalid value, an unknown topic', async () => {
  for (const v of [2, 0]) {
    const k = (x: string) => `ac${v}-${x}`;
    await d.same('create', async (s) => {
      await createTopic(s, s.n(k('t')), 1, [{ name: 'retention.ms', value: '86400000' }]);
      return null;
    });
    const alter = (label: string, configs: { name: string; value: string | null }[], validateOnly = false, topic = (s: Side) => s.n(k('t'))) =>
      d.request(label, A.AlterConfigs, v, (s) => ({ resources: [{ resourceType: TOPIC, resourceName: topic(s), configs }], validateOnly }));
    await alter('replace (retention.ms goes back to its default)', [{ name: 'segment.bytes', value: '1048576' }]);
    await d.converged('after replace', (s) => describe(s, s.n(k('t')), WATCHED));
    await alter('validateOnly', [{ name: 'max.message.bytes', value: '2000' }], true);
    await alter('an invalid value', [{ name: 'cleanup.policy', value: 'sometimes' }]);
    await alter('an unknown topic', [{ name: 'segment.bytes', value: '1048576' }], false, (s) => `${s.n(k('t'))}-none`);
    await alter('one key twice', [{ name: 'segment.bytes', value: '1048576' }, { name: 'segment.bytes', value: '2097152' }]);
    await alter('a null value', [{ name: 'segment.bytes', value: null }, { name: 'retention.ms', value: null }]);
    // (a topic named twice is not compared here: Apache 4.4 never answers that AlterConfigs)
    await d.same('nothing changed by the refused requests', (s) => describe(s, s.n(k('t')), WATCHED));
  }
});

test('CreatePartitions v3 and v0: grow, the same count, fewer, validateOnly, an unknown topic, a topic named twice', async () => {
  for (const v of [3, 0]) {
    const k = (x: string) => `cp${v}-${x}`;
    await d.same('create', async (s) => {
      await createTopic(s, s.n(k('a')), 1);
      await createTopic(s, s.n(k('b')), 2);
      await createTopic(s, s.n(k('c')), 1);
      return null;
    });
    const t = (name: string, count: number) => ({ name, count, assignments: null });
    await d.request('grow, same, fewer, unknown', A.CreatePartitions, v, (s) => ({
      topics: [t(s.n(k('a')), 3), t(s.n(k('b')), 2), t(s.n(k('c')), 0), t(`${s.n(k('a'))}-none`, 2)],
      timeoutMs: 30000, validateOnly: false,
    }));
    await d.request('validateOnly', A.CreatePartitions, v, (s) => ({ topics: [t(s.n(k('b')), 5)], timeoutMs: 30000, validateOnly: true }));
    await d.request('a topic named twice', A.CreatePartitions, v, (s) => ({ topics: [t(s.n(k('c')), 2), t(s.n(k('c')), 3)], timeoutMs: 30000, validateOnly: false }));
    await d.same('partition counts after', async (s) => {
      const md = await s.c.request(A.Metadata, 12, { topics: ['a', 'b', 'c'].map((x) => ({ name: s.n(k(x)), topicId: Buffer.alloc(16) })), allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      return md.topics.map((x) => [x.name, x.partitions.length]).sort();
    });
  }
});

test('DeleteRecords v2 and v0: to an offset, to the high watermark (-1), past it, an unknown partition and topic', async () => {
  for (const v of [2, 0]) {
    const k = (x: string) => `dr${v}-${x}`;
    await d.same('create and produce', async (s) => {
      await createTopic(s, s.n(k('t')), 2);
      await produce(s, s.n(k('t')), 0, 10);
      await produce(s, s.n(k('t')), 1, 4);
      return null;
    });
    await d.request('to offset 3 and to the end', A.DeleteRecords, v, (s) => ({
      topics: [{ name: s.n(k('t')), partitions: [{ partitionIndex: 0, offset: 3 }, { partitionIndex: 1, offset: -1 }] }], timeoutMs: 30000,
    }));
    await d.request('behind the low watermark, past the end, an unknown partition', A.DeleteRecords, v, (s) => ({
      topics: [{ name: s.n(k('t')), partitions: [{ partitionIndex: 0, offset: 1 }, { partitionIndex: 1, offset: 99 }, { partitionIndex: 7, offset: 0 }] }], timeoutMs: 30000,
    }));
    await d.request('an unknown topic', A.DeleteRecords, v, (s) => ({ topics: [{ name: `${s.n(k('t'))}-none`, partitions: [{ partitionIndex: 0, offset: 0 }] }], timeoutMs: 30000 }));
    // Kafka keeps the records of a compacted topic (POLICY_VIOLATION, even for an offset out
    // of range) and of its internal topics (INVALID_TOPIC_EXCEPTION)
    await d.same('create and produce a compacted topic', async (s) => {
      await createTopic(s, s.n(k('c')), 1, [{ name: 'cleanup.policy', value: 'compact' }]);
      await produce(s, s.n(k('c')), 0, 5);
      return null;
    });
    for (const offset of [2, 99]) {
      await d.request(`a compacted topic: to offset ${offset}`, A.DeleteRecords, v, (s) => ({ topics: [{ name: s.n(k('c')), partitions: [{ partitionIndex: 0, offset }] }], timeoutMs: 30000 }));
    }
    await d.request('__consumer_offsets', A.DeleteRecords, v, () => ({
      topics: [{ name: '__consumer_offsets', partitions: [{ partitionIndex: 0, offset: 0 }, { partitionIndex: 1, offset: -1 }] }], timeoutMs: 30000,
    }));
    await d.same('log start offsets after', async (s) => {
      const lo = await s.c.request(A.ListOffsets, 9, { replicaId: -1, isolationLevel: 0, topics: [{ name: s.n(k('t')), partitions: [0, 1].map((p) => ({ partitionIndex: p, currentLeaderEpoch: -1, timestamp: -2 })) }], timeoutMs: 30000 });
      return lo.topics[0].partitions.map((p) => [p.partitionIndex, p.errorCode, p.offset]).sort();
    });
  }
});

/** Commits offset `offset` for partition 0 of `topic` as a simple (generation -1) commit. */
async function commit(s: Side, group: string, topic: string, offset: number): Promise<void> {
  const r = await s.c.request(A.OffsetCommit, 9, {
    groupId: group, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
    topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: null }] }],
  });
  assert.equal(r.topics[0].partitions[0].errorCode, 0, `${s.name}: commit to ${group}`);
}

test('DeleteGroups v2 and v0, OffsetDelete v0: an empty group with offsets, an unknown group, a deleted one, unknown partitions', async () => {
  await d.same('create and commit', async (s) => {
    await createTopic(s, s.n('dg-t'), 2);
    for (const g of ['dg-a', 'dg-b', 'od-a']) await commit(s, s.n(g), s.n('dg-t'), 5);
    return null;
  });
  await d.request('OffsetDelete: a committed partition, one never committed, an unknown topic', A.OffsetDelete, 0, (s) => ({
    groupId: s.n('od-a'), topics: [{ name: s.n('dg-t'), partitions: [{ partitionIndex: 0 }, { partitionIndex: 1 }] }, { name: `${s.n('dg-t')}-none`, partitions: [{ partitionIndex: 0 }] }],
  }));
  await d.request('OffsetFetch after OffsetDelete', A.OffsetFetch, 9, (s) => ({
    groups: [{ groupId: s.n('od-a'), memberId: null, memberEpoch: -1, topics: [{ name: s.n('dg-t'), partitionIndexes: [0, 1] }] }], requireStable: false,
  }));
  await d.request('OffsetDelete: an unknown group', A.OffsetDelete, 0, (s) => ({ groupId: `${s.n('od-a')}-none`, topics: [{ name: s.n('dg-t'), partitions: [{ partitionIndex: 0 }] }] }));
  await d.request('DeleteGroups v2: one with offsets, an unknown one', A.DeleteGroups, 2, (s) => ({ groupsNames: [s.n('dg-a'), `${s.n('dg-a')}-none`] }));
  await d.request('DeleteGroups v0: one with offsets, one already deleted', A.DeleteGroups, 0, (s) => ({ groupsNames: [s.n('dg-b'), s.n('dg-a')] }));
  await d.request('OffsetFetch after DeleteGroups', A.OffsetFetch, 9, (s) => ({
    groups: [{ groupId: s.n('dg-b'), memberId: null, memberEpoch: -1, topics: [{ name: s.n('dg-t'), partitionIndexes: [0] }] }], requireStable: false,
  }));
});

test('AddOffsetsToTxn v4 and v0, TxnOffsetCommit v4 and v0: offsets committed by a transaction, a stale epoch, a group not added', async () => {
  for (const [av, tv] of [[4, 4], [0, 0]]) {
    const k = (x: string) => `txo${av}-${x}`;
    const pids = new Map<string, { producerId: number; producerEpoch: number }>();
    const pid = (s: Side) => pids.get(s.name) as { producerId: number; producerEpoch: number };
    await d.same('create and InitProducerId', async (s) => {
      await createTopic(s, s.n(k('t')), 1);
      const r = await s.c.request(A.InitProducerId, 5, { transactionalId: s.n(k('tx')), transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
      pids.set(s.name, { producerId: r.producerId, producerEpoch: r.producerEpoch });
      return r.errorCode;
    });
    const txnCommit = (label: string, epoch: (s: Side) => number) =>
      d.request(label, A.TxnOffsetCommit, tv, (s) => ({
        transactionalId: s.n(k('tx')), groupId: s.n(k('g')), producerId: pid(s).producerId, producerEpoch: epoch(s),
        generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
        topics: [{ name: s.n(k('t')), topicId: Buffer.alloc(16), partitions: [{ partitionIndex: 0, committedOffset: 7, committedLeaderEpoch: -1, committedMetadata: 'm' }] }],
      }));
    const add = (label: string, epoch: (s: Side) => number) =>
      d.request(label, A.AddOffsetsToTxn, av, (s) => ({ transactionalId: s.n(k('tx')), producerId: pid(s).producerId, producerEpoch: epoch(s), groupId: s.n(k('g')) }));
    await add('AddOffsetsToTxn with a stale epoch', (s) => pid(s).producerEpoch - 1);
    await add('AddOffsetsToTxn', (s) => pid(s).producerEpoch);
    await txnCommit('TxnOffsetCommit with a stale epoch', (s) => pid(s).producerEpoch - 1);
    await txnCommit('TxnOffsetCommit', (s) => pid(s).producerEpoch);
    await d.request('EndTxn commit', A.EndTxn, 4, (s) => ({ transactionalId: s.n(k('tx')), ...pid(s), committed: true }));
    await d.same('the committed offset, once the transaction has completed', async (s) => {
      // EndTxn answers before Apache has written the markers; OffsetFetch with requireStable
      // answers UNSTABLE_OFFSET_COMMIT until then (a bounded number of polls)
      for (let attempt = 0; attempt < 1000; attempt++) {
        const r = await s.c.request(A.OffsetFetch, 9, { groups: [{ groupId: s.n(k('g')), memberId: null, memberEpoch: -1, topics: [{ name: s.n(k('t')), partitionIndexes: [0] }] }], requireStable: true });
        const p = r.groups[0].topics[0].partitions[0];
        if (p.errorCode === 0) return [p.committedOffset, p.metadata];
        await new Promise((res) => setTimeout(res, 10)); // a pause between polls, not a deadline
      }
      assert.fail(`${s.name}: offsets still unstable after 1000 OffsetFetch requests`);
    });
  }
});
