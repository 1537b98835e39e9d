// A partition log held in memory (`--memory`, tests). Segments keep their batches as the
// Buffers the producer sent (offsets rewritten in place), with sorted base offsets for a
// binary search; rolling, retention and DeleteRecords come from BaseLog, as on disk.

import type { ReadResult } from './types.js';
import { BaseLog, EMPTY_READ, matchInBatch, type AppendedBatch, type BaseLogOptions, type Segment } from './partitionLog.js';

class MemorySegment implements Segment {
  readonly baseOffset: number;
  nextOffset: number;
  size = 0;
  maxTimestamp = -1;
  lastModified: number;
  rollBase: number;
  private batches: Buffer[] = [];
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
      this.batches.push(payload.subarray(b.position, b.position + b.size));
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
    if (i >= this.batches.length) return EMPTY_READ;
    const chunks: Buffer[] = [];
    let bytes = 0;
    for (; i < this.batches.length; i++) {
      const b = this.batches[i];
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
    for (let i = Math.max(lo, this.batchFor(minOffset)); i < this.batches.length; i++) {
      const found = matchInBatch(this.batches[i], 0, timestamp, minOffset);
      if (found) return found;
    }
    return null;
  }

  flush(): void {}
  seal(): void {}
  close(): void {}

  delete(): void {
    this.batches = [];
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

  /** Drops all data (topic deletion). */
  delete(): void {
    this.close();
    for (const s of this.segments) s.delete();
  }
}
