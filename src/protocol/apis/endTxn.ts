// EndTxn (key 26). We implement 0-5; v2 allows PRODUCER_FENCED, v3 is flexible, v4 allows
// TRANSACTION_ABORTABLE; v5 (KIP-890 part 2, "transactions V2") bumps the producer epoch at
// every end of a transaction and returns the producerId / producerEpoch to use next.
// committed=false aborts the transaction.
import { defineApi, f } from '../schema.js';

export const EndTxn = defineApi({
  key: 26,
  name: 'EndTxn',
  min: 0,
  max: 5,
  flexible: 3,
  request: {
    transactionalId: 'string',
    producerId: 'int64',
    producerEpoch: 'int16',
    committed: 'bool',
  },
  response: {
    throttleTimeMs: 'int32',
    errorCode: 'int16',
    producerId: f('int64', { v: '5+', default: -1 }),
    producerEpoch: f('int16', { v: '5+', default: -1 }),
  },
});
