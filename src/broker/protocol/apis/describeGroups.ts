// DescribeGroups (key 15). We implement 0-5. v1 adds throttleTimeMs, v3 authorized operations
// (request flag + per-group bitfield, INT32_MIN = not requested), v4 member groupInstanceId,
// v5 is flexible. groupState is one of Empty, PreparingRebalance, CompletingRebalance, Stable,
// Dead; memberMetadata / memberAssignment are the consumer-protocol blobs.
import { defineApi, f } from '../schema.js';

export const DescribeGroups = defineApi({
  key: 15,
  name: 'DescribeGroups',
  min: 0,
  max: 5,
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
