// ListOffsets (key 2). We implement 0-7. v0 is a different shape: the request has
// maxNumOffsets and the response answers with an `oldStyleOffsets` array (no timestamp/offset
// pair); v1+ answer one timestamp + offset per partition. v2 adds isolationLevel and the
// response throttleTimeMs, v4 currentLeaderEpoch / leaderEpoch, v6 is flexible, v7 allows
// timestamp -3 (max timestamp, KIP-734). Timestamps: -1 latest, -2 earliest, -3 max timestamp.
import { defineApi, f } from '../schema.js';

export const ListOffsets = defineApi({
  key: 2,
  name: 'ListOffsets',
  min: 0,
  max: 7,
  flexible: 6,
  request: {
    replicaId: 'int32',
    isolationLevel: f('int8', { v: '2+' }),
    topics: [
      {
        name: 'string',
        partitions: [
          {
            partitionIndex: 'int32',
            currentLeaderEpoch: f('int32', { v: '4+', default: -1 }),
            timestamp: 'int64',
            maxNumOffsets: f('int32', { v: '0', default: 1 }),
          },
        ],
      },
    ],
  },
  response: {
    throttleTimeMs: f('int32', { v: '2+' }),
    topics: [
      {
        name: 'string',
        partitions: [
          {
            partitionIndex: 'int32',
            errorCode: 'int16',
            oldStyleOffsets: f(['int64'], { v: '0' }),
            timestamp: f('int64', { v: '1+', default: -1 }),
            offset: f('int64', { v: '1+', default: -1 }),
            leaderEpoch: f('int32', { v: '4+', default: -1 }),
          },
        ],
      },
    ],
  },
});
