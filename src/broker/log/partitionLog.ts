// What every partition log does, whatever holds its segments: validate a produce payload,
// assign offsets, roll segments, apply retention and DeleteRecords, honour flush.messages /
// flush.ms, compact (cleaner.ts). The disk and memory logs differ only in their Segment and
// in how a cleaned segment is swapped in, so they behave the same.
//
// Storage errors (docs/durability.md): any change of the log (append, roll, flush,
// retention, DeleteRecords, compaction) that fails with an error other than a KafkaError
// takes the partition offline, as Kafka takes a log directory offline: every descriptor is
// closed, and appends, reads and DeleteRecords get KAFKA_STORAGE_ERROR instead of touching
// files whose state is unknown. The store tries to bring it back (retryDue), at first after a
// second, then with a doubling delay up to 30 s, by opening the partition's files again as at
// a start (recovery cuts a torn tail): it comes back exactly as the disk holds it. A read
// that fails (say EIO) only fails that request. Memory logs do no I/O and never go offline.

import {
  CorruptCompressedDataError,
  DECOMPRESSED_LIMIT_FACTOR,
  DecompressedSizeError,
  MAX_DECOMPRESSED_BYTES,
  MIN_DECOMPRESSED_LIMIT,
  checkDecompressedSize,
  decompressedLimit,
} from '../../protocol/compression.js';
import { KafkaError, RecordErrorsError } from '../../protocol/errors.js';
import {
  ATTR_TIMESTAMP_LOG_APPEND,
  BATCH_HEADER_SIZE,
  CRC_OFFSET,
  LOG_OVERHEAD,
  checkBatch,
  computeCrc,
  readBatchHeader,
  readRecords,
  setBaseOffset,
  setPartitionLeaderEpoch,
  type BatchHeader,
} from '../../protocol/recordBatch.js';
import { ATTRIBUTES_OFFSET, ATTR_CODEC_MASK, LENGTH_OFFSET, MAX_TIMESTAMP_OFFSET } from '../../protocol/batchLayout.js';
import { LogCleaner, nullKeyRecords, type CleanableLog, type CleanResult, type CleanedSegment, type CleanerState } from './cleaner.js';
import type { LogConfig } from './config.js';
import { ProducerStateManager, type PreparedAppend, type ProducerEntry } from './producerState.js';
import type { AppendResult, PartitionLog, ReadResult } from './types.js';

/** One batch of an append, offsets already assigned. `position` is within the payload. */
export interface AppendedBatch {
  position: number;
  size: number;
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  records: number;
}

export interface SegmentInfo {
  baseOffset: number;
  nextOffset: number;
  size: number;
  maxTimestamp: number;
}

/** A contiguous run of batches, named by its base offset (a Kafka log segment). */
export interface Segment {
  readonly baseOffset: number;
  /** Offset after the last batch; the base offset when empty. */
  readonly nextOffset: number;
  readonly size: number;
  /** Largest batch max timestamp, -1 when there is none. */
  readonly maxTimestamp: number;
  /** Broker time of the last change; retention age for batches without timestamps. */
  readonly lastModified: number;
  /** Broker time the segment got its first batch; segment.ms counts from here. */
  readonly rollBase: number;
  append(payload: Buffer, batches: AppendedBatch[], now: number): void;
  /** Whole batches from the one containing `offset`; empty when the segment ends before it. */
  read(offset: number, maxBytes: number): ReadResult;
  /** First record at or after `minOffset` with a timestamp >= `timestamp`. */
  findOffsetByTimestamp(timestamp: number, minOffset: number): { offset: number; timestamp: number } | null;
  /** Every batch in order (the cleaner). A yielded Buffer is valid until the next one is asked for. */
  batches(): Iterable<Buffer>;
  /** Whether damaged data is known in the segment (a disk segment; see segmentCheck.ts): compaction leaves it as it is. */
  readonly isDamaged?: boolean;
  flush(): void;
  /** The segment becomes read-only (rolled): final index entries, fsync. */
  seal(): void;
  close(): void;
  /** Closes the segment's files without writing anything (the partition went offline). */
  release(): void;
  delete(): void;
}

