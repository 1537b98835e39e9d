// TxnOffsetCommit (key 28). We implement 0-6. v2 adds committedLeaderEpoch, v3 is flexible and
// adds generationId / memberId / groupInstanceId (KIP-447) so the coordinator can fence
// zombie members; v4 allows TRANSACTION_ABORTABLE; v5 (transactions V2, KIP-890 part 2) also
// adds the group to the transaction (no AddOffsetsToTxn needed); v6 names topics by topicId
// instead of name (KIP-1319, UNKNOWN_TOPIC_ID).
import { defineApi, f } from '../schema.js';

export const TxnOffsetCommit = defineApi({
  key: 28,
  name: 'TxnOffsetCommit',
  min: 0,
  max: 6,
  flexible: 3,
  request: {
    transactionalId: 'string',
    groupId: 'string',
    producerId: 'int64',
    producerEpoch: 'int16',
    generationIdOrMemberEpoch: f('int32', { v: '3+', default: -1 }),
    memberId: f('string', { v: '3+', default: '' }),
    groupInstanceId: f('string?', { v: '3+' }),
    topics: [
      {
        name: f('string', { v: '0-5' }),
        topicId: f('uuid', { v: '6+' }),
        partitions: [
          {
            partitionIndex: 'int32',
            committedOffset: 'int64',
            committedLeaderEpoch: f('int32', { v: '2+', default: -1 }),
            committedMetadata: 'string?',
          },
        ],
      },
    ],
  },
  response: {
    throttleTimeMs: 'int32',
    topics: [
      { name: f('string', { v: '0-5' }), topicId: f('uuid', { v: '6+' }), partitions: [{ partitionIndex: 'int32', errorCode: 'int16' }] },
    ],
  },
});
