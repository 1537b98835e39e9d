// A durable journal of JSON entries: the one mechanism behind the broker's small state files
// (committed offsets, transaction state). On disk an append-only file of CRC-framed entries
// ([length u32][crc32c u32][json], files.ts), one per change, each fsynced before it is
// applied. Opening replays the entries in order, one by one: a damaged entry (or a CRC-valid
// one that does not parse) is skipped and logged and the entries after it are kept; only a
// damaged tail with nothing sound after it (a torn append) is cut off. The file is rewritten atomically as a snapshot
// of the current state when mostly superseded at open, and whenever it grows past
// GROWTH_FACTOR times its last snapshot. Without a file (memory mode) entries are applied
// only.
//
// Storage errors (docs/durability.md): a failed append throws before the entry is applied and
// cuts off whatever part of it reached the file, so the caller answers with an error and the
// state stays as it was; the next append tries the disk again. A rewrite never gives up the
// journal's descriptor before the new file is in place, and a failed rewrite only means the
// journal keeps appending to its old file (it never throws: the entry before it is durable).

import fs from 'node:fs';
import path from 'node:path';
import { crc32c } from '@node-rs/crc32';
import { FRAME_HEADER, closeQuietly, frameEntry, fsyncDir, removeQuietly, writeFully } from './files.js';

const GROWTH_FACTOR = 4;
const MIN_COMPACT_BYTES = 1 << 20;

export interface JournalOptions<E> {
  log?: (msg: string) => void;
  /** Rewrite only past this size (tests lower it). */
  minCompactBytes?: number;
  /** The current state as entries: what a rewrite writes. */
  snapshot: () => E[];
  /** False for an entry this version cannot read: it ends the replay like a torn tail. */
  valid?: (entry: E) => boolean;
}

const frame = (entry: unknown): Buffer => frameEntry(Buffer.from(JSON.stringify(entry)));

export class Journal<E> {
  private fd: number | undefined;
  private size = 0;
  /** The file is rewritten once it grows past this many bytes. */
  private rewriteAt = 0;
  /** A rewrite renamed its file but could not fsync the directory: the next append does. */
  private renameUnsynced = false;
  private readonly log: (msg: string) => void;
  private readonly minCompactBytes: number;

  /** `file` undefined: memory only. */
  constructor(
    private readonly file: string | undefined,
    private readonly opts: JournalOptions<E>,
  ) {
    this.log = opts.log ?? (() => {});
    this.minCompactBytes = opts.minCompactBytes ?? MIN_COMPACT_BYTES;
  }

  /**
   * Replays the file into `apply` (creating the file), entry by entry. A damaged entry with
   * sound entries after it is skipped and reported, and the later entries are kept; only a
   * damaged tail (nothing sound after it: a torn append) is cut off. After skipping anything
   * the file is rewritten from the state, so the damage is reported once.
   */
  open(apply: (entry: E) => void): void {
    const file = this.file;
    if (!file) return;
    let data = Buffer.alloc(0);
    try {
      data = fs.readFileSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const name = path.basename(file);
    const { entries, damaged, tornAt, tornWhy } = scanEntries(data);
    for (const d of damaged) {
      this.log(`${name}: damaged entry at bytes ${d.at}..${d.end - 1} (${d.why}): skipped; the entries after it are kept`);
    }
    let skipped = damaged.length;
    for (const { payload, at } of entries) {
      let entry: E;
      try {
        entry = JSON.parse(payload.toString('utf8')) as E;
        if (this.opts.valid && !this.opts.valid(entry)) throw new Error('unknown entry');
      } catch (e) {
        // CRC-valid but unreadable (say, written by a newer kt): skipped like damage
        this.log(`${name}: unreadable entry at byte ${at} (${(e as Error).message}): skipped; the entries after it are kept`);
        skipped++;
        continue;
      }
      apply(entry);
    }
    const kept = tornAt ?? data.length;
    if (kept < data.length) {
      this.log(`${name}: ${tornWhy ?? 'torn entry'} at byte ${kept}; dropped ${data.length - kept} trailing bytes`);
    }
    this.fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT);
    if (kept < data.length) {
      fs.ftruncateSync(this.fd, kept);
      fs.fsyncSync(this.fd);
    }
    if (data.length === 0) fsyncDir(path.dirname(file));
    this.size = kept;
    const snapshot = this.snapshotBytes();
    this.rewriteAt = this.nextRewriteAt(snapshot.length);
    if (skipped > 0 || (this.size > 2 * snapshot.length && this.size > 4096)) this.rewrite(snapshot);
  }

