// CreatePartitions (key 37). We implement 0-3; v2 is flexible, v3 may answer
// THROTTLING_QUOTA_EXCEEDED. `count` is the new total partition count; `assignments` is
// nullable (null = broker chooses replicas).
import { defineApi, f } from '../schema.js';

export const CreatePartitions = defineApi({
  key: 37,
  name: 'CreatePartitions',
  min: 0,
  max: 3,
  flexible: 2,
  request: {
    topics: [
      {
        name: 'string',
        count: 'int32',
        assignments: f([{ brokerIds: ['int32'] }], { nullable: '0+' }),
      },
    ],
    timeoutMs: 'int32',
    validateOnly: 'bool',
  },
  response: {
    throttleTimeMs: 'int32',
    results: [{ name: 'string', errorCode: 'int16', errorMessage: 'string?' }],
  },
});
