// Small synchronous file helpers shared by the log, the offset store and the metadata files.
// Everything is synchronous on purpose: the broker is single-threaded and ordering of writes
// (data before index, data before acknowledgement) then follows program order.

import fs from 'node:fs';
import path from 'node:path';
import { crc32c } from '@node-rs/crc32';

/** fsync a directory so that created, renamed or deleted entries survive a power loss. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch (e) {
    // Some platforms (Windows) cannot open or fsync directories; the rename is still atomic.
    if ((e as NodeJS.ErrnoException).code !== 'EISDIR' && (e as NodeJS.ErrnoException).code !== 'EPERM') throw e;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Replaces `file` with `data` so that a crash leaves either the old or the new content.
 * `durable: false` skips the fsyncs: a process crash still leaves old or new, a machine crash
 * may leave the old content, or (for files that are checked on read) a damaged one.
 * A failure leaves `file` as it was and removes the temporary file (on a full disk it would
 * only take more space).
 */
export function writeFileAtomic(file: string, data: string | Buffer, opts: { durable?: boolean } = {}): void {
  const durable = opts.durable ?? true;
  const tmp = `${file}.tmp`;
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      writeFully(fd, typeof data === 'string' ? Buffer.from(data) : data, 0);
      if (durable) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    removeQuietly(tmp);
    throw e;
  }
  if (durable) fsyncDir(path.dirname(file));
}

/** Removes a file if it can; for clean-ups after a failure, which must not hide the failure. */
export function removeQuietly(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // a read-only or failing disk: the file stays, and is removed at the next start
  }
}

/**
 * Closes a descriptor whose close() may fail (EIO on some file systems) after it is released:
 * the number is gone either way, and what close() reports concerns writes that an fsync
 * checked or will check.
 */
export function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // see above
  }
}

/** Whether an error means the disk (or the user's quota) is full. */
export function isNoSpace(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

export function writeFully(fd: number, buf: Buffer, position: number): void {
  let done = 0;
  while (done < buf.length) done += fs.writeSync(fd, buf, done, buf.length - done, position + done);
}

/** Reads up to `length` bytes at `position`; shorter only at end of file. */
export function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buf : buf.subarray(0, done);
}

// ---------------------------------------------------------------------------------------
// CRC-framed append-only entry log: [length u32][crc32c u32][payload], crc over the payload.

export const FRAME_HEADER = 8;

export function frameEntry(payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.writeUInt32BE(crc32c(payload) >>> 0, 4);
  payload.copy(out, FRAME_HEADER);
  return out;
}

/**
 * Reads the framed entries of `data`. Stops at the first short or corrupt frame and
 * returns the byte length of the valid prefix, so the caller can truncate a torn tail.
 */
export function readFramedEntries(data: Buffer): { entries: Buffer[]; validBytes: number; problem?: string } {
  const entries: Buffer[] = [];
  let pos = 0;
  while (pos < data.length) {
    if (data.length - pos < FRAME_HEADER) return { entries, validBytes: pos, problem: 'short entry header' };
    const len = data.readUInt32BE(pos);
    if (pos + FRAME_HEADER + len > data.length) return { entries, validBytes: pos, problem: 'entry extends past the end' };
    const payload = data.subarray(pos + FRAME_HEADER, pos + FRAME_HEADER + len);
    if ((crc32c(payload) >>> 0) !== data.readUInt32BE(pos + 4)) return { entries, validBytes: pos, problem: 'CRC32C mismatch' };
    entries.push(payload);
    pos += FRAME_HEADER + len;
  }
  return { entries, validBytes: pos };
}
