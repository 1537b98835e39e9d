// SyncGroup (key 14). We implement 0-5. v1 adds throttleTimeMs, v3 groupInstanceId, v4 is
// flexible, v5 adds protocolType / protocolName to both sides (nullable; the broker checks them
// against the group's when present). Only the leader sends non-empty `assignments`.
import { defineApi, f } from '../schema.js';

export const SyncGroup = defineApi({
  key: 14,
  name: 'SyncGroup',
  min: 0,
  max: 5,
  flexible: 4,
  request: {
    groupId: 'string',
    generationId: 'int32',
    memberId: 'string',
    groupInstanceId: f('string?', { v: '3+' }),
    protocolType: f('string?', { v: '5+' }),
    protocolName: f('string?', { v: '5+' }),
    assignments: [{ memberId: 'string', assignment: 'bytes' }],
  },
  response: {
    throttleTimeMs: f('int32', { v: '1+' }),
    errorCode: 'int16',
    protocolType: f('string?', { v: '5+' }),
    protocolName: f('string?', { v: '5+' }),
    assignment: 'bytes',
  },
});
