// One segment on disk: `<base>.log` holds record batches exactly as served to consumers;
// `<base>.index` and `<base>.timeindex` are sparse indexes (see segmentIndex.ts) kept in small
// typed arrays and written to disk when the segment is sealed (rolled) or closed: while it is
// active nothing reads them from disk (a start after a crash rebuilds the last segment's
// indexes from its log). All I/O is synchronous positional reads and writes, so a read never
// sees a half-done append and no data is cached in memory.
// The log file is reached through a FileHandle of the store's FilePool (filePool.ts): open
// while used, closed by the pool when the budget of descriptors needs it, so the number of
// open files depends neither on the number of segments nor on the number of partitions.

import fs from 'node:fs';
import path from 'node:path';
import { BATCH_HEADER_SIZE, LOG_OVERHEAD, checkBatch, readBatchHeader } from '../protocol/recordBatch.js';
import type { FileHandle, FilePool } from './filePool.js';
import { fsyncDir, readAt, writeFileAtomic, writeFully } from './files.js';
import { segmentFileName } from './names.js';
import { EMPTY_READ, matchInBatch, type AppendedBatch, type Segment } from './partitionLog.js';
import { OffsetIndex, TimeIndex } from './segmentIndex.js';
import type { ReadResult } from './types.js';

/** Read size of recovery and timestamp scans. */
const CHUNK = 1 << 20;
/** One read never exceeds this, whatever maxBytes a fetch asks for (Kafka's fetch.max.bytes is 50 MiB). */
const MAX_READ = 64 << 20;
/** Bytes of a batch header needed to know its size and offsets (up to lastOffsetDelta). */
const OFFSETS_PREFIX = 27;
const INT32_MAX = 2147483647;
const EMPTY = Buffer.alloc(0);

/** A window on a file for sequential batch scans: re-reads only when a batch leaves it. */
class FileWindow {
  buf: Buffer = EMPTY;
  start = 0;
  constructor(private readonly fd: number, private readonly end: number) {}

  /** Makes [pos, pos + n) available and returns where pos is within `buf`. */
  at(pos: number, n: number): number {
    if (pos < this.start || pos + n > this.start + this.buf.length) {
      this.buf = readAt(this.fd, pos, Math.min(Math.max(CHUNK, n), this.end - pos));
      this.start = pos;
    }
    return pos - this.start;
  }
}

