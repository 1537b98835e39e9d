// The transaction coordinator's state per transactional id (Kafka's TransactionMetadata).

/**
 * Kafka's TransactionState. Empty: a producer id and epoch, no transaction. Ongoing: partitions
 * or groups were added. PrepareCommit / PrepareAbort: EndTxn (or a timeout, or a new
 * InitProducerId) decided, markers being written. CompleteCommit / CompleteAbort: every marker
 * is written; the next AddPartitionsToTxn starts a new transaction.
 */
export type TxnState = 'Empty' | 'Ongoing' | 'PrepareCommit' | 'PrepareAbort' | 'CompleteCommit' | 'CompleteAbort';

export interface PendingOffset {
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
}

export interface TxnMetadata {
  transactionalId: string;
  producerId: number;
  /** The producer id before the epoch ran out and a new id was given (-1: none). */
  lastProducerId: number;
  producerEpoch: number;
  /** The epoch before the last bump (KIP-360 retries), -1 when none. */
  lastProducerEpoch: number;
  timeoutMs: number;
  state: TxnState;
  /** Partitions in the transaction, by topic. */
  partitions: Map<string, Set<number>>;
  /** Consumer groups in the transaction (AddOffsetsToTxn). */
  groups: Set<string>;
  /** TxnOffsetCommit offsets by group, committed into the group when the transaction commits. */
  pendingOffsets: Map<string, PendingOffset[]>;
  /** When the current transaction began (its first AddPartitionsToTxn / AddOffsetsToTxn), -1: none. */
  txnStartTimestamp: number;
  txnLastUpdateTimestamp: number;
  /** The outcome of the last transaction that ended, so a marker lost in a crash can be rewritten. */
  lastResult: 'commit' | 'abort' | null;
}

/** The JSON form of TxnMetadata in transaction-state.log. */
export interface StoredTxn {
  v: 1;
  id: string;
  pid: number;
  lastPid: number;
  epoch: number;
  lastEpoch: number;
  timeoutMs: number;
  state: TxnState;
  /** [topic, partitions] */
  partitions: [string, number[]][];
  groups: string[];
  /** [group, [topic, partition, offset, leaderEpoch, metadata][]] */
  offsets: [string, [string, number, number, number, string | null][]][];
  start: number;
  updated: number;
  last: 'commit' | 'abort' | null;
}

export function toStored(m: TxnMetadata): StoredTxn {
  return {
    v: 1,
    id: m.transactionalId,
    pid: m.producerId,
    lastPid: m.lastProducerId,
    epoch: m.producerEpoch,
    lastEpoch: m.lastProducerEpoch,
    timeoutMs: m.timeoutMs,
    state: m.state,
    partitions: [...m.partitions].map(([t, ps]) => [t, [...ps].sort((a, b) => a - b)]),
    groups: [...m.groups],
    offsets: [...m.pendingOffsets].map(([g, list]) => [g, list.map((o) => [o.topic, o.partition, o.offset, o.leaderEpoch, o.metadata])]),
    start: m.txnStartTimestamp,
    updated: m.txnLastUpdateTimestamp,
    last: m.lastResult,
  };
}

export function fromStored(s: StoredTxn): TxnMetadata {
  return {
    transactionalId: s.id,
    producerId: s.pid,
    lastProducerId: s.lastPid,
    producerEpoch: s.epoch,
    lastProducerEpoch: s.lastEpoch,
    timeoutMs: s.timeoutMs,
    state: s.state,
    partitions: new Map(s.partitions.map(([t, ps]) => [t, new Set(ps)])),
    groups: new Set(s.groups),
    pendingOffsets: new Map(s.offsets.map(([g, list]) => [g, list.map(([topic, partition, offset, leaderEpoch, metadata]) => ({ topic, partition, offset, leaderEpoch, metadata }))])),
    txnStartTimestamp: s.start,
    txnLastUpdateTimestamp: s.updated,
    lastResult: s.last ?? null,
  };
}

export function copyTxn(m: TxnMetadata): TxnMetadata {
  return {
    ...m,
    partitions: new Map([...m.partitions].map(([t, ps]) => [t, new Set(ps)])),
    groups: new Set(m.groups),
    pendingOffsets: new Map([...m.pendingOffsets].map(([g, list]) => [g, list.slice()])),
  };
}
