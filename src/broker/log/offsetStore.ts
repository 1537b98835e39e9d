// Committed consumer-group offsets and small per-group records (Kafka keeps both in the
// compacted __consumer_offsets topic): a classic group's protocol type, a consumer-protocol
// group's whole state (members, epochs, target and current assignments; one entry per change). State is held in maps; on disk it is a journal
// (journal.ts), one entry per call, so a commit of many partitions is atomic and costs one
// fsync.
//
// Deleted topics: their offsets are dropped from every group (as Kafka's coordinator does),
// so a topic re-created under the same name starts without stale committed offsets.

import { Journal } from './journal.js';
import type { CommittedOffset, OffsetChange, OffsetCommitEntry, OffsetStore } from './types.js';

type Meta = Record<string, unknown>;

/** [topic, partition, offset, leaderEpoch, metadata, commitTimestamp] */
type OffsetTuple = [string, number, number, number, string | null, number];

type Entry =
  | { t: 'commit'; g: string; o: OffsetTuple[] }
  | { t: 'meta'; g: string; m: Meta | null }
  | { t: 'cg'; g: string; s: Meta | null }
  | { t: 'deleteGroup'; g: string }
  | { t: 'deleteOffsets'; g: string; topic: string; p: number | null }
  | { t: 'deleteTopic'; topic: string };

interface GroupState {
  offsets: Map<string, Map<number, CommittedOffset>>;
  meta?: Meta;
  /** A consumer-protocol group's state */
  cg?: Meta;
}

export class OffsetStoreImpl implements OffsetStore {
  private readonly state = new Map<string, GroupState>();
  private readonly journal: Journal<Entry>;
  onChange: ((changes: OffsetChange[]) => void) | null = null;

  /** `file` undefined: memory only. */
  constructor(file?: string, log: (msg: string) => void = () => {}, opts: { minCompactBytes?: number } = {}) {
    this.journal = new Journal<Entry>(file, { log, minCompactBytes: opts.minCompactBytes, snapshot: () => this.snapshot() });
    this.journal.open((e) => this.apply(e));
  }

  private group(g: string, create: true): GroupState;
  private group(g: string, create?: false): GroupState | undefined;
  private group(g: string, create = false): GroupState | undefined {
    let s = this.state.get(g);
    if (!s && create) this.state.set(g, (s = { offsets: new Map() }));
    return s;
  }

  private dropIfEmpty(g: string): void {
    const s = this.state.get(g);
    if (s && s.offsets.size === 0 && s.meta === undefined && s.cg === undefined) this.state.delete(g);
  }

  private apply(e: Entry): void {
    switch (e.t) {
      case 'commit': {
        const s = this.group(e.g, true);
        for (const [topic, partition, offset, leaderEpoch, metadata, commitTimestamp] of e.o) {
          let byPartition = s.offsets.get(topic);
          if (!byPartition) s.offsets.set(topic, (byPartition = new Map()));
          byPartition.set(partition, { offset, leaderEpoch, metadata, commitTimestamp });
        }
        break;
      }
      case 'meta':
        this.replaceStored(e.g, 'meta', e.m);
        break;
      case 'cg':
        this.replaceStored(e.g, 'cg', e.s);
        break;
      case 'deleteGroup':
        this.state.delete(e.g);
        return;
      case 'deleteOffsets': {
        const byPartition = this.group(e.g)?.offsets.get(e.topic);
        if (!byPartition) break;
        if (e.p === null) byPartition.clear();
        else byPartition.delete(e.p);
        if (byPartition.size === 0) this.group(e.g)?.offsets.delete(e.topic);
        break;
      }
      case 'deleteTopic':
        for (const [g, s] of this.state) {
          s.offsets.delete(e.topic);
          this.dropIfEmpty(g);
        }
        return;
    }
    if ('g' in e) this.dropIfEmpty(e.g);
  }

  /** Appends one entry durably (on disk: one write, one fsync), then applies it. */
  private record(e: Entry): void {
    const changes = this.onChange ? this.changes(e) : [];
    this.journal.append(e, () => this.apply(e));
    if (changes.length > 0) this.onChange?.(changes);
  }

  /** What an entry changes, computed before it is applied (deletions need the old state). */
  private changes(e: Entry): OffsetChange[] {
    const out: OffsetChange[] = [];
    const tombstones = (g: string, topic: string, partitions: Iterable<number>): void => {
      for (const partition of partitions) out.push({ group: g, topic, partition, value: null });
    };
    switch (e.t) {
      case 'commit':
        for (const [topic, partition, offset, leaderEpoch, metadata, commitTimestamp] of e.o) {
          out.push({ group: e.g, topic, partition, value: { offset, leaderEpoch, metadata, commitTimestamp } });
        }
        break;
      case 'meta':
        break;
      case 'cg': {
        const before = this.state.get(e.g)?.cg;
        if (before !== undefined || e.s !== null) out.push({ group: e.g, consumerGroup: { before, after: e.s ?? undefined } });
        break;
      }
      case 'deleteGroup': {
        const before = this.state.get(e.g)?.cg;
        if (before !== undefined) out.push({ group: e.g, consumerGroup: { before } });
        for (const [topic, byPartition] of this.state.get(e.g)?.offsets ?? []) tombstones(e.g, topic, byPartition.keys());
        out.push({ group: e.g, groupDeleted: true });
        break;
      }
      case 'deleteOffsets': {
        const byPartition = this.state.get(e.g)?.offsets.get(e.topic);
        if (byPartition) tombstones(e.g, e.topic, e.p === null ? byPartition.keys() : byPartition.has(e.p) ? [e.p] : []);
        break;
      }
      case 'deleteTopic':
        for (const [g, s] of this.state) tombstones(g, e.topic, s.offsets.get(e.topic)?.keys() ?? []);
        break;
    }
    return out;
  }

