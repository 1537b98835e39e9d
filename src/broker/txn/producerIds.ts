// Producer ids (Kafka's ProducerIdManager): handed out from blocks of 1000 whose end is
// persisted (meta.json, key `producerIdBlockEnd`) before the first id of the block is used,
// so an id is never given twice, even after a crash; a restart starts a fresh block.

import type { Store } from '../log/store.js';

export const PRODUCER_ID_BLOCK_SIZE = 1000;
const META_KEY = 'producerIdBlockEnd';

export class ProducerIdManager {
  private next: number;
  private end: number;

  constructor(private readonly store: Store) {
    const saved = Number(store.getMeta(META_KEY) ?? 0);
    this.next = this.end = Number.isSafeInteger(saved) && saved > 0 ? saved : 0;
  }

  generate(): number {
    if (this.next >= this.end) {
      const end = this.next + PRODUCER_ID_BLOCK_SIZE;
      this.store.setMeta(META_KEY, String(end)); // durable first
      this.end = end;
    }
    return this.next++;
  }
}
