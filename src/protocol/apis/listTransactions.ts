// ListTransactions (key 66, KIP-664). Versions 0-2, all flexible. v1 adds durationFilter
// (KIP-994: only transactions running longer than it), v2 transactionalIdPattern (KIP-1152: a
// regular expression the whole id must match; null or empty: no filter).
import { defineApi, f } from '../schema.js';

export const ListTransactions = defineApi({
  key: 66,
  name: 'ListTransactions',
  min: 0,
  max: 2,
  flexible: 0,
  request: {
    stateFilters: ['string'],
    producerIdFilters: ['int64'],
    durationFilter: f('int64', { v: '1+', default: -1 }),
    transactionalIdPattern: f('string', { v: '2+', nullable: '2+', default: null }),
  },
  response: {
    throttleTimeMs: 'int32',
    errorCode: 'int16',
    unknownStateFilters: ['string'],
    transactionStates: [{ transactionalId: 'string', producerId: 'int64', transactionState: 'string' }],
  },
});
