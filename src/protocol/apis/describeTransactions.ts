// DescribeTransactions (key 65, KIP-664). Version 0, flexible: the coordinator's state of
// each transactional id (what `kafka-transactions describe` prints).
import { defineApi } from '../schema.js';

export const DescribeTransactions = defineApi({
  key: 65,
  name: 'DescribeTransactions',
  min: 0,
  max: 0,
  flexible: 0,
  request: {
    transactionalIds: ['string'],
  },
  response: {
    throttleTimeMs: 'int32',
    transactionStates: [
      {
        errorCode: 'int16',
        transactionalId: 'string',
        transactionState: 'string',
        transactionTimeoutMs: 'int32',
        transactionStartTimeMs: 'int64',
        producerId: 'int64',
        producerEpoch: 'int16',
        topics: [{ topic: 'string', partitions: ['int32'] }],
      },
    ],
  },
});
