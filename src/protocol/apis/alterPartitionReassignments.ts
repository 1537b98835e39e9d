// AlterPartitionReassignments (key 45, KIP-455). Versions 0-1, all flexible; v1 adds
// allowReplicationFactorChange (KIP-860) to both sides. A null replica list cancels a
// partition's reassignment.
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
