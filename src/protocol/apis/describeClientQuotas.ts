// DescribeClientQuotas (key 48). Versions 0-1; v1 is flexible. A filter component matches an
// entity type by matchType: 0 EXACT (match is the name), 1 DEFAULT (the default entity, match
// null), 2 SPECIFIED (any entity of the type, match null). Strict: the entity has no other
// types. An entity name or `entries` null: the default entity, or the request failed.
import { defineApi, f } from '../schema.js';

export const DescribeClientQuotas = defineApi({
  key: 48,
  name: 'DescribeClientQuotas',
  min: 0,
  max: 1,
  flexible: 1,
  request: {
    components: [{ entityType: 'string', matchType: 'int8', match: 'string?' }],
    strict: 'bool',
  },
  response: {
    throttleTimeMs: 'int32',
    errorCode: 'int16',
    errorMessage: 'string?',
    entries: f(
      [
        {
          entity: [{ entityType: 'string', entityName: 'string?' }],
          values: [{ key: 'string', value: 'float64' }],
        },
      ],
      { nullable: '0+' },
    ),
  },
});
