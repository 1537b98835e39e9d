// DescribeTransactions v0: the transaction coordinator's state of each transactional id, in
// request order: its state name (Kafka's: Empty, Ongoing, PrepareCommit, ...), timeout, the
// start of the current (or last) transaction (-1: none yet), producer id and epoch, and the
// partitions in the transaction. An id the coordinator does not know is
// TRANSACTIONAL_ID_NOT_FOUND, an empty one INVALID_REQUEST, as Kafka answers.
import { DescribeTransactions } from '../../protocol/apis/describeTransactions.js';
import { code } from '../../protocol/errors.js';
import { handler } from './types.js';

export default handler(DescribeTransactions, (req, ctx) => ({
  throttleTimeMs: 0,
  transactionStates: req.transactionalIds.map((transactionalId) => {
    if (transactionalId === '') return { transactionalId, errorCode: code('INVALID_REQUEST') };
    const m = ctx.broker.txn.describe(transactionalId);
    if (!m) return { transactionalId, errorCode: code('TRANSACTIONAL_ID_NOT_FOUND') };
    return {
      errorCode: 0,
      transactionalId,
      transactionState: m.state,
      transactionTimeoutMs: m.timeoutMs,
      transactionStartTimeMs: m.txnStartTimestamp,
      producerId: m.producerId,
      producerEpoch: m.producerEpoch,
      topics: [...m.partitions].map(([topic, ps]) => ({ topic, partitions: [...ps].sort((a, b) => a - b) })),
    };
  }),
}));