export const EMPTY_READ: ReadResult = Object.freeze({ chunks: [], bytes: 0 }) as ReadResult;
const INT32_MAX = 2147483647;
/** First and longest wait before an offline partition is tried again. */
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 30_000;

/** Offset and timestamp of the first record of a batch matching (timestamp, minOffset), or null. */
export function matchInBatch(buf: Buffer, pos: number, timestamp: number, minOffset: number): { offset: number; timestamp: number } | null {
  const h = readBatchHeader(buf, pos);
  const last = h.baseOffset + h.lastOffsetDelta;
  if (h.maxTimestamp < timestamp || last < minOffset) return null;
  // LogAppendTime batches carry one timestamp for all records; others need the records
  // (readRecords decompresses every codec, at most MAX_DECOMPRESSED_BYTES, compression.ts).
  if ((h.attributes & ATTR_TIMESTAMP_LOG_APPEND) !== 0) {
    return { offset: Math.max(h.baseOffset, minOffset), timestamp: h.maxTimestamp };
  }
  let records;
  try {
    records = readRecords(buf.subarray(pos, pos + h.size));
  } catch {
    // Data we cannot decompress (past the limit, or a codec package that does not load here): the batch
    // start is still a safe answer, the client skips the few older records itself.
    return { offset: Math.max(h.baseOffset, minOffset), timestamp: h.maxTimestamp };
  }
  for (const r of records) {
    if ((r.offset as number) >= minOffset && (r.timestamp as number) >= timestamp) {
      return { offset: r.offset as number, timestamp: r.timestamp as number };
    }
  }
  return null;
}

export interface BaseLogOptions {
  topic: string;
  partition: number;
  config: LogConfig;
  log?: (msg: string) => void;
}

export abstract class BaseLog implements PartitionLog {
  readonly topic: string;
  readonly partition: number;
  protected config: LogConfig;
  protected readonly log: (msg: string) => void;
  protected segments: Segment[] = [];
  protected startOffset = 0;
  private unflushedMessages = 0;
  private lastFlush = Date.now();
  protected closed = false;
  private cleaner: LogCleaner | undefined;
  /** Idempotent producers and transactions seen by this partition (producerState.ts). */
  protected readonly producers: ProducerStateManager;
  /** Set while a storage error keeps the partition offline. */
  private failure: { message: string; retryAt: number } | undefined;
  /** Failures since the last successful append: the retry delay doubles with each. */
  private failures = 0;
  /** Whether a failure takes the partition offline (on disk); a memory log's failure is a bug, thrown as is. */
  protected readonly goesOffline: boolean = false;

  constructor(opts: BaseLogOptions) {
    this.topic = opts.topic;
    this.partition = opts.partition;
    this.config = opts.config;
    this.log = opts.log ?? (() => {});
    this.producers = new ProducerStateManager(`${opts.topic}-${opts.partition}`);
  }

  /** A new, empty, active segment starting at `baseOffset`. */
  protected abstract createSegment(baseOffset: number, now: number): Segment;
  /** Persists the log start offset when it moved inside a segment (DeleteRecords). */
  protected abstract saveLogStartOffset(offset: number): void;
  /** Called before anything is written to a segment (the disk log drops its clean marker). */
  protected beforeWrite(): void {}
  /** Starts the cleaned replacement of segments beginning at `baseOffset` (compaction). */
  protected abstract startCleaned(baseOffset: number): CleanedSegment;
  /** The cleaner's position saved by an earlier run, if any. */
  protected readCleanerCheckpoint(): CleanerState | undefined {
    return undefined;
  }
  protected writeCleanerCheckpoint(_state: CleanerState): void {}
  /** Persists the producer state as of the log end (the disk log; at rolls, compaction and close). */
  protected saveProducerSnapshot(): void {}

  /** Whether a storage error keeps the partition offline (KAFKA_STORAGE_ERROR). */
  get offline(): boolean {
    return this.failure !== undefined;
  }

  private offlineError(): KafkaError {
    return new KafkaError('KAFKA_STORAGE_ERROR', `${this.name} is offline after a storage error: ${this.failure?.message ?? 'closed'}`);
  }

