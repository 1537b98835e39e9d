// AddOffsetsToTxn v0-4 (v4 may answer TRANSACTION_ABORTABLE): puts a consumer group in the producer's transaction, so that the
// offsets it then commits with TxnOffsetCommit become visible only if the transaction commits.
import { AddOffsetsToTxn } from '../../protocol/apis/addOffsetsToTxn.js';
import { handler } from './types.js';

export default handler(AddOffsetsToTxn, (req, ctx) => ({
  throttleTimeMs: 0,
  errorCode: ctx.broker.txn.addOffsets(req.transactionalId, req.producerId, req.producerEpoch, req.groupId, ctx.version),
}));
