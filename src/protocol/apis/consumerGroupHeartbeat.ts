// ConsumerGroupHeartbeat (key 68), the consumer group protocol of KIP-848. We implement 0-1,
// as Kafka 4.x does; every version is flexible. The member joins with epoch 0, leaves with
// -1 (a static member pauses with -2); fields left null did not change since the previous
// heartbeat. v1 adds subscribedTopicRegex and has the client choose its member id (KIP-1082).
// The response carries the member's epoch and, when it changed, the partitions it may use.
import { defineApi, f } from '../schema.js';

const topicPartitions = [{ topicId: 'uuid', partitions: ['int32'] }] as const;

export const ConsumerGroupHeartbeat = defineApi({
  key: 68,
  name: 'ConsumerGroupHeartbeat',
  min: 0,
  max: 1,
  flexible: 0,
  request: {
    groupId: 'string',
    memberId: 'string',
    memberEpoch: 'int32',
    instanceId: 'string?',
    rackId: 'string?',
    rebalanceTimeoutMs: f('int32', { default: -1 }),
    subscribedTopicNames: f(['string'], { nullable: '0+' }),
    subscribedTopicRegex: f('string?', { v: '1+' }),
    serverAssignor: 'string?',
    topicPartitions: f(topicPartitions, { nullable: '0+' }),
  },
  response: {
    throttleTimeMs: 'int32',
    errorCode: 'int16',
    errorMessage: 'string?',
    memberId: 'string?',
    memberEpoch: 'int32',
    heartbeatIntervalMs: 'int32',
    assignment: f({ topicPartitions }, { nullable: '0+', default: null }),
  },
});
