// The sparse indexes of one segment, kept as small typed arrays in memory and mirrored to
// disk in Kafka's entry formats (not checksummed: they are rebuilt from the log when in doubt).
//
//   .index      8-byte entries: relativeOffset int32 | position int32   (OffsetIndex.java)
//   .timeindex 12-byte entries: timestamp int64 | relativeOffset int32  (TimeIndex.java)
//
// An offset index entry points at the start of a batch (relative offset = the batch's base
// offset - the segment's base offset); one is added for a segment's first batch and then
// whenever index.interval.bytes of batches were appended since the last entry. A time index
// entry (T, r) says: no batch of the segment up to and including the one at r has a
// timestamp above T; entries are added with offset index entries and when the segment is
// sealed (rolled or closed), and only when T grows, so both arrays are sorted and the last
// entry holds the segment's largest timestamp.

export const OFFSET_ENTRY_SIZE = 8;
export const TIME_ENTRY_SIZE = 12;

function grow<T extends Int32Array | Float64Array>(a: T, n: number): T {
  if (n < a.length) return a;
  const next = new (a.constructor as new (n: number) => T)(Math.max(16, a.length * 2));
  next.set(a);
  return next;
}

export class OffsetIndex {
  private rel = new Int32Array(16);
  private pos = new Int32Array(16);
  count = 0;

  push(relOffset: number, position: number): void {
    this.rel = grow(this.rel, this.count);
    this.pos = grow(this.pos, this.count);
    this.rel[this.count] = relOffset;
    this.pos[this.count] = position;
    this.count++;
  }

  /** The last entry whose relative offset is <= `relOffset` ({ relOffset: 0, position: 0 } when none). */
  lookupEntry(relOffset: number): { relOffset: number; position: number } {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rel[mid] <= relOffset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? { relOffset: 0, position: 0 } : { relOffset: this.rel[found], position: this.pos[found] };
  }

  entry(i: number): { relOffset: number; position: number } {
    return { relOffset: this.rel[i], position: this.pos[i] };
  }

  /** Entries from `from` onwards in the on-disk format. */
  encode(from = 0): Buffer {
    const out = Buffer.allocUnsafe((this.count - from) * OFFSET_ENTRY_SIZE);
    for (let i = from; i < this.count; i++) {
      out.writeInt32BE(this.rel[i], (i - from) * OFFSET_ENTRY_SIZE);
      out.writeInt32BE(this.pos[i], (i - from) * OFFSET_ENTRY_SIZE + 4);
    }
    return out;
  }

  /** Parses an index file; returns why it cannot be trusted for a log of `logSize` bytes. */
  static decode(buf: Buffer, logSize: number): OffsetIndex | string {
    if (buf.length % OFFSET_ENTRY_SIZE !== 0) return `size ${buf.length} is not a multiple of ${OFFSET_ENTRY_SIZE}`;
    const idx = new OffsetIndex();
    for (let at = 0; at < buf.length; at += OFFSET_ENTRY_SIZE) {
      const rel = buf.readInt32BE(at);
      const pos = buf.readInt32BE(at + 4);
      const prev = idx.count - 1;
      if (rel < 0 || pos < 0 || pos >= logSize) return `entry ${idx.count} (${rel}, ${pos}) lies outside the log`;
      if (prev >= 0 && (rel <= idx.rel[prev] || pos <= idx.pos[prev])) return `entry ${idx.count} is out of order`;
      idx.push(rel, pos);
    }
    if (logSize > 0 && (idx.count === 0 || idx.pos[0] !== 0)) return 'no entry for the first batch';
    return idx;
  }
}

export class TimeIndex {
  private ts = new Float64Array(16);
  private rel = new Int32Array(16);
  count = 0;

  get lastTimestamp(): number {
    return this.count === 0 ? -1 : this.ts[this.count - 1];
  }

  /** Adds (timestamp, relOffset) if the timestamp grew; returns whether it did. */
  maybePush(timestamp: number, relOffset: number): boolean {
    if (this.count > 0 && (timestamp <= this.ts[this.count - 1] || relOffset < this.rel[this.count - 1])) return false;
    this.ts = grow(this.ts, this.count);
    this.rel = grow(this.rel, this.count);
    this.ts[this.count] = timestamp;
    this.rel[this.count] = relOffset;
    this.count++;
    return true;
  }

  /**
   * Relative offset of a batch from which to scan for the first timestamp >= `timestamp`:
   * the batch of the last entry whose timestamp is below it (everything before is older), or -1
   * to scan from the start of the segment.
   */
  lookup(timestamp: number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[mid] < timestamp) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? -1 : this.rel[found];
  }

  encode(from = 0): Buffer {
    const out = Buffer.allocUnsafe((this.count - from) * TIME_ENTRY_SIZE);
    for (let i = from; i < this.count; i++) {
      out.writeBigInt64BE(BigInt(this.ts[i]), (i - from) * TIME_ENTRY_SIZE);
      out.writeInt32BE(this.rel[i], (i - from) * TIME_ENTRY_SIZE + 8);
    }
    return out;
  }

  /** Parses a time index file of a segment holding relative offsets below `relEnd`. */
  static decode(buf: Buffer, relEnd: number): TimeIndex | string {
    if (buf.length % TIME_ENTRY_SIZE !== 0) return `size ${buf.length} is not a multiple of ${TIME_ENTRY_SIZE}`;
    const idx = new TimeIndex();
    for (let at = 0; at < buf.length; at += TIME_ENTRY_SIZE) {
      const ts = Number(buf.readBigInt64BE(at));
      const rel = buf.readInt32BE(at + 8);
      if (rel < 0 || rel >= relEnd) return `entry ${idx.count} points at relative offset ${rel}, outside the segment`;
      if (!idx.maybePush(ts, rel)) return `entry ${idx.count} is out of order`;
    }
    return idx;
  }
}
