// The transaction coordinator (Kafka's TransactionCoordinator), for every transactional id:
// this node is the only one. It hands out producer ids and epochs (InitProducerId), tracks
// each transactional id's state machine, and ends transactions by writing COMMIT or ABORT
// markers to their partitions and committing or dropping their consumer-group offsets.
//
//            InitProducerId                 AddPartitionsToTxn / AddOffsetsToTxn
//   (none) ─────────────────► Empty ──────────────────────────────────────────► Ongoing
//                               ▲                                                 │ EndTxn, timeout,
//              InitProducerId   │  CompleteCommit / CompleteAbort ◄── markers ── Prepare-     new InitProducerId
//              (epoch + 1)      └──────────────────────────────────── written ── Commit/Abort ◄┘
//                                    │ AddPartitionsToTxn: a new transaction (Ongoing)
//
// Every state change is written to transaction-state.log (fsynced) before it is acted on.
// Markers are written synchronously, so EndTxn answers once the transaction is complete; if a
// marker write fails the transaction stays in Prepare* and maintain() retries it (a client
// asking meanwhile gets CONCURRENT_TRANSACTIONS, which it retries). A restart completes
// Prepare* transactions, keeps Ongoing ones open until their timeout (as Kafka does) and
// repairs partitions holding an open transaction the coordinator no longer knows as open.
//
// Fencing: InitProducerId bumps the epoch; a transaction still Ongoing is first aborted with
// a bumped epoch (its markers fence the old producer at every partition). Requests with an
// older epoch get PRODUCER_FENCED (INVALID_PRODUCER_EPOCH for versions before KIP-588), a
// produce INVALID_PRODUCER_EPOCH. A transaction open longer than its timeout is aborted by
// maintain() with a bumped epoch, as in Kafka 2.5+.
//
// Transactions V2 (KIP-890 part 2), chosen per request by its version (EndTxn v5,
// TxnOffsetCommit v5), as Kafka does: EndTxn bumps the epoch at every end of a transaction
// (the markers carry the new epoch, fencing a zombie of the old one) and returns it; a retry
// with the previous epoch gets the same answer; an abort with nothing open is allowed (and
// bumps too). TxnOffsetCommit v5 adds its group to the transaction itself (no
// AddOffsetsToTxn). AddPartitionsToTxn v4+ is the batched form (several transactional ids,
// or verifyOnly: whether partitions are already in the transaction).

import { brokerNumber } from '../log/config.js';
import type { Store } from '../log/store.js';
import type { OffsetCommitEntry } from '../log/types.js';
import type { GroupCoordinator } from '../groups/coordinator.js';
import { code } from '../../protocol/errors.js';
import { markerBatch } from './markers.js';
import { ProducerIdManager } from './producerIds.js';
import { TxnStateLog, TXN_STATE_FILE } from './stateLog.js';
import { copyTxn, fromStored, toStored, type PendingOffset, type TxnMetadata } from './types.js';
import path from 'node:path';

export type { TxnMetadata, TxnState } from './types.js';

const E = {
  NONE: 0,
  INVALID_REQUEST: code('INVALID_REQUEST'),
  INVALID_TRANSACTION_TIMEOUT: code('INVALID_TRANSACTION_TIMEOUT'),
  CONCURRENT_TRANSACTIONS: code('CONCURRENT_TRANSACTIONS'),
  INVALID_PRODUCER_ID_MAPPING: code('INVALID_PRODUCER_ID_MAPPING'),
  INVALID_PRODUCER_EPOCH: code('INVALID_PRODUCER_EPOCH'),
  PRODUCER_FENCED: code('PRODUCER_FENCED'),
  INVALID_TXN_STATE: code('INVALID_TXN_STATE'),
  UNKNOWN_TOPIC_OR_PARTITION: code('UNKNOWN_TOPIC_OR_PARTITION'),
  OPERATION_NOT_ATTEMPTED: code('OPERATION_NOT_ATTEMPTED'),
  TRANSACTION_ABORTABLE: code('TRANSACTION_ABORTABLE'),
  COORDINATOR_NOT_AVAILABLE: code('COORDINATOR_NOT_AVAILABLE'),
  KAFKA_STORAGE_ERROR: code('KAFKA_STORAGE_ERROR'),
} as const;

