// DescribeTopicPartitions (key 75, KIP-966). Version 0, flexible: Metadata's topic part with
// eligible leader replicas and paging (a partition limit and a cursor). The Java admin client
// (3.8+) uses it for describeTopics when the broker advertises it.
import { defineApi, f } from '../schema.js';

const cursor = { topicName: 'string', partitionIndex: 'int32' } as const;

export const DescribeTopicPartitions = defineApi({
  key: 75,
  name: 'DescribeTopicPartitions',
  min: 0,
  max: 0,
  flexible: 0,
  request: {
    topics: [{ name: 'string' }],
    responsePartitionLimit: f('int32', { default: 2000 }),
    cursor: f(cursor, { nullable: '0+', default: null }),
  },
  response: {
    throttleTimeMs: 'int32',
    topics: [
      {
        errorCode: 'int16',
        name: 'string?',
        topicId: 'uuid',
        isInternal: 'bool',
        partitions: [
          {
            errorCode: 'int16',
            partitionIndex: 'int32',
            leaderId: 'int32',
            leaderEpoch: f('int32', { default: -1 }),
            replicaNodes: ['int32'],
            isrNodes: ['int32'],
            eligibleLeaderReplicas: f(['int32'], { nullable: '0+', default: null }),
            lastKnownElr: f(['int32'], { nullable: '0+', default: null }),
            offlineReplicas: ['int32'],
          },
        ],
        topicAuthorizedOperations: f('int32', { default: -2147483648 }),
      },
    ],
    nextCursor: f(cursor, { nullable: '0+', default: null }),
  },
});
