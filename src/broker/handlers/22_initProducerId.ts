// InitProducerId v0-5. Without a transactional id: a new producer id, epoch 0 (idempotent
// producers). With one: the transaction coordinator's producer id and a bumped epoch, fencing
// older instances and aborting a transaction they left open (txn/coordinator.ts). v3+ may
// name the current producer id and epoch (KIP-360); v4 allows PRODUCER_FENCED.
import { InitProducerId } from '../../protocol/apis/initProducerId.js';
import { handler } from './types.js';

export default handler(InitProducerId, (req, ctx) => {
  const r = ctx.broker.txn.initProducerId(
    { transactionalId: req.transactionalId, transactionTimeoutMs: req.transactionTimeoutMs, producerId: req.producerId, producerEpoch: req.producerEpoch },
    ctx.version,
  );
  return { throttleTimeMs: 0, errorCode: r.errorCode, producerId: r.producerId, producerEpoch: r.producerEpoch };
});
