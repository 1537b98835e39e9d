// DescribeProducers (key 61, KIP-664). Version 0, flexible: each partition's producer state
// (what `kafka-transactions describe-producers` prints and hanging-transaction detection uses).
import { defineApi, f } from '../schema.js';

export const DescribeProducers = defineApi({
  key: 61,
  name: 'DescribeProducers',
  min: 0,
  max: 0,
  flexible: 0,
  request: {
    topics: [{ name: 'string', partitionIndexes: ['int32'] }],
  },
  response: {
    throttleTimeMs: 'int32',
    topics: [
      {
        name: 'string',
        partitions: [
          {
            partitionIndex: 'int32',
            errorCode: 'int16',
            errorMessage: f('string?', { default: null }),
            activeProducers: [
              {
                producerId: 'int64',
                producerEpoch: 'int32',
                lastSequence: f('int32', { default: -1 }),
                lastTimestamp: f('int64', { default: -1 }),
                coordinatorEpoch: 'int32',
                currentTxnStartOffset: f('int64', { default: -1 }),
              },
            ],
          },
        ],
      },
    ],
  },
});
