// Durable transaction state (Kafka keeps it in the compacted __transaction_state topic).
//
//   <dataDir>/transaction-state.log
//
// An append-only file of CRC-framed JSON entries ([length u32][crc32c u32][json], the framing
// of files.ts), one per state change of one transactional id: the whole TxnMetadata (see
// types.ts) or a deletion ({ "id": ..., "deleted": true }). Each write is fsynced before the
// coordinator acts on it (write-ahead, like Kafka's append to __transaction_state before
// updating its cache). At open the file is replayed (the last entry of an id wins; a torn or
// corrupt tail is cut off) and rewritten as a snapshot when mostly superseded, and again
// whenever it grows past four times its last snapshot (at least 1 MiB). Memory mode keeps
// nothing.

import fs from 'node:fs';
import path from 'node:path';
import { frameEntry, fsyncDir, readFramedEntries, writeFileAtomic, writeFully } from '../log/files.js';
import type { StoredTxn } from './types.js';

const GROWTH_FACTOR = 4;
const MIN_COMPACT_BYTES = 1 << 20;

export const TXN_STATE_FILE = 'transaction-state.log';

type Entry = StoredTxn | { v: 1; id: string; deleted: true };

export class TxnStateLog {
  private fd: number | undefined;
  private size = 0;
  private snapshotSize = 0;
  /** The latest frame of every live id: what a compaction writes. */
  private readonly latest = new Map<string, Buffer>();

  /** `file` undefined: memory only. */
  constructor(
    private readonly file: string | undefined,
    private readonly log: (msg: string) => void = () => {},
    private readonly minCompactBytes = MIN_COMPACT_BYTES,
  ) {}

  /** Reads the file (creating it); returns the live state of every transactional id. */
  load(): Map<string, StoredTxn> {
    const out = new Map<string, StoredTxn>();
    if (!this.file) return out;
    const file = this.file;
    let data = Buffer.alloc(0);
    try {
      data = fs.readFileSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const { entries, problem } = readFramedEntries(data);
    let kept = 0;
    for (const payload of entries) {
      let entry: Entry;
      try {
        entry = JSON.parse(payload.toString('utf8')) as Entry;
        if (entry.v !== 1 || typeof entry.id !== 'string') throw new Error('unknown entry');
      } catch {
        break; // CRC-valid but unreadable: treat as the end, like a torn tail
      }
      if ('deleted' in entry) {
        out.delete(entry.id);
        this.latest.delete(entry.id);
      } else {
        out.set(entry.id, entry);
        this.latest.set(entry.id, frameEntry(payload));
      }
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
    if (this.size > 2 * snapshot && this.size > 4096) this.compact();
    else this.snapshotSize = snapshot;
    return out;
  }

  private snapshotBytes(): number {
    let n = 0;
    for (const f of this.latest.values()) n += f.length;
    return n;
  }

  /** Durable before it returns. */
  write(txn: StoredTxn): void {
    this.append(txn.id, frameEntry(Buffer.from(JSON.stringify(txn))), false);
  }

  delete(id: string): void {
    this.append(id, frameEntry(Buffer.from(JSON.stringify({ v: 1, id, deleted: true }))), true);
  }

  private append(id: string, frame: Buffer, deleted: boolean): void {
    if (this.fd === undefined) return;
    writeFully(this.fd, frame, this.size);
    fs.fdatasyncSync(this.fd);
    this.size += frame.length;
    if (deleted) this.latest.delete(id);
    else this.latest.set(id, frame);
    if (this.size > Math.max(this.minCompactBytes, GROWTH_FACTOR * this.snapshotSize)) this.compact();
  }

  private compact(): void {
    if (!this.file || this.fd === undefined) return;
    const snapshot = Buffer.concat([...this.latest.values()]);
    fs.closeSync(this.fd);
    writeFileAtomic(this.file, snapshot);
    this.fd = fs.openSync(this.file, fs.constants.O_RDWR);
    this.log(`${path.basename(this.file)}: compacted ${this.size} bytes to ${snapshot.length}`);
    this.size = snapshot.length;
    this.snapshotSize = snapshot.length;
  }

  /** Bytes of the file (tests). */
  get fileSize(): number {
    return this.size;
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
