// ListOffsets (key 2). We implement and advertise 1-11, as Kafka 4.x (v0, with its
// maxNumOffsets and old-style offsets array, was removed in Kafka 4.0). v1 answers one
// timestamp + offset per partition, v2 adds isolationLevel and the response throttleTimeMs, v4
// currentLeaderEpoch / leaderEpoch, v6 is flexible. Later versions add special timestamps:
// v7 -3 (max timestamp, KIP-734), v8 -4 (earliest local offset, KIP-405), v9 -5 (latest tiered
// offset, KIP-1005), v11 -6 (earliest pending upload, KIP-1023); v10 adds timeoutMs (KIP-1075,
// for remote lookups). Timestamps: -1 latest, -2 earliest.
import { defineApi, f } from '../schema.js';

export const ListOffsets = defineApi({
  key: 2,
  name: 'ListOffsets',
  min: 1,
  max: 11,
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
          },
        ],
      },
    ],
    timeoutMs: f('int32', { v: '10+' }),
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
            timestamp: f('int64', { v: '1+', default: -1 }),
            offset: f('int64', { v: '1+', default: -1 }),
            leaderEpoch: f('int32', { v: '4+', default: -1 }),
          },
        ],
      },
    ],
  },
});