/** Kafka's RecordBatch.NO_PRODUCER_EPOCH and TransactionMetadata.isEpochExhausted. */
const NO_EPOCH = -1;
const isEpochExhausted = (epoch: number): boolean => epoch >= 32767 - 1;

export interface TxnCoordinatorOptions {
  store: Store;
  groups: GroupCoordinator;
  log?: (line: string) => void;
  /** Called after a marker was appended (wakes long-polling fetches). */
  onAppend?: (topic: string, partition: number) => void;
  /** transaction.max.timeout.ms (default: the broker config, 900000). */
  maxTimeoutMs?: number;
  /** transactional.id.expiration.ms (default: the broker config, 7 days). */
  idExpirationMs?: number;
  now?: () => number;
}

export interface TopicPartitions {
  name: string;
  partitions: number[];
}

export interface TopicPartitionErrors {
  name: string;
  results: { partition: number; errorCode: number }[];
}

export interface TxnOffsetCommitInput {
  transactionalId: string;
  groupId: string;
  producerId: number;
  producerEpoch: number;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  topics: { name: string; partitions: { partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; committedMetadata: string | null }[] }[];
}

export class TransactionCoordinator {
  private readonly txns = new Map<string, TxnMetadata>();
  /** Current producer id -> transactional id (produce verification). */
  private readonly byProducerId = new Map<number, string>();
  private readonly stateLog: TxnStateLog;
  private readonly pids: ProducerIdManager;
  private readonly store: Store;
  private readonly groups: GroupCoordinator;
  private readonly logFn: (line: string) => void;
  private readonly onAppend: (topic: string, partition: number) => void;
  private readonly now: () => number;
  readonly maxTimeoutMs: number;
  readonly idExpirationMs: number;
  private closed = false;

  constructor(opts: TxnCoordinatorOptions) {
    this.store = opts.store;
    this.groups = opts.groups;
    this.logFn = opts.log ?? (() => {});
    this.onAppend = opts.onAppend ?? (() => {});
    this.now = opts.now ?? Date.now;
    this.maxTimeoutMs = opts.maxTimeoutMs ?? brokerNumber(opts.store.defaults, 'transaction.max.timeout.ms');
    this.idExpirationMs = opts.idExpirationMs ?? brokerNumber(opts.store.defaults, 'transactional.id.expiration.ms');
    this.pids = new ProducerIdManager(opts.store);
    const dir = opts.store.dataDir;
    this.stateLog = new TxnStateLog(dir ? path.join(dir, TXN_STATE_FILE) : undefined, this.logFn);
    for (const [id, stored] of this.stateLog.load()) {
      const m = fromStored(stored);
      this.txns.set(id, m);
      this.byProducerId.set(m.producerId, id);
    }
    this.recover();
  }

  private log(line: string): void {
    this.logFn(`transaction coordinator: ${line}`);
  }

  /** The state of a transactional id (tests, diagnostics). */
  describe(transactionalId: string): TxnMetadata | undefined {
    const m = this.txns.get(transactionalId);
    return m && copyTxn(m);
  }

  /** Every transactional id the coordinator knows. */
  list(): TxnMetadata[] {
    return [...this.txns.values()].map(copyTxn);
  }

  /** Write-ahead: the new state is durable before the coordinator acts on it. */
  private persist(next: TxnMetadata): void {
    this.stateLog.write(toStored(next));
    const prev = this.txns.get(next.transactionalId);
    if (prev && prev.producerId !== next.producerId && this.byProducerId.get(prev.producerId) === next.transactionalId) {
      this.byProducerId.delete(prev.producerId);
    }
    this.txns.set(next.transactionalId, next);
    this.byProducerId.set(next.producerId, next.transactionalId);
  }

