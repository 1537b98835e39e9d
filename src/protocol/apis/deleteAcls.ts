// DeleteAcls (key 31). Kafka 4.x implements v1-3 (v0 was removed in 4.0): v1 adds the pattern
// type, v2 is flexible, v3 adds the user resource type (no field change). Without an authorizer
// each filter is refused SECURITY_DISABLED.
import { defineApi, f } from '../schema.js';
import { ACL_FILTER, LITERAL } from './describeAcls.js';

export const DeleteAcls = defineApi({
  key: 31,
  name: 'DeleteAcls',
  min: 1,
  max: 3,
  flexible: 2,
  request: {
    filters: [ACL_FILTER],
  },
  response: {
    throttleTimeMs: 'int32',
    filterResults: [
      {
        errorCode: 'int16',
        errorMessage: 'string?',
        matchingAcls: [
          {
            errorCode: 'int16',
            errorMessage: 'string?',
            resourceType: 'int8',
            resourceName: 'string',
            patternType: f('int8', { v: '1+', default: LITERAL }),
            principal: 'string',
            host: 'string',
            operation: 'int8',
            permissionType: 'int8',
          },
        ],
      },
    ],
  },
});