  /**
   * Runs a change of the log. A failure other than a KafkaError (the disk refused a write)
   * takes the partition offline and becomes KAFKA_STORAGE_ERROR.
   */
  protected change<T>(what: string, fn: () => T): T {
    if (this.failure) throw this.offlineError();
    try {
      return fn();
    } catch (e) {
      if (e instanceof KafkaError || !this.goesOffline) throw e;
      this.goOffline(what, e as Error, Date.now());
      throw this.offlineError();
    }
  }

  /** Runs a read; a failure other than a KafkaError fails this request only. */
  private reading<T>(fn: () => T): T {
    if (this.failure) throw this.offlineError();
    try {
      return fn();
    } catch (e) {
      if (e instanceof KafkaError) throw e;
      this.log(`${this.name}: read failed: ${(e as Error).message}`);
      throw new KafkaError('KAFKA_STORAGE_ERROR', `${this.name}: read failed: ${(e as Error).message}`);
    }
  }

  private goOffline(what: string, e: Error, now: number): void {
    const delay = Math.min(RETRY_FIRST_MS * 2 ** this.failures, RETRY_MAX_MS);
    this.failures++;
    this.failure = { message: e.message, retryAt: now + delay };
    this.releaseFiles();
    this.log(`${this.name}: offline after a storage error (${what}): ${e.message}; next attempt to bring it back in ${delay / 1000} s`);
  }

  private releaseFiles(): void {
    for (const s of this.segments) s.release();
  }

  /** Whether the store should try to bring this offline partition back now. */
  retryDue(now: number): boolean {
    return this.failure !== undefined && now >= this.failure.retryAt;
  }

  /** Opening the partition's files again failed: it stays offline, and waits longer. */
  retryFailed(e: Error, now: number): void {
    this.goOffline('opening its files again', e, now);
  }

  /** This log replaces `offline` (its files opened again): retry delays keep growing until an append succeeds. */
  replaces(offline: BaseLog): void {
    this.failures = offline.failures;
  }

  /** Closes every descriptor without writing anything (the log is about to be deleted). */
  protected discard(): void {
    this.closed = true;
    this.releaseFiles();
  }

  get logStartOffset(): number {
    return this.startOffset;
  }

  get logEndOffset(): number {
    return this.active.nextOffset;
  }

  /**
   * The last stable offset: the first offset of the earliest open transaction, else the log
   * end offset (one node: the high watermark). read_committed consumers read up to here.
   */
  get lastStableOffset(): number {
    const first = this.producers.firstUnstableOffset;
    return first === undefined ? this.logEndOffset : Math.min(Math.max(first, this.startOffset), this.logEndOffset);
  }

  /** Aborted transactions overlapping [fetchOffset, upperBound) (Fetch, read_committed). */
  abortedTransactions(fetchOffset: number, upperBound: number): { producerId: number; firstOffset: number }[] {
    return this.producers.abortedTransactions(fetchOffset, upperBound);
  }

  /** The producers this partition keeps state for (DescribeProducers), by producer id. */
  activeProducers(): ProducerEntry[] {
    return this.producers.activeProducers();
  }

  /** Transactions with data in this partition and no marker yet, earliest first. */
  openTransactions(): { producerId: number; producerEpoch: number; firstOffset: number }[] {
    return this.producers.openTransactions();
  }

  get sizeBytes(): number {
    let n = 0;
    for (const s of this.segments) n += s.size;
    return n;
  }

  protected get active(): Segment {
    return this.segments[this.segments.length - 1];
  }

  get name(): string {
    return `${this.topic}-${this.partition}`;
  }

  describeSegments(): SegmentInfo[] {
    return this.segments.map((s) => ({ baseOffset: s.baseOffset, nextOffset: s.nextOffset, size: s.size, maxTimestamp: s.maxTimestamp }));
  }

  updateConfig(config: LogConfig): void {
    this.config = config;
  }

