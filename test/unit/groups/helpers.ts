// Test doubles for the group coordinator: an in-memory OffsetStore, a manual clock, and
// builders for requests and consumer-protocol subscriptions.

import type { Clock } from '../../../src/broker/groups/clock.js';
import { GroupCoordinator, type GroupCoordinatorOptions } from '../../../src/broker/groups/coordinator.js';
import type { GroupProtocol, JoinGroupRequest, JoinGroupResult } from '../../../src/broker/groups/types.js';
import type { CommittedOffset, OffsetCommitEntry, OffsetStore } from '../../../src/broker/log/types.js';

type Stored = CommittedOffset & { topic: string; partition: number };

export class MemoryOffsetStore implements OffsetStore {
  private readonly offsets = new Map<string, Map<string, Stored>>();
  private readonly meta = new Map<string, Record<string, unknown>>();

  commit(group: string, entries: OffsetCommitEntry[], now = Date.now()): void {
    let byPartition = this.offsets.get(group);
    if (!byPartition) this.offsets.set(group, (byPartition = new Map()));
    for (const e of entries) {
      byPartition.set(`${e.topic}\0${e.partition}`, {
        topic: e.topic,
        partition: e.partition,
        offset: e.offset,
        leaderEpoch: e.leaderEpoch,
        metadata: e.metadata,
        commitTimestamp: now,
      });
    }
  }

  get(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.offsets.get(group)?.get(`${topic}\0${partition}`);
  }

  list(group: string): Stored[] {
    return [...(this.offsets.get(group)?.values() ?? [])];
  }

  groups(): string[] {
    const ids = new Set(this.meta.keys());
    for (const [id, m] of this.offsets) if (m.size > 0) ids.add(id);
    return [...ids];
  }

  groupMeta(group: string): Record<string, unknown> | undefined {
    const m = this.meta.get(group);
    return m ? { ...m } : undefined;
  }

  setGroupMeta(group: string, meta: Record<string, unknown> | undefined): void {
    if (meta === undefined) this.meta.delete(group);
    else this.meta.set(group, { ...meta });
  }

  deleteGroup(group: string): void {
    this.offsets.delete(group);
    this.meta.delete(group);
  }

  deleteOffsets(group: string, topic: string, partition?: number): void {
    const m = this.offsets.get(group);
    if (!m) return;
    for (const [k, v] of m) if (v.topic === topic && (partition === undefined || v.partition === partition)) m.delete(k);
  }
}

/** A clock that only moves when told to; due timers run in time order. */
export class FakeClock implements Clock {
  time = 1_700_000_000_000;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.time;
  }

  setTimer(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.time + ms, fn });
    return id;
  }

  clearTimer(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) {
        if (entry[1].at <= target && (!next || entry[1].at < next[1].at)) next = entry;
      }
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = next[1].at;
      next[1].fn();
    }
    this.time = target;
  }

  get pending(): number {
    return this.timers.size;
  }
}

/** ConsumerProtocolSubscription v0: version, topics, user data. */
export function subscription(topics: string[], userData: Buffer | null = null): Buffer {
  const parts: Buffer[] = [Buffer.from([0, 0])];
  const count = Buffer.alloc(4);
  count.writeInt32BE(topics.length);
  parts.push(count);
  for (const t of topics) {
    const len = Buffer.alloc(2);
    len.writeInt16BE(Buffer.byteLength(t));
    parts.push(len, Buffer.from(t));
  }
  const ud = Buffer.alloc(4);
  ud.writeInt32BE(userData === null ? -1 : userData.length);
  parts.push(ud);
  if (userData) parts.push(userData);
  return Buffer.concat(parts);
}

export function protocols(names: string[], topics = ['t']): GroupProtocol[] {
  return names.map((name) => ({ name, metadata: subscription(topics, Buffer.from(name)) }));
}

export function joinReq(over: Partial<JoinGroupRequest> = {}): JoinGroupRequest {
  return {
    groupId: 'g',
    memberId: '',
    groupInstanceId: null,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 30_000,
    protocolType: 'consumer',
    protocols: protocols(['range']),
    clientId: 'c',
    clientHost: '/127.0.0.1',
    requireKnownMemberId: false,
    ...over,
  };
}

export function setup(opts: GroupCoordinatorOptions = {}) {
  const store = new MemoryOffsetStore();
  const clock = new FakeClock();
  const gc = new GroupCoordinator(store, { minSessionTimeoutMs: 1000, clock, ...opts });
  return { store, clock, gc };
}

const PENDING = Symbol('pending');

/** The promise's value if it has settled by the next macrotask, else 'pending'. */
export async function peek<T>(p: Promise<T>): Promise<T | 'pending'> {
  const r = await Promise.race([p, new Promise<typeof PENDING>((resolve) => setImmediate(() => resolve(PENDING)))]);
  return r === PENDING ? 'pending' : (r as T);
}

/** Joins, syncs (the leader assigns `assign(memberId)`), returns each member's join result. */
export async function joinAndSync(
  gc: GroupCoordinator,
  joins: Promise<JoinGroupResult>[],
  assign: (memberId: string) => Buffer = (id) => Buffer.from(`assignment:${id}`),
): Promise<JoinGroupResult[]> {
  const results = await Promise.all(joins);
  const leader = results.find((r) => r.memberId === r.leader);
  if (!leader) throw new Error('no leader among the results');
  const syncs = results.map((r) =>
    gc.sync({
      groupId: 'g',
      generationId: r.generationId,
      memberId: r.memberId,
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments: r === leader ? leader.members.map((m) => ({ memberId: m.memberId, assignment: assign(m.memberId) })) : [],
    }),
  );
  for (const s of await Promise.all(syncs)) if (s.errorCode !== 0) throw new Error(`sync failed: ${s.errorCode}`);
  return results;
}
