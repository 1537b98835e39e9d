// Client quotas (Describe/AlterClientQuotas): quota values per entity, an entity being one or
// more (entity type, name) pairs with types user, client-id and ip, a null name being the
// type's default. They are stored and described, not enforced (README: intended differences).
// Kept in the store's meta.json under one key (durable before an AlterClientQuotas answer), so
// they survive a restart of a broker with a data dir; values are written as strings so that
// Infinity and NaN, which Kafka accepts for its DOUBLE quotas, survive too.
//
// Kafka answers from Java hash maps: an entity's types and a request's operations come in the
// order of a java.util.HashMap built with Kafka's initial capacity (javaHashMapOrder, below).
import type { Store } from './log/store.js';

/** An entity: (type, name) pairs, in Kafka's order (no type twice). */
export type QuotaEntity = readonly (readonly [type: string, name: string | null])[];

export interface QuotaEntry {
  readonly entity: QuotaEntity;
  /** Quota key -> value, in key order. */
  readonly values: ReadonlyMap<string, number>;
}

/** A change to one entity's quotas: a key set to a value, or removed (null). */
export interface QuotaChange {
  readonly entity: QuotaEntity;
  readonly key: string;
  readonly value: number | null;
}

const META_KEY = 'client.quotas';

interface Saved {
  version: 1;
  entries: { entity: [string, string | null][]; values: Record<string, string> }[];
}

/** A canonical string for an entity (its pairs sorted by type). */
export function entityKey(entity: QuotaEntity): string {
  return JSON.stringify([...entity].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}

export class QuotaStore {
  private readonly entries = new Map<string, { entity: QuotaEntity; values: Map<string, number> }>();

  constructor(private readonly store: Store) {
    const text = store.getMeta(META_KEY);
    if (text === undefined) return;
    const saved = JSON.parse(text) as Saved;
    if (saved.version !== 1 || !Array.isArray(saved.entries)) throw new Error(`meta.json: unknown ${META_KEY} format`);
    for (const e of saved.entries) {
      this.entries.set(entityKey(e.entity), { entity: e.entity, values: new Map(Object.entries(e.values).map(([k, v]) => [k, Number(v)])) });
    }
  }

  /** The quotas of an entity (empty when it has none). */
  get(entity: QuotaEntity): ReadonlyMap<string, number> {
    return this.entries.get(entityKey(entity))?.values ?? new Map();
  }

  /** Every entity with at least one quota, in the order they were first given one. */
  list(): QuotaEntry[] {
    return [...this.entries.values()].map((e) => ({ entity: e.entity, values: new Map([...e.values].sort((a, b) => (a[0] < b[0] ? -1 : 1))) }));
  }

  /** Applies the changes together and saves them (once) before returning. */
  apply(changes: readonly QuotaChange[]): void {
    if (changes.length === 0) return;
    for (const c of changes) {
      const k = entityKey(c.entity);
      let e = this.entries.get(k);
      if (c.value === null) {
        e?.values.delete(c.key);
        if (e && e.values.size === 0) this.entries.delete(k);
        continue;
      }
      if (!e) this.entries.set(k, (e = { entity: c.entity, values: new Map() }));
      e.values.set(c.key, c.value);
    }
    const saved: Saved = {
      version: 1,
      entries: [...this.entries.values()].map((e) => ({
        entity: e.entity.map(([t, n]) => [t, n]),
        values: Object.fromEntries([...e.values].map(([k, v]) => [k, String(v)])),
      })),
    };
    this.store.setMeta(META_KEY, this.entries.size === 0 ? undefined : JSON.stringify(saved));
  }
}

const stores = new WeakMap<Store, QuotaStore>();

/** The client quotas kept in `store` (read from its meta.json on first use). */
export function quotasOf(store: Store): QuotaStore {
  let q = stores.get(store);
  if (!q) stores.set(store, (q = new QuotaStore(store)));
  return q;
}

/** Java's String.hashCode. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The iteration order of a java.util.HashMap<String, ?> made with `new HashMap<>(capacity)`
 * and given `keys` in this order (a key given again keeps its place): the table grows by
 * doubling past 3/4 full, and iteration goes bucket by bucket, each in insertion order.
 */
export function javaHashMapOrder(keys: readonly string[], capacity: number): string[] {
  const distinct = [...new Set(keys)];
  let table = 1;
  while (table < capacity) table *= 2;
  // the first put allocates `table` buckets; each put past the threshold doubles them
  for (let size = 1; size <= distinct.length; size++) if (size > Math.floor(table * 0.75)) table *= 2;
  const bucket = (k: string) => {
    const h = javaStringHash(k);
    return (h ^ (h >>> 16)) & (table - 1);
  };
  return distinct.map((k, i) => ({ k, i, b: bucket(k) })).sort((x, y) => x.b - y.b || x.i - y.i).map((x) => x.k);
}
