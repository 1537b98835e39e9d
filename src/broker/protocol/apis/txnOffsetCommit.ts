// TxnOffsetCommit (key 28). We implement 0-3. v2 adds committedLeaderEpoch, v3 is flexible and
// adds generationId / memberId / groupInstanceId (KIP-447) so the coordinator can fence
// zombie members.
import { defineApi, f } from '../schema.js';

export const TxnOffsetCommit = defineApi({
  key: 28,
  name: 'TxnOffsetCommit',
  min: 0,
  max: 3,
  flexible: 3,
  request: {
    transactionalId: 'string',
    groupId: 'string',
    producerId: 'int64',
    producerEpoch: 'int16',
    generationId: f('int32', { v: '3+', default: -1 }),
    memberId: f('string', { v: '3+', default: '' }),
    groupInstanceId: f('string?', { v: '3+' }),
    topics: [
      {
        name: 'string',
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
    topics: [{ name: 'string', partitions: [{ partitionIndex: 'int32', errorCode: 'int16' }] }],
  },
});
