// The log cleaner for cleanup.policy=compact (Kafka's LogCleaner, run inline by maintain()).
//
// A pass over one partition:
//   1. The cleanable part of the log is its sealed segments, up to the first one holding a
//      record younger than min.compaction.lag.ms (the active segment is never cleaned).
//   2. An offset map (key -> offset of its latest record) is built from the dirty part: the
//      segments from the cleaner checkpoint (first dirty offset) on, as many as the map budget
//      allows.
//   3. Every cleanable segment up to the end of that dirty part is rewritten, consecutive small
//      segments merged (at most segment.bytes together): a record is kept when no later record
//      has its key; a tombstone (null value) is also dropped once its segment was last written
//      more than delete.retention.ms ago. Records keep their offsets: a batch that loses records
//      keeps its base offset and lastOffsetDelta (so it may become sparse, as in Kafka) and an
//      emptied batch disappears. Readers skip the gaps.
//   4. The checkpoint moves to the end of the cleaned part.
//
// Batches the cleaner cannot read (a codec whose package did not load, data decompressing past
// the topic's limit, decompressedLimit: nothing past it is ever allocated) are kept whole and their
// keys do not supersede older ones. A tombstone is only dropped when no such batch precedes it,
// since an older value of its key could hide there and would resurface.
//
// Transactions (Kafka's cleaner does the same):
//   - nothing at or past the last stable offset is cleaned: the segment holding the first
//     offset of an open transaction, and every later one, are not cleanable;
//   - data of aborted transactions (the partition's aborted-transaction index says which) is
//     removed whole and never enters the offset map;
//   - committed transactional data is compacted like any other;
//   - a transaction marker (control batch) is kept while any data of its transaction is left
//     before it, since rebuilding the producer state from the log would otherwise see that
//     transaction as open and hold the LSO back. Once its transaction has no data left it is
//     removed after delete.retention.ms (counted like a tombstone's, from the last write to its
//     segment), so a consumer that read the data has that long to see the marker. The log then
//     drops removed ABORT markers from its aborted-transaction index.
//
// Whether a pass is due is a cheap check on segment sizes (dirty ratio above
// min.cleanable.dirty.ratio, max.compaction.lag.ms exceeded, or a kept tombstone expired).
// Crash safety of the rewrite is the log's business (see CleanedSegment and diskLog.ts).

import {
  CorruptCompressedDataError,
  DecompressedSizeError,
  MAX_DECOMPRESSED_BYTES,
  compressSync,
  decompressSync,
  decompressedLimit,
} from '../../protocol/compression.js';
import { Reader } from '../../protocol/bytes.js';
import {
  ATTR_CONTROL,
  ATTR_TRANSACTIONAL,
  BATCH_HEADER_SIZE,
  CRC_OFFSET,
  RECORD_COUNT_OFFSET,
  computeCrc,
  readBatchHeader,
  type BatchHeader,
} from '../../protocol/recordBatch.js';
import type { LogConfig } from './config.js';
import type { Segment } from './partitionLog.js';
import { CONTROL_ABORT, controlType, type AbortedTxn } from './producerState.js';
import { ATTRIBUTES_OFFSET, ATTR_CODEC_MASK, LENGTH_OFFSET, LOG_OVERHEAD } from '../../protocol/batchLayout.js';

const INT32_MAX = 2147483647;
/** Bytes of keys (plus per-entry overhead) the offset map may hold in one pass. */
export const DEFAULT_MAP_BUDGET = 64 << 20;
const MAP_ENTRY_OVERHEAD = 64;

/** Where the cleaner is, kept across restarts (the disk log's cleaner-offset-checkpoint). */
export interface CleanerState {
  /** Everything below this offset was cleaned by an earlier pass. */
  firstDirtyOffset: number;
  /** When a kept tombstone's delete.retention.ms runs out (Infinity: none). */
  tombstoneDeadline: number;
}

/** Output of a pass for one group of segments; replaces them atomically on commit. */
export interface CleanedSegment {
  /** Adds a batch (offsets as stored). The disk log writes it at once; memory keeps the Buffer. */
  append(batch: Buffer): void;
  /**
   * Swaps the cleaned data in for `old` (consecutive sealed segments, oldest first, the first
   * one's base offset is this segment's) and returns the new segment. `endOffset` is the base
   * offset of the segment after them; `lastModified` the time the sources were last written.
   */
  commit(old: Segment[], endOffset: number, lastModified: number): Segment;
  /** Drops the output (nothing changed, or an error). */
  abort(): void;
}

