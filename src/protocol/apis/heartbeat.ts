// Heartbeat (key 12). We implement 0-4. v1 adds the response throttleTimeMs, v3
// groupInstanceId, v4 is flexible. REBALANCE_IN_PROGRESS (27) tells the member to rejoin.
import { defineApi, f } from '../schema.js';

export const Heartbeat = defineApi({
  key: 12,
  name: 'Heartbeat',
  min: 0,
  max: 4,
  flexible: 4,
  request: {
    groupId: 'string',
    generationId: 'int32',
    memberId: 'string',
    groupInstanceId: f('string?', { v: '3+' }),
  },
  response: {
    throttleTimeMs: f('int32', { v: '1+' }),
    errorCode: 'int16',
  },
});
