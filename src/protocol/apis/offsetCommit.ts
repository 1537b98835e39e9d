// OffsetCommit (key 8). We implement 0-10 (Kafka 4.x dropped 0-1; we keep them for old
// clients). v0 commits to ZooKeeper-era storage (we treat it like v1+ with generation -1); v1
// adds generationIdOrMemberEpoch, memberId and a per-partition commitTimestamp (v1 only); v2-4
// carry retentionTimeMs; v3 adds throttleTimeMs to the response; v6 committedLeaderEpoch; v7
// groupInstanceId; v8 is flexible; v9 (KIP-848) is v8 that may answer GROUP_ID_NOT_FOUND /
// STALE_MEMBER_EPOCH; v10 names topics by topicId instead of name (UNKNOWN_TOPIC_ID).
// Generation -1 with an empty memberId is a "simple" (admin) commit. committedMetadata is
// nullable.
import { defineApi, f } from '../schema.js';

export const OffsetCommit = defineApi({
  key: 8,
  name: 'OffsetCommit',
  min: 0,
  max: 10,
  flexible: 8,
  request: {
    groupId: 'string',
    generationIdOrMemberEpoch: f('int32', { v: '1+', default: -1 }),
    memberId: f('string', { v: '1+' }),
    groupInstanceId: f('string?', { v: '7+' }),
    retentionTimeMs: f('int64', { v: '2-4', default: -1 }),
    topics: [
      {
        name: f('string', { v: '0-9' }),
        topicId: f('uuid', { v: '10+' }),
        partitions: [
          {
            partitionIndex: 'int32',
            committedOffset: 'int64',
            committedLeaderEpoch: f('int32', { v: '6+', default: -1 }),
            commitTimestamp: f('int64', { v: '1', default: -1 }),
            committedMetadata: 'string?',
          },
        ],
      },
    ],
  },
  response: {
    throttleTimeMs: f('int32', { v: '3+' }),
    topics: [
      { name: f('string', { v: '0-9' }), topicId: f('uuid', { v: '10+' }), partitions: [{ partitionIndex: 'int32', errorCode: 'int16' }] },
    ],
  },
});
