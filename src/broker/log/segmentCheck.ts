// Checks of record batches as a segment file stores them, shared by recovery (diskSegment.ts
// load), reads (Fetch, ListOffsets by timestamp) and the batch walks of compaction and of the
// producer-state replay.
//
// A stored batch is sound when its frame fits in the file (length at least a batch header),
// its magic is 2, its CRC32C matches, and its offsets lie where they must: from the end of
// the previous batch (or the segment's base offset) up to before the next segment's base.
// The base offset and the length are not covered by the CRC, hence the offset check.
//
// The base offset is not covered by the CRC, so a flip there can leave a batch that looks
// sound but claims offsets of the batch after it. Two neighbouring batches whose offsets
// overlap are therefore both damaged (which one is wrong cannot be known): a batch is only
// served once the frame after it is known not to overlap it (`overlapsNext`).
//
// A batch that is not sound is "damaged". Its range of offsets runs from the end of the
// previous sound batch to the base offset of the next sound one. That one is found by trying
// the position right after the damaged frame, then every later byte (`findNextBatch`): a
// candidate must pass every check, CRC included, so a flipped length does not make the rest of
// the segment unreadable. When several batches in a row are damaged (a flip in each), the range
// is split into one per batch where their headers chain up (`splitDamaged`), so each is
// reported by its own offsets. Nothing is ever repaired in place; see docs/durability.md.

import { KafkaError } from '../../protocol/errors.js';
import { BATCH_HEADER_SIZE, LOG_OVERHEAD, checkBatch } from '../../protocol/recordBatch.js';
import { readAt } from './files.js';
import { LAST_OFFSET_DELTA_OFFSET, LENGTH_OFFSET, MAGIC_OFFSET } from '../../protocol/batchLayout.js';

/** Read size of recovery and timestamp scans. */
export const CHUNK = 1 << 20;
const EMPTY = Buffer.alloc(0);

/**
 * A window on a file for sequential batch scans: re-reads only when a batch leaves it, then
 * `chunk` bytes from there (or the whole batch when larger).
 */
export class FileWindow {
  buf: Buffer = EMPTY;
  start = 0;
  constructor(private readonly fd: number, readonly end: number, private readonly chunk = CHUNK) {}

  /** Makes [pos, pos + n) available (as much of it as the file has) and returns where pos is within `buf`. */
  at(pos: number, n: number): number {
    if (pos < this.start || pos + n > this.start + this.buf.length) {
      this.buf = readAt(this.fd, pos, Math.max(0, Math.min(Math.max(this.chunk, n), this.end - pos)));
      this.start = pos;
    }
    return pos - this.start;
  }
}

/** A run of bytes of a segment that holds no sound batch, and the offsets it stands for. */
export interface DamagedRange {
  /** Byte position of the damaged data in the segment file, and the position after it. */
  pos: number;
  end: number;
  /** Offsets [from, to) that cannot be read. */
  from: number;
  to: number;
  why: string;
}

/** Size of the frame at `p` (its length field plus the log overhead), or -1 when it cannot be a batch in [p, end). */
export function frameSize(buf: Buffer, p: number, end: number): number {
  if (end - p < BATCH_HEADER_SIZE) return -1;
  const size = buf.readInt32BE(p + LENGTH_OFFSET) + LOG_OVERHEAD;
  return size < BATCH_HEADER_SIZE || p + size > end ? -1 : size;
}

/**
 * Why the batch at `p` (the whole batch within `buf` up to `end`) is not a sound stored batch
 * holding offsets in [minOffset, limitOffset), or null. Without `crc`, the CRC is not checked.
 */
export function storedBatchProblem(buf: Buffer, p: number, end: number, minOffset: number, limitOffset: number, crc = true): string | null {
  if (crc) {
    const bad = checkBatch(buf, p, end);
    if (bad) return bad;
  } else {
    if (frameSize(buf, p, end) < 0) return 'batch extends past the end of the data';
    if (buf.readInt8(p + MAGIC_OFFSET) !== 2) return `unsupported magic ${buf.readInt8(p + MAGIC_OFFSET)}`;
  }
  const base = Number(buf.readBigInt64BE(p));
  const delta = buf.readInt32BE(p + LAST_OFFSET_DELTA_OFFSET);
  if (base < minOffset || delta < 0 || base + delta >= limitOffset) {
    return `offsets ${base}..${base + delta} outside ${minOffset}..${limitOffset === Infinity ? '' : limitOffset - 1}`;
  }
  return null;
}

/**
 * Whether the frame at `q` of `buf` (right after a sound batch whose last offset is `last`)
 * is a sound batch overlapping it: `false` (it is not, or it is no batch at all), `true`, or
 * the number of bytes from `q` that `buf` must hold to tell.
 */
