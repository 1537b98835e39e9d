// Fetch (key 1). We implement and advertise 4-18, as Kafka 4.x: v4 is the first version whose
// response may carry record batches (magic 2) and adds isolationLevel, lastStableOffset and
// abortedTransactions; v5 adds logStartOffset, v7 fetch sessions (sessionId/sessionEpoch,
// forgottenTopicsData, top-level errorCode), v9 currentLeaderEpoch, v11 rackId and
// preferredReadReplica (send -1), v12 is flexible and adds lastFetchedEpoch plus tagged
// clusterId (request) and divergingEpoch / currentLeader / snapshotId (response). v13 names
// topics by id instead of name (KIP-516; UNKNOWN_TOPIC_ID), v14 may answer
// OFFSET_MOVED_TO_TIERED_STORAGE (never here), v15 moves replicaId into the tagged replicaState
// (KIP-903), v16 adds the tagged nodeEndpoints (KIP-951), v17 the tagged replicaDirectoryId
// (KIP-853) and v18 the tagged highWatermark of a fetching replica (KIP-1166): the last three
// concern replication, which one node does not do, so they are decoded and ignored.
// Quirks: Kafka's JSON makes the response `records` nullable, but librdkafka rejects a null
// record set, so we declare it non-nullable: a handler's null is sent as an empty set (size 0)
// and a received -1 still decodes to null. abortedTransactions is nullable from v4 (null =
// none); tagged struct fields decode to null when absent.
import { defineApi, f } from '../schema.js';

const epochEndOffset = { epoch: f('int32', { default: -1 }), endOffset: f('int64', { default: -1 }) };
const leaderIdAndEpoch = { leaderId: f('int32', { default: -1 }), leaderEpoch: f('int32', { default: -1 }) };
const snapshotId = { endOffset: f('int64', { default: -1 }), epoch: f('int32', { default: -1 }) };

export const Fetch = defineApi({
  key: 1,
  name: 'Fetch',
  min: 4,
  max: 18,
  flexible: 12,
  request: {
    clusterId: f('string?', { v: '12+', tag: 0 }),
    replicaId: f('int32', { v: '0-14', default: -1 }),
    replicaState: f(
      { replicaId: f('int32', { default: -1 }), replicaEpoch: f('int64', { default: -1 }) },
      { v: '15+', tag: 1 },
    ),
    maxWaitMs: 'int32',
    minBytes: 'int32',
    maxBytes: f('int32', { v: '3+', default: 0x7fffffff }),
    isolationLevel: f('int8', { v: '4+' }),
    sessionId: f('int32', { v: '7+' }),
    sessionEpoch: f('int32', { v: '7+', default: -1 }),
    topics: [
      {
        topic: f('string', { v: '0-12' }),
        topicId: f('uuid', { v: '13+' }),
        partitions: [
          {
            partition: 'int32',
            currentLeaderEpoch: f('int32', { v: '9+', default: -1 }),
            fetchOffset: 'int64',
            lastFetchedEpoch: f('int32', { v: '12+', default: -1 }),
            logStartOffset: f('int64', { v: '5+', default: -1 }),
            partitionMaxBytes: 'int32',
            replicaDirectoryId: f('uuid', { v: '17+', tag: 0 }),
            highWatermark: f('int64', { v: '18+', tag: 1, default: 2 ** 63 - 1 }),
          },
        ],
      },
    ],
    forgottenTopicsData: f(
      [{ topic: f('string', { v: '7-12' }), topicId: f('uuid', { v: '13+' }), partitions: ['int32'] }],
      { v: '7+' },
    ),
    rackId: f('string', { v: '11+' }),
  },
  response: {
    throttleTimeMs: f('int32', { v: '1+' }),
    errorCode: f('int16', { v: '7+' }),
    sessionId: f('int32', { v: '7+' }),
    responses: [
      {
        topic: f('string', { v: '0-12' }),
        topicId: f('uuid', { v: '13+' }),
        partitions: [
          {
            partitionIndex: 'int32',
            errorCode: 'int16',
            highWatermark: 'int64',
            lastStableOffset: f('int64', { v: '4+', default: -1 }),
            logStartOffset: f('int64', { v: '5+', default: -1 }),
            divergingEpoch: f(epochEndOffset, { v: '12+', tag: 0 }),
            currentLeader: f(leaderIdAndEpoch, { v: '12+', tag: 1 }),
            snapshotId: f(snapshotId, { v: '12+', tag: 2 }),
            abortedTransactions: f([{ producerId: 'int64', firstOffset: 'int64' }], { v: '4+', nullable: '4+' }),
            preferredReadReplica: f('int32', { v: '11+', default: -1 }),
            records: 'records', // nullableVersions 0+ in Kafka's JSON; see above
          },
        ],
      },
    ],
    nodeEndpoints: f([{ nodeId: 'int32', host: 'string', port: 'int32', rack: 'string?' }], { v: '16+', tag: 0 }),
  },
});
