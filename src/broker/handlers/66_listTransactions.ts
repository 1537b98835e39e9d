// ListTransactions v0-2: every transactional id the coordinator knows, filtered as Kafka
// filters: by state name (names Kafka does not know come back in unknownStateFilters), by
// producer id, by duration (v1: only transactions started more than durationFilter ms ago), by
// a regular expression the whole id must match (v2; null or empty: no filter; an invalid one is
// INVALID_REGULAR_EXPRESSION). Kafka compiles the pattern with RE2/J, the broker with
// JavaScript's RegExp: the common syntax is the same.
import { ListTransactions } from '../../protocol/apis/listTransactions.js';
import { code } from '../../protocol/errors.js';
import { handler } from './types.js';

/** Kafka's TransactionState names (a filter naming another is "unknown"). */
const KAFKA_STATES = new Set(['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'Dead', 'PrepareEpochFence']);

export default handler(ListTransactions, (req, ctx) => {
  let pattern: RegExp | null = null;
  if (req.transactionalIdPattern) {
    try {
      pattern = new RegExp(`^(?:${req.transactionalIdPattern})$`);
    } catch {
      return { throttleTimeMs: 0, errorCode: code('INVALID_REGULAR_EXPRESSION') };
    }
  }
  const states = new Set(req.stateFilters.filter((s) => KAFKA_STATES.has(s)));
  const unknownStateFilters = req.stateFilters.filter((s) => !KAFKA_STATES.has(s));
  const pids = new Set(req.producerIdFilters);
  const now = Date.now();
  const transactionStates = ctx.broker.txn
    .list()
    .filter((m) => pids.size === 0 || pids.has(m.producerId))
    .filter((m) => req.stateFilters.length === 0 || states.has(m.state))
    .filter((m) => req.durationFilter < 0 || now - m.txnStartTimestamp > req.durationFilter)
    .filter((m) => !pattern || pattern.test(m.transactionalId))
    .map((m) => ({ transactionalId: m.transactionalId, producerId: m.producerId, transactionState: m.state }));
  return { throttleTimeMs: 0, errorCode: 0, unknownStateFilters, transactionStates };
});
