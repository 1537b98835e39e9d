// AlterPartitionReassignments (key 45, KIP-455; v1 KIP-860 allowReplicationFactorChange) and
// ListPartitionReassignments (key 46). Every version is flexible. A null replica list cancels
// a partition's reassignment; ListPartitionReassignments' topics null means every topic.
import { defineApi, f } from '../schema.js';

export const AlterPartitionReassignments = defineApi({
  key: 45,
  name: 'AlterPartitionReassignments',
  min: 0,
  max: 1,
  flexible: 0,
  request: {
    timeoutMs: f('int32', { default: 60000 }),
    allowReplicationFactorChange: f('bool', { v: '1+', default: true }),
    topics: [{ name: 'string', partitions: [{ partitionIndex: 'int32', replicas: f(['int32'], { nullable: '0+', default: null }) }] }],
  },
  response: {
    throttleTimeMs: 'int32',
    allowReplicationFactorChange: f('bool', { v: '1+', default: true }),
    errorCode: 'int16',
    errorMessage: 'string?',
    responses: [{ name: 'string', partitions: [{ partitionIndex: 'int32', errorCode: 'int16', errorMessage: 'string?' }] }],
  },
});

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
