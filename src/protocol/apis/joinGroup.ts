// JoinGroup (key 11). We implement 0-9. v1 adds rebalanceTimeoutMs (v0: use the session
// timeout), v2 the response throttleTimeMs, v4 requires a second join with the member id
// returned with MEMBER_ID_REQUIRED (79), v5 adds groupInstanceId (static membership, also in
// the member list), v6 is flexible, v7 returns protocolType and makes protocolName nullable,
// v8 adds the request's `reason` (KIP-800), v9 the response's skipAssignment (always false
// here: the leader assigns). Only the leader gets a non-empty `members`.
import { defineApi, f } from '../schema.js';

export const JoinGroup = defineApi({
  key: 11,
  name: 'JoinGroup',
  min: 0,
  max: 9,
  flexible: 6,
  request: {
    groupId: 'string',
    sessionTimeoutMs: 'int32',
    rebalanceTimeoutMs: f('int32', { v: '1+', default: -1 }),
    memberId: 'string',
    groupInstanceId: f('string?', { v: '5+' }),
    protocolType: 'string',
    protocols: [{ name: 'string', metadata: 'bytes' }],
    reason: f('string?', { v: '8+' }),
  },
  response: {
    throttleTimeMs: f('int32', { v: '2+' }),
    errorCode: 'int16',
    generationId: f('int32', { default: -1 }),
    protocolType: f('string?', { v: '7+' }),
    protocolName: f('string', { nullable: '7+' }),
    leader: 'string',
    skipAssignment: f('bool', { v: '9+' }),
    memberId: 'string',
    members: [{ memberId: 'string', groupInstanceId: f('string?', { v: '5+' }), metadata: 'bytes' }],
  },
});
