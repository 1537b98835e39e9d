// LeaveGroup (key 13). We implement 0-5. v0-2 name one memberId; v3 replaces it with a batch of
// `members` (memberId + groupInstanceId) and answers per member; v1 adds throttleTimeMs; v4 is
// flexible; v5 adds a nullable `reason` per member (KIP-800, logged). A handler must read `memberId` for v0-2 and `members` for v3+ (the other decodes
// to its default: '' / []).
import { defineApi, f } from '../schema.js';

export const LeaveGroup = defineApi({
  key: 13,
  name: 'LeaveGroup',
  min: 0,
  max: 5,
  flexible: 4,
  request: {
    groupId: 'string',
    memberId: f('string', { v: '0-2' }),
    members: f([{ memberId: 'string', groupInstanceId: 'string?', reason: f('string?', { v: '5+' }) }], { v: '3+' }),
  },
  response: {
    throttleTimeMs: f('int32', { v: '1+' }),
    errorCode: 'int16',
    members: f([{ memberId: 'string', groupInstanceId: 'string?', errorCode: 'int16' }], { v: '3+' }),
  },
});
