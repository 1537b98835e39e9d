// DescribeAcls (key 29). Kafka 4.x implements v1-3 (v0 was removed in 4.0): v1 adds the
// resource pattern type, v2 is flexible, v3 adds the user resource type (no field change).
// The bundled broker has no authorizer: answered SECURITY_DISABLED, as Kafka answers without
// `authorizer.class.name`.
import { defineApi, f } from '../schema.js';

/** The pattern type's default: LITERAL (3; Kafka's PatternType: ANY 1, MATCH 2, LITERAL 3, PREFIXED 4). */
export const LITERAL = 3;

/** An ACL binding filter: DescribeAcls's request, and each of DeleteAcls's filters. */
export const ACL_FILTER = {
  resourceTypeFilter: 'int8',
  resourceNameFilter: 'string?',
  patternTypeFilter: f('int8', { v: '1+', default: LITERAL }),
  principalFilter: 'string?',
  hostFilter: 'string?',
  operation: 'int8',
  permissionType: 'int8',
} as const;

export const DescribeAcls = defineApi({
  key: 29,
  name: 'DescribeAcls',
  min: 1,
  max: 3,
  flexible: 2,
  request: ACL_FILTER,
  response: {
    throttleTimeMs: 'int32',
    errorCode: 'int16',
    errorMessage: 'string?',
    resources: [
      {
        resourceType: 'int8',
        resourceName: 'string',
        patternType: f('int8', { v: '1+', default: LITERAL }),
        acls: [{ principal: 'string', host: 'string', operation: 'int8', permissionType: 'int8' }],
      },
    ],
  },
});
