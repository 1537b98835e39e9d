// A durable journal of JSON entries: the one mechanism behind the broker's small state files
// (committed offsets, transaction state). On disk an append-only file of CRC-framed entries
// ([length u32][crc32c u32][json], files.ts), one per change, each fsynced before it is
// applied. Opening replays the entries in order; a torn or corrupt tail (or a CRC-valid entry
// that does not parse) is cut off and logged. The file is rewritten atomically as a snapshot
// of the current state when mostly superseded at open, and whenever it grows past
// GROWTH_FACTOR times its last snapshot. Without a file (memory mode) entries are applied
// only.

import fs from 'node:fs';
import path from 'node:path';
import { frameEntry, fsyncDir, readFramedEntries, writeFileAtomic, writeFully } from './files.js';

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
  private snapshotSize = 0;
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

  /** Replays the file into `apply` (creating the file), cutting off a bad tail. */
  open(apply: (entry: E) => void): void {
    const file = this.file;
    if (!file) return;
    let data = Buffer.alloc(0);
    try {
      data = fs.readFileSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const { entries, problem } = readFramedEntries(data);
    let kept = 0;
    for (const payload of entries) {
      let entry: E;
      try {
        entry = JSON.parse(payload.toString('utf8')) as E;
        if (this.opts.valid && !this.opts.valid(entry)) throw new Error('unknown entry');
      } catch {
        break; // CRC-valid but unreadable: the end, like a torn tail
      }
      apply(entry);
      kept += payload.length + 8;
    }
    if (kept < data.length) {
      this.log(`${path.basename(file)}: ${problem ?? 'unreadable entry'} at byte ${kept}; dropped ${data.length - kept} trailing bytes`);
    }
    this.fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT);
    if (kept < data.length) {
      fs.ftruncateSync(this.fd, kept);
      fs.fsyncSync(this.fd);
    }
    if (data.length === 0) fsyncDir(path.dirname(file));
    this.size = kept;
    const snapshot = this.snapshotBytes();
    if (this.size > 2 * snapshot.length && this.size > 4096) this.rewrite(snapshot);
    else this.snapshotSize = snapshot.length;
  }

  /**
   * Appends one entry durably (one write, one fdatasync), then applies it. A failed write
   * throws before `apply`, so the state stays as it was.
   */
  append(entry: E, apply: () => void): void {
    if (this.fd === undefined) {
      apply();
      return;
    }
    const f = frame(entry);
    writeFully(this.fd, f, this.size);
    fs.fdatasyncSync(this.fd);
    this.size += f.length;
    apply();
    if (this.size > Math.max(this.minCompactBytes, GROWTH_FACTOR * this.snapshotSize)) this.rewrite(this.snapshotBytes());
  }

  private snapshotBytes(): Buffer {
    return Buffer.concat(this.opts.snapshot().map(frame));
  }

  private rewrite(snapshot: Buffer): void {
    if (!this.file || this.fd === undefined) return;
    fs.closeSync(this.fd);
    writeFileAtomic(this.file, snapshot);
    this.fd = fs.openSync(this.file, fs.constants.O_RDWR);
    this.log(`${path.basename(this.file)}: compacted ${this.size} bytes to ${snapshot.length}`);
    this.size = snapshot.length;
    this.snapshotSize = snapshot.length;
  }

  /** Bytes of the file on disk (tests, diagnostics). */
  get fileSize(): number {
    return this.size;
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
