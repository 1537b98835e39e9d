// One segment on disk: `<base>.log` holds record batches exactly as served to consumers;
// `<base>.index` and `<base>.timeindex` are sparse indexes (see segmentIndex.ts) kept in small
// typed arrays and written to disk when the segment is sealed (rolled) or closed: while it is
// active nothing reads them from disk (a start after a crash rebuilds the last segment's
// indexes from its log). All I/O is synchronous positional reads and writes, so a read never
// sees a half-done append and no data is cached in memory.
// The log file is reached through a FileHandle of the store's FilePool (filePool.ts): open
// while used, closed by the pool when the budget of descriptors needs it, so the number of
// open files depends neither on the number of segments nor on the number of partitions.
// Every batch a read returns or steps over is checked (segmentCheck.ts); damaged data is
// remembered per segment as a range of bytes and offsets, reported once, and never served.

import fs from 'node:fs';
import path from 'node:path';
import { BATCH_HEADER_SIZE, LOG_OVERHEAD, readBatchHeader } from '../../protocol/recordBatch.js';
import type { FileHandle, FilePool } from './filePool.js';
import { fsyncDir, writeFileAtomic, writeFully } from './files.js';
import { segmentFileName } from './names.js';
import { EMPTY_READ, matchInBatch, type AppendedBatch, type Segment } from './partitionLog.js';
import { FileWindow, damagedError, findNextBatch, frameSize, overlapProblem, overlapsNext, splitDamaged, storedBatchProblem, type DamagedRange } from './segmentCheck.js';
import { OffsetIndex, TimeIndex } from './segmentIndex.js';
import type { ReadResult } from './types.js';
import { LAST_OFFSET_DELTA_OFFSET, LENGTH_OFFSET } from '../../protocol/batchLayout.js';

/** One read never exceeds this, whatever maxBytes a fetch asks for (Kafka's fetch.max.bytes is 50 MiB). */
const MAX_READ = 64 << 20;
const INT32_MAX = 2147483647;

export interface LoadOptions {
  files: FilePool;
  indexInterval: () => number;
  /** Check every batch's CRC (the tail, or everything after an unclean shutdown). */
  validate: boolean;
  /** The first batch may not start below this (the previous segment's end). */
  minOffset: number;
  /** Base offset of the next segment, if any: bounds the indexes of a sealed segment. */
  nextBase?: number;
  /**
   * The recovery point: offsets below it were fsynced. Damage found below it is kept and
   * reported, never cut off, even at the end of the last segment.
   */
  recoveryPoint?: number;
  now: number;
  log: (msg: string) => void;
}