  /** Checks a produce payload (Kafka's LogValidator). */
  private validate(records: Buffer): { batches: AppendedBatch[]; headers: BatchHeader[] } {
    if (records.length === 0) throw new KafkaError('CORRUPT_MESSAGE', 'Produce request holds no record batch');
    if (records.length > this.config.segmentBytes) {
      throw new KafkaError('RECORD_LIST_TOO_LARGE',
        `Record batches of ${records.length} bytes exceed segment.bytes ${this.config.segmentBytes} of ${this.name}`);
    }
    const batches: AppendedBatch[] = [];
    const headers: BatchHeader[] = [];
    for (let pos = 0; pos < records.length;) {
      const problem = checkBatch(records, pos);
      if (problem) throw new KafkaError('CORRUPT_MESSAGE', `Record batch at byte ${pos} for ${this.name}: ${problem}`);
      const h = readBatchHeader(records, pos);
      if (h.size > this.config.maxMessageBytes) {
        throw new KafkaError('MESSAGE_TOO_LARGE',
          `Record batch of ${h.size} bytes exceeds max.message.bytes ${this.config.maxMessageBytes} of ${this.name}`);
      }
      if (h.recordCount <= 0 || h.lastOffsetDelta !== h.recordCount - 1) {
        throw new KafkaError('INVALID_RECORD',
          `Record batch has ${h.recordCount} records but lastOffsetDelta ${h.lastOffsetDelta}`);
      }
      this.checkContents(records, pos, h);
      batches.push({ position: pos, size: h.size, baseOffset: 0, lastOffset: 0, maxTimestamp: h.maxTimestamp, records: h.recordCount });
      headers.push(h);
      pos += h.size;
    }
    return { batches, headers };
  }

  /**
   * What needs the records (Kafka's LogValidator decompresses to check them): a compressed
   * batch must decompress within its limit (decompressedLimit: 64 x max.message.bytes, at
   * most 256 MiB; checked as it decompresses, or from the framing alone, so a "bomb" never
   * takes the memory nor reaches the log), else MESSAGE_TOO_LARGE; data not in its codec's
   * format is CORRUPT_MESSAGE. On a compacted topic every record needs a key (the cleaner
   * could never remove one without); a batch whose codec package is missing here is then
   * accepted unchecked (its size is checked all the same: that needs no package).
   */
  private checkContents(records: Buffer, pos: number, h: BatchHeader): void {
    const codec = h.attributes & ATTR_CODEC_MASK;
    if (codec === 0 && !this.config.compact) return;
    const limit = decompressedLimit(this.config.maxMessageBytes);
    try {
      if (this.config.compact) {
        const keyless = nullKeyRecords(records, pos, h.size, limit);
        if (keyless.length > 0) {
          // As Kafka's LogValidator: one error per record, the first three in the message.
          const message = `Compacted topic cannot accept message without key in topic partition ${this.name}`;
          const errors = keyless.map((batchIndex) => ({ batchIndex, message }));
          const shown = errors.slice(0, 3).map((e) => `RecordError(batchIndex=${e.batchIndex}, message='${e.message}')`).join(', ');
          throw new RecordErrorsError('INVALID_RECORD',
            `One or more records have been rejected due to ${errors.length} record errors in total, and only showing the first three errors at most: [${shown}]`, errors);
        }
      } else {
        checkDecompressedSize(codec, records.subarray(pos + BATCH_HEADER_SIZE, pos + h.size), limit);
      }
    } catch (err) {
      if (err instanceof DecompressedSizeError) {
        throw new KafkaError('MESSAGE_TOO_LARGE',
          `Record batch at byte ${pos} for ${this.name} decompresses past the limit of ${limit} bytes (${DECOMPRESSED_LIMIT_FACTOR} x max.message.bytes ${this.config.maxMessageBytes}, within ${MIN_DECOMPRESSED_LIMIT}..${MAX_DECOMPRESSED_BYTES}): ${err.message}`);
      }
      if (err instanceof CorruptCompressedDataError) {
        throw new KafkaError('CORRUPT_MESSAGE', `Record batch at byte ${pos} for ${this.name} does not decompress: ${err.message}`);
      }
      if (err instanceof KafkaError) throw err;
      // gzip data that fails to inflate is a CorruptCompressedDataError above; anything else
      // (a codec package that does not load) leaves the batch unchecked, as before
    }
  }

  append(records: Buffer, now = Date.now()): AppendResult {
    if (this.closed) throw new KafkaError('KAFKA_STORAGE_ERROR', `${this.name} is closed`);
    const result = this.change('append', () => this.appendBatches(records, now));
    this.failures = 0;
    return result;
  }