/** What the cleaner needs from a partition log. */
export interface CleanableLog {
  readonly name: string;
  /** Oldest first; the last one is the active segment. */
  readonly segments: readonly Segment[];
  readonly logStartOffset: number;
  /** Nothing at or past it is cleaned (open transactions). */
  readonly lastStableOffset: number;
  /** The aborted-transaction index, oldest marker first. */
  readonly abortedTxns: readonly AbortedTxn[];
  readonly config: LogConfig;
  log(msg: string): void;
  /** Called once before the pass writes anything (the disk log drops its clean-shutdown marker). */
  beforeWrite(): void;
  startCleaned(baseOffset: number): CleanedSegment;
  /** Puts `replacement` where `old` (consecutive, in the segment list) were. */
  replaced(old: Segment[], replacement: Segment): void;
}

export interface CleanResult {
  segmentsBefore: number;
  segmentsAfter: number;
  bytesBefore: number;
  bytesAfter: number;
  recordsRemoved: number;
  tombstonesRemoved: number;
  /** Records of aborted transactions removed (counted in recordsRemoved too). */
  abortedRecordsRemoved: number;
  /** Transaction markers removed. */
  markersRemoved: number;
  /** Offsets of the ABORT markers removed: the log drops them from its aborted-transaction index. */
  abortMarkersRemoved: number[];
  firstDirtyOffset: number;
}

interface RawRecord {
  start: number;
  end: number;
  offset: number;
  /** Latin-1 view of the key bytes (an exact, compact Map key), or null. */
  key: string | null;
  tombstone: boolean;
}

/**
 * The records of a batch as slices of its (decompressed) data, or null if it cannot be read
 * here (data that does not decompress within `limit`, a codec whose package is missing).
 */
export function rawRecords(batch: Buffer, limit = MAX_DECOMPRESSED_BYTES): { data: Buffer; records: RawRecord[] } | null {
  try {
    return parseRawRecords(batch, limit);
  } catch {
    return null; // data or a codec we cannot read (package missing): leave the batch as it is
  }
}

/**
 * As rawRecords, but data past the decompressed-size limit or not in its codec's format
 * throws (DecompressedSizeError, CorruptCompressedDataError); null for malformed records.
 */
function parseRawRecords(batch: Buffer, limit: number): { data: Buffer; records: RawRecord[] } | null {
  const h = readBatchHeader(batch, 0);
  const codec = h.attributes & ATTR_CODEC_MASK;
  const data = decompressSync(codec, batch.subarray(BATCH_HEADER_SIZE, h.size), limit);
  try {
    const r = new Reader(data);
    const records: RawRecord[] = [];
    for (let i = 0; i < h.recordCount; i++) {
      const start = r.pos;
      const len = r.varint();
      const end = r.pos + len;
      if (len < 0 || end > data.length) return null;
      r.int8(); // attributes
      r.varlong(); // timestamp delta
      const offset = h.baseOffset + r.varint();
      const kl = r.varint();
      const key = kl < 0 ? null : r.raw(kl).toString('latin1');
      const vl = r.varint();
      records.push({ start, end, offset, key, tombstone: vl < 0 });
      r.pos = end;
    }
    return { data, records };
  } catch {
    return null;
  }
}

/**
 * Whether a batch of a compacted topic has a record without a key (Kafka refuses those).
 * Throws a DecompressedSizeError past `limit` and a CorruptCompressedDataError for data not
 * in its codec's format; a batch otherwise unreadable here (codec package missing, malformed
 * records) counts as having none.
 */
export function hasNullKey(batch: Buffer, pos: number, size: number, limit = MAX_DECOMPRESSED_BYTES): boolean {
  return nullKeyRecords(batch, pos, size, limit).length > 0;
}

/**
 * The positions in the batch (0 for its first record) of the records without a key: what a
 * compacted topic refuses (Produce names them in RecordErrors, KIP-467). Throws as hasNullKey.
 */
export function nullKeyRecords(batch: Buffer, pos: number, size: number, limit = MAX_DECOMPRESSED_BYTES): number[] {
  let parsed;
  try {
    parsed = parseRawRecords(batch.subarray(pos, pos + size), limit);
  } catch (err) {
    if (err instanceof DecompressedSizeError || err instanceof CorruptCompressedDataError) throw err;
    return [];
  }
  const out: number[] = [];
  parsed?.records.forEach((r, i) => {
    if (r.key === null) out.push(i);
  });
  return out;
}

