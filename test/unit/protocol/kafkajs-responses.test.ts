// Responses encoded by kt's response codecs must decode with kafkajs 2.2.4's own response
// decoders (every byte consumed) to the same fields, and pass kafkajs' `parse` (which throws
// on error codes, so the responses here are successful ones). Every version kafkajs
// implements within our advertised range is exercised.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as A from '../../../src/protocol/apis/index.js';
import type { ApiSchema } from '../../../src/protocol/schema.js';
import { type Obj, encodeResponse, kjsDecode, require } from './helpers.js';
import { kafkajsProtocol, kafkajsVersions, like } from './kafkajs-common.js';

interface Case {
  kjs: string;
  api: ApiSchema;
  args?: Obj; // for kafkajs' index when its response needs request data
  build: (v: number) => Obj;
  expect: (v: number) => Obj;
  check?: (v: number, decoded: Obj) => void;
  /** Lowest version to compare (kafkajs Produce v0-2 carry message sets, which the broker refuses). */
  from?: number;
}

const blob = Buffer.from('0000000000010006746f7069633100000000', 'hex');
const batch = await (async () => {
  const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js');
  const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js');
  const records = [
    Record({ offsetDelta: 0, timestampDelta: 0, key: Buffer.from('k1'), value: Buffer.from('hello'), headers: { h: 'x' } }),
    Record({ offsetDelta: 1, timestampDelta: 5, key: null, value: Buffer.from('world') }),
  ];
  const enc = await RecordBatch({ firstOffset: 100, firstTimestamp: 1700000000000, maxTimestamp: 1700000000005, lastOffsetDelta: 1, records });
  return Buffer.from(enc.buffer);
})();
const ok = { errorCode: 0 };

