// DescribeAcls (key 29). Kafka 4.x implements v1-3 (v0 was removed in 4.0): v1 adds the
// resource pattern type, v2 is flexible, v3 adds the user resource type (no field change).
// The bundled broker has no authorizer: answered SECURITY_DISABLED, as Kafka answers without
// `authorizer.class.name`.
import { defineApi, f } from '../schema.js';

/** A pattern type filter's default: MATCH (3). */
const MATCH = 3;

export const DescribeAcls = defineApi({
  key: 29,
  name: 'DescribeAcls',
  min: 1,
  max: 3,
  flexible: 2,
  request: {
    resourceTypeFilter: 'int8',
    resourceNameFilter: 'string?',
    patternTypeFilter: f('int8', { v: '1+', default: MATCH }),
    principalFilter: 'string?',
    hostFilter: 'string?',
    operation: 'int8',
    permissionType: 'int8',
  },
  response: {
    throttleTimeMs: 'int32',
    errorCode: 'int16',
    errorMessage: 'string?',
    resources: [
      {
        resourceType: 'int8',
        resourceName: 'string',
        patternType: f('int8', { v: '1+', default: MATCH }),
        acls: [{ principal: 'string', host: 'string', operation: 'int8', permissionType: 'int8' }],
      },
    ],
  },
});
