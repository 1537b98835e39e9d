// Where the local broker's log lines go: local.log (mode 0600) for the detached broker, a
// stream (stderr in the foreground) otherwise. Writing must never stop the broker:
// on a full or read-only disk a failed write would throw, the error would be logged, that
// would fail in turn, and the process would spin answering nothing. So a write never throws,
// and after a failure lines are only counted, with no I/O, until RETRY_MS have passed; the
// first line that can be written again is preceded by how many were lost and why.

import fs from 'node:fs';

const RETRY_MS = 10_000;

export class LogFile {
  private fd: number | undefined;
  private failedAt: number | undefined;
  private dropped = 0;
  private why = '';

  constructor(
    private readonly file: string,
    private readonly now: () => number = Date.now,
  ) {}

  write(line: string): void {
    const now = this.now();
    if (this.failedAt !== undefined && now - this.failedAt < RETRY_MS) {
      this.dropped++;
      return;
    }
    const stamp = `[${new Date(now).toISOString()}] `;
    const lost = this.dropped > 0 ? `${stamp}${this.dropped} log line(s) lost: ${this.why}\n` : '';
    try {
      this.fd ??= openPrivate(this.file);
      fs.writeSync(this.fd, `${lost}${stamp}${line}\n`);
      this.failedAt = undefined;
      this.dropped = 0;
    } catch (e) {
      this.failedAt = now;
      this.dropped++;
      this.why = `cannot write ${this.file}: ${(e as Error).message}`;
      this.close();
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      // nothing more to lose
    }
    this.fd = undefined;
  }
}

/** Opens `file` for appending, mode 0600 (an existing regular file is made 0600 too). */
export function openPrivate(file: string): number {
  const fd = fs.openSync(file, 'a', 0o600);
  try {
    const st = fs.fstatSync(fd);
    if (st.isFile() && (st.mode & 0o077) !== 0) fs.fchmodSync(fd, 0o600);
  } catch {
    // not ours to change: still a log
  }
  return fd;
}

/**
 * Timestamped lines on a stream (the foreground broker's stderr). A stream that fails (a
 * closed pipe, a full disk) ends the logging, not the broker.
 */
export function streamLog(stream: NodeJS.WritableStream): (line: string) => void {
  let broken = false;
  stream.on('error', () => (broken = true));
  return (line) => {
    if (broken) return;
    try {
      stream.write(`[${new Date().toISOString()}] ${line}\n`);
    } catch {
      broken = true;
    }
  };
}
