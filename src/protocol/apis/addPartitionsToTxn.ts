// AddPartitionsToTxn (key 24). We implement 0-5. v2 allows PRODUCER_FENCED, v3 is flexible.
// v4+ is the batched form brokers use to verify transactions (KIP-890): several
// `transactions`, each with verifyOnly, answered per transaction in `resultsByTransaction`
// with a top-level errorCode; v5 allows TRANSACTION_ABORTABLE. Kafka renamed the client fields
// to v3AndBelow* when it added them; we keep Kafka's names, so a handler reads
// `v3AndBelowTransactionalId` etc. for v0-3 and answers in `resultsByTopicV3AndBelow`.
import { defineApi, f } from '../schema.js';

const addPartitionsToTxnTopic = { name: 'string', partitions: ['int32'] } as const;
const addPartitionsToTxnTopicResult = {
  name: 'string',
  resultsByPartition: [{ partitionIndex: 'int32', partitionErrorCode: 'int16' }],
} as const;

export const AddPartitionsToTxn = defineApi({
  key: 24,
  name: 'AddPartitionsToTxn',
  min: 0,
  max: 5,
  flexible: 3,
  request: {
    transactions: f(
      [
        {
          transactionalId: 'string',
          producerId: 'int64',
          producerEpoch: 'int16',
          verifyOnly: 'bool',
          topics: [addPartitionsToTxnTopic],
        },
      ],
      { v: '4+' },
    ),
    v3AndBelowTransactionalId: f('string', { v: '0-3' }),
    v3AndBelowProducerId: f('int64', { v: '0-3' }),
    v3AndBelowProducerEpoch: f('int16', { v: '0-3' }),
    v3AndBelowTopics: f([addPartitionsToTxnTopic], { v: '0-3' }),
  },
  response: {
    throttleTimeMs: 'int32',
    errorCode: f('int16', { v: '4+' }),
    resultsByTransaction: f([{ transactionalId: 'string', topicResults: [addPartitionsToTxnTopicResult] }], {
      v: '4+',
    }),
    resultsByTopicV3AndBelow: f([addPartitionsToTxnTopicResult], { v: '0-3' }),
  },
});
