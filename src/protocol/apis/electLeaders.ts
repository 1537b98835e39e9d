// ElectLeaders (key 43, KIP-460). Versions 0-2: v1 adds electionType (0 preferred, 1 unclean)
// and the top-level errorCode, v2 is flexible. topicPartitions null means every partition.
import { defineApi, f } from '../schema.js';

export const ElectLeaders = defineApi({
  key: 43,
  name: 'ElectLeaders',
  min: 0,
  max: 2,
  flexible: 2,
  request: {
    electionType: f('int8', { v: '1+' }),
    topicPartitions: f([{ topic: 'string', partitions: ['int32'] }], { nullable: '0+' }),
    timeoutMs: f('int32', { default: 60000 }),
  },
  response: {
    throttleTimeMs: 'int32',
    errorCode: f('int16', { v: '1+' }),
    replicaElectionResults: [{ topic: 'string', partitionResult: [{ partitionId: 'int32', errorCode: 'int16', errorMessage: 'string?' }] }],
  },
});
