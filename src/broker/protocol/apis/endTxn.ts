// EndTxn (key 26). We implement 0-3; v2 allows PRODUCER_FENCED, v3 is flexible. committed=false
// aborts the transaction.
import { defineApi } from '../schema.js';

export const EndTxn = defineApi({
  key: 26,
  name: 'EndTxn',
  min: 0,
  max: 3,
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
  },
});