/** A batch holding only `keep` of its records: same header, lastOffsetDelta and codec, new count and CRC. */
function rebuildBatch(batch: Buffer, data: Buffer, keep: RawRecord[]): Buffer {
  const codec = batch.readInt16BE(ATTRIBUTES_OFFSET) & ATTR_CODEC_MASK;
  let payload: Buffer = Buffer.concat(keep.map((r) => data.subarray(r.start, r.end)));
  payload = compressSync(codec, payload);
  const out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + payload.length);
  batch.copy(out, 0, 0, BATCH_HEADER_SIZE);
  payload.copy(out, BATCH_HEADER_SIZE);
  out.writeInt32BE(out.length - LOG_OVERHEAD, LENGTH_OFFSET);
  out.writeInt32BE(keep.length, RECORD_COUNT_OFFSET);
  out.writeUInt32BE(computeCrc(out, 0, out.length), CRC_OFFSET);
  return out;
}

const isControl = (attributes: number): boolean => (attributes & ATTR_CONTROL) !== 0;
const isTransactional = (attributes: number): boolean => (attributes & ATTR_TRANSACTIONAL) !== 0;

/** Whether a data batch belongs to an aborted transaction, by the aborted-transaction index. */
type AbortedCheck = (h: BatchHeader) => boolean;

function abortedCheck(aborted: readonly AbortedTxn[]): AbortedCheck {
  if (aborted.length === 0) return () => false;
  const byProducer = new Map<number, AbortedTxn[]>();
  for (const a of aborted) {
    let list = byProducer.get(a.producerId);
    if (!list) byProducer.set(a.producerId, (list = []));
    list.push(a);
  }
  return (h) => {
    if (!isTransactional(h.attributes) || isControl(h.attributes)) return false;
    const list = byProducer.get(h.producerId);
    return list !== undefined && list.some((a) => a.firstOffset <= h.baseOffset && h.baseOffset <= a.lastOffset);
  };
}

/** State of one pass carried from batch to batch and group to group. */
interface PassState {
  unreadableSeen: boolean;
  /** Earliest time a kept tombstone or marker may go. */
  deadline: number;
  /** Producer id -> whether data of its current transaction was kept (decides its marker). */
  txnData: Map<number, boolean>;
}

const copyPass = (p: PassState): PassState => ({ ...p, txnData: new Map(p.txnData) });

export class LogCleaner {
  private warnedUnreadable = false;
  private warnedDamaged = false;

  constructor(
    readonly state: CleanerState,
    private readonly mapBudget = DEFAULT_MAP_BUDGET,
  ) {}

  /** Index of the first segment that may not be cleaned (the active one at the latest). */
  private cleanableEnd(log: CleanableLog, now: number): number {
    const segs = log.segments;
    const lag = log.config.minCompactionLagMs;
    for (let i = 0; i < segs.length - 1; i++) {
      // the segment holds offsets at or past the LSO: an open transaction may still abort
      if (segs[i + 1].baseOffset > log.lastStableOffset) return i;
      const ts = segs[i].maxTimestamp >= 0 ? segs[i].maxTimestamp : segs[i].lastModified;
      if (lag > 0 && ts > now - lag) return i;
    }
    return segs.length - 1;
  }

  /** Index of the first segment holding offsets at or past the first dirty offset. */
  private firstDirtyIndex(log: CleanableLog, end: number): number {
    const segs = log.segments;
    const firstDirty = Math.max(this.state.firstDirtyOffset, log.logStartOffset);
    let i = 0;
    while (i < end && segs[i + 1].baseOffset <= firstDirty) i++;
    return i;
  }

  /** The cheap check maintain() makes every time: is a pass due? */
  needsCleaning(log: CleanableLog, now: number): boolean {
    if (this.state.tombstoneDeadline <= now) return true;
    const end = this.cleanableEnd(log, now);
    if (end === 0) return false;
    const dirtyFrom = this.firstDirtyIndex(log, end);
    let clean = 0;
    let dirty = 0;
    for (let i = 0; i < end; i++) {
      if (i < dirtyFrom) clean += log.segments[i].size;
      else dirty += log.segments[i].size;
    }
    if (dirty === 0) return false;
    if (dirty / (clean + dirty) > log.config.minCleanableDirtyRatio) return true;
    const s = log.segments[dirtyFrom];
    const oldest = s.maxTimestamp >= 0 ? s.maxTimestamp : s.lastModified;
    return now - oldest > log.config.maxCompactionLagMs;
  }