  /**
   * Appends one entry durably (one write, one fdatasync), then applies it. A failed write
   * throws before `apply`, so the state stays as it was.
   */
  append(entry: E, apply: () => void): void {
    if (!this.file) {
      apply();
      return;
    }
    if (this.fd === undefined) throw new Error(`${path.basename(this.file)} is closed`);
    const f = frame(entry);
    try {
      if (this.renameUnsynced) {
        fsyncDir(path.dirname(this.file));
        this.renameUnsynced = false;
      }
      writeFully(this.fd, f, this.size);
      fs.fdatasyncSync(this.fd);
    } catch (e) {
      // Not applied, so not in the file either: a restart must not find half of it, or all of
      // it. Best effort; the next append overwrites it anyway.
      try {
        fs.ftruncateSync(this.fd, this.size);
      } catch {
        // the disk refuses even that: the replay cuts a torn tail, the next append overwrites it
      }
      throw e;
    }
    this.size += f.length;
    apply();
    if (this.size > this.rewriteAt) this.rewrite(this.snapshotBytes());
  }

  private snapshotBytes(): Buffer {
    return Buffer.concat(this.opts.snapshot().map(frame));
  }

  private nextRewriteAt(snapshotSize: number): number {
    return Math.max(this.minCompactBytes, GROWTH_FACTOR * snapshotSize);
  }

  /**
   * Replaces the file with `snapshot`: written and fsynced under a temporary name, renamed
   * over the file, and only then does the new file's descriptor replace the old one. So no
   * descriptor is ever closed while the journal still holds its number.
   */
  private rewrite(snapshot: Buffer): void {
    const file = this.file;
    if (!file || this.fd === undefined) return;
    const tmp = `${file}.tmp`;
    let fd: number | undefined;
    try {
      fd = fs.openSync(tmp, 'w+');
      writeFully(fd, snapshot, 0);
      fs.fsyncSync(fd);
      fs.renameSync(tmp, file);
    } catch (e) {
      if (fd !== undefined) closeQuietly(fd);
      removeQuietly(tmp);
      // e.g. a full disk: keep appending to the old file; try again after it grew some more
      this.rewriteAt = this.size + this.minCompactBytes;
      this.log(`${path.basename(file)}: cannot compact (${(e as Error).message}); appending to the old file, next attempt after ${this.minCompactBytes} more bytes`);
      return;
    }
    closeQuietly(this.fd);
    this.fd = fd;
    this.log(`${path.basename(file)}: compacted ${this.size} bytes to ${snapshot.length}`);
    this.size = snapshot.length;
    this.rewriteAt = this.nextRewriteAt(snapshot.length);
    try {
      fsyncDir(path.dirname(file));
    } catch {
      this.renameUnsynced = true; // the next append syncs the directory before it counts
    }
  }

  /** Bytes of the file on disk (tests, diagnostics). */
  get fileSize(): number {
    return this.size;
  }

  close(): void {
    if (this.fd !== undefined) closeQuietly(this.fd);
    this.fd = undefined;
  }
}

/**
 * The payload length of the sound frame at `pos` (it fits, it is not empty, its CRC32C
 * matches), or -1. An empty entry is never written: zeros (a tail the file system extended
 * but never wrote) must not pass as entries whose CRC is 0.
 */
function frameAt(data: Buffer, pos: number): number {
  if (data.length - pos < FRAME_HEADER) return -1;
  const len = data.readUInt32BE(pos);
  if (len === 0 || pos + FRAME_HEADER + len > data.length) return -1;
  const payload = data.subarray(pos + FRAME_HEADER, pos + FRAME_HEADER + len);
  return (crc32c(payload) >>> 0) === data.readUInt32BE(pos + 4) ? len : -1;
}

/**
 * The sound entries of a journal file, the damaged runs of bytes between them, and where a
 * damaged tail (with no sound entry after it) starts. After a damaged frame the next sound one
 * is looked for right after it (when its length looked sane), then at every later byte.
 */
export function scanEntries(data: Buffer): {
  entries: { payload: Buffer; at: number }[];
  damaged: { at: number; end: number; why: string }[];
  tornAt?: number;
  tornWhy?: string;
} {
  const entries: { payload: Buffer; at: number }[] = [];
  const damaged: { at: number; end: number; why: string }[] = [];
  let pos = 0;
  while (pos < data.length) {
    const len = frameAt(data, pos);
    if (len >= 0) {
      entries.push({ payload: data.subarray(pos + FRAME_HEADER, pos + FRAME_HEADER + len), at: pos });
      pos += FRAME_HEADER + len;
      continue;
    }
    let why: string;
    let hint = -1;
    if (data.length - pos < FRAME_HEADER) why = 'short entry header';
    else {
      const claimed = pos + FRAME_HEADER + data.readUInt32BE(pos);
      if (claimed > data.length) why = 'entry extends past the end';
      else {
        why = 'CRC32C mismatch';
        hint = claimed;
      }
    }
    let next = hint > pos && frameAt(data, hint) >= 0 ? hint : -1;
    for (let q = pos + 1; next < 0 && q + FRAME_HEADER <= data.length; q++) {
      if (frameAt(data, q) >= 0) next = q;
    }
    if (next < 0) return { entries, damaged, tornAt: pos, tornWhy: why };
    damaged.push({ at: pos, end: next, why });
    pos = next;
  }
  return { entries, damaged };
}
