// InitProducerId (key 22). We implement 0-5. transactionalId is nullable (null = idempotent
// producer only); v2 is flexible; v3 adds producerId / producerEpoch so a producer can bump its
// epoch after INVALID_PRODUCER_EPOCH (KIP-360); v4 allows PRODUCER_FENCED (90); v5 allows
// TRANSACTION_ABORTABLE (KIP-890). v6 (two-phase commit, KIP-939) is unstable in Kafka 4.4,
// which does not advertise it either.
import { defineApi, f } from '../schema.js';

export const InitProducerId = defineApi({
  key: 22,
  name: 'InitProducerId',
  min: 0,
  max: 5,
  flexible: 2,
  request: {
    transactionalId: 'string?',
    transactionTimeoutMs: 'int32',
    producerId: f('int64', { v: '3+', default: -1 }),
    producerEpoch: f('int16', { v: '3+', default: -1 }),
  },
  response: {
    throttleTimeMs: 'int32',
    errorCode: 'int16',
    producerId: f('int64', { default: -1 }),
    producerEpoch: 'int16',
  },
});