  private appendBatches(records: Buffer, now: number): AppendResult {
    const { batches, headers } = this.validate(records);
    let messages = 0;
    for (const b of batches) messages += b.records;
    let next = this.logEndOffset;
    const baseOffset = next;
    for (const b of batches) {
      b.baseOffset = next;
      b.lastOffset = next + b.records - 1;
      next = b.lastOffset + 1;
    }
    // Idempotence and transactions (producerState.ts): a retried batch is answered with its
    // original offsets and not written again; sequence, epoch and transaction errors throw.
    let prepared: PreparedAppend | undefined;
    if (headers.some((h) => h.producerId >= 0)) {
      prepared = this.producers.prepare(records, batches.map((b, i) => ({ position: b.position, header: headers[i], baseOffset: b.baseOffset, lastOffset: b.lastOffset })), now);
      if (prepared.duplicate) {
        return { baseOffset: prepared.duplicate.firstOffset, logAppendTime: -1, logStartOffset: this.startOffset, duplicate: true };
      }
    }
    if (this.shouldRoll(records.length, messages, now)) this.roll(now);
    const logAppendTime = this.config.logAppendTime;
    for (const b of batches) {
      setBaseOffset(records, b.position, b.baseOffset);
      setPartitionLeaderEpoch(records, b.position, 0);
      if (logAppendTime) {
        // The timestamp type and max timestamp are inside the CRC: rewrite, then re-checksum.
        records.writeInt16BE(records.readInt16BE(b.position + ATTRIBUTES_OFFSET) | ATTR_TIMESTAMP_LOG_APPEND, b.position + ATTRIBUTES_OFFSET);
        records.writeBigInt64BE(BigInt(now), b.position + MAX_TIMESTAMP_OFFSET);
        records.writeUInt32BE(computeCrc(records, b.position, b.size), b.position + CRC_OFFSET);
        b.maxTimestamp = now;
      }
    }
    this.beforeWrite();
    this.active.append(records, batches, now);
    if (prepared) this.producers.commit(prepared);
    this.unflushedMessages += messages;
    if (this.unflushedMessages >= this.config.flushMessages) this.flush(now);
    return { baseOffset, logAppendTime: logAppendTime ? now : -1, logStartOffset: this.startOffset };
  }

  private shouldRoll(bytes: number, messages: number, now: number): boolean {
    const a = this.active;
    if (a.size === 0) return false;
    return a.size + bytes > this.config.segmentBytes
      || now - a.rollBase > this.config.segmentMs
      // relative offsets in the indexes are int32
      || a.nextOffset + messages - a.baseOffset > INT32_MAX;
  }

  protected roll(now: number): void {
    this.active.seal();
    this.segments.push(this.createSegment(this.logEndOffset, now));
    this.saveProducerSnapshot();
  }

  private segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.segments[mid].baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  read(offset: number, maxBytes: number, maxOffset = Infinity): ReadResult {
    return this.reading(() => this.readSegments(offset, maxBytes, maxOffset));
  }

  private readSegments(offset: number, maxBytes: number, maxOffset: number): ReadResult {
    if (offset < this.startOffset || offset > this.logEndOffset) {
      throw new KafkaError('OFFSET_OUT_OF_RANGE',
        `Offset ${offset} is outside [${this.startOffset}, ${this.logEndOffset}] of ${this.name}`);
    }
    if (offset === this.logEndOffset || offset >= maxOffset) return EMPTY_READ;
    // A fetch is served from one segment, as Kafka does; the next fetch continues in the next.
    for (let i = this.segmentIndexFor(offset); i < this.segments.length; i++) {
      const r = this.segments[i].read(offset, maxBytes);
      if (r.bytes > 0) return maxOffset < this.logEndOffset ? cutBefore(r, maxOffset) : r;
    }
    return EMPTY_READ;
  }

  offsetForTimestamp(timestamp: number): { offset: number; timestamp: number } | null {
    return this.reading(() => {
      for (const s of this.segments) {
        if (s.nextOffset <= this.startOffset || s.maxTimestamp < timestamp) continue;
        const found = s.findOffsetByTimestamp(timestamp, this.startOffset);
        if (found) return found;
      }
      return null;
    });
  }

