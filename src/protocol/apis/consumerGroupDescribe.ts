// ConsumerGroupDescribe (key 69), KIP-848's describe of consumer-protocol groups. We implement
// 0-1 (flexible); v1 adds each member's type (KIP-1099: 0 classic, 1 consumer, -1 unknown).
// Assignments name topics by id and by name. Authorized operations: INT32_MIN when not asked.
import { defineApi, f } from '../schema.js';

const assignment = { topicPartitions: [{ topicId: 'uuid', topicName: 'string', partitions: ['int32'] }] } as const;

export const ConsumerGroupDescribe = defineApi({
  key: 69,
  name: 'ConsumerGroupDescribe',
  min: 0,
  max: 1,
  flexible: 0,
  request: {
    groupIds: ['string'],
    includeAuthorizedOperations: 'bool',
  },
  response: {
    throttleTimeMs: 'int32',
    groups: [
      {
        errorCode: 'int16',
        errorMessage: 'string?',
        groupId: 'string',
        groupState: 'string',
        groupEpoch: 'int32',
        assignmentEpoch: 'int32',
        assignorName: 'string',
        members: [
          {
            memberId: 'string',
            instanceId: 'string?',
            rackId: 'string?',
            memberEpoch: 'int32',
            clientId: 'string',
            clientHost: 'string',
            subscribedTopicNames: ['string'],
            subscribedTopicRegex: 'string?',
            assignment,
            targetAssignment: assignment,
            memberType: f('int8', { v: '1+', default: -1 }),
          },
        ],
        authorizedOperations: f('int32', { default: -2147483648 }),
      },
    ],
  },
});
