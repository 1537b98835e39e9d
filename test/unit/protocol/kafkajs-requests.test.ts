// Requests encoded by kafkajs 2.2.4 (through its own `requests/<api>/index.js` version table,
// as its broker does) must decode with kt's request codec to the same fields, consuming every
// byte. One case per API; each runs for every version kafkajs implements within our range.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as A from '../../../src/protocol/apis/index.js';
import type { ApiSchema } from '../../../src/protocol/schema.js';
import { type Obj, decodeRequest, kjsEncode, require } from './helpers.js';
import { kafkajsVersions, like } from './kafkajs-common.js';

interface Case {
  kjs: string;
  api: ApiSchema;
  args: (v: number) => Obj | string[];
  expect: (v: number) => Obj;
  check?: (v: number, decoded: Obj) => void;
  /** Lowest version to compare (kafkajs Produce v0-2 carry message sets, which the broker refuses). */
  from?: number;
}

const Encoder = require('kafkajs/src/protocol/encoder.js');
const metadataBlob = Buffer.from('00000001000661626364000000ff', 'hex');

const cases: Case[] = [
  {
    kjs: 'produce',
    api: A.Produce,
    from: 3,
    args: () => ({
      acks: -1,
      timeout: 30000,
      transactionalId: 'txn-1',
      producerId: 1234,
      producerEpoch: 2,
      compression: 0,
      topicData: [
        {
          topic: 'orders',
          partitions: [
            {
              partition: 0,
              firstSequence: 5,
              messages: [
                { key: 'k1', value: 'v1', timestamp: 1700000000000, headers: { h: 'x' } },
                { key: null, value: 'v2', timestamp: 1700000000005 },
              ],
            },
            { partition: 3, messages: [{ value: 'only' }] },
          ],
        },
      ],
    }),
    expect: () => ({
      transactionalId: 'txn-1',
      acks: -1,
      timeoutMs: 30000,
      topicData: [{ name: 'orders', partitionData: [{ index: 0 }, { index: 3 }] }],
    }),
    check: (_v, d) => {
      const batch: Buffer = d.topicData[0].partitionData[0].records;
      assert.equal(batch.length, batch.readInt32BE(8) + 12, 'one whole batch');
      assert.equal(batch.readInt8(16), 2, 'magic 2');
      assert.equal(Number(batch.readBigInt64BE(43)), 1234, 'producerId');
      assert.equal(batch.readInt32BE(53), 5, 'baseSequence');
      assert.equal(batch.readInt32BE(57), 2, 'records');
      assert.ok(batch.readInt16BE(21) & 0x10, 'transactional bit');
    },
  },
  {
    kjs: 'fetch',
    api: A.Fetch,
    args: () => ({
      replicaId: -1,
      maxWaitTime: 5000,
      minBytes: 1,
      maxBytes: 10485760,
      isolationLevel: 1,
      sessionId: 0,
      sessionEpoch: -1,
      rackId: 'rack-a',
      forgottenTopics: [{ topic: 'gone', partitions: [1, 2] }],
      topics: [
        {
          topic: 'orders',
          partitions: [
            { partition: 0, fetchOffset: '42', maxBytes: 1048576, currentLeaderEpoch: 3 },
            { partition: 1, fetchOffset: '0', maxBytes: 1024 },
          ],
        },
      ],
    }),
    expect: (v) => ({
      replicaId: -1,
      maxWaitMs: 5000,
      minBytes: 1,
      maxBytes: 10485760,
      isolationLevel: 1,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        {
          topic: 'orders',
          partitions: [
            { partition: 0, fetchOffset: 42, partitionMaxBytes: 1048576, currentLeaderEpoch: v >= 9 ? 3 : -1, logStartOffset: -1 },
            { partition: 1, fetchOffset: 0, partitionMaxBytes: 1024, currentLeaderEpoch: -1 },
          ],
        },
      ],
      forgottenTopicsData: v >= 7 ? [{ topic: 'gone', partitions: [1, 2] }] : [],
      rackId: v >= 11 ? 'rack-a' : '',
    }),
  },
  {
    kjs: 'listOffsets',
    api: A.ListOffsets,
    args: () => ({
      replicaId: -1,
      isolationLevel: 1,
      topics: [{ topic: 'orders', partitions: [{ partition: 0, timestamp: -1 }, { partition: 1, timestamp: 1700000000000 }] }],
    }),
    expect: (v) => ({
      replicaId: -1,
      isolationLevel: v >= 2 ? 1 : 0,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, timestamp: -1, currentLeaderEpoch: -1 },
            { partitionIndex: 1, timestamp: 1700000000000 },
          ],
        },
      ],
    }),
  },
  {
    kjs: 'metadata',
    api: A.Metadata,
    args: () => ({ topics: ['orders', 'payments'], allowAutoTopicCreation: false }),
    expect: (v) => ({
      topics: [{ name: 'orders' }, { name: 'payments' }],
      allowAutoTopicCreation: v >= 4 ? false : true,
    }),
  },
  {
    kjs: 'offsetCommit',
    api: A.OffsetCommit,
    args: () => ({
      groupId: 'g',
      groupGenerationId: 7,
      memberId: 'm-1',
      retentionTime: 86400000,
      topics: [{ topic: 'orders', partitions: [{ partition: 0, offset: '42', timestamp: 1700000000000, metadata: 'md' }, { partition: 1, offset: '5' }] }],
    }),
    expect: (v) => ({
      groupId: 'g',
      generationIdOrMemberEpoch: v >= 1 ? 7 : -1,
      memberId: v >= 1 ? 'm-1' : '',
      retentionTimeMs: v >= 2 && v <= 4 ? 86400000 : -1,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, committedOffset: 42, commitTimestamp: v === 1 ? 1700000000000 : -1, committedMetadata: 'md' },
            { partitionIndex: 1, committedOffset: 5, committedMetadata: null },
          ],
        },
      ],
    }),
  },
  {
    kjs: 'offsetFetch',
    api: A.OffsetFetch,
    args: () => ({ groupId: 'g', topics: [{ topic: 'orders', partitions: [{ partition: 0 }, { partition: 2 }] }] }),
    expect: () => ({ groupId: 'g', topics: [{ name: 'orders', partitionIndexes: [0, 2] }], requireStable: false }),
  },
  {
    kjs: 'findCoordinator',
    api: A.FindCoordinator,
    args: () => ({ groupId: 'txn-id', coordinatorType: 1 }),
    expect: (v) => ({ key: 'txn-id', keyType: v >= 1 ? 1 : 0 }),
  },
  {
    kjs: 'joinGroup',
    api: A.JoinGroup,
    args: () => ({
      groupId: 'g',
      sessionTimeout: 30000,
      rebalanceTimeout: 60000,
      memberId: '',
      groupInstanceId: 'static-1',
      protocolType: 'consumer',
      groupProtocols: [{ name: 'RoundRobinAssigner', metadata: metadataBlob }, { name: 'empty' }],
    }),
    expect: (v) => ({
      groupId: 'g',
      sessionTimeoutMs: 30000,
      rebalanceTimeoutMs: v >= 1 ? 60000 : -1,
      memberId: '',
      groupInstanceId: v >= 5 ? 'static-1' : null,
      protocolType: 'consumer',
      protocols: [
        { name: 'RoundRobinAssigner', metadata: metadataBlob },
        { name: 'empty', metadata: Buffer.alloc(0) },
      ],
    }),
  },
  {
    kjs: 'heartbeat',
    api: A.Heartbeat,
    args: () => ({ groupId: 'g', groupGenerationId: 3, memberId: 'm-1', groupInstanceId: 'static-1' }),
    expect: (v) => ({ groupId: 'g', generationId: 3, memberId: 'm-1', groupInstanceId: v >= 3 ? 'static-1' : null }),
  },
  {
    kjs: 'leaveGroup',
    api: A.LeaveGroup,
    args: () => ({ groupId: 'g', memberId: 'm-1', groupInstanceId: 'static-1' }),
    expect: (v) =>
      v >= 3
        ? { groupId: 'g', memberId: '', members: [{ memberId: 'm-1', groupInstanceId: 'static-1' }] }
        : { groupId: 'g', memberId: 'm-1', members: [] },
  },
  {
    kjs: 'syncGroup',
    api: A.SyncGroup,
    args: () => ({
      groupId: 'g',
      generationId: 4,
      memberId: 'm-1',
      groupInstanceId: null,
      groupAssignment: [{ memberId: 'm-1', memberAssignment: metadataBlob }],
    }),
    expect: () => ({
      groupId: 'g',
      generationId: 4,
      memberId: 'm-1',
      groupInstanceId: null,
      protocolType: null,
      assignments: [{ memberId: 'm-1', assignment: metadataBlob }],
    }),
  },
  { kjs: 'describeGroups', api: A.DescribeGroups, args: () => ({ groupIds: ['g1', 'g2'] }), expect: () => ({ groups: ['g1', 'g2'] }) },
  { kjs: 'listGroups', api: A.ListGroups, args: () => ({}), expect: () => ({ statesFilter: [] }) },
  { kjs: 'saslHandshake', api: A.SaslHandshake, args: () => ({ mechanism: 'SCRAM-SHA-256' }), expect: () => ({ mechanism: 'SCRAM-SHA-256' }) },
  { kjs: 'apiVersions', api: A.ApiVersions, args: () => ({}), expect: () => ({ clientSoftwareName: '' }) },
  {
    kjs: 'createTopics',
    api: A.CreateTopics,
    args: () => ({
      timeout: 5000,
      validateOnly: true,
      topics: [
        { topic: 'auto' },
        { topic: 'placed', replicaAssignment: [{ partition: 0, replicas: [1] }], configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
      ],
    }),
    expect: (v) => ({
      topics: [
        { name: 'auto', numPartitions: -1, replicationFactor: -1, assignments: [], configs: [] },
        { name: 'placed', assignments: [{ partitionIndex: 0, brokerIds: [1] }], configs: [{ name: 'cleanup.policy', value: 'compact' }] },
      ],
      timeoutMs: 5000,
      validateOnly: v >= 1,
    }),
  },
  { kjs: 'deleteTopics', api: A.DeleteTopics, args: () => ({ topics: ['a', 'b'], timeout: 5000 }), expect: () => ({ topicNames: ['a', 'b'], timeoutMs: 5000, topics: [] }) },
  {
    kjs: 'deleteRecords',
    api: A.DeleteRecords,
    args: () => ({ timeout: 5000, topics: [{ topic: 'orders', partitions: [{ partition: 0, offset: '100' }, { partition: 1, offset: '-1' }] }] }),
    expect: () => ({ topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, offset: 100 }, { partitionIndex: 1, offset: -1 }] }], timeoutMs: 5000 }),
  },
  {
    kjs: 'initProducerId',
    api: A.InitProducerId,
    args: () => ({ transactionalId: 'txn-1', transactionTimeout: 60000 }),
    expect: () => ({ transactionalId: 'txn-1', transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 }),
  },
  {
    kjs: 'addPartitionsToTxn',
    api: A.AddPartitionsToTxn,
    args: () => ({ transactionalId: 'txn-1', producerId: '4000', producerEpoch: 1, topics: [{ topic: 'orders', partitions: [0, 1] }] }),
    expect: () => ({
      v3AndBelowTransactionalId: 'txn-1',
      v3AndBelowProducerId: 4000,
      v3AndBelowProducerEpoch: 1,
      v3AndBelowTopics: [{ name: 'orders', partitions: [0, 1] }],
      transactions: [],
    }),
  },
  {
    kjs: 'addOffsetsToTxn',
    api: A.AddOffsetsToTxn,
    args: () => ({ transactionalId: 'txn-1', producerId: '4000', producerEpoch: 1, groupId: 'g' }),
    expect: () => ({ transactionalId: 'txn-1', producerId: 4000, producerEpoch: 1, groupId: 'g' }),
  },
  {
    kjs: 'endTxn',
    api: A.EndTxn,
    args: () => ({ transactionalId: 'txn-1', producerId: '4000', producerEpoch: 1, transactionResult: true }),
    expect: () => ({ transactionalId: 'txn-1', producerId: 4000, producerEpoch: 1, committed: true }),
  },
  {
    kjs: 'txnOffsetCommit',
    api: A.TxnOffsetCommit,
    args: () => ({
      transactionalId: 'txn-1',
      groupId: 'g',
      producerId: '4000',
      producerEpoch: 1,
      topics: [{ topic: 'orders', partitions: [{ partition: 0, offset: '10', metadata: null }] }],
    }),
    expect: () => ({
      transactionalId: 'txn-1',
      groupId: 'g',
      producerId: 4000,
      producerEpoch: 1,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 10, committedLeaderEpoch: -1, committedMetadata: null }] }],
    }),
  },
  {
    kjs: 'describeConfigs',
    api: A.DescribeConfigs,
    // kafkajs writes an empty nullable array as null (-1): "all keys"
    args: () => ({ includeSynonyms: true, resources: [{ type: 2, name: 'orders', configNames: ['retention.ms'] }, { type: 4, name: '1', configNames: [] }] }),
    expect: (v) => ({
      resources: [
        { resourceType: 2, resourceName: 'orders', configurationKeys: ['retention.ms'] },
        { resourceType: 4, resourceName: '1', configurationKeys: null },
      ],
      includeSynonyms: v >= 1,
    }),
  },
  {
    kjs: 'alterConfigs',
    api: A.AlterConfigs,
    args: () => ({ validateOnly: true, resources: [{ type: 2, name: 'orders', configEntries: [{ name: 'retention.ms', value: '1000' }] }] }),
    expect: () => ({ resources: [{ resourceType: 2, resourceName: 'orders', configs: [{ name: 'retention.ms', value: '1000' }] }], validateOnly: true }),
  },
  {
    kjs: 'saslAuthenticate',
    api: A.SaslAuthenticate,
    // kafkajs' mechanisms hand it bytes that already carry the int32 length prefix
    args: () => ({ authBytes: new Encoder().writeBytes(Buffer.from('\0user\0pass')).buffer }),
    expect: () => ({ authBytes: Buffer.from('\0user\0pass') }),
  },
  {
    kjs: 'createPartitions',
    api: A.CreatePartitions,
    args: () => ({ timeout: 5000, validateOnly: false, topicPartitions: [{ topic: 'orders', count: 6 }, { topic: 'placed', count: 2, assignments: [[1], [1]] }] }),
    expect: () => ({
      topics: [
        { name: 'orders', count: 6, assignments: null }, // kafkajs: [] is written as null
        { name: 'placed', count: 2, assignments: [{ brokerIds: [1] }, { brokerIds: [1] }] },
      ],
      timeoutMs: 5000,
      validateOnly: false,
    }),
  },
  { kjs: 'deleteGroups', api: A.DeleteGroups, args: () => ['g1', 'g2'], expect: () => ({ groupsNames: ['g1', 'g2'] }) },
];

describe('kafkajs 2.2.4 requests decode with kt schemas', () => {
  for (const c of cases) {
    const versions = kafkajsVersions(c.kjs).filter((v) => v >= Math.max(c.api.min, c.from ?? 0) && v <= c.api.max);
    assert.ok(versions.length > 0, `${c.kjs}: no common version`);
    for (const v of versions) {
      test(`${c.api.name} v${v}`, async () => {
        const index = require(`kafkajs/src/protocol/requests/${c.kjs}/index.js`);
        const { request } = index.protocol({ version: v })(c.args(v));
        assert.equal(request.apiKey, c.api.key);
        assert.equal(request.apiVersion, v);
        const decoded = decodeRequest(c.api, v, await kjsEncode(request));
        like(decoded, c.expect(v));
        c.check?.(v, decoded);
      });
    }
  }

  test('every kafkajs API that kt implements is covered', () => {
    const covered = new Set(cases.map((c) => c.api.name));
    for (const name of ['Produce', 'Fetch', 'Metadata', 'OffsetCommit', 'JoinGroup', 'CreateTopics', 'DeleteGroups']) assert.ok(covered.has(name));
    assert.equal(cases.length, 28);
  });
});
