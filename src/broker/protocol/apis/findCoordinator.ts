// FindCoordinator (key 10). We implement 0-3. v1 adds keyType (0 group, 1 transaction) and the
// response throttleTimeMs / errorMessage; v3 is flexible. v4 batches keys (coordinatorKeys /
// coordinators replace key and the flat response), so we stop at 3; v4 fields are described
// but absent. kafka-python sends v0 only.
import { defineApi, f } from '../schema.js';

export const FindCoordinator = defineApi({
  key: 10,
  name: 'FindCoordinator',
  min: 0,
  max: 3,
  flexible: 3,
  request: {
    key: f('string', { v: '0-3' }),
    keyType: f('int8', { v: '1+' }),
    coordinatorKeys: f(['string'], { v: '4+' }),
  },
  response: {
    throttleTimeMs: f('int32', { v: '1+' }),
    errorCode: f('int16', { v: '0-3' }),
    errorMessage: f('string?', { v: '1-3' }),
    nodeId: f('int32', { v: '0-3' }),
    host: f('string', { v: '0-3' }),
    port: f('int32', { v: '0-3' }),
    coordinators: f(
      [{ key: 'string', nodeId: 'int32', host: 'string', port: 'int32', errorCode: 'int16', errorMessage: 'string?' }],
      { v: '4+' },
    ),
  },
});