export class DiskSegment implements Segment {
  nextOffset: number;
  size = 0;
  maxTimestamp = -1;
  lastModified: number;
  rollBase: number;
  /** The log file: writable while the segment is active, read-only once sealed. */
  private logFile: FileHandle;
  private offsets = new OffsetIndex();
  private times = new TimeIndex();
  /** Whether the index files hold what `offsets` and `times` hold. */
  private indexesWritten = false;
  private bytesSinceIndex = 0;
  private lastBatchRel = -1;

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    private readonly files: FilePool,
    private readonly indexInterval: () => number,
    writable: boolean,
    now: number,
  ) {
    this.logFile = files.handle(this.file('.log'), writable);
    this.nextOffset = baseOffset;
    this.lastModified = now;
    this.rollBase = now;
  }

  private file(suffix: '.log' | '.index' | '.timeindex'): string {
    return path.join(this.dir, segmentFileName(this.baseOffset, suffix));
  }

  /** A new empty segment, ready for appends: its three files exist, none stays open. */
  static create(dir: string, baseOffset: number, files: FilePool, indexInterval: () => number, now: number): DiskSegment {
    const s = new DiskSegment(dir, baseOffset, files, indexInterval, true, now);
    for (const suffix of ['.log', '.index', '.timeindex'] as const) fs.closeSync(fs.openSync(s.file(suffix), 'w'));
    fsyncDir(dir);
    s.indexesWritten = true;
    return s;
  }

  /**
   * Opens an existing segment. With `validate`, every batch is checked (length, magic, CRC32C,
   * offsets); without, only lengths and offsets, and only when the indexes must be rebuilt.
   * Damage followed by a sound batch is kept as a damaged range (reads of its offsets get
   * CORRUPT_MESSAGE). Damage with nothing sound after it is a torn tail: cut off in the last
   * segment (`problem` says what was wrong), unless it lies below the recovery point; kept
   * as damage in a rolled segment, which was fsynced when it rolled, so it never loses its
   * later data. Indexes are loaded if they look sound, else rebuilt from the log.
   */
  static load(dir: string, baseOffset: number, opts: LoadOptions): { segment: DiskSegment; problem?: string; damaged: DamagedRange[] } {
    const sealed = opts.nextBase !== undefined;
    const s = new DiskSegment(dir, baseOffset, opts.files, opts.indexInterval, !sealed, opts.now);
    const name = segmentFileName(baseOffset, '.log');
    // Its own descriptor for the load (a repair truncates the last segment's log).
    const fd = fs.openSync(s.file('.log'), 'r+');
    let problem: string | undefined;
    try {
      const st = fs.fstatSync(fd);
      s.lastModified = st.mtimeMs;
      if (opts.validate || !s.loadIndexes(st.size, opts)) {
        const limit = sealed ? (opts.nextBase as number) : Infinity;
        const torn = s.scan(fd, st.size, opts.validate, opts.minOffset, limit);
        if (torn) {
          const keepTo = sealed ? limit : Math.max(opts.recoveryPoint ?? -1, torn.expected);
          if (sealed || keepTo > torn.expected) {
            // Rolled (so fsynced), or below the recovery point: damage, not a torn write.
            const r = { pos: torn.pos, end: st.size, from: torn.expected, to: keepTo, why: torn.why };
            for (const part of splitDamaged(new FileWindow(fd, st.size), r)) s.addDamage(part, part.end - part.pos);
            s.size = st.size;
            s.nextOffset = keepTo;
          } else {
            problem = `${torn.why} at byte ${torn.pos}`;
            fs.ftruncateSync(fd, s.size);
            fs.fsyncSync(fd);
          }
        }
        if (sealed && s.lastBatchRel >= 0) s.times.maybePush(s.maxTimestamp, s.lastBatchRel); // as seal() left it
        s.rewriteIndexes((msg) => opts.log(`${name}: ${msg}`));
      } else {
        s.indexesWritten = true;
      }
    } finally {
      fs.closeSync(fd);
    }
    // A sealed segment spans up to the next one even when compaction removed its last records.
    if (sealed) s.nextOffset = opts.nextBase as number;
    return { segment: s, problem, damaged: s.damaged.slice() };
  }

  /** Offsets of this segment that cannot be read, found at load or by a read. */
  private damaged: DamagedRange[] = [];
  /** Where damage found by a read is reported (the partition's log). */
  report: (msg: string) => void = () => {};

  /** Whether damaged data is known in this segment (compaction leaves such a segment as it is). */
  get isDamaged(): boolean {
    return this.damaged.length > 0;
  }

  private addDamage(r: DamagedRange, bytes: number): void {
    this.damaged.push(r);
    this.damaged.sort((x, y) => x.pos - y.pos);
    if (r.to > r.from) this.track(r.from - this.baseOffset, r.pos, bytes, -1);
  }

  private damageAt(pos: number): DamagedRange | undefined {
    for (const r of this.damaged) if (r.pos === pos) return r;
    return undefined;
  }

  /**
   * The damaged range starting at byte `pos` (found by a read): it ends at the next sound
   * batch, or at the end of the segment. When it holds several damaged batches that can be
   * told apart (segmentCheck.ts, splitDamaged), each becomes a range of its own. Each is
   * reported once; the one at `pos` is returned.
   */
  private damageFrom(fd: number, pos: number, minOffset: number, why: string, searchFrom?: number): DamagedRange {
    const known = this.damageAt(pos);
    if (known) return known;
    const w = new FileWindow(fd, this.size);
    let hint = searchFrom;
    if (hint === undefined && pos + BATCH_HEADER_SIZE <= this.size) {
      const p = w.at(pos, BATCH_HEADER_SIZE);
      const size = w.buf.readInt32BE(p + LENGTH_OFFSET) + LOG_OVERHEAD;
      if (size >= BATCH_HEADER_SIZE) hint = pos + size;
    }
    const next = findNextBatch(w, searchFrom ?? pos + 1, minOffset, this.nextOffset, hint);
    const r: DamagedRange = { pos, end: next?.pos ?? this.size, from: minOffset, to: next?.baseOffset ?? this.nextOffset, why };
    // Two overlapping batches (searchFrom) are one range: which of them is wrong cannot be known.
    const parts = searchFrom === undefined ? splitDamaged(w, r) : [r];
    for (const part of parts) {
      this.damaged.push(part);
      this.report(`${damagedError(segmentFileName(this.baseOffset, '.log'), part).message}`);
    }
    this.damaged.sort((x, y) => x.pos - y.pos);
    return parts[0];
  }

  /** Loads both index files of a sealed segment; false when missing or not trustworthy. */
  private loadIndexes(logSize: number, opts: LoadOptions): boolean {
    const name = segmentFileName(this.baseOffset, '.log');
    const read = (suffix: '.index' | '.timeindex') => {
      try {
        return fs.readFileSync(this.file(suffix));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    };
    const indexBuf = read('.index');
    const timeBuf = read('.timeindex');
    if (!indexBuf || !timeBuf) {
      opts.log(`${name}: ${!indexBuf ? '.index' : '.timeindex'} missing, rebuilding indexes from the log`);
      return false;
    }
    const relEnd = (opts.nextBase ?? Number.MAX_SAFE_INTEGER) - this.baseOffset;
    const offsets = OffsetIndex.decode(indexBuf, logSize);
    const times = typeof offsets === 'string' ? offsets : TimeIndex.decode(timeBuf, relEnd);
    if (typeof offsets === 'string' || typeof times === 'string') {
      opts.log(`${name}: stale index (${typeof offsets === 'string' ? offsets : times}), rebuilding indexes from the log`);
      return false;
    }
    if (offsets.count > 0 && offsets.entry(offsets.count - 1).relOffset >= relEnd) {
      opts.log(`${name}: stale index (offsets past the next segment), rebuilding indexes from the log`);
      return false;
    }
    this.offsets = offsets;
    this.times = times;
    this.size = logSize;
    this.nextOffset = opts.nextBase ?? this.baseOffset;
    this.maxTimestamp = times.lastTimestamp;
    return true;
  }

  /** Indexes the batch at `position`: one offset index entry per index.interval.bytes. */
  private track(relOffset: number, position: number, size: number, maxTimestamp: number): void {
    if (maxTimestamp > this.maxTimestamp) this.maxTimestamp = maxTimestamp;
    if (this.offsets.count === 0 || this.bytesSinceIndex >= this.indexInterval()) {
      this.offsets.push(relOffset, position);
      this.times.maybePush(this.maxTimestamp, relOffset);
      this.bytesSinceIndex = 0;
    }
    this.bytesSinceIndex += size;
    this.lastBatchRel = relOffset;
  }

  /**
   * Walks the log from the start rebuilding the indexes. Damage followed by a sound batch
   * becomes a damaged range; damage with nothing sound after it ends the walk and is returned
   * (`pos`: where it starts, `expected`: the first offset it would hold).
   */
  private scan(fd: number, fileSize: number, validate: boolean, minOffset: number, limitOffset: number): { pos: number; expected: number; why: string } | undefined {
    this.offsets = new OffsetIndex();
    this.times = new TimeIndex();
    this.damaged = [];
    this.maxTimestamp = -1;
    this.bytesSinceIndex = 0;
    this.lastBatchRel = -1;
    const w = new FileWindow(fd, fileSize);
    let expected = Math.max(minOffset, this.baseOffset);
    let pos = 0;
    let torn: { pos: number; expected: number; why: string } | undefined;
    while (pos < fileSize) {
      let why: string | null = null;
      let size = -1;
      let searchFrom: number | undefined;
      if (fileSize - pos < BATCH_HEADER_SIZE) {
        why = `torn batch header (${fileSize - pos} bytes left)`;
      } else {
        let p = w.at(pos, BATCH_HEADER_SIZE);
        size = w.buf.readInt32BE(p + LENGTH_OFFSET) + LOG_OVERHEAD;
        if (size < BATCH_HEADER_SIZE) why = `invalid batch length ${size}`;
        else if (pos + size > fileSize) why = `torn batch: ${size} bytes long, the file ends ${fileSize - pos} bytes after its start`;
        else {
          p = w.at(pos, size);
          why = storedBatchProblem(w.buf, p, p + size, expected, limitOffset, validate);
        }
      }
      if (why === null) {
        const p = w.at(pos, BATCH_HEADER_SIZE);
        const h = readBatchHeader(w.buf, p);
        const last = h.baseOffset + h.lastOffsetDelta;
        const overlap = last - this.baseOffset > INT32_MAX ? undefined : this.overlapAfter(w, pos, size, last, fileSize);
        if (last - this.baseOffset > INT32_MAX) {
          why = `batch offsets ${h.baseOffset}..${last} too far from the segment's base offset`;
        } else if (overlap) {
          why = overlap.why;
          searchFrom = overlap.end;
        } else {
          if (pos === 0) this.rollBase = h.maxTimestamp >= 0 ? Math.min(h.maxTimestamp, this.rollBase) : this.rollBase;
          this.track(h.baseOffset - this.baseOffset, pos, size, h.maxTimestamp);
          expected = last + 1;
          pos += size;
          continue;
        }
      }
      const next = findNextBatch(w, searchFrom ?? pos + 1, expected, limitOffset, searchFrom ?? (size >= BATCH_HEADER_SIZE ? pos + size : undefined));
      if (!next) {
        torn = { pos, expected, why };
        break;
      }
      const r = { pos, end: next.pos, from: expected, to: next.baseOffset, why };
      for (const part of searchFrom === undefined ? splitDamaged(w, r) : [r]) this.addDamage(part, part.end - part.pos);
      expected = next.baseOffset;
      pos = next.pos;
    }
    this.size = pos;
    this.nextOffset = pos > 0 ? expected : this.baseOffset;
    return torn;
  }

  /** Writes the in-memory indexes to disk where the files differ (after a scan). */
  private rewriteIndexes(report?: (msg: string) => void): void {
    const write = (suffix: '.index' | '.timeindex', data: Buffer) => {
      let current: Buffer | undefined;
      try {
        current = fs.readFileSync(this.file(suffix));
      } catch {
        current = undefined;
      }
      if (current && current.equals(data)) return;
      // Durable, so that a clean shutdown's marker never vouches for an index that is not on disk.
      writeFileAtomic(this.file(suffix), data);
      report?.(`rebuilt ${suffix} (${data.length} bytes)`);
    };
    write('.index', this.offsets.encode());
    write('.timeindex', this.times.encode());
    this.indexesWritten = true;
  }

  /** Writes both index files from memory (atomically) if they changed since they were last written. */
  private writeIndexes(durable: boolean): void {
    if (this.indexesWritten) return;
    writeFileAtomic(this.file('.index'), this.offsets.encode(), { durable });
    writeFileAtomic(this.file('.timeindex'), this.times.encode(), { durable });
    this.indexesWritten = true;
  }

  /** The segment becomes the one appends go to: its log is opened for writing from now on. */
  activate(): void {
    if (this.logFile.writable) return;
    this.logFile.close();
    this.logFile = this.files.handle(this.file('.log'), true);
  }

  append(payload: Buffer, batches: AppendedBatch[], now: number): void {
    if (this.size === 0) this.rollBase = now;
    this.logFile.use((fd) => writeFully(fd, payload, this.size));
    for (const b of batches) this.track(b.baseOffset - this.baseOffset, this.size + b.position, b.size, b.maxTimestamp);
    this.size += payload.length;
    this.nextOffset = batches[batches.length - 1].lastOffset + 1;
    this.lastModified = now;
    this.indexesWritten = false;
  }

  read(offset: number, maxBytes: number): ReadResult {
    if (this.size === 0 || offset >= this.nextOffset) return EMPTY_READ;
    return this.logFile.use((fd) => this.readFrom(fd, offset, maxBytes));
  }

  /**
   * After the sound batch at `pos` (`size` bytes, last offset `last`): when the batch right
   * after it is sound and overlaps its offsets, where that one ends and why both are damaged.
   */
  private overlapAfter(w: FileWindow, pos: number, size: number, last: number, fileSize: number): { end: number; why: string } | undefined {
    const q = pos + size;
    let n = BATCH_HEADER_SIZE;
    for (let tries = 0; tries < 3; tries++) {
      if (q + 8 > fileSize) return undefined;
      // from the batch itself, so that the window holds it and the start of the next one
      const r = w.at(pos, Math.min(size + n, fileSize - pos)) + size;
      const o = overlapsNext(w.buf, r, last);
      if (o === false) return undefined;
      if (o === true) {
        const nextBase = Number(w.buf.readBigInt64BE(r));
        const end = q + w.buf.readInt32BE(r + LENGTH_OFFSET) + LOG_OVERHEAD;
        const p = w.at(pos, BATCH_HEADER_SIZE);
        return { end, why: overlapProblem(Number(w.buf.readBigInt64BE(p)), last, nextBase) };
      }
      if (q + o > fileSize) return undefined; // no whole batch after it
      n = o;
    }
    return undefined;
  }

  /**
   * The sound batch at byte `pos` (`p` its place in `w.buf`), or the damaged range that starts
   * there (known, or found now and reported). `min`: the first offset the batch may hold.
   */
  private batchAt(w: FileWindow, fd: number, pos: number, min: number): { p: number; size: number; last: number } | DamagedRange {
    const known = this.damageAt(pos);
    if (known) return known;
    let why: string | null;
    if (pos + BATCH_HEADER_SIZE > this.size) {
      why = `torn batch header (${this.size - pos} bytes left)`;
    } else {
      let p = w.at(pos, BATCH_HEADER_SIZE);
      const size = w.buf.readInt32BE(p + LENGTH_OFFSET) + LOG_OVERHEAD;
      if (size < BATCH_HEADER_SIZE || pos + size > this.size) {
        why = `invalid batch length ${size}`;
      } else {
        p = w.at(pos, size);
        why = storedBatchProblem(w.buf, p, p + size, min, this.nextOffset);
        if (!why) {
          const last = Number(w.buf.readBigInt64BE(p)) + w.buf.readInt32BE(p + LAST_OFFSET_DELTA_OFFSET);
          const overlap = this.overlapAfter(w, pos, size, last, this.size);
          if (!overlap) return { p: w.at(pos, size), size, last };
          return this.damageFrom(fd, pos, min, overlap.why, overlap.end);
        }
      }
    }
    return this.damageFrom(fd, pos, min, why);
  }

  /**
   * Whole batches from the one holding `offset`. Every batch on the way and every batch
   * returned is checked (segmentCheck.ts): a damaged batch is never served. When `offset`
   * lies in damaged data the read throws CORRUPT_MESSAGE (naming the offset to skip to);
   * when damage follows the first batch, the read stops before it.
   */
  private readFrom(fd: number, offset: number, maxBytes: number): ReadResult {
    const max = Math.min(Math.max(maxBytes, 0), MAX_READ);
    // The batch holding `offset` starts less than index.interval.bytes after the entry found,
    // so one read usually covers both the walk to it and the batches to return, and the
    // header of the batch after them (a batch is served once its follower does not overlap it).
    // A first batch larger than that is read from its start, whole (KIP-74).
    const w = new FileWindow(fd, this.size, this.indexInterval() + max + BATCH_HEADER_SIZE);
    const entry = this.offsets.lookupEntry(Math.max(offset - this.baseOffset, 0));
    let pos = entry.position;
    let min = this.baseOffset + entry.relOffset;
    let first: { p: number; size: number; last: number };
    for (;;) {
      if (pos >= this.size) return EMPTY_READ;
      const b = this.batchAt(w, fd, pos, min);
      if ('from' in b) {
        if (offset < b.to) throw damagedError(segmentFileName(this.baseOffset, '.log'), b);
        min = b.to;
        pos = b.end;
        continue;
      }
      if (b.last >= offset) {
        first = b;
        break;
      }
      min = b.last + 1;
      pos += b.size;
    }
    const buf = w.buf;
    const start = first.p;
    let end = start + first.size;
    min = first.last + 1;
    while (end + BATCH_HEADER_SIZE <= buf.length) {
      const next = frameSize(buf, end, buf.length);
      if (next < 0 || end + next - start > max || this.damageAt(w.start + end)) break;
      if (storedBatchProblem(buf, end, end + next, min, this.nextOffset)) break; // the next read meets it
      const lastHere = Number(buf.readBigInt64BE(end)) + buf.readInt32BE(end + LAST_OFFSET_DELTA_OFFSET);
      const o = w.start + end + next + 8 <= this.size ? overlapsNext(buf, end + next, lastHere) : false;
      if (o === true || (typeof o === 'number' && w.start + end + next + o <= this.size)) break; // overlapped, or not known yet: the next read tells
      min = lastHere + 1;
      end += next;
    }
    return { chunks: [buf.subarray(start, end)], bytes: end - start };
  }

  /**
   * First record at or after `minOffset` with a timestamp >= `timestamp`. Damaged data where
   * the answer could lie gives the first of its offsets: the safe answer, whose fetch then
   * reports the damage, rather than one that silently skips it.
   */
  findOffsetByTimestamp(timestamp: number, minOffset: number): { offset: number; timestamp: number } | null {
    if (this.size === 0 || this.maxTimestamp < timestamp) return null;
    const rel = this.times.lookup(timestamp);
    const byTime = rel < 0 ? { relOffset: 0, position: 0 } : this.offsets.lookupEntry(rel);
    const byOffset = this.offsets.lookupEntry(Math.max(minOffset - this.baseOffset, 0));
    const e = byTime.position >= byOffset.position ? byTime : byOffset;
    return this.logFile.use((fd) => {
      const w = new FileWindow(fd, this.size);
      let min = this.baseOffset + e.relOffset;
      for (let pos = e.position; pos < this.size;) {
        const b = this.batchAt(w, fd, pos, min);
        if ('from' in b) {
          if (b.to > b.from && b.to > minOffset) return { offset: Math.max(b.from, minOffset), timestamp };
          pos = b.end;
          min = b.to;
          continue;
        }
        if (b.last >= minOffset) {
          const found = matchInBatch(w.buf, b.p, timestamp, minOffset);
          if (found) return found;
        }
        min = b.last + 1;
        pos += b.size;
      }
      return null;
    });
  }

  /** Every sound batch in order; damaged data is skipped (and reported once). */
  *batches(): Generator<Buffer> {
    const fd = this.logFile.pin();
    try {
      const w = new FileWindow(fd, this.size);
      let min = this.baseOffset;
      for (let pos = 0; pos < this.size;) {
        const b = this.batchAt(w, fd, pos, min);
        if ('from' in b) {
          pos = b.end;
          min = b.to;
          continue;
        }
        yield w.buf.subarray(b.p, b.p + b.size);
        min = b.last + 1;
        pos += b.size;
      }
    } finally {
      this.logFile.unpin();
    }
  }

  flush(): void {
    if (this.logFile.writable) this.logFile.use((fd) => fs.fdatasyncSync(fd));
  }

  seal(): void {
    if (this.lastBatchRel >= 0) this.times.maybePush(this.maxTimestamp, this.lastBatchRel);
    this.indexesWritten = false;
    this.flush();
    // Sealed indexes are trusted after a clean shutdown, so they are durable, like the data.
    this.writeIndexes(true);
    this.logFile.close();
    this.logFile = this.files.handle(this.file('.log'), false);
  }

  close(): void {
    try {
      // Not fsynced: the last segment's indexes are rebuilt at the next start when they differ.
      this.writeIndexes(false);
    } finally {
      this.logFile.close();
    }
  }

  /** Closes the log file without writing anything (the partition went offline). */
  release(): void {
    this.logFile.close();
  }

  delete(): void {
    this.logFile.close();
    for (const suffix of ['.log', '.index', '.timeindex'] as const) fs.rmSync(this.file(suffix), { force: true });
  }
}