  /** The first record with the largest timestamp (ListOffsets MAX_TIMESTAMP, KIP-734). */
  maxTimestampOffset(): { offset: number; timestamp: number } | null {
    let best: Segment | undefined;
    for (const s of this.segments) {
      if (s.nextOffset > this.startOffset && s.maxTimestamp >= 0 && (!best || s.maxTimestamp > best.maxTimestamp)) best = s;
    }
    const found = best;
    return found ? this.reading(() => found.findOffsetByTimestamp(found.maxTimestamp, this.startOffset)) : null;
  }

  deleteRecordsBefore(offset: number): number {
    return this.change('DeleteRecords', () => {
      if (offset > this.logEndOffset || offset < 0) {
        throw new KafkaError('OFFSET_OUT_OF_RANGE',
          `Cannot delete records before ${offset}: ${this.name} ends at ${this.logEndOffset}`);
      }
      if (offset <= this.startOffset) return this.startOffset;
      // Whole segments first: that frees space on a full disk, where the checkpoint could not
      // be written before. A crash in between leaves the log starting at the first segment left.
      this.deleteOldSegments((_s, next) => next <= offset, 'below the log start offset');
      this.startOffset = offset;
      this.saveLogStartOffset(offset);
      this.producers.truncateHead(this.startOffset);
      return this.startOffset;
    });
  }

  /**
   * Deletes the oldest segments while `expired(segment, itsNextOffset)` holds, never the
   * active one, and moves the log start offset to the first remaining segment.
   */
  protected deleteOldSegments(expired: (s: Segment, next: number) => boolean, why: string): void {
    let n = 0;
    while (n < this.segments.length - 1 && expired(this.segments[n], this.segments[n + 1].baseOffset)) n++;
    if (n === 0) return;
    const gone = this.segments.splice(0, n);
    this.startOffset = Math.max(this.startOffset, this.segments[0].baseOffset);
    for (const s of gone) s.delete();
    this.producers.truncateHead(this.startOffset);
    this.log(`${this.name}: deleted ${n} segment(s) ${why} (offsets ${gone[0].baseOffset}..${this.segments[0].baseOffset - 1}); log start offset ${this.startOffset}`);
  }

  maintain(now: number): void {
    if (this.closed || this.failure) return;
    this.change('maintenance', () => this.maintainSegments(now));
  }

  private maintainSegments(now: number): void {
    if (this.unflushedMessages > 0 && now - this.lastFlush >= this.config.flushMs) this.flush(now);
    // Rolling an idle segment lets retention delete it: the active segment is never deleted.
    if (this.active.size > 0 && now - this.active.rollBase > this.config.segmentMs) this.roll(now);
    if (this.config.delete) {
      const { retentionMs, retentionBytes } = this.config;
      if (retentionMs >= 0) {
        this.deleteOldSegments((s) => now - (s.maxTimestamp >= 0 ? s.maxTimestamp : s.lastModified) > retentionMs,
          `older than retention.ms ${retentionMs}`);
      }
      if (retentionBytes >= 0) {
        let excess = this.sizeBytes - retentionBytes;
        this.deleteOldSegments((s) => {
          if (excess - s.size < 0) return false;
          excess -= s.size;
          return true;
        }, `beyond retention.bytes ${retentionBytes}`);
      }
    }
    if (this.config.compact) this.clean(now);
    this.producers.expire(now, this.config.producerIdExpirationMs);
  }

  /**
   * Rebuilds the producer state from the batches at or after `from` (after a snapshot, or
   * everything): Kafka's recovery of the producer state from the log tail. Returns how many
   * batches with a producer id it applied.
   */
  protected replayProducerState(from: number): number {
    let n = 0;
    for (const s of this.segments) {
      if (s.nextOffset <= from || s.size === 0) continue;
      for (const batch of s.batches()) {
        const h = readBatchHeader(batch, 0);
        if (h.producerId < 0 || h.baseOffset + h.lastOffsetDelta < from) continue;
        this.producers.replay(batch, h);
        n++;
      }
    }
    this.producers.truncateHead(this.startOffset);
    return n;
  }