  // ---- InitProducerId ----

  initProducerId(
    req: { transactionalId: string | null; transactionTimeoutMs: number; producerId: number; producerEpoch: number },
    version: number,
  ): { errorCode: number; producerId: number; producerEpoch: number } {
    const fail = (errorCode: number) => ({ errorCode: fenced(errorCode, version, 4), producerId: -1, producerEpoch: -1 });
    if (req.transactionalId === null) {
      // An idempotent producer: always a new id (Kafka does so even for KIP-360 requests).
      try {
        return { errorCode: E.NONE, producerId: this.pids.generate(), producerEpoch: 0 };
      } catch (e) {
        this.log(`cannot allocate a producer id: ${(e as Error).message}`);
        return fail(E.COORDINATOR_NOT_AVAILABLE);
      }
    }
    const id = req.transactionalId;
    if (id === '') return fail(E.INVALID_REQUEST);
    if (req.transactionTimeoutMs <= 0 || req.transactionTimeoutMs > this.maxTimeoutMs) return fail(E.INVALID_TRANSACTION_TIMEOUT);
    const expected = version >= 3 && req.producerId >= 0 ? { producerId: req.producerId, epoch: req.producerEpoch } : null;
    const now = this.now();
    try {
      let m = this.txns.get(id);
      if (!m) {
        m = {
          transactionalId: id, producerId: this.pids.generate(), lastProducerId: -1, producerEpoch: NO_EPOCH, lastProducerEpoch: NO_EPOCH,
          timeoutMs: req.transactionTimeoutMs, state: 'Empty', partitions: new Map(), groups: new Set(), pendingOffsets: new Map(),
          txnStartTimestamp: -1, txnLastUpdateTimestamp: now, lastResult: null,
        };
      }
      // Kafka's isValidProducerId
      if (expected && !(m.producerEpoch === NO_EPOCH || expected.producerId === m.producerId
        || (expected.producerId === m.lastProducerId && isEpochExhausted(expected.epoch)))) {
        return fail(E.PRODUCER_FENCED);
      }
      if (m.state === 'PrepareCommit' || m.state === 'PrepareAbort') {
        // markers still to be written (a failed write): try now, else let the client retry
        if (!this.complete(m, true)) return fail(E.CONCURRENT_TRANSACTIONS);
        m = this.txns.get(id) as TxnMetadata;
      }
      if (m.state === 'Ongoing') {
        // A new producer instance: abort what the old one left open, fencing it with a bumped epoch.
        this.log(`transactional id ${id}: a new producer (InitProducerId) aborts the ongoing transaction of producer ${m.producerId} epoch ${m.producerEpoch}`);
        if (!this.abortWithBump(m, now)) return fail(E.CONCURRENT_TRANSACTIONS);
        m = this.txns.get(id) as TxnMetadata;
      }
      const next = copyTxn(m);
      if (isEpochExhausted(m.producerEpoch) && (!expected || expected.epoch === m.producerEpoch)) {
        next.lastProducerId = m.producerId;
        next.producerId = this.pids.generate();
        next.producerEpoch = 0;
        next.lastProducerEpoch = NO_EPOCH;
      } else if (!expected || m.producerEpoch === NO_EPOCH) {
        next.producerEpoch = m.producerEpoch === NO_EPOCH ? 0 : m.producerEpoch + 1;
        next.lastProducerEpoch = expected ? m.producerEpoch : NO_EPOCH;
      } else if (expected.epoch === m.producerEpoch) {
        next.producerEpoch = m.producerEpoch + 1;
        next.lastProducerEpoch = m.producerEpoch;
      } else if (expected.epoch !== m.lastProducerEpoch) {
        return fail(E.PRODUCER_FENCED);
      } // else: a retry of a bump that succeeded: the current epoch again
      next.state = 'Empty';
      next.timeoutMs = req.transactionTimeoutMs;
      next.partitions = new Map();
      next.groups = new Set();
      next.pendingOffsets = new Map();
      next.txnStartTimestamp = -1;
      next.txnLastUpdateTimestamp = now;
      this.persist(next);
      return { errorCode: E.NONE, producerId: next.producerId, producerEpoch: next.producerEpoch };
    } catch (e) {
      this.log(`InitProducerId for ${id} failed: ${(e as Error).message}`);
      return fail(E.COORDINATOR_NOT_AVAILABLE);
    }
  }