  /** One cleaning pass. Returns null when there was nothing to clean. */
  clean(log: CleanableLog, now: number): CleanResult | null {
    const cleanableEnd = this.cleanableEnd(log, now);
    if (cleanableEnd === 0) {
      this.state.tombstoneDeadline = Infinity; // nothing cleanable holds a tombstone
      return null;
    }
    const segs = log.segments.slice();
    const dirtyFrom = this.firstDirtyIndex(log, cleanableEnd);
    const isAborted = abortedCheck(log.abortedTxns);

    // The offset map over the dirty segments, as many as fit in the budget (at least one).
    const latest = new Map<string, number>();
    let mapBytes = 0;
    let end = cleanableEnd;
    for (let i = dirtyFrom; i < cleanableEnd; i++) {
      if (i > dirtyFrom && mapBytes > this.mapBudget) {
        end = i;
        break;
      }
      for (const batch of segs[i].batches()) {
        const h = readBatchHeader(batch, 0);
        if (isControl(h.attributes) || isAborted(h)) continue;
        const parsed = rawRecords(batch, decompressedLimit(log.config.maxMessageBytes));
        if (!parsed) continue;
        for (const r of parsed.records) {
          if (r.key === null) continue;
          if (!latest.has(r.key)) mapBytes += r.key.length + MAP_ENTRY_OVERHEAD;
          latest.set(r.key, r.offset);
        }
      }
    }
    const dirtyEnd = segs[end].baseOffset;

    // Groups of consecutive segments below dirtyEnd, merged while they fit in segment.bytes.
    const groups: Segment[][] = [];
    for (let i = 0; i < end;) {
      const group = [segs[i]];
      let bytes = segs[i].size;
      let j = i + 1;
      while (j < end && bytes + segs[j].size <= log.config.segmentBytes && segs[j + 1].baseOffset - 1 - segs[i].baseOffset <= INT32_MAX) {
        bytes += segs[j].size;
        group.push(segs[j]);
        j++;
      }
      groups.push(group);
      i = j;
    }

    const result: CleanResult = {
      segmentsBefore: segs.length, segmentsAfter: 0, bytesBefore: 0, bytesAfter: 0,
      recordsRemoved: 0, tombstonesRemoved: 0, abortedRecordsRemoved: 0, markersRemoved: 0, abortMarkersRemoved: [],
      firstDirtyOffset: dirtyEnd,
    };
    const pass: PassState = { unreadableSeen: false, deadline: Infinity, txnData: new Map() };
    let wrote = false;
    for (const group of groups) {
      const groupEnd = segs[segs.indexOf(group[group.length - 1]) + 1].baseOffset;
      const before = group.reduce((n, s) => n + s.size, 0);
      result.bytesBefore += before;
      // A lone segment is rewritten only if something in it goes; a dry run tells.
      const passBefore = copyPass(pass);
      const damaged = (): boolean => {
        if (!group.some((s) => s.isDamaged)) return false;
        // Damaged data (segmentCheck.ts) is never rewritten: the group stays as it is, and
        // like an unreadable batch it may hide an older value, so tombstones after it stay.
        Object.assign(pass, passBefore);
        pass.unreadableSeen = true;
        result.bytesAfter += before;
        if (!this.warnedDamaged) {
          this.warnedDamaged = true;
          log.log(`${log.name}: compaction leaves segments with damaged data as they are (from offset ${group[0].baseOffset})`);
        }
        return true;
      };
      if (damaged()) continue;
      const unchanged = group.length === 1 && !this.filterGroup(log, group, latest, isAborted, now, pass, null).changed;
      if (damaged()) continue; // found by the dry run
      if (unchanged) {
        result.bytesAfter += before;
        continue;
      }
      Object.assign(pass, passBefore);
      if (!wrote) {
        log.beforeWrite();
        wrote = true;
      }
      const out = log.startCleaned(group[0].baseOffset);
      let replacement: Segment;
      try {
        const stats = this.filterGroup(log, group, latest, isAborted, now, pass, out);
        if (group.some((s) => s.isDamaged)) {
          // found while copying: nothing is replaced
          out.abort();
          damaged();
          continue;
        }
        result.recordsRemoved += stats.removed;
        result.tombstonesRemoved += stats.tombstones;
        result.abortedRecordsRemoved += stats.aborted;
        result.markersRemoved += stats.markers;
        result.abortMarkersRemoved.push(...stats.abortMarkers);
        replacement = out.commit(group, groupEnd, Math.max(...group.map((s) => s.lastModified)));
      } catch (e) {
        out.abort();
        throw e;
      }
      log.replaced(group, replacement);
      result.bytesAfter += replacement.size;
    }
    this.state.firstDirtyOffset = dirtyEnd;
    this.state.tombstoneDeadline = pass.deadline;
    result.segmentsAfter = log.segments.length;
    return result;
  }

