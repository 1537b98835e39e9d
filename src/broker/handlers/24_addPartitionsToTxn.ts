// AddPartitionsToTxn v0-3 (the client versions; v4+ is the broker-to-broker batched form).
// Adds partitions to the producer's transaction before it writes to them; the transaction
// becomes Ongoing. v2 allows PRODUCER_FENCED (older versions get INVALID_PRODUCER_EPOCH).
import { AddPartitionsToTxn } from '../protocol/apis/addPartitionsToTxn.js';
import { handler } from './types.js';

export default handler(AddPartitionsToTxn, (req, ctx) => {
  const results = ctx.broker.txn.addPartitions(
    req.v3AndBelowTransactionalId,
    req.v3AndBelowProducerId,
    req.v3AndBelowProducerEpoch,
    req.v3AndBelowTopics.map((t) => ({ name: t.name, partitions: t.partitions })),
    ctx.version,
  );
  return {
    throttleTimeMs: 0,
    resultsByTopicV3AndBelow: results.map((t) => ({
      name: t.name,
      resultsByPartition: t.results.map((r) => ({ partitionIndex: r.partition, partitionErrorCode: r.errorCode })),
    })),
  };
});
