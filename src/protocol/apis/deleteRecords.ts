// DeleteRecords (key 21). Versions 0-2; v2 is flexible. Offset -1 means "up to the high
// watermark". The response's lowWatermark is the new log start offset.
import { defineApi } from '../schema.js';

export const DeleteRecords = defineApi({
  key: 21,
  name: 'DeleteRecords',
  min: 0,
  max: 2,
  flexible: 2,
  request: {
    topics: [{ name: 'string', partitions: [{ partitionIndex: 'int32', offset: 'int64' }] }],
    timeoutMs: 'int32',
  },
  response: {
    throttleTimeMs: 'int32',
    topics: [{ name: 'string', partitions: [{ partitionIndex: 'int32', lowWatermark: 'int64', errorCode: 'int16' }] }],
  },
});
