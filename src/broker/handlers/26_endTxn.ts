// EndTxn v0-5: commits (committed=true) or aborts the producer's transaction. The coordinator
// writes a COMMIT or ABORT marker to every partition of the transaction and commits or drops
// its group offsets before it answers; a retry of a finished EndTxn gets NONE again. v5
// (transactions V2, KIP-890 part 2) bumps the epoch at every end and returns the producer id
// and epoch to use next (txn/coordinator.ts).
import { EndTxn } from '../../protocol/apis/endTxn.js';
import { handler } from './types.js';

export default handler(EndTxn, (req, ctx) => ({
  throttleTimeMs: 0,
  ...ctx.broker.txn.endTxn(req.transactionalId, req.producerId, req.producerEpoch, req.committed, ctx.version),
}));
