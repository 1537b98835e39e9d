// TxnOffsetCommit v0-3: consumer offsets committed inside a transaction (the group must have
// been added with AddOffsetsToTxn). They stay pending, invisible to OffsetFetch, until the
// transaction commits (then they are the group's committed offsets) or aborts (dropped).
// v3 carries the consumer's generation and member id, checked as OffsetCommit checks them.
import { TxnOffsetCommit } from '../protocol/apis/txnOffsetCommit.js';
import { handler } from './types.js';

export default handler(TxnOffsetCommit, (req, ctx) => ({
  throttleTimeMs: 0,
  topics: ctx.broker.txn.txnOffsetCommit(
    {
      transactionalId: req.transactionalId,
      groupId: req.groupId,
      producerId: req.producerId,
      producerEpoch: req.producerEpoch,
      generationId: req.generationId,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
      topics: req.topics,
    },
    ctx.version,
  ),
}));
