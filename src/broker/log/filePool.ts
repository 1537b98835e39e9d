// Open descriptors of segment files, budgeted. Every segment's log file is reached through a
// FileHandle; the pool (one per store, shared by all its partitions) keeps at most `limit`
// descriptors open and closes the least recently used one to open another. So thousands of
// partitions cost a bounded number of descriptors, and the process keeps enough for its
// connections; a partition whose file was closed reopens it at its next read or append.
//
// A descriptor number is only valid inside use() (or between pin() and unpin()): nothing keeps
// one beyond that. A number the pool closed may be reused by the OS for the next file anyone
// opens, so holding on to it would let a write meant for one file land in another. A pinned
// handle is never closed by the pool, whatever the budget (it goes over the budget instead).
//
// Eviction does not fsync: data written through a closed descriptor stays in the page cache,
// and the next fsync of the file, through any descriptor, makes it durable (Linux, macOS).

import fs from 'node:fs';
import { closeQuietly } from './files.js';

/** Descriptors a pool may hold when the process's limit is unknown (or large). */
const MAX_DEFAULT = 1000;
const MIN_DEFAULT = 16;

/**
 * The default budget: a quarter of the process's open-files limit (connections, the journals,
 * temporary files and Node itself need the rest), at most 1000.
 */
export function defaultOpenFilesBudget(): number {
  const soft = openFilesLimit();
  return soft === undefined ? MAX_DEFAULT : Math.max(MIN_DEFAULT, Math.min(MAX_DEFAULT, Math.floor(soft / 4)));
}

/** The soft RLIMIT_NOFILE of this process where the OS tells (Linux), else undefined. */
function openFilesLimit(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'));
    return m && m[1] !== 'unlimited' ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

const isOutOfDescriptors = (e: unknown): boolean => {
  const code = (e as NodeJS.ErrnoException)?.code;
  return code === 'EMFILE' || code === 'ENFILE';
};

export class FilePool {
  /** Open handles and their descriptors, least recently used first (Map keeps insertion order). */
  private readonly open = new Map<FileHandle, number>();
  private readonly pins = new Map<FileHandle, number>();

  constructor(readonly limit: number = defaultOpenFilesBudget()) {}

  /** A handle on `file`, opened for reading and writing or read-only; nothing is opened yet. */
  handle(file: string, writable: boolean): FileHandle {
    return new FileHandle(this, file, writable);
  }

  /** Descriptors open now (tests, diagnostics). */
  get size(): number {
    return this.open.size;
  }

  pin(h: FileHandle): number {
    let fd = this.open.get(h);
    if (fd === undefined) {
      fd = this.openFile(h);
    } else {
      this.open.delete(h); // most recently used: to the end
    }
    this.open.set(h, fd);
    this.pins.set(h, (this.pins.get(h) ?? 0) + 1);
    return fd;
  }

  unpin(h: FileHandle): void {
    const n = (this.pins.get(h) ?? 1) - 1;
    if (n > 0) this.pins.set(h, n);
    else this.pins.delete(h);
  }

  close(h: FileHandle): void {
    const fd = this.open.get(h);
    if (fd === undefined) return;
    this.open.delete(h);
    this.pins.delete(h);
    closeQuietly(fd);
  }

  private openFile(h: FileHandle): number {
    this.shrinkTo(this.limit - 1);
    const flags = h.writable ? 'r+' : 'r';
    try {
      return fs.openSync(h.file, flags);
    } catch (e) {
      // The process is out of descriptors (connections took them): give back half of ours.
      if (!isOutOfDescriptors(e) || this.shrinkTo(Math.floor(this.open.size / 2)) === 0) throw e;
      return fs.openSync(h.file, flags);
    }
  }

  /** Closes least recently used, unpinned handles until at most `keep` are open; returns how many it closed. */
  private shrinkTo(keep: number): number {
    let closed = 0;
    for (const [h, fd] of this.open) {
      if (this.open.size <= keep) break;
      if (this.pins.has(h)) continue;
      this.open.delete(h);
      closeQuietly(fd);
      closed++;
    }
    return closed;
  }
}

/** One file of the pool; see the top of the file for the rules. */
export class FileHandle {
  constructor(
    private readonly pool: FilePool,
    readonly file: string,
    readonly writable: boolean,
  ) {}

  /** Runs `fn` with an open descriptor of the file, valid only during `fn`. */
  use<T>(fn: (fd: number) => T): T {
    const fd = this.pool.pin(this);
    try {
      return fn(fd);
    } finally {
      this.pool.unpin(this);
    }
  }

  /** A descriptor that stays open until unpin() (a generator reading across yields). */
  pin(): number {
    return this.pool.pin(this);
  }

  unpin(): void {
    this.pool.unpin(this);
  }

  /** Closes the descriptor if it is open; the next use opens the file again. */
  close(): void {
    this.pool.close(this);
  }
}