  /**
   * Runs a compaction pass when one is due (or always with `force`); see cleaner.ts. Returns
   * what the pass did, or null when none ran.
   */
  clean(now = Date.now(), force = false): CleanResult | null {
    if (this.closed) return null;
    return this.change('compaction', () => this.cleanSegments(now, force));
  }

  private cleanSegments(now: number, force: boolean): CleanResult | null {
    if (!this.cleaner) {
      const saved = this.readCleanerCheckpoint();
      this.cleaner = new LogCleaner({
        firstDirtyOffset: Math.min(saved?.firstDirtyOffset ?? 0, this.logEndOffset),
        // Unknown after a restart without a checkpoint: check once.
        tombstoneDeadline: saved ? saved.tombstoneDeadline : 0,
      });
    }
    const view = this.cleanableView();
    if (!force && !this.cleaner.needsCleaning(view, now)) return null;
    const before = { ...this.cleaner.state };
    const result = this.cleaner.clean(view, now);
    if (result && result.abortMarkersRemoved.length > 0) {
      // The aborted-transaction index must not name a transaction whose marker is gone.
      this.producers.removeAborted(result.abortMarkersRemoved);
      this.saveProducerSnapshot();
    }
    const after = this.cleaner.state;
    if (after.firstDirtyOffset !== before.firstDirtyOffset || after.tombstoneDeadline !== before.tombstoneDeadline) {
      this.writeCleanerCheckpoint({ ...after });
    }
    if (result && result.bytesAfter !== result.bytesBefore) {
      const txn = result.abortedRecordsRemoved + result.markersRemoved > 0
        ? `, ${result.abortedRecordsRemoved} of aborted transactions; removed ${result.markersRemoved} transaction marker(s)`
        : '';
      this.log(`${this.name}: compacted ${result.segmentsBefore} segment(s) to ${result.segmentsAfter}, ${result.bytesBefore} to ${result.bytesAfter} bytes; removed ${result.recordsRemoved} record(s), ${result.tombstonesRemoved} of them tombstones${txn}`);
    }
    return result;
  }

  private cleanableView(): CleanableLog {
    const self = this;
    return {
      name: this.name,
      get segments() {
        return self.segments;
      },
      get logStartOffset() {
        return self.startOffset;
      },
      get lastStableOffset() {
        return self.lastStableOffset;
      },
      get abortedTxns() {
        return self.producers.abortedList();
      },
      get config() {
        return self.config;
      },
      log: (msg) => this.log(msg),
      beforeWrite: () => this.beforeWrite(),
      startCleaned: (base) => this.startCleaned(base),
      replaced: (old, replacement) => {
        const i = this.segments.indexOf(old[0]);
        if (i < 0 || this.segments[i + old.length - 1] !== old[old.length - 1]) throw new Error(`${this.name}: cleaned segments are no longer in the log`);
        this.segments.splice(i, old.length, replacement);
      },
    };
  }

  flush(now = Date.now()): void {
    if (this.closed || this.failure) return;
    this.change('flush', () => this.active.flush());
    this.unflushedMessages = 0;
    this.lastFlush = now;
  }

  /**
   * Flushes and closes every segment. Throws when that fails (the disk log then writes no
   * clean-shutdown marker); every descriptor is closed either way.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.failure) {
      this.releaseFiles();
      throw this.offlineError();
    }
    try {
      this.active.flush();
      for (const s of this.segments) s.close();
    } catch (e) {
      this.releaseFiles();
      throw e;
    }
  }
}

/** The batches of a read that start before `maxOffset` (read_committed stops at the LSO). */
function cutBefore(r: ReadResult, maxOffset: number): ReadResult {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for (const c of r.chunks) {
    let end = 0;
    while (end + LOG_OVERHEAD <= c.length && Number(c.readBigInt64BE(end)) < maxOffset) end += c.readInt32BE(end + LENGTH_OFFSET) + LOG_OVERHEAD;
    end = Math.min(end, c.length);
    if (end > 0) {
      chunks.push(end === c.length ? c : c.subarray(0, end));
      bytes += end;
    }
    if (end < c.length) break;
  }
  return { chunks, bytes };
}
