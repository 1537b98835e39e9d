// CreateTopics (key 19). We implement 0-7. v1 adds validateOnly and the per-topic errorMessage,
// v2 throttleTimeMs, v4 allows numPartitions / replicationFactor of -1 (broker defaults;
// kafkajs sends -1 even on v0-3), v5 is flexible and returns the topic's numPartitions,
// replicationFactor and configs (nullable) plus the tagged topicConfigErrorCode (tag 0),
// v7 returns the topicId. Note Kafka spells the request's `timeoutMs`/`validateOnly` in camel
// case already.
import { defineApi, f } from '../schema.js';

export const CreateTopics = defineApi({
  key: 19,
  name: 'CreateTopics',
  min: 0,
  max: 7,
  flexible: 5,
  request: {
    topics: [
      {
        name: 'string',
        numPartitions: 'int32',
        replicationFactor: 'int16',
        assignments: [{ partitionIndex: 'int32', brokerIds: ['int32'] }],
        configs: [{ name: 'string', value: 'string?' }],
      },
    ],
    timeoutMs: f('int32', { default: 60000 }),
    validateOnly: f('bool', { v: '1+' }),
  },
  response: {
    throttleTimeMs: f('int32', { v: '2+' }),
    topics: [
      {
        name: 'string',
        topicId: f('uuid', { v: '7+' }),
        errorCode: 'int16',
        errorMessage: f('string?', { v: '1+' }),
        topicConfigErrorCode: f('int16', { v: '5+', tag: 0 }),
        numPartitions: f('int32', { v: '5+', default: -1 }),
        replicationFactor: f('int16', { v: '5+', default: -1 }),
        configs: f(
          [
            {
              name: 'string',
              value: 'string?',
              readOnly: 'bool',
              configSource: f('int8', { default: -1 }),
              isSensitive: 'bool',
            },
          ],
          { v: '5+', nullable: '5+' },
        ),
      },
    ],
  },
});
