// A partition log held in memory (`--memory`, tests). Segments keep their batches as the
// Buffers the producer sent (offsets rewritten in place), with sorted base offsets for a
// binary search; rolling, retention and DeleteRecords come from BaseLog, as on disk.

import type { CleanedSegment } from './cleaner.js';
import type { ReadResult } from './types.js';
import { BaseLog, EMPTY_READ, matchInBatch, type AppendedBatch, type BaseLogOptions, type Segment } from './partitionLog.js';
import { readBatchHeader } from '../../protocol/recordBatch.js';

class MemorySegment implements Segment {
  readonly baseOffset: number;
  nextOffset: number;
  size = 0;
  maxTimestamp = -1;
  lastModified: number;
  rollBase: number;
  private stored: Buffer[] = [];
  private lastOffsets: number[] = [];
  /** Largest max timestamp of batches 0..i: sorted, so a timestamp lookup is a binary search. */
  private maxSoFar: number[] = [];

  constructor(baseOffset: number, now: number) {
    this.baseOffset = baseOffset;
    this.nextOffset = baseOffset;
    this.lastModified = now;
    this.rollBase = now;
  }

  append(payload: Buffer, batches: AppendedBatch[], now: number): void {
    if (this.size === 0) this.rollBase = now;
    for (const b of batches) {
      this.stored.push(payload.subarray(b.position, b.position + b.size));
      this.lastOffsets.push(b.lastOffset);
      this.maxTimestamp = Math.max(this.maxTimestamp, b.maxTimestamp);
      this.maxSoFar.push(this.maxTimestamp);
      this.nextOffset = b.lastOffset + 1;
    }
    this.size += payload.length;
    this.lastModified = now;
  }

  /** Index of the first batch whose last offset is >= `offset` (batches.length when none). */
  private batchFor(offset: number): number {
    let lo = 0;
    let hi = this.lastOffsets.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.lastOffsets[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  read(offset: number, maxBytes: number): ReadResult {
    let i = this.batchFor(offset);
    if (i >= this.stored.length) return EMPTY_READ;
    const chunks: Buffer[] = [];
    let bytes = 0;
    for (; i < this.stored.length; i++) {
      const b = this.stored[i];
      if (bytes > 0 && bytes + b.length > maxBytes) break;
      chunks.push(b);
      bytes += b.length;
    }
    return { chunks, bytes };
  }

  findOffsetByTimestamp(timestamp: number, minOffset: number): { offset: number; timestamp: number } | null {
    let lo = 0;
    let hi = this.maxSoFar.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.maxSoFar[mid] < timestamp) lo = mid + 1;
      else hi = mid;
    }
    for (let i = Math.max(lo, this.batchFor(minOffset)); i < this.stored.length; i++) {
      const found = matchInBatch(this.stored[i], 0, timestamp, minOffset);
      if (found) return found;
    }
    return null;
  }

  batches(): Iterable<Buffer> {
    return this.stored;
  }

  /** A sealed segment holding cleaned batches (offsets as stored) up to `endOffset`. */
  static cleaned(baseOffset: number, batches: Buffer[], endOffset: number, lastModified: number): MemorySegment {
    const s = new MemorySegment(baseOffset, lastModified);
    for (const b of batches) {
      const h = readBatchHeader(b, 0);
      s.append(b, [{ position: 0, size: h.size, baseOffset: h.baseOffset, lastOffset: h.baseOffset + h.lastOffsetDelta, maxTimestamp: h.maxTimestamp, records: h.recordCount }], lastModified);
    }
    s.nextOffset = endOffset;
    return s;
  }

  flush(): void {}
  seal(): void {}
  close(): void {}

  release(): void {}

  delete(): void {
    this.stored = [];
  }
}

export class MemoryPartitionLog extends BaseLog {
  constructor(opts: BaseLogOptions & { now?: number }) {
    super(opts);
    this.segments.push(this.createSegment(0, opts.now ?? Date.now()));
  }

  protected createSegment(baseOffset: number, now: number): Segment {
    return new MemorySegment(baseOffset, now);
  }

  protected saveLogStartOffset(): void {}

  protected startCleaned(baseOffset: number): CleanedSegment {
    const out: Buffer[] = [];
    return {
      append: (batch) => out.push(batch),
      commit: (_old, endOffset, lastModified) => MemorySegment.cleaned(baseOffset, out, endOffset, lastModified),
      abort: () => {},
    };
  }

  /** Drops all data (topic deletion). */
  delete(): void {
    this.close();
    for (const s of this.segments) s.delete();
  }
}
