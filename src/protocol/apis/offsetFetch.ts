// OffsetFetch (key 9). We implement 0-10 (Kafka 4.x dropped v0; we keep it for old clients).
// v0 read ZooKeeper offsets (same shape as v1); v2 lets `topics` be null (= all committed
// topics) and adds a top-level errorCode; v3 throttleTimeMs; v5 committedLeaderEpoch; v6 is
// flexible; v7 adds requireStable. v8 batches several groups: `groups` (request and response)
// replaces the top-level groupId / topics / errorCode, each group with its own error and a
// nullable topic list. v9 (KIP-848) adds memberId / memberEpoch per group (checked for groups
// of the consumer protocol only). v10 names topics by topicId instead of name
// (UNKNOWN_TOPIC_ID). Unknown group/partition: offset -1, metadata "" or null, errorCode 0.
import { defineApi, f } from '../schema.js';

const partitionOffset = {
  partitionIndex: 'int32',
  committedOffset: 'int64',
  committedLeaderEpoch: f('int32', { default: -1 }),
  metadata: 'string?',
  errorCode: 'int16',
} as const;

export const OffsetFetch = defineApi({
  key: 9,
  name: 'OffsetFetch',
  min: 0,
  max: 10,
  flexible: 6,
  request: {
    groupId: f('string', { v: '0-7' }),
    topics: f([{ name: 'string', partitionIndexes: ['int32'] }], { v: '0-7', nullable: '2-7' }),
    groups: f(
      [
        {
          groupId: 'string',
          memberId: f('string?', { v: '9+' }),
          memberEpoch: f('int32', { v: '9+', default: -1 }),
          topics: f(
            [{ name: f('string', { v: '0-9' }), topicId: f('uuid', { v: '10+' }), partitionIndexes: ['int32'] }],
            { nullable: '8+' },
          ),
        },
      ],
      { v: '8+' },
    ),
    requireStable: f('bool', { v: '7+' }),
  },
  response: {
    throttleTimeMs: f('int32', { v: '3+' }),
    topics: f(
      [
        {
          name: 'string',
          partitions: [
            {
              partitionIndex: 'int32',
              committedOffset: 'int64',
              committedLeaderEpoch: f('int32', { v: '5-7', default: -1 }),
              metadata: 'string?',
              errorCode: 'int16',
            },
          ],
        },
      ],
      { v: '0-7' },
    ),
    errorCode: f('int16', { v: '2-7' }),
    groups: f(
      [
        {
          groupId: 'string',
          topics: [{ name: f('string', { v: '0-9' }), topicId: f('uuid', { v: '10+' }), partitions: [partitionOffset] }],
          errorCode: 'int16',
        },
      ],
      { v: '8+' },
    ),
  },
});