const cases: Case[] = [
  {
    kjs: 'produce',
    api: A.Produce,
    from: 3,
    build: () => ({
      responses: [
        {
          name: 'orders',
          partitionResponses: [
            { index: 0, errorCode: 0, baseOffset: 42, logAppendTimeMs: -1, logStartOffset: 0 },
            { index: 3, errorCode: 0, baseOffset: 7, logAppendTimeMs: 1700000000000, logStartOffset: 2 },
          ],
        },
      ],
      throttleTimeMs: 0,
    }),
    expect: (v) => ({
      topics: [
        {
          topicName: 'orders',
          partitions: [
            { partition: 0, errorCode: 0, baseOffset: '42', logAppendTime: '-1', ...(v >= 5 ? { logStartOffset: '0' } : {}) },
            { partition: 3, errorCode: 0, baseOffset: '7', logAppendTime: '1700000000000', ...(v >= 5 ? { logStartOffset: '2' } : {}) },
          ],
        },
      ],
    }),
  },
  {
    kjs: 'fetch',
    api: A.Fetch,
    build: () => ({
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: [
        {
          topic: 'orders',
          partitions: [
            {
              partitionIndex: 0,
              errorCode: 0,
              highWatermark: 102,
              lastStableOffset: 102,
              logStartOffset: 0,
              abortedTransactions: [{ producerId: 9, firstOffset: 50 }],
              preferredReadReplica: -1,
              records: batch,
            },
            { partitionIndex: 1, errorCode: 0, highWatermark: 0, records: null },
          ],
        },
      ],
    }),
    expect: (v) => ({
      responses: [
        {
          topicName: 'orders',
          partitions: [
            {
              partition: 0,
              errorCode: 0,
              highWatermark: '102',
              lastStableOffset: '102',
              ...(v >= 5 ? { lastStartOffset: '0' } : {}),
              abortedTransactions: [{ producerId: '9', firstOffset: '50' }],
              ...(v >= 11 ? { preferredReadReplica: -1 } : {}),
            },
            { partition: 1, highWatermark: '0', lastStableOffset: '-1', abortedTransactions: [], messages: [] },
          ],
        },
      ],
    }),
    check: (_v, d) => {
      const msgs = d.responses[0].partitions[0].messages;
      assert.deepEqual(
        msgs.map((m: Obj) => [m.offset, m.key?.toString() ?? null, m.value.toString()]),
        [['100', 'k1', 'hello'], ['101', null, 'world']],
      );
      assert.equal(msgs[0].headers.h.toString(), 'x');
    },
  },
  {
    kjs: 'listOffsets',
    api: A.ListOffsets,
    build: () => ({
      throttleTimeMs: 0,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0, timestamp: -1, offset: 55 }] }],
    }),
    expect: (v) => ({
      responses: [
        { topic: 'orders', partitions: [{ partition: 0, errorCode: 0, timestamp: '-1', offset: '55' }] },
      ],
    }),
  },
  {
    kjs: 'metadata',
    api: A.Metadata,
    build: () => ({
      throttleTimeMs: 0,
      brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: null }],
      clusterId: 'kt-cluster',
      controllerId: 1,
      topics: [
        {
          errorCode: 0,
          name: 'orders',
          isInternal: false,
          partitions: [
            { errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] },
            { errorCode: 0, partitionIndex: 1, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] },
          ],
        },
      ],
    }),
    expect: (v) => ({
      brokers: [{ nodeId: 1, host: 'localhost', port: 9092, ...(v >= 1 ? { rack: null } : {}) }],
      ...(v >= 1 ? { controllerId: 1 } : {}),
      ...(v >= 2 ? { clusterId: 'kt-cluster' } : {}),
      topicMetadata: [
        {
          topicErrorCode: 0,
          topic: 'orders',
          ...(v >= 1 ? { isInternal: false } : {}),
          partitionMetadata: [
            { partitionErrorCode: 0, partitionId: 0, leader: 1, replicas: [1], isr: [1], ...(v >= 5 ? { offlineReplicas: [] } : {}) },
            { partitionId: 1 },
          ],
        },
      ],
    }),
  },
  {
    kjs: 'offsetCommit',
    api: A.OffsetCommit,
    build: () => ({ throttleTimeMs: 0, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 1, errorCode: 0 }] }] }),
    expect: () => ({ responses: [{ topic: 'orders', partitions: [{ partition: 0, errorCode: 0 }, { partition: 1, errorCode: 0 }] }] }),
  },
  {
    kjs: 'offsetFetch',
    api: A.OffsetFetch,
    build: () => ({
      throttleTimeMs: 0,
      errorCode: 0,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: -1, metadata: 'md', errorCode: 0 },
            { partitionIndex: 1, committedOffset: -1, metadata: null, errorCode: 0 },
          ],
        },
      ],
    }),
    expect: (v) => ({
      responses: [
        {
          topic: 'orders',
          partitions: [
            { partition: 0, offset: '42', metadata: 'md', errorCode: 0 },
            { partition: 1, offset: '-1', metadata: null, errorCode: 0 },
          ],
        },
      ],
      ...(v >= 2 ? ok : {}),
    }),
  },
  {
    kjs: 'findCoordinator',
    api: A.FindCoordinator,
    build: () => ({ throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: 1, host: 'localhost', port: 9092 }),
    expect: (v) => ({ errorCode: 0, coordinator: { nodeId: 1, host: 'localhost', port: 9092 }, ...(v >= 1 ? { errorMessage: null } : {}) }),
  },
  {
    kjs: 'joinGroup',
    api: A.JoinGroup,
    build: () => ({
      throttleTimeMs: 0,
      errorCode: 0,
      generationId: 3,
      protocolName: 'RoundRobinAssigner',
      leader: 'm-1',
      memberId: 'm-1',
      members: [
        { memberId: 'm-1', groupInstanceId: 'static-1', metadata: blob },
        { memberId: 'm-2', groupInstanceId: null, metadata: Buffer.alloc(0) },
      ],
    }),
    expect: (v) => ({
      errorCode: 0,
      generationId: 3,
      groupProtocol: 'RoundRobinAssigner',
      leaderId: 'm-1',
      memberId: 'm-1',
      members: [
        { memberId: 'm-1', memberMetadata: blob, ...(v >= 5 ? { groupInstanceId: 'static-1' } : {}) },
        { memberId: 'm-2', memberMetadata: Buffer.alloc(0), ...(v >= 5 ? { groupInstanceId: null } : {}) },
      ],
    }),
  },
  { kjs: 'heartbeat', api: A.Heartbeat, build: () => ({ throttleTimeMs: 0, errorCode: 0 }), expect: () => ok },
  {
    kjs: 'leaveGroup',
    api: A.LeaveGroup,
    build: () => ({ throttleTimeMs: 0, errorCode: 0, members: [{ memberId: 'm-1', groupInstanceId: 'static-1', errorCode: 0 }] }),
    expect: (v) => ({ errorCode: 0, ...(v >= 3 ? { members: [{ memberId: 'm-1', groupInstanceId: 'static-1', errorCode: 0 }] } : {}) }),
  },
  {
    kjs: 'syncGroup',
    api: A.SyncGroup,
    build: () => ({ throttleTimeMs: 0, errorCode: 0, assignment: blob }),
    expect: () => ({ errorCode: 0, memberAssignment: blob }),
  },
  {
    kjs: 'describeGroups',
    api: A.DescribeGroups,
    build: () => ({
      throttleTimeMs: 0,
      groups: [
        {
          errorCode: 0,
          groupId: 'g',
          groupState: 'Stable',
          protocolType: 'consumer',
          protocolData: 'RoundRobinAssigner',
          members: [{ memberId: 'm-1', clientId: 'kafkajs', clientHost: '/127.0.0.1', memberMetadata: blob, memberAssignment: blob }],
        },
      ],
    }),
    expect: () => ({
      groups: [
        {
          errorCode: 0,
          groupId: 'g',
          state: 'Stable',
          protocolType: 'consumer',
          protocol: 'RoundRobinAssigner',
          members: [{ memberId: 'm-1', clientId: 'kafkajs', clientHost: '/127.0.0.1', memberMetadata: blob, memberAssignment: blob }],
        },
      ],
    }),
  },
  {
    kjs: 'listGroups',
    api: A.ListGroups,
    build: () => ({ throttleTimeMs: 0, errorCode: 0, groups: [{ groupId: 'g', protocolType: 'consumer' }, { groupId: 'h', protocolType: '' }] }),
    expect: () => ({ errorCode: 0, groups: [{ groupId: 'g', protocolType: 'consumer' }, { groupId: 'h', protocolType: '' }] }),
  },
  {
    kjs: 'saslHandshake',
    api: A.SaslHandshake,
    build: () => ({ errorCode: 0, mechanisms: ['PLAIN', 'SCRAM-SHA-256'] }),
    expect: () => ({ errorCode: 0, enabledMechanisms: ['PLAIN', 'SCRAM-SHA-256'] }),
  },
  {
    kjs: 'apiVersions',
    api: A.ApiVersions,
    build: () => ({ errorCode: 0, apiKeys: A.ALL_APIS.map((a) => ({ apiKey: a.key, minVersion: a.min, maxVersion: a.max })), throttleTimeMs: 0 }),
    expect: () => ({ errorCode: 0, apiVersions: A.ALL_APIS.map((a) => ({ apiKey: a.key, minVersion: a.min, maxVersion: a.max })) }),
  },
  {
    kjs: 'createTopics',
    api: A.CreateTopics,
    build: () => ({ throttleTimeMs: 0, topics: [{ name: 'b', errorCode: 0, errorMessage: null }, { name: 'a', errorCode: 0 }] }),
    expect: (v) => ({
      // kafkajs sorts by topic name
      topicErrors: [
        { topic: 'a', errorCode: 0, ...(v >= 1 ? { errorMessage: null } : {}) },
        { topic: 'b', errorCode: 0 },
      ],
    }),
  },
  {
    kjs: 'deleteTopics',
    api: A.DeleteTopics,
    build: () => ({ throttleTimeMs: 0, responses: [{ name: 'a', errorCode: 0 }] }),
    expect: () => ({ topicErrors: [{ topic: 'a', errorCode: 0 }] }),
  },
  {
    kjs: 'deleteRecords',
    api: A.DeleteRecords,
    args: { topics: [{ topic: 'orders', partitions: [{ partition: 0, offset: '100' }] }] },
    build: () => ({ throttleTimeMs: 0, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, lowWatermark: 100, errorCode: 0 }] }] }),
    expect: () => ({ topics: [{ topic: 'orders', partitions: [{ partition: 0, errorCode: 0 }] }] }),
    check: (_v, d) => assert.equal(d.topics[0].partitions[0].lowWatermark.toString(), '100'),
  },
  {
    kjs: 'initProducerId',
    api: A.InitProducerId,
    build: () => ({ throttleTimeMs: 0, errorCode: 0, producerId: 4000, producerEpoch: 0 }),
    expect: () => ({ errorCode: 0, producerId: '4000', producerEpoch: 0 }),
  },
  {
    kjs: 'addPartitionsToTxn',
    api: A.AddPartitionsToTxn,
    build: () => ({
      throttleTimeMs: 0,
      resultsByTopicV3AndBelow: [{ name: 'orders', resultsByPartition: [{ partitionIndex: 0, partitionErrorCode: 0 }, { partitionIndex: 1, partitionErrorCode: 0 }] }],
    }),
    expect: () => ({ errors: [{ topic: 'orders', partitionErrors: [{ partition: 0, errorCode: 0 }, { partition: 1, errorCode: 0 }] }] }),
  },
  { kjs: 'addOffsetsToTxn', api: A.AddOffsetsToTxn, build: () => ({ throttleTimeMs: 0, errorCode: 0 }), expect: () => ok },
  { kjs: 'endTxn', api: A.EndTxn, build: () => ({ throttleTimeMs: 0, errorCode: 0 }), expect: () => ok },
  {
    kjs: 'txnOffsetCommit',
    api: A.TxnOffsetCommit,
    build: () => ({ throttleTimeMs: 0, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }] }] }),
    expect: () => ({ topics: [{ topic: 'orders', partitions: [{ partition: 0, errorCode: 0 }] }] }),
  },
  {
    kjs: 'describeConfigs',
    api: A.DescribeConfigs,
    build: () => ({
      throttleTimeMs: 0,
      results: [
        {
          errorCode: 0,
          errorMessage: null,
          resourceType: 2,
          resourceName: 'orders',
          configs: [
            {
              name: 'retention.ms',
              value: '1000',
              readOnly: false,
              isDefault: false,
              configSource: 1,
              isSensitive: false,
              synonyms: [{ name: 'retention.ms', value: '1000', source: 1 }],
            },
          ],
        },
      ],
    }),
    expect: (v) => ({
      resources: [
        {
          errorCode: 0,
          errorMessage: null,
          resourceType: 2,
          resourceName: 'orders',
          configEntries: [
            {
              configName: 'retention.ms',
              configValue: '1000',
              readOnly: false,
              isDefault: false,
              configSource: 1, // v0: derived by kafkajs from isDefault + resource type (TOPIC_CONFIG = 1)
              isSensitive: false,
              ...(v >= 1 ? { configSynonyms: [{ configName: 'retention.ms', configValue: '1000', configSource: 1 }] } : {}),
            },
          ],
        },
      ],
    }),
  },
  {
    kjs: 'alterConfigs',
    api: A.AlterConfigs,
    build: () => ({ throttleTimeMs: 0, responses: [{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'orders' }] }),
    expect: () => ({ resources: [{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'orders' }] }),
  },
  {
    kjs: 'saslAuthenticate',
    api: A.SaslAuthenticate,
    build: () => ({ errorCode: 0, errorMessage: null, authBytes: Buffer.from('server-final'), sessionLifetimeMs: 3600000 }),
    expect: (v) => ({ errorCode: 0, errorMessage: null, ...(v >= 1 ? { sessionLifetimeMs: '3600000' } : {}) }),
    // kafkajs hands mechanisms the bytes with their int32 length prefix
    check: (_v, d) => assert.equal(d.authBytes.subarray(4).toString(), 'server-final'),
  },
  {
    kjs: 'createPartitions',
    api: A.CreatePartitions,
    build: () => ({ throttleTimeMs: 0, results: [{ name: 'orders', errorCode: 0, errorMessage: null }] }),
    expect: () => ({ topicErrors: [{ topic: 'orders', errorCode: 0, errorMessage: null }] }),
  },
  {
    kjs: 'deleteGroups',
    api: A.DeleteGroups,
    args: ['g1'],
    build: () => ({ throttleTimeMs: 0, results: [{ groupId: 'g1', errorCode: 0 }] }),
    expect: () => ({ results: [{ groupId: 'g1', errorCode: 0 }] }),
  },
];

describe('kt responses decode with kafkajs 2.2.4', () => {
  for (const c of cases) {
    const versions = kafkajsVersions(c.kjs).filter((v) => v >= Math.max(c.api.min, c.from ?? 0) && v <= c.api.max);
    assert.ok(versions.length > 0, `${c.kjs}: no common version`);
    for (const v of versions) {
      test(`${c.api.name} v${v}`, async () => {
        const { response } = kafkajsProtocol(c.kjs, v, c.args ?? {});
        const bytes = encodeResponse(c.api, v, c.build(v));
        const decoded = await kjsDecode(response, bytes, `${c.api.name} v${v}`);
        like(decoded, c.expect(v));
        c.check?.(v, decoded);
        const parsed = await response.parse(decoded);
        assert.ok(parsed, 'parse returned the data');
      });
    }
  }

  test('every kafkajs API that kt implements is covered', () => assert.equal(cases.length, 28));
});