  // ---- AddPartitionsToTxn / AddOffsetsToTxn ----

  /** The checks every transactional request makes first; NONE or an error code. */
  private check(m: TxnMetadata | undefined, producerId: number, producerEpoch: number): number {
    if (!m || m.producerId !== producerId) return E.INVALID_PRODUCER_ID_MAPPING;
    if (m.producerEpoch !== producerEpoch) return E.PRODUCER_FENCED;
    if (m.state === 'PrepareCommit' || m.state === 'PrepareAbort') return E.CONCURRENT_TRANSACTIONS;
    return E.NONE;
  }

  addPartitions(transactionalId: string, producerId: number, producerEpoch: number, topics: TopicPartitions[], version: number): TopicPartitionErrors[] {
    const all = (errorCode: number): TopicPartitionErrors[] =>
      topics.map((t) => ({ name: t.name, results: t.partitions.map((partition) => ({ partition, errorCode })) }));
    const m = this.txns.get(transactionalId);
    const error = this.check(m, producerId, producerEpoch);
    if (error !== E.NONE || !m) return all(fenced(error, version, 2));
    // Unknown partitions fail the request; the others are not attempted (Kafka's KafkaApis).
    const unknown = topics.some((t) => t.partitions.some((p) => !this.store.partition(t.name, p)));
    if (unknown) {
      return topics.map((t) => ({
        name: t.name,
        results: t.partitions.map((partition) => ({
          partition,
          errorCode: this.store.partition(t.name, partition) ? E.OPERATION_NOT_ATTEMPTED : E.UNKNOWN_TOPIC_OR_PARTITION,
        })),
      }));
    }
    const missing = topics.some((t) => t.partitions.some((p) => !m.partitions.get(t.name)?.has(p)));
    if (m.state === 'Ongoing' && !missing) return all(E.NONE);
    const next = this.begin(m);
    for (const t of topics) {
      let set = next.partitions.get(t.name);
      if (!set) next.partitions.set(t.name, (set = new Set()));
      for (const p of t.partitions) set.add(p);
    }
    return all(this.tryPersist(next));
  }

  /**
   * AddPartitionsToTxn v4+ with verifyOnly: which partitions the Ongoing transaction already
   * has (NONE) and which not (TRANSACTION_ABORTABLE, as Kafka answers), without adding any.
   */
  verifyPartitions(transactionalId: string, producerId: number, producerEpoch: number, topics: TopicPartitions[]): TopicPartitionErrors[] {
    const m = this.txns.get(transactionalId);
    const error = this.check(m, producerId, producerEpoch);
    return topics.map((t) => ({
      name: t.name,
      results: t.partitions.map((partition) => ({
        partition,
        errorCode: error !== E.NONE || !m ? error : m.state === 'Ongoing' && m.partitions.get(t.name)?.has(partition) ? E.NONE : E.TRANSACTION_ABORTABLE,
      })),
    }));
  }

  addOffsets(transactionalId: string, producerId: number, producerEpoch: number, groupId: string, version: number): number {
    const m = this.txns.get(transactionalId);
    const error = this.check(m, producerId, producerEpoch);
    if (error !== E.NONE || !m) return fenced(error, version, 2);
    if (m.state === 'Ongoing' && m.groups.has(groupId)) return E.NONE;
    const next = this.begin(m);
    next.groups.add(groupId);
    return this.tryPersist(next);
  }

