// Metadata (key 3). We implement and advertise 0-13, as Kafka 4.x. v0: an empty topic list
// means all topics; v1+: null means all, empty means none. v1 adds rack, controllerId and
// isInternal, v2 clusterId, v3 throttleTimeMs, v4 allowAutoTopicCreation, v5 offlineReplicas,
// v7 leaderEpoch, v8 authorized operations, v9 is flexible, v10 topic ids (answered; asking by
// id is only honoured from v12, as Kafka), v11 drops the cluster authorized operations (now
// DescribeCluster's), v12 asks by topic id (a null name; the answer's name is nullable), v13
// adds a top-level errorCode.
import { defineApi, f } from '../schema.js';

const MIN_INT32 = -2147483648;

export const Metadata = defineApi({
  key: 3,
  name: 'Metadata',
  min: 0,
  max: 13,
  flexible: 9,
  request: {
    topics: f([{ topicId: f('uuid', { v: '10+' }), name: f('string', { nullable: '10+' }) }], { nullable: '1+' }),
    allowAutoTopicCreation: f('bool', { v: '4+', default: true }),
    includeClusterAuthorizedOperations: f('bool', { v: '8-10' }),
    includeTopicAuthorizedOperations: f('bool', { v: '8+' }),
  },
  response: {
    throttleTimeMs: f('int32', { v: '3+' }),
    brokers: [
      {
        nodeId: 'int32',
        host: 'string',
        port: 'int32',
        rack: f('string?', { v: '1+' }),
      },
    ],
    clusterId: f('string?', { v: '2+' }),
    controllerId: f('int32', { v: '1+', default: -1 }),
    topics: [
      {
        errorCode: 'int16',
        name: f('string', { nullable: '12+' }),
        topicId: f('uuid', { v: '10+' }),
        isInternal: f('bool', { v: '1+' }),
        partitions: [
          {
            errorCode: 'int16',
            partitionIndex: 'int32',
            leaderId: 'int32',
            leaderEpoch: f('int32', { v: '7+', default: -1 }),
            replicaNodes: ['int32'],
            isrNodes: ['int32'],
            offlineReplicas: f(['int32'], { v: '5+' }),
          },
        ],
        topicAuthorizedOperations: f('int32', { v: '8+', default: MIN_INT32 }),
      },
    ],
    clusterAuthorizedOperations: f('int32', { v: '8-10', default: MIN_INT32 }),
    errorCode: f('int16', { v: '13+' }),
  },
});
