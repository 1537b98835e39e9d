// DescribeGroups (key 15). We implement 0-6. v1 adds throttleTimeMs, v3 authorized operations
// (request flag + per-group bitfield, INT32_MIN = not requested), v4 member groupInstanceId,
// v5 is flexible, v6 adds a nullable errorMessage per group and answers an unknown group
// GROUP_ID_NOT_FOUND (KIP-1043) where older versions describe it as Dead with no error. groupState is one of Empty, PreparingRebalance, CompletingRebalance, Stable,
// Dead; memberMetadata / memberAssignment are the consumer-protocol blobs.
import { defineApi, f } from '../schema.js';

export const DescribeGroups = defineApi({
  key: 15,
  name: 'DescribeGroups',
  min: 0,
  max: 6,
  flexible: 5,
  request: {
    groups: ['string'],
    includeAuthorizedOperations: f('bool', { v: '3+' }),
  },
  response: {
    throttleTimeMs: f('int32', { v: '1+' }),
    groups: [
      {
        errorCode: 'int16',
        errorMessage: f('string?', { v: '6+' }),
        groupId: 'string',
        groupState: 'string',
        protocolType: 'string',
        protocolData: 'string',
        members: [
          {
            memberId: 'string',
            groupInstanceId: f('string?', { v: '4+' }),
            clientId: 'string',
            clientHost: 'string',
            memberMetadata: 'bytes',
            memberAssignment: 'bytes',
          },
        ],
        authorizedOperations: f('int32', { v: '3+', default: -2147483648 }),
      },
    ],
  },
});
