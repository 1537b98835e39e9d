// AddPartitionsToTxn v0-5. v0-3 (what clients send): adds partitions to the producer's
// transaction before it writes to them; the transaction becomes Ongoing. v2 allows
// PRODUCER_FENCED (older versions get INVALID_PRODUCER_EPOCH). v4+ is the batched form Kafka's
// brokers use (KIP-890): several transactional ids, each answered in resultsByTransaction;
// with verifyOnly the partitions are only checked (TRANSACTION_ABORTABLE when one is not in
// the transaction). Without an authorizer Kafka answers a client's v4+ request the same way.
import { AddPartitionsToTxn } from '../../protocol/apis/addPartitionsToTxn.js';
import type { TopicPartitionErrors } from '../txn/coordinator.js';
import { handler } from './types.js';

const byTopic = (results: TopicPartitionErrors[]) =>
  results.map((t) => ({
    name: t.name,
    resultsByPartition: t.results.map((r) => ({ partitionIndex: r.partition, partitionErrorCode: r.errorCode })),
  }));

export default handler(AddPartitionsToTxn, (req, ctx) => {
  const { txn } = ctx.broker;
  if (ctx.version >= 4) {
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      resultsByTransaction: req.transactions.map((t) => {
        const topics = t.topics.map((x) => ({ name: x.name, partitions: x.partitions }));
        const results = t.verifyOnly
          ? txn.verifyPartitions(t.transactionalId, t.producerId, t.producerEpoch, topics)
          : txn.addPartitions(t.transactionalId, t.producerId, t.producerEpoch, topics, ctx.version);
        return { transactionalId: t.transactionalId, topicResults: byTopic(results) };
      }),
    };
  }
  const results = txn.addPartitions(
    req.v3AndBelowTransactionalId,
    req.v3AndBelowProducerId,
    req.v3AndBelowProducerEpoch,
    req.v3AndBelowTopics.map((t) => ({ name: t.name, partitions: t.partitions })),
    ctx.version,
  );
  return { throttleTimeMs: 0, resultsByTopicV3AndBelow: byTopic(results) };
});
