// One segment on disk: `<base>.log` holds record batches exactly as served to consumers;
// `<base>.index` and `<base>.timeindex` are sparse indexes (see segmentIndex.ts) kept in small
// typed arrays and mirrored to disk. All I/O is synchronous positional reads and writes on
// an open fd, so a read never sees a half-done append and no data is cached in memory.
// Only the active segment keeps its files open; a sealed one opens its log per read, so the
// number of open files does not grow with the number of segments.

import fs from 'node:fs';
import path from 'node:path';
import { BATCH_HEADER_SIZE, LOG_OVERHEAD, checkBatch, readBatchHeader } from '../protocol/recordBatch.js';
import { fsyncDir, readAt, writeFileAtomic, writeFully } from './files.js';
import { segmentFileName } from './names.js';
import { EMPTY_READ, matchInBatch, type AppendedBatch, type Segment } from './partitionLog.js';
import { OFFSET_ENTRY_SIZE, OffsetIndex, TIME_ENTRY_SIZE, TimeIndex } from './segmentIndex.js';
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
  private fd: number;
  private indexFd: number | undefined;
  private timeFd: number | undefined;
  private offsets = new OffsetIndex();
  private times = new TimeIndex();
  private offsetsOnDisk = 0;
  private timesOnDisk = 0;
  private bytesSinceIndex = 0;
  private lastBatchRel = -1;

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    private readonly indexInterval: () => number,
    fd: number,
    now: number,
  ) {
    this.fd = fd;
    this.nextOffset = baseOffset;
    this.lastModified = now;
    this.rollBase = now;
  }

  private file(suffix: '.log' | '.index' | '.timeindex'): string {
    return path.join(this.dir, segmentFileName(this.baseOffset, suffix));
  }

  /** A new empty segment, ready for appends. */
  static create(dir: string, baseOffset: number, indexInterval: () => number, now: number): DiskSegment {
    const fd = fs.openSync(path.join(dir, segmentFileName(baseOffset, '.log')), 'w+');
    const s = new DiskSegment(dir, baseOffset, indexInterval, fd, now);
    try {
      s.activate(true);
      fsyncDir(dir);
    } catch (e) {
      s.close(); // no descriptor leaks when the index files cannot be opened (EMFILE)
      throw e;
    }
    return s;
  }

  /**
   * Opens an existing segment. With `validate`, every batch is checked (length, magic, CRC32C,
   * increasing offsets) and the file is truncated after the last good batch; `problem` then
   * says what was wrong. Indexes are loaded if they look sound, else rebuilt from the log.
   */
  static load(dir: string, baseOffset: number, opts: LoadOptions): { segment: DiskSegment; problem?: string } {
    const fd = fs.openSync(path.join(dir, segmentFileName(baseOffset, '.log')), 'r+');
    const s = new DiskSegment(dir, baseOffset, opts.indexInterval, fd, opts.now);
    const st = fs.fstatSync(fd);
    s.lastModified = st.mtimeMs;
    const name = segmentFileName(baseOffset, '.log');
    let problem: string | undefined;
    if (opts.validate || !s.loadIndexes(st.size, opts)) {
      problem = s.scan(st.size, opts.validate, opts.minOffset);
      if (problem) {
        fs.ftruncateSync(fd, s.size);
        fs.fsyncSync(fd);
      } else if (opts.nextBase !== undefined && s.lastBatchRel >= 0) {
        s.times.maybePush(s.maxTimestamp, s.lastBatchRel); // as seal() left it
      }
      s.rewriteIndexes((msg) => opts.log(`${name}: ${msg}`));
    }
    // A sealed segment spans up to the next one even when compaction removed its last records.
    if (!problem && opts.nextBase !== undefined) {
      s.nextOffset = opts.nextBase;
      s.releaseFd();
    }
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
    this.offsetsOnDisk = offsets.count;
    this.timesOnDisk = times.count;
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
  private scan(fileSize: number, validate: boolean, minOffset: number): string | undefined {
    this.offsets = new OffsetIndex();
    this.times = new TimeIndex();
    this.maxTimestamp = -1;
    this.bytesSinceIndex = 0;
    this.lastBatchRel = -1;
    const w = new FileWindow(this.fd, fileSize);
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
    this.offsetsOnDisk = this.offsets.count;
    this.timesOnDisk = this.times.count;
  }

  /** Runs `fn` with a descriptor of the log file: the open one, or a temporary one (sealed). */
  private withFd<T>(fn: (fd: number) => T): T {
    if (this.fd >= 0) return fn(this.fd);
    const fd = fs.openSync(this.file('.log'), 'r');
    try {
      return fn(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  private releaseFd(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }

  /** Opens the log and index files for appending (the active segment only). */
  activate(fresh = false): void {
    if (this.fd < 0) this.fd = fs.openSync(this.file('.log'), 'r+');
    const flags = fresh ? 'w+' : fs.constants.O_RDWR | fs.constants.O_CREAT;
    this.indexFd ??= fs.openSync(this.file('.index'), flags);
    this.timeFd ??= fs.openSync(this.file('.timeindex'), flags);
  }

  private writeIndexEntries(): void {
    if (this.offsets.count > this.offsetsOnDisk && this.indexFd !== undefined) {
      writeFully(this.indexFd, this.offsets.encode(this.offsetsOnDisk), this.offsetsOnDisk * OFFSET_ENTRY_SIZE);
      this.offsetsOnDisk = this.offsets.count;
    }
    if (this.times.count > this.timesOnDisk && this.timeFd !== undefined) {
      writeFully(this.timeFd, this.times.encode(this.timesOnDisk), this.timesOnDisk * TIME_ENTRY_SIZE);
      this.timesOnDisk = this.times.count;
    }
  }

  append(payload: Buffer, batches: AppendedBatch[], now: number): void {
    if (this.size === 0) this.rollBase = now;
    // Data first, then indexes: an index never points past the data.
    writeFully(this.fd, payload, this.size);
    for (const b of batches) this.track(b.baseOffset - this.baseOffset, this.size + b.position, b.size, b.maxTimestamp);
    this.size += payload.length;
    this.nextOffset = batches[batches.length - 1].lastOffset + 1;
    this.lastModified = now;
    this.writeIndexEntries();
  }

  read(offset: number, maxBytes: number): ReadResult {
    if (this.size === 0 || offset >= this.nextOffset) return EMPTY_READ;
    return this.withFd((fd) => this.readFrom(fd, offset, maxBytes));
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
    return this.withFd((fd) => {
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
    const own = this.fd < 0;
    const fd = own ? fs.openSync(this.file('.log'), 'r') : this.fd;
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
      if (own) fs.closeSync(fd);
    }
  }

  flush(): void {
    if (this.fd >= 0) fs.fdatasyncSync(this.fd);
  }

  seal(): void {
    if (this.lastBatchRel >= 0) this.times.maybePush(this.maxTimestamp, this.lastBatchRel);
    this.writeIndexEntries();
    fs.fdatasyncSync(this.fd);
    // Sealed indexes are trusted after a clean shutdown, so make them durable too.
    for (const fd of [this.indexFd, this.timeFd]) {
      if (fd !== undefined) {
        fs.fsyncSync(fd);
        fs.closeSync(fd);
      }
    }
    this.indexFd = this.timeFd = undefined;
    this.releaseFd();
  }

  close(): void {
    this.writeIndexEntries();
    for (const fd of [this.indexFd, this.timeFd]) if (fd !== undefined) fs.closeSync(fd);
    this.indexFd = this.timeFd = undefined;
    this.releaseFd();
  }

  delete(): void {
    this.close();
    for (const suffix of ['.log', '.index', '.timeindex'] as const) fs.rmSync(this.file(suffix), { force: true });
  }
}
