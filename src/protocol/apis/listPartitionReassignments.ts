// ListPartitionReassignments (key 46, KIP-455). Version 0, flexible. Topics null means every
// topic; only partitions with a reassignment in progress are listed.
import { defineApi, f } from '../schema.js';

export const ListPartitionReassignments = defineApi({
  key: 46,
  name: 'ListPartitionReassignments',
  min: 0,
  max: 0,
  flexible: 0,
  request: {
    timeoutMs: f('int32', { default: 60000 }),
    topics: f([{ name: 'string', partitionIndexes: ['int32'] }], { nullable: '0+', default: null }),
  },
  response: {
    throttleTimeMs: 'int32',
    errorCode: 'int16',
    errorMessage: 'string?',
    topics: [
      {
        name: 'string',
        partitions: [{ partitionIndex: 'int32', replicas: ['int32'], addingReplicas: ['int32'], removingReplicas: ['int32'] }],
      },
    ],
  },
});