  /** The current state as entries. */
  private snapshot(): Entry[] {
    const entries: Entry[] = [];
    for (const [g, s] of this.state) {
      if (s.meta !== undefined) entries.push({ t: 'meta', g, m: s.meta });
      if (s.cg !== undefined) entries.push({ t: 'cg', g, s: s.cg });
      const o: OffsetTuple[] = [];
      for (const [topic, byPartition] of s.offsets) {
        for (const [p, c] of byPartition) o.push([topic, p, c.offset, c.leaderEpoch, c.metadata, c.commitTimestamp]);
      }
      if (o.length > 0) entries.push({ t: 'commit', g, o });
    }
    return entries;
  }

  commit(group: string, entries: OffsetCommitEntry[], now = Date.now()): void {
    if (entries.length === 0) return;
    this.record({
      t: 'commit',
      g: group,
      o: entries.map((e) => [e.topic, e.partition, e.offset, e.leaderEpoch, e.metadata, now]),
    });
  }

  get(group: string, topic: string, partition: number): CommittedOffset | undefined {
    const c = this.state.get(group)?.offsets.get(topic)?.get(partition);
    return c && { ...c };
  }

  list(group: string): (CommittedOffset & { topic: string; partition: number })[] {
    const out: (CommittedOffset & { topic: string; partition: number })[] = [];
    for (const [topic, byPartition] of this.state.get(group)?.offsets ?? []) {
      for (const [partition, c] of byPartition) out.push({ topic, partition, ...c });
    }
    return out.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  }

  groups(): string[] {
    return [...this.state.keys()];
  }

  /** Replays a change of one of a group's stored documents (null: removed). */
  private replaceStored(group: string, field: 'meta' | 'cg', value: Meta | null): void {
    if (value !== null) this.group(group, true)[field] = value;
    else {
      const s = this.group(group);
      if (s) s[field] = undefined;
    }
  }

  /** A copy of one of a group's stored documents (a classic group's meta, a consumer group's state). */
  private stored(group: string, field: 'meta' | 'cg'): Record<string, unknown> | undefined {
    const v = this.state.get(group)?.[field];
    return v && structuredClone(v);
  }

  /** Whether storing `value` changes nothing: removing a document the group does not have. */
  private unchanged(group: string, field: 'meta' | 'cg', value: Record<string, unknown> | undefined): boolean {
    return value === undefined && this.state.get(group)?.[field] === undefined;
  }

  groupMeta(group: string): Record<string, unknown> | undefined {
    return this.stored(group, 'meta');
  }

  setGroupMeta(group: string, meta: Record<string, unknown> | undefined): void {
    if (this.unchanged(group, 'meta', meta)) return;
    this.record({ t: 'meta', g: group, m: meta === undefined ? null : structuredClone(meta) });
  }

  consumerGroupState(group: string): Record<string, unknown> | undefined {
    return this.stored(group, 'cg');
  }

  setConsumerGroupState(group: string, state: Record<string, unknown> | undefined): void {
    if (this.unchanged(group, 'cg', state)) return;
    this.record({ t: 'cg', g: group, s: state === undefined ? null : structuredClone(state) });
  }

  consumerGroupIds(): string[] {
    return [...this.state].filter(([, s]) => s.cg !== undefined).map(([g]) => g);
  }

  deleteGroup(group: string): void {
    if (!this.state.has(group)) return;
    this.record({ t: 'deleteGroup', g: group });
  }

  deleteOffsets(group: string, topic: string, partition?: number): void {
    const byPartition = this.state.get(group)?.offsets.get(topic);
    if (!byPartition || (partition !== undefined && !byPartition.has(partition))) return;
    this.record({ t: 'deleteOffsets', g: group, topic, p: partition ?? null });
  }

  /** Drops every group's offsets for a deleted topic. */
  deleteTopic(topic: string): void {
    for (const s of this.state.values()) {
      if (s.offsets.has(topic)) {
        this.record({ t: 'deleteTopic', topic });
        return;
      }
    }
  }

  /** Bytes of the file on disk (tests, diagnostics). */
  get fileSize(): number {
    return this.journal.fileSize;
  }

  close(): void {
    this.journal.close();
  }
}
