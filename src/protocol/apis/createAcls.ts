// CreateAcls (key 30). Kafka 4.x implements v1-3 (v0 was removed in 4.0): v1 adds the resource
// pattern type, v2 is flexible, v3 adds the user resource type (no field change). Without an
// authorizer each creation is refused SECURITY_DISABLED.
import { defineApi, f } from '../schema.js';
import { LITERAL } from './describeAcls.js';

export const CreateAcls = defineApi({
  key: 30,
  name: 'CreateAcls',
  min: 1,
  max: 3,
  flexible: 2,
  request: {
    creations: [
      {
        resourceType: 'int8',
        resourceName: 'string',
        resourcePatternType: f('int8', { v: '1+', default: LITERAL }),
        principal: 'string',
        host: 'string',
        operation: 'int8',
        permissionType: 'int8',
      },
    ],
  },
  response: {
    throttleTimeMs: 'int32',
    results: [{ errorCode: 'int16', errorMessage: 'string?' }],
  },
});
