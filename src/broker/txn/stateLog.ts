// Durable transaction state (Kafka keeps it in the compacted __transaction_state topic).
//
//   <dataDir>/transaction-state.log
//
// A journal (log/journal.ts) with one entry per state change of one transactional id: the
// whole TxnMetadata (see types.ts) or a deletion ({ "id": ..., "deleted": true }). Each write
// is fsynced before the coordinator acts on it (write-ahead, like Kafka's append to
// __transaction_state before updating its cache). At open the file is replayed (the last
// entry of an id wins). Memory mode keeps nothing.

import { Journal } from '../log/journal.js';
import type { StoredTxn } from './types.js';

export const TXN_STATE_FILE = 'transaction-state.log';

type Entry = StoredTxn | { v: 1; id: string; deleted: true };

export class TxnStateLog {
  /** The live state of every transactional id: what a rewrite writes. */
  private readonly latest = new Map<string, StoredTxn>();
  private readonly journal: Journal<Entry>;

  /** `file` undefined: memory only. */
  constructor(file: string | undefined, log: (msg: string) => void = () => {}, minCompactBytes?: number) {
    this.journal = new Journal<Entry>(file, {
      log,
      minCompactBytes,
      snapshot: () => [...this.latest.values()],
      valid: (e) => e.v === 1 && typeof e.id === 'string',
    });
  }

  /** Reads the file (creating it); returns the live state of every transactional id. */
  load(): Map<string, StoredTxn> {
    this.journal.open((e) => this.apply(e));
    return new Map(this.latest);
  }

  private apply(e: Entry): void {
    if ('deleted' in e) this.latest.delete(e.id);
    else this.latest.set(e.id, e);
  }

  /** Durable before it returns. */
  write(txn: StoredTxn): void {
    this.journal.append(txn, () => this.apply(txn));
  }

  delete(id: string): void {
    const e: Entry = { v: 1, id, deleted: true };
    this.journal.append(e, () => this.apply(e));
  }

  /** Bytes of the file (tests). */
  get fileSize(): number {
    return this.journal.fileSize;
  }

  close(): void {
    this.journal.close();
  }
}