export function overlapsNext(buf: Buffer, q: number, last: number): boolean | number {
  if (q + 8 > buf.length) return BATCH_HEADER_SIZE;
  if (Number(buf.readBigInt64BE(q)) > last) return false;
  if (q + BATCH_HEADER_SIZE > buf.length) return BATCH_HEADER_SIZE;
  const size = buf.readInt32BE(q + LENGTH_OFFSET) + LOG_OVERHEAD;
  if (size < BATCH_HEADER_SIZE) return false;
  if (q + size > buf.length) return size;
  return checkBatch(buf, q, q + size) === null;
}

/** Why a batch and the one after it are both damaged when their offsets overlap. */
export function overlapProblem(base: number, last: number, nextBase: number): string {
  return `offsets ${base}..${last} overlap those of the next batch (from ${nextBase}); the base offset is outside the CRC, so both count as damaged`;
}

/**
 * The first sound batch (offsets in [minOffset, limitOffset)) starting at or after `from` in
 * the file behind `w`: first at `hint` (the position right after a damaged frame whose length
 * looked sane), then at every byte. Null when there is none.
 */
export function findNextBatch(w: FileWindow, from: number, minOffset: number, limitOffset: number, hint?: number): { pos: number; baseOffset: number } | null {
  const soundAt = (q: number): number | null => {
    if (q + BATCH_HEADER_SIZE > w.end) return null;
    let p = w.at(q, BATCH_HEADER_SIZE);
    if (w.buf[p + MAGIC_OFFSET] !== 2) return null;
    const size = w.buf.readInt32BE(p + LENGTH_OFFSET) + LOG_OVERHEAD;
    if (size < BATCH_HEADER_SIZE || q + size > w.end) return null;
    p = w.at(q, size);
    if (storedBatchProblem(w.buf, p, p + size, minOffset, limitOffset)) return null;
    return Number(w.buf.readBigInt64BE(p));
  };
  if (hint !== undefined && hint >= from) {
    const base = soundAt(hint);
    if (base !== null) return { pos: hint, baseOffset: base };
  }
  for (let q = from; q + BATCH_HEADER_SIZE <= w.end; q++) {
    const p = w.at(q, BATCH_HEADER_SIZE);
    if (w.buf[p + MAGIC_OFFSET] !== 2) continue; // the cheap filter: most bytes are not a magic 2
    const base = soundAt(q);
    if (base !== null) return { pos: q, baseOffset: base };
  }
  return null;
}

/**
 * A damaged range split into one range per damaged batch, when the batches in it can be told
 * apart; else `[r]`. They can when their frames chain up: from `r.pos` each frame's length
 * leads to the next one and the last ends exactly at `r.end`, and each frame after the first
 * has magic 2, a base offset above the one before it and below `r.to`, and fails its CRC
 * (and nothing else). The length, magic and base offset are outside the CRC, so their
 * chaining up is what makes them trustworthy: a flip in a length field breaks the chain, and a
 * frame that passes its CRC there (two overlapping batches, or a flipped base offset) keeps
 * the range whole. Each part runs from its batch's base offset (the first from `r.from`) to
 * the next one's (the last to `r.to`), so the parts hold exactly the offsets of `r`.
 */
export function splitDamaged(w: FileWindow, r: DamagedRange): DamagedRange[] {
  if (r.to <= r.from) return [r];
  const starts: { pos: number; base: number; why: string }[] = [];
  for (let q = r.pos; q < r.end;) {
    if (q + BATCH_HEADER_SIZE > r.end) return [r];
    let p = w.at(q, BATCH_HEADER_SIZE);
    const size = w.buf.readInt32BE(p + LENGTH_OFFSET) + LOG_OVERHEAD;
    if (size < BATCH_HEADER_SIZE || q + size > r.end) return [r];
    if (q > r.pos) {
      const base = Number(w.buf.readBigInt64BE(p));
      const prev = starts.length > 0 ? starts[starts.length - 1].base : r.from;
      if (w.buf[p + MAGIC_OFFSET] !== 2 || base <= prev || base >= r.to) return [r];
      p = w.at(q, size);
      const why = checkBatch(w.buf, p, p + size);
      if (why !== 'CRC32C mismatch') return [r];
      starts.push({ pos: q, base, why });
    }
    q += size;
  }
  if (starts.length === 0) return [r];
  const parts: DamagedRange[] = [{ pos: r.pos, end: starts[0].pos, from: r.from, to: starts[0].base, why: r.why }];
  starts.forEach((s, i) => {
    const next = starts[i + 1];
    parts.push({ pos: s.pos, end: next ? next.pos : r.end, from: s.base, to: next ? next.base : r.to, why: s.why });
  });
  return parts;
}

/** The error a read of damaged offsets gets (Fetch answers it per partition: CORRUPT_MESSAGE). */
export function damagedError(segment: string, r: DamagedRange): KafkaError {
  return new KafkaError('CORRUPT_MESSAGE',
    `offsets ${r.from}..${r.to - 1} are in damaged data at byte ${r.pos} of segment ${segment} (${r.why}); fetch from offset ${r.to} to skip them`);
}