  /** The transaction after an Add*: Ongoing, a new one when the last one ended. */
  private begin(m: TxnMetadata): TxnMetadata {
    const next = copyTxn(m);
    const now = this.now();
    if (m.state !== 'Ongoing') {
      next.state = 'Ongoing';
      next.txnStartTimestamp = now;
      next.partitions = new Map();
      next.groups = new Set();
      next.pendingOffsets = new Map();
    }
    next.txnLastUpdateTimestamp = now;
    return next;
  }

  private tryPersist(next: TxnMetadata): number {
    try {
      this.persist(next);
      return E.NONE;
    } catch (e) {
      this.log(`storing the state of ${next.transactionalId} failed: ${(e as Error).message}`);
      return E.COORDINATOR_NOT_AVAILABLE;
    }
  }

  // ---- TxnOffsetCommit ----

  txnOffsetCommit(req: TxnOffsetCommitInput, version: number): { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[] {
    const all = (errorCode: number) => req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) }));
    const m = this.txns.get(req.transactionalId);
    if (!m || m.producerId !== req.producerId) return all(E.INVALID_PRODUCER_ID_MAPPING);
    if (m.producerEpoch !== req.producerEpoch) return all(E.INVALID_PRODUCER_EPOCH);
    if (m.state === 'PrepareCommit' || m.state === 'PrepareAbort') return all(E.CONCURRENT_TRANSACTIONS);
    // The group must be in the transaction (AddOffsetsToTxn first), else nothing would end it;
    // v5+ (transactions V2) adds it here, v4 is answered TRANSACTION_ABORTABLE (KIP-890).
    let base = m;
    if (m.state !== 'Ongoing' || !m.groups.has(req.groupId)) {
      if (version < 5) return all(version >= 4 ? E.TRANSACTION_ABORTABLE : E.INVALID_TXN_STATE);
      base = this.begin(m);
      base.groups.add(req.groupId);
    }
    const memberError = this.groups.validateTxnOffsetCommit(req.groupId, version >= 3 ? req.generationId : -1, version >= 3 ? req.memberId : '', version >= 3 ? req.groupInstanceId : null);
    if (memberError !== E.NONE) return all(memberError);
    const accepted: PendingOffset[] = [];
    const result = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        let errorCode: number = E.NONE;
        if (!this.store.partition(t.name, p.partitionIndex)) errorCode = E.UNKNOWN_TOPIC_OR_PARTITION;
        else errorCode = this.groups.offsetMetadataError(p.committedMetadata);
        if (errorCode === E.NONE) {
          accepted.push({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: version >= 2 ? p.committedLeaderEpoch : -1, metadata: p.committedMetadata ?? '' });
        }
        return { partitionIndex: p.partitionIndex, errorCode };
      }),
    }));
    if (accepted.length === 0) {
      if (base !== m) {
        const stored = this.tryPersist(base);
        if (stored !== E.NONE) return all(stored);
      }
      return result;
    }
    const next = copyTxn(base);
    const list = (next.pendingOffsets.get(req.groupId) ?? []).filter((o) => !accepted.some((a) => a.topic === o.topic && a.partition === o.partition));
    next.pendingOffsets.set(req.groupId, [...list, ...accepted]);
    next.txnLastUpdateTimestamp = this.now();
    const stored = this.tryPersist(next);
    if (stored !== E.NONE) return all(stored);
    this.groups.addPendingTxnOffsets(req.groupId, m.producerId, accepted.map(toEntry));
    return result;
  }

  // ---- EndTxn ----

  /**
   * Commits or aborts the transaction. The answer carries the producer id and epoch to use
   * next: bumped by every EndTxn v5+ (transactions V2), unchanged below (-1 on errors).
   */
  endTxn(
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    commit: boolean,
    version: number,
  ): { errorCode: number; producerId: number; producerEpoch: number } {
    const v2 = version >= 5;
    const fail = (errorCode: number) => ({ errorCode, producerId: -1, producerEpoch: -1 });
    const m = this.txns.get(transactionalId);
    if (!m || m.producerId !== producerId) return fail(E.INVALID_PRODUCER_ID_MAPPING);
    const ok = () => {
      const now = this.txns.get(transactionalId) as TxnMetadata;
      return { errorCode: E.NONE, producerId: now.producerId, producerEpoch: now.producerEpoch };
    };
    // V2: a retry of an EndTxn that bumped the epoch comes with the epoch before the bump
    const retry = v2 && producerEpoch !== m.producerEpoch && producerEpoch === m.lastProducerEpoch && m.producerEpoch === producerEpoch + 1;
    if (m.producerEpoch !== producerEpoch && !retry) return fail(fenced(E.PRODUCER_FENCED, version, 2));
    switch (m.state) {
      case 'Ongoing':
        if (retry) return fail(E.PRODUCER_FENCED);
        break;
      case 'CompleteCommit':
        if (commit) return retry || !v2 ? ok() : fail(E.INVALID_TXN_STATE); // a retry
        if (retry || !v2) return fail(E.INVALID_TXN_STATE);
        return this.abortEmpty(m); // V2: aborting with nothing open bumps the epoch
      case 'CompleteAbort':
        if (commit) return fail(E.INVALID_TXN_STATE);
        return retry || !v2 ? ok() : this.abortEmpty(m);
      case 'PrepareCommit':
        return fail(commit ? E.CONCURRENT_TRANSACTIONS : E.INVALID_TXN_STATE);
      case 'PrepareAbort':
        return fail(commit ? E.INVALID_TXN_STATE : E.CONCURRENT_TRANSACTIONS);
      case 'Empty':
        if (v2 && !commit && !retry) return this.abortEmpty(m);
        return fail(E.INVALID_TXN_STATE);
    }
    const prepared = copyTxn(m);
    prepared.state = commit ? 'PrepareCommit' : 'PrepareAbort';
    prepared.txnLastUpdateTimestamp = this.now();
    if (v2) bumpEpoch(prepared, m);
    const stored = this.tryPersist(prepared);
    if (stored !== E.NONE) return fail(stored);
    // Decided and durable: the client gets NONE even if a marker write fails now (retried).
    this.complete(prepared, false);
    return v2 ? { errorCode: E.NONE, producerId: prepared.producerId, producerEpoch: prepared.producerEpoch } : { errorCode: E.NONE, producerId: -1, producerEpoch: -1 };
  }

  /** Transactions V2: an abort with no transaction open only bumps the epoch (CompleteAbort). */
  private abortEmpty(m: TxnMetadata): { errorCode: number; producerId: number; producerEpoch: number } {
    const next = copyTxn(m);
    bumpEpoch(next, m);
    next.state = 'CompleteAbort';
    next.lastResult = 'abort';
    next.partitions = new Map();
    next.groups = new Set();
    next.pendingOffsets = new Map();
    next.txnStartTimestamp = -1;
    next.txnLastUpdateTimestamp = this.now();
    const stored = this.tryPersist(next);
    if (stored !== E.NONE) return { errorCode: stored, producerId: -1, producerEpoch: -1 };
    return { errorCode: E.NONE, producerId: next.producerId, producerEpoch: next.producerEpoch };
  }

  /** Aborts an Ongoing transaction with the epoch bumped (fencing its producer); false if markers failed. */
  private abortWithBump(m: TxnMetadata, now: number): boolean {
    const prepared = copyTxn(m);
    if (!isEpochExhausted(m.producerEpoch)) {
      prepared.lastProducerEpoch = m.producerEpoch;
      prepared.producerEpoch = m.producerEpoch + 1;
    }
    prepared.state = 'PrepareAbort';
    prepared.txnLastUpdateTimestamp = now;
    this.persist(prepared);
    return this.complete(prepared, false);
  }

  /**
   * Writes the markers of a Prepare* transaction, commits or drops its group offsets, and moves
   * it to Complete*. `recovering`: after a restart or a failed attempt, markers go only to
   * partitions still holding the transaction open. Returns false when something failed (the
   * transaction stays Prepare*; maintain() retries).
   */
  private complete(m: TxnMetadata, recovering: boolean): boolean {
    const commit = m.state === 'PrepareCommit';
    const now = this.now();
    let ok = true;
    for (const [topic, partitions] of m.partitions) {
      for (const p of partitions) {
        const log = this.store.partition(topic, p);
        if (!log) continue; // deleted since
        if (recovering && !log.openTransactions().some((t) => t.producerId === m.producerId)) continue;
        try {
          log.append(markerBatch(m.producerId, m.producerEpoch, commit, now), now);
          this.onAppend(topic, p);
        } catch (e) {
          ok = false;
          this.log(`writing the ${commit ? 'COMMIT' : 'ABORT'} marker of ${m.transactionalId} (producer ${m.producerId}) to ${topic}-${p} failed: ${(e as Error).message}; will retry`);
        }
      }
    }
    if (!ok) return false;
    for (const group of m.groups) {
      try {
        this.groups.completeTxnOffsets(group, m.producerId, commit);
      } catch (e) {
        this.log(`${commit ? 'committing' : 'dropping'} the offsets of ${m.transactionalId} for group ${group} failed: ${(e as Error).message}; will retry`);
        return false;
      }
    }
    const done = copyTxn(m);
    done.state = commit ? 'CompleteCommit' : 'CompleteAbort';
    done.lastResult = commit ? 'commit' : 'abort';
    done.partitions = new Map();
    done.groups = new Set();
    done.pendingOffsets = new Map();
    // the start of the transaction stays (Kafka keeps it: DescribeTransactions, ListTransactions durationFilter)
    done.txnLastUpdateTimestamp = now;
    try {
      this.persist(done);
    } catch (e) {
      // The markers are written; at the next attempt (or start) nothing is left to write.
      this.log(`storing the end of ${m.transactionalId} failed: ${(e as Error).message}; will retry`);
      return false;
    }
    return true;
  }

  // ---- Produce ----

  /**
   * Whether a transactional batch of (producerId, epoch) may go to this partition: the
   * transaction must be Ongoing with the partition added (Kafka 3.6+'s verification, KIP-890
   * part 1). NONE, INVALID_PRODUCER_EPOCH (fenced) or INVALID_TXN_STATE.
   */
  verifyProduce(producerId: number, producerEpoch: number, topic: string, partition: number): number {
    const id = this.byProducerId.get(producerId);
    const m = id === undefined ? undefined : this.txns.get(id);
    if (!m) return E.INVALID_TXN_STATE;
    if (producerEpoch !== m.producerEpoch) return producerEpoch < m.producerEpoch ? E.INVALID_PRODUCER_EPOCH : E.INVALID_TXN_STATE;
    if (m.state !== 'Ongoing' || !m.partitions.get(topic)?.has(partition)) return E.INVALID_TXN_STATE;
    return E.NONE;
  }

  // ---- Maintenance and recovery ----

  /** Aborts timed-out transactions, retries unfinished ones, forgets expired transactional ids. */
  maintain(now = this.now()): void {
    if (this.closed) return;
    for (const m of [...this.txns.values()]) {
      try {
        if (m.state === 'PrepareCommit' || m.state === 'PrepareAbort') {
          this.complete(m, true);
        } else if (m.state === 'Ongoing' && m.txnStartTimestamp >= 0 && now - m.txnStartTimestamp > m.timeoutMs) {
          this.log(`transactional id ${m.transactionalId}: transaction of producer ${m.producerId} epoch ${m.producerEpoch} timed out after ${m.timeoutMs} ms; aborting it (epoch bumped to fence the producer)`);
          this.abortWithBump(m, now);
        } else if ((m.state === 'Empty' || m.state === 'CompleteCommit' || m.state === 'CompleteAbort') && now - m.txnLastUpdateTimestamp > this.idExpirationMs) {
          this.stateLog.delete(m.transactionalId);
          this.txns.delete(m.transactionalId);
          if (this.byProducerId.get(m.producerId) === m.transactionalId) this.byProducerId.delete(m.producerId);
          this.log(`transactional id ${m.transactionalId} expired (idle longer than transactional.id.expiration.ms ${this.idExpirationMs})`);
        }
      } catch (e) {
        this.log(`maintenance of ${m.transactionalId} failed: ${(e as Error).message}`);
      }
    }
  }

  /**
   * At start: pending group offsets of open transactions go back to the group coordinator;
   * Prepare* transactions are completed; a partition holding a transaction open that the
   * coordinator does not know as Ongoing (its marker was lost with a machine crash, or the
   * state file was removed) gets the marker of the transaction's recorded outcome, or ABORT.
   */
  private recover(): void {
    for (const m of this.txns.values()) {
      for (const [group, offsets] of m.pendingOffsets) this.groups.addPendingTxnOffsets(group, m.producerId, offsets.map(toEntry));
    }
    for (const m of [...this.txns.values()]) {
      if (m.state === 'PrepareCommit' || m.state === 'PrepareAbort') {
        this.log(`completing the ${m.state === 'PrepareCommit' ? 'commit' : 'abort'} of ${m.transactionalId} (producer ${m.producerId}) interrupted by the last stop`);
        this.complete(m, true);
      }
    }
    const now = this.now();
    for (const topic of this.store.listTopics()) {
      for (let p = 0; p < topic.partitions; p++) {
        const log = this.store.partition(topic.name, p);
        if (!log) continue;
        for (const open of log.openTransactions()) {
          const id = this.byProducerId.get(open.producerId);
          const m = id === undefined ? undefined : this.txns.get(id);
          if (m && m.state === 'Ongoing' && m.partitions.get(topic.name)?.has(p)) continue;
          const commit = m !== undefined && m.lastResult === 'commit' && m.state !== 'Ongoing' && m.producerEpoch >= open.producerEpoch;
          const epoch = m ? Math.max(m.producerEpoch, open.producerEpoch) : open.producerEpoch;
          try {
            log.append(markerBatch(open.producerId, epoch, commit, now), now);
            this.log(`${topic.name}-${p}: transaction of producer ${open.producerId} from offset ${open.firstOffset} had no marker and is not open at the coordinator; wrote ${commit ? 'COMMIT' : 'ABORT'}`);
          } catch (e) {
            this.log(`${topic.name}-${p}: cannot close the transaction of producer ${open.producerId}: ${(e as Error).message}`);
          }
        }
      }
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stateLog.close();
  }
}

/**
 * The epoch bump of transactions V2 (into `next`, a copy of `m`). An exhausted epoch is kept:
 * Kafka then moves to a new producer id, which this coordinator leaves to InitProducerId.
 */
function bumpEpoch(next: TxnMetadata, m: TxnMetadata): void {
  if (isEpochExhausted(m.producerEpoch)) return;
  next.lastProducerEpoch = m.producerEpoch;
  next.producerEpoch = m.producerEpoch + 1;
}

/** PRODUCER_FENCED is INVALID_PRODUCER_EPOCH below the version that allows it (KIP-588). */
function fenced(errorCode: number, version: number, fencedFrom: number): number {
  return errorCode === E.PRODUCER_FENCED && version < fencedFrom ? E.INVALID_PRODUCER_EPOCH : errorCode;
}

function toEntry(o: PendingOffset): OffsetCommitEntry {
  return { topic: o.topic, partition: o.partition, offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata };
}
