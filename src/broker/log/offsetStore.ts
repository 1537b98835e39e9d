// Committed consumer-group offsets and small per-group records (Kafka keeps both in the
// compacted __consumer_offsets topic). State is held in maps; on disk it is an append-only
// file of CRC-framed JSON entries ([length u32][crc32c u32][json]), one entry per call, so a
// commit of many partitions is atomic and costs one fsync. At open the file is replayed (a
// torn or corrupt tail is cut off) and rewritten as a snapshot when mostly superseded; it is
// also rewritten when it outgrows the threshold.
//
// Deleted topics: their offsets are dropped from every group (as Kafka's coordinator does),
// so a topic re-created under the same name starts without stale committed offsets.

import fs from 'node:fs';
import path from 'node:path';
import { fsyncDir, frameEntry, readFramedEntries, writeFileAtomic, writeFully } from './files.js';
import type { CommittedOffset, OffsetCommitEntry, OffsetStore } from './types.js';

type Meta = Record<string, unknown>;

/** [topic, partition, offset, leaderEpoch, metadata, commitTimestamp] */
type OffsetTuple = [string, number, number, number, string | null, number];

type Entry =
  | { t: 'commit'; g: string; o: OffsetTuple[] }
  | { t: 'meta'; g: string; m: Meta | null }
  | { t: 'deleteGroup'; g: string }
  | { t: 'deleteOffsets'; g: string; topic: string; p: number | null }
  | { t: 'deleteTopic'; topic: string };

interface GroupState {
  offsets: Map<string, Map<number, CommittedOffset>>;
  meta?: Meta;
}

/** Rewrite once the file is this much larger than its last snapshot (and at least MIN); at open, twice. */
const GROWTH_FACTOR = 4;
const MIN_COMPACT_BYTES = 1 << 20;

export class OffsetStoreImpl implements OffsetStore {
  private readonly state = new Map<string, GroupState>();
  private fd: number | undefined;
  private size = 0;
  private snapshotSize = 0;

  private readonly minCompactBytes: number;

  /** `file` undefined: memory only. */
  constructor(
    private readonly file?: string,
    private readonly log: (msg: string) => void = () => {},
    opts: { minCompactBytes?: number } = {},
  ) {
    this.minCompactBytes = opts.minCompactBytes ?? MIN_COMPACT_BYTES;
    if (file) this.load(file);
  }

  private load(file: string): void {
    let data = Buffer.alloc(0);
    try {
      data = fs.readFileSync(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const { entries, validBytes, problem } = readFramedEntries(data);
    let applied = 0;
    for (const payload of entries) {
      let entry: Entry;
      try {
        entry = JSON.parse(payload.toString('utf8')) as Entry;
      } catch {
        break; // CRC-valid but unparsable: treat as the end, like a torn tail
      }
      this.apply(entry);
      applied++;
    }
    const kept = applied === entries.length ? validBytes : entries.slice(0, applied).reduce((n, e) => n + e.length + 8, 0);
    if (kept < data.length) {
      this.log(`${path.basename(file)}: ${problem ?? 'unreadable entry'} at byte ${kept}; dropped ${data.length - kept} trailing bytes`);
    }
    this.fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT);
    if (kept < data.length) {
      fs.ftruncateSync(this.fd, kept);
      fs.fsyncSync(this.fd);
    }
    this.size = kept;
    const snapshot = this.snapshot();
    if (this.size > 2 * snapshot.length && this.size > 4096) this.compact(snapshot);
    else this.snapshotSize = snapshot.length;
    if (data.length === 0) fsyncDir(path.dirname(file));
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
    if (s && s.offsets.size === 0 && s.meta === undefined) this.state.delete(g);
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
        if (e.m === null) {
          const s = this.group(e.g);
          if (s) s.meta = undefined;
        } else this.group(e.g, true).meta = e.m;
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

  /** Applies and, on disk, appends one entry durably (one write, one fsync). */
  private record(e: Entry): void {
    if (this.fd === undefined) {
      this.apply(e);
      return;
    }
    // Durable first, applied second: a failed write leaves the state as it was.
    const frame = frameEntry(Buffer.from(JSON.stringify(e)));
    writeFully(this.fd, frame, this.size);
    fs.fdatasyncSync(this.fd);
    this.size += frame.length;
    this.apply(e);
    if (this.size > Math.max(this.minCompactBytes, GROWTH_FACTOR * this.snapshotSize)) this.compact(this.snapshot());
  }

  /** The current state as framed entries. */
  private snapshot(): Buffer {
    const frames: Buffer[] = [];
    for (const [g, s] of this.state) {
      if (s.meta !== undefined) frames.push(frameEntry(Buffer.from(JSON.stringify({ t: 'meta', g, m: s.meta }))));
      const o: OffsetTuple[] = [];
      for (const [topic, byPartition] of s.offsets) {
        for (const [p, c] of byPartition) o.push([topic, p, c.offset, c.leaderEpoch, c.metadata, c.commitTimestamp]);
      }
      if (o.length > 0) frames.push(frameEntry(Buffer.from(JSON.stringify({ t: 'commit', g, o }))));
    }
    return Buffer.concat(frames);
  }

  private compact(snapshot: Buffer): void {
    if (!this.file || this.fd === undefined) return;
    fs.closeSync(this.fd);
    writeFileAtomic(this.file, snapshot);
    this.fd = fs.openSync(this.file, fs.constants.O_RDWR);
    this.log(`${path.basename(this.file)}: compacted ${this.size} bytes to ${snapshot.length}`);
    this.size = snapshot.length;
    this.snapshotSize = snapshot.length;
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

  groupMeta(group: string): Record<string, unknown> | undefined {
    const m = this.state.get(group)?.meta;
    return m && structuredClone(m);
  }

  setGroupMeta(group: string, meta: Record<string, unknown> | undefined): void {
    if (meta === undefined && this.state.get(group)?.meta === undefined) return;
    this.record({ t: 'meta', g: group, m: meta === undefined ? null : structuredClone(meta) });
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
    return this.size;
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
