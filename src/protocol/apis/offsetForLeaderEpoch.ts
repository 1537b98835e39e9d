// OffsetForLeaderEpoch (key 23). Kafka 4.x implements v2-4 (v0-1 removed in 4.0): v2 adds
// currentLeaderEpoch (fencing) and throttleTimeMs, v3 the requester's replicaId (-2: none,
// -1: a consumer), v4 is flexible. Consumers use it to validate their position after a leader
// change (KIP-320).
import { defineApi, f } from '../schema.js';

export const OffsetForLeaderEpoch = defineApi({
  key: 23,
  name: 'OffsetForLeaderEpoch',
  min: 2,
  max: 4,
  flexible: 4,
  request: {
    replicaId: f('int32', { v: '3+', default: -2 }),
    topics: [
      {
        topic: 'string',
        partitions: [{ partition: 'int32', currentLeaderEpoch: f('int32', { default: -1 }), leaderEpoch: 'int32' }],
      },
    ],
  },
  response: {
    throttleTimeMs: 'int32',
    topics: [
      {
        topic: 'string',
        partitions: [{ errorCode: 'int16', partition: 'int32', leaderEpoch: f('int32', { default: -1 }), endOffset: f('int64', { default: -1 }) }],
      },
    ],
  },
});
