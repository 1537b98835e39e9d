// AddOffsetsToTxn (key 25). We implement 0-4; v2 allows PRODUCER_FENCED, v3 is flexible, v4
// allows TRANSACTION_ABORTABLE (KIP-890).
// Adds the group's __consumer_offsets partition to the transaction before TxnOffsetCommit.
import { defineApi } from '../schema.js';

export const AddOffsetsToTxn = defineApi({
  key: 25,
  name: 'AddOffsetsToTxn',
  min: 0,
  max: 4,
  flexible: 3,
  request: {
    transactionalId: 'string',
    producerId: 'int64',
    producerEpoch: 'int16',
    groupId: 'string',
  },
  response: {
    throttleTimeMs: 'int32',
    errorCode: 'int16',
  },
});
