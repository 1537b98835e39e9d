// AlterConfigs (key 33). Versions 0-2; v2 is flexible. Replaces the whole config set of each
// resource (IncrementalAlterConfigs is the per-key form). value is nullable.
import { defineApi } from '../schema.js';

export const AlterConfigs = defineApi({
  key: 33,
  name: 'AlterConfigs',
  min: 0,
  max: 2,
  flexible: 2,
  request: {
    resources: [{ resourceType: 'int8', resourceName: 'string', configs: [{ name: 'string', value: 'string?' }] }],
    validateOnly: 'bool',
  },
  response: {
    throttleTimeMs: 'int32',
    responses: [{ errorCode: 'int16', errorMessage: 'string?', resourceType: 'int8', resourceName: 'string' }],
  },
});
