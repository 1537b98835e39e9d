// FindCoordinator (key 10). We implement 0-6. v1 adds keyType (0 group, 1 transaction, 2 share
// group) and the response throttleTimeMs / errorMessage; v3 is flexible. v4 batches keys
// (KIP-699): coordinatorKeys / coordinators replace key and the flat response, one entry per
// key with its own error. v5 allows TRANSACTION_ABORTABLE (KIP-890), v6 share-group keys
// ("groupId:topicId:partition", KIP-932). kafka-python sends v0.
import { defineApi, f } from '../schema.js';

export const FindCoordinator = defineApi({
  key: 10,
  name: 'FindCoordinator',
  min: 0,
  max: 6,
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
