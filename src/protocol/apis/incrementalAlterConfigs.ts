// IncrementalAlterConfigs (key 44). Versions 0-1; v1 is flexible. configOperation: 0 SET,
// 1 DELETE, 2 APPEND, 3 SUBTRACT; value is nullable.
import { defineApi } from '../schema.js';

export const IncrementalAlterConfigs = defineApi({
  key: 44,
  name: 'IncrementalAlterConfigs',
  min: 0,
  max: 1,
  flexible: 1,
  request: {
    resources: [
      {
        resourceType: 'int8',
        resourceName: 'string',
        configs: [{ name: 'string', configOperation: 'int8', value: 'string?' }],
      },
    ],
    validateOnly: 'bool',
  },
  response: {
    throttleTimeMs: 'int32',
    responses: [{ errorCode: 'int16', errorMessage: 'string?', resourceType: 'int8', resourceName: 'string' }],
  },
});