  /**
   * Filters the batches of `group` into `out` (or only evaluates with out = null).
   * `pass` carries state across groups: whether an unreadable batch was seen, the earliest
   * deadline of a kept tombstone.
   */
  private filterGroup(
    log: CleanableLog,
    group: Segment[],
    latest: Map<string, number>,
    isAborted: AbortedCheck,
    now: number,
    pass: PassState,
    out: CleanedSegment | null,
  ): { changed: boolean; removed: number; tombstones: number; aborted: number; markers: number; abortMarkers: number[] } {
    const stats = { changed: false, removed: 0, tombstones: 0, aborted: 0, markers: 0, abortMarkers: [] as number[] };
    const { deleteRetentionMs } = log.config;
    for (const seg of group) {
      const tombstonesExpired = now - seg.lastModified > deleteRetentionMs;
      for (const batch of seg.batches()) {
        const h = readBatchHeader(batch, 0);
        if (h.baseOffset + h.lastOffsetDelta < log.logStartOffset) {
          stats.changed = true; // wholly below the log start offset (DeleteRecords): unreadable anyway
          stats.removed += h.recordCount;
          continue;
        }
        const txn = isTransactional(h.attributes);
        if (isControl(h.attributes)) {
          // A marker goes once its transaction has no data left and delete.retention.ms passed.
          const hasData = pass.txnData.get(h.producerId) === true;
          pass.txnData.delete(h.producerId);
          if (!hasData) {
            if (tombstonesExpired) {
              stats.changed = true;
              stats.markers++;
              if (controlType(batch, 0, h.size) === CONTROL_ABORT) stats.abortMarkers.push(h.baseOffset);
              continue;
            }
            pass.deadline = Math.min(pass.deadline, seg.lastModified + deleteRetentionMs + 1);
          }
          out?.append(batch);
          continue;
        }
        if (txn && !pass.txnData.has(h.producerId)) pass.txnData.set(h.producerId, false);
        if (isAborted(h)) {
          stats.changed = true;
          stats.removed += h.recordCount;
          stats.aborted += h.recordCount;
          continue;
        }
        const parsed = rawRecords(batch, decompressedLimit(log.config.maxMessageBytes));
        if (!parsed) {
          if (!this.warnedUnreadable) {
            this.warnedUnreadable = true;
            log.log(`${log.name}: compaction keeps batches it cannot read as they are (codec ${h.attributes & ATTR_CODEC_MASK}, e.g. at offset ${h.baseOffset})`);
          }
          pass.unreadableSeen = true;
          if (txn) pass.txnData.set(h.producerId, true);
          out?.append(batch);
          continue;
        }
        const keep: RawRecord[] = [];
        for (const r of parsed.records) {
          const superseded = r.offset < log.logStartOffset
            || (r.key !== null && (latest.get(r.key) ?? -1) > r.offset);
          if (superseded) {
            stats.removed++;
            continue;
          }
          if (r.tombstone && r.key !== null) {
            if (tombstonesExpired && !pass.unreadableSeen) {
              stats.removed++;
              stats.tombstones++;
              continue;
            }
            if (!pass.unreadableSeen) pass.deadline = Math.min(pass.deadline, seg.lastModified + deleteRetentionMs + 1);
          }
          keep.push(r);
        }
        if (txn && keep.length > 0) pass.txnData.set(h.producerId, true);
        if (keep.length === parsed.records.length) {
          out?.append(batch);
          continue;
        }
        stats.changed = true;
        if (keep.length > 0) out?.append(rebuildBatch(batch, parsed.data, keep));
      }
    }
    return stats;
  }
}