export interface LoadOptions {
  files: FilePool;
  indexInterval: () => number;
  /** Check every batch's CRC (the tail, or everything after an unclean shutdown). */
  validate: boolean;
  /** The first batch may not start below this (the previous segment's end). */
  minOffset: number;
  /** Base offset of the next segment, if any: bounds the indexes of a sealed segment. */
  nextBase?: number;
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
   * increasing offsets) and the file is truncated after the last good batch; `problem` then
   * says what was wrong. Indexes are loaded if they look sound, else rebuilt from the log.
   */
  static load(dir: string, baseOffset: number, opts: LoadOptions): { segment: DiskSegment; problem?: string } {
    const sealed = opts.nextBase !== undefined;
    const s = new DiskSegment(dir, baseOffset, opts.files, opts.indexInterval, !sealed, opts.now);
    const name = segmentFileName(baseOffset, '.log');
    // Its own descriptor for the load (a repair truncates even a sealed segment's log).
    const fd = fs.openSync(s.file('.log'), 'r+');
    let problem: string | undefined;
    try {
      const st = fs.fstatSync(fd);
      s.lastModified = st.mtimeMs;
      if (opts.validate || !s.loadIndexes(st.size, opts)) {
        problem = s.scan(fd, st.size, opts.validate, opts.minOffset);
        if (problem) {
          fs.ftruncateSync(fd, s.size);
          fs.fsyncSync(fd);
        } else if (sealed && s.lastBatchRel >= 0) {
          s.times.maybePush(s.maxTimestamp, s.lastBatchRel); // as seal() left it
        }
        s.rewriteIndexes((msg) => opts.log(`${name}: ${msg}`));
      } else {
        s.indexesWritten = true;
      }
    } finally {
      fs.closeSync(fd);
    }
    // A sealed segment spans up to the next one even when compaction removed its last records.
    if (!problem && sealed) s.nextOffset = opts.nextBase as number;
    return { segment: s, problem };
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

  /** Walks the log from the start rebuilding the indexes; returns the first problem found. */
  private scan(fd: number, fileSize: number, validate: boolean, minOffset: number): string | undefined {
    this.offsets = new OffsetIndex();
    this.times = new TimeIndex();
    this.maxTimestamp = -1;
    this.bytesSinceIndex = 0;
    this.lastBatchRel = -1;
    const w = new FileWindow(fd, fileSize);
    let expected = Math.max(minOffset, this.baseOffset);
    let pos = 0;
    let problem: string | undefined;
    while (pos < fileSize) {
      if (fileSize - pos < BATCH_HEADER_SIZE) {
        problem = `torn batch header at byte ${pos} (${fileSize - pos} bytes left)`;
        break;
      }
      let p = w.at(pos, BATCH_HEADER_SIZE);
      const size = w.buf.readInt32BE(p + 8) + LOG_OVERHEAD;
      if (size < BATCH_HEADER_SIZE) {
        problem = `invalid batch length ${size} at byte ${pos}`;
        break;
      }
      if (pos + size > fileSize) {
        problem = `torn batch at byte ${pos}: ${size} bytes long, the file ends ${fileSize - pos} bytes after its start`;
        break;
      }
      if (validate) {
        p = w.at(pos, size);
        const bad = checkBatch(w.buf, p, p + size);
        if (bad) {
          problem = `${bad} in batch at byte ${pos}`;
          break;
        }
      }
      const h = readBatchHeader(w.buf, p);
      const last = h.baseOffset + h.lastOffsetDelta;
      if (h.baseOffset < expected || h.lastOffsetDelta < 0 || last - this.baseOffset > INT32_MAX) {
        problem = `batch at byte ${pos} has offsets ${h.baseOffset}..${last}, expected offsets from ${expected}`;
        break;
      }
      if (pos === 0) this.rollBase = h.maxTimestamp >= 0 ? Math.min(h.maxTimestamp, this.rollBase) : this.rollBase;
      this.track(h.baseOffset - this.baseOffset, pos, size, h.maxTimestamp);
      expected = last + 1;
      pos += size;
    }
    this.size = pos;
    this.nextOffset = pos > 0 ? expected : this.baseOffset;
    return problem;
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

  private readFrom(fd: number, offset: number, maxBytes: number): ReadResult {
    const max = Math.min(Math.max(maxBytes, 0), MAX_READ);
    // The batch holding `offset` starts less than index.interval.bytes after the entry found,
    // so one read usually covers both the walk to it and the batches to return.
    const span = this.indexInterval() + max;
    let pos = this.offsets.lookup(Math.max(offset - this.baseOffset, 0));
    let buf = readAt(fd, pos, Math.min(Math.max(span, BATCH_HEADER_SIZE), this.size - pos));
    let p = 0;
    let size = 0;
    for (;;) {
      if (p + OFFSETS_PREFIX > buf.length) {
        if (pos + p >= this.size) return EMPTY_READ;
        pos += p;
        p = 0;
        buf = readAt(fd, pos, Math.min(Math.max(span, BATCH_HEADER_SIZE), this.size - pos));
        continue;
      }
      size = buf.readInt32BE(p + 8) + LOG_OVERHEAD;
      const last = Number(buf.readBigInt64BE(p)) + buf.readInt32BE(p + 23);
      if (last >= offset) break;
      p += size;
    }
    if (p + size > buf.length) {
      // The first batch did not fit: read from it, at least all of it (KIP-74).
      pos += p;
      p = 0;
      buf = readAt(fd, pos, Math.min(Math.max(size, max), this.size - pos));
    }
    const start = p;
    let end = p + size;
    while (end + LOG_OVERHEAD <= buf.length) {
      const next = buf.readInt32BE(end + 8) + LOG_OVERHEAD;
      if (end + next > buf.length || end + next - start > max) break;
      end += next;
    }
    return { chunks: [buf.subarray(start, end)], bytes: end - start };
  }

  findOffsetByTimestamp(timestamp: number, minOffset: number): { offset: number; timestamp: number } | null {
    if (this.size === 0 || this.maxTimestamp < timestamp) return null;
    const rel = this.times.lookup(timestamp);
    let pos = Math.max(
      rel < 0 ? 0 : this.offsets.lookup(rel),
      this.offsets.lookup(Math.max(minOffset - this.baseOffset, 0)),
    );
    return this.logFile.use((fd) => {
      const w = new FileWindow(fd, this.size);
      while (pos + BATCH_HEADER_SIZE <= this.size) {
        let p = w.at(pos, BATCH_HEADER_SIZE);
        const h = readBatchHeader(w.buf, p);
        if (h.maxTimestamp >= timestamp && h.baseOffset + h.lastOffsetDelta >= minOffset) {
          p = w.at(pos, h.size);
          const found = matchInBatch(w.buf, p, timestamp, minOffset);
          if (found) return found;
        }
        pos += h.size;
      }
      return null;
    });
  }

  *batches(): Generator<Buffer> {
    const fd = this.logFile.pin();
    try {
      const w = new FileWindow(fd, this.size);
      for (let pos = 0; pos + BATCH_HEADER_SIZE <= this.size;) {
        let p = w.at(pos, BATCH_HEADER_SIZE);
        const size = w.buf.readInt32BE(p + 8) + LOG_OVERHEAD;
        if (size < BATCH_HEADER_SIZE || pos + size > this.size) return; // cannot happen after load
        p = w.at(pos, size);
        yield w.buf.subarray(p, p + size);
        pos += size;
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
