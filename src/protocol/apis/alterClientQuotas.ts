// AlterClientQuotas (key 49). Versions 0-1; v1 is flexible. Each entry names one entity (a
// list of type and name, a null name being the type's default) and sets or removes quota
// values; validateOnly checks the entries without changing anything.
import { defineApi } from '../schema.js';

export const AlterClientQuotas = defineApi({
  key: 49,
  name: 'AlterClientQuotas',
  min: 0,
  max: 1,
  flexible: 1,
  request: {
    entries: [
      {
        entity: [{ entityType: 'string', entityName: 'string?' }],
        ops: [{ key: 'string', value: 'float64', remove: 'bool' }],
      },
    ],
    validateOnly: 'bool',
  },
  response: {
    throttleTimeMs: 'int32',
    entries: [
      {
        errorCode: 'int16',
        errorMessage: 'string?',
        entity: [{ entityType: 'string', entityName: 'string?' }],
      },
    ],
  },
});
