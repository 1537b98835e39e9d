// The storage contract the broker's handlers and group coordinator rely on. Two
// implementations: on disk (segments + indexes under a data directory) and in memory.

import type { ProducerEntry } from './producerState.js';

/** Result of appending one produce payload to a partition. */
export interface AppendResult {
  /** Offset assigned to the first record of the first batch. */
  baseOffset: number;
  /** -1 for CreateTime topics; the broker time for LogAppendTime topics. */
  logAppendTime: number;
  logStartOffset: number;
  /** The payload repeated one of its producer's last five batches: nothing was written (idempotence). */
  duplicate?: boolean;
}

/** Whole record batches as stored, starting with the batch that contains the fetch offset. */
export interface ReadResult {
  chunks: Buffer[];
  bytes: number;
}

export interface PartitionLog {
  readonly topic: string;
  readonly partition: number;
  /** First offset still in the log (moved by retention and DeleteRecords). */
  readonly logStartOffset: number;
  /** Next offset to assign; on a single node this is also the high watermark. */
  readonly logEndOffset: number;
  /**
   * First offset of the earliest open transaction, or the log end offset when none is open:
   * read_committed consumers read below it (Fetch, ListOffsets latest).
   */
  readonly lastStableOffset: number;
  /** Bytes held by the partition's segments. */
  readonly sizeBytes: number;
  /**
   * A storage error took the partition offline: appends, reads and DeleteRecords throw
   * KAFKA_STORAGE_ERROR until the store has opened its files again (docs/durability.md).
   */
  readonly offline: boolean;

  /**
   * Appends a produce payload: one or more complete, CRC-checked magic-2 record batches as a
   * client sent them. Offsets are assigned by rewriting each batch's baseOffset in place (the
   * log owns `records` afterwards; it must not be reused by the caller).
   */
  append(records: Buffer, now?: number): AppendResult;
  // Batches with a producer id are checked as Kafka does (producerState.ts): a repeat of one
  // of the producer's last five batches returns the original offsets (duplicate: true);
  // OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_PRODUCER_EPOCH and INVALID_TXN_STATE are thrown as
  // KafkaError. Control batches (transaction markers) are only written by the broker.

  /**
   * Reads whole batches starting with the one containing `offset`, stopping before `maxBytes`
   * would be exceeded but always returning at least one batch when one exists (KIP-74).
   * `offset` must be within [logStartOffset, logEndOffset]; at logEndOffset the result is empty.
   * With `maxOffset` only batches starting below it are returned (read_committed: the LSO).
   */
  read(offset: number, maxBytes: number, maxOffset?: number): ReadResult;

  /** Aborted transactions (producer id, first offset) overlapping [fetchOffset, upperBound). */
  abortedTransactions(fetchOffset: number, upperBound: number): { producerId: number; firstOffset: number }[];

  /** Transactions with data here and no marker yet (producer id, epoch, first offset). */
  openTransactions(): { producerId: number; producerEpoch: number; firstOffset: number }[];
  /** The producers this partition keeps state for (DescribeProducers), by producer id. */
  activeProducers(): ProducerEntry[];

  /** Offset of the first record whose timestamp is >= `timestamp`, or null if none. */
  offsetForTimestamp(timestamp: number): { offset: number; timestamp: number } | null;

  /** The first record with the largest timestamp (ListOffsets MAX_TIMESTAMP), or null if none. */
  maxTimestampOffset(): { offset: number; timestamp: number } | null;

  /** Segments oldest first (DescribeLogDirs, tests). */
  describeSegments(): { baseOffset: number; nextOffset: number; size: number; maxTimestamp: number }[];

  /** Moves the log start offset forward (DeleteRecords); deletes segments wholly below it. */
  deleteRecordsBefore(offset: number): number;

  /** Applies retention (retention.ms / retention.bytes), rolls by segment.ms, flushes by flush.ms and compacts (cleanup.policy=compact); called periodically. */
  maintain(now: number): void;

  /** Makes everything appended so far durable (fsync). */
  flush(): void;

  close(): void;
}

export interface TopicInfo {
  name: string;
  /** 16-byte topic id (Kafka's Uuid), stable across restarts. */
  id: Buffer;
  partitions: number;
  /** Only the configs set on this topic (Kafka's non-default ones), by Kafka's names. */
  configs: Record<string, string>;
}

export interface CommittedOffset {
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
  commitTimestamp: number;
}

export interface OffsetCommitEntry {
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
}

/**
 * A change as the __consumer_offsets topic records it: an offset committed (value) or
 * deleted (null), a group deleted (its group record's tombstone), or a consumer group's state
 * changed (its ConsumerGroup* records).
 */
export type OffsetChange =
  | { group: string; topic: string; partition: number; value: CommittedOffset | null }
  | { group: string; groupDeleted: true }
  /** a consumer-protocol group's stored state changed (undefined: none) */
  | { group: string; consumerGroup: { before?: Record<string, unknown>; after?: Record<string, unknown> } };

/** Committed consumer-group offsets (Kafka keeps these in __consumer_offsets). */
export interface OffsetStore {
  /** Durable before it returns: a crash after commit() never loses the entries. */
  commit(group: string, entries: OffsetCommitEntry[], now?: number): void;
  get(group: string, topic: string, partition: number): CommittedOffset | undefined;
  list(group: string): (CommittedOffset & { topic: string; partition: number })[];
  /** Groups that have committed offsets or stored metadata. */
  groups(): string[];
  /** Small per-group record kept across restarts (e.g. the protocol type). */
  groupMeta(group: string): Record<string, unknown> | undefined;
  setGroupMeta(group: string, meta: Record<string, unknown> | undefined): void;
  deleteGroup(group: string): void;
  deleteOffsets(group: string, topic: string, partition?: number): void;
  /**
   * A consumer-protocol group's state (KIP-848; consumerPersistence.ts shapes it), kept across
   * restarts; undefined removes it. Optional: a store without it keeps such groups in memory.
   */
  setConsumerGroupState?(group: string, state: Record<string, unknown> | undefined): void;
  consumerGroupState?(group: string): Record<string, unknown> | undefined;
  /** Groups with a stored consumer-protocol state. */
  consumerGroupIds?(): string[];
  /** Told of every change once it is durable (the broker mirrors them into __consumer_offsets). */
  onChange?: ((changes: OffsetChange[]) => void) | null;
}
