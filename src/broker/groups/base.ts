// What the group coordinator's parts share: options, error codes, the groups (in memory and
// in the OffsetStore), tracked timers and close(). Membership (membership.ts) and offsets /
// admin (coordinator.ts) build on it.

import type { GroupMetadataValue } from '../../protocol/consumerOffsets.js';
import type { OffsetStore } from '../log/types.js';
import { code } from '../../protocol/errors.js';
import { type Clock, systemClock } from './clock.js';
import { type Cancel, Group } from './group.js';
import type { JoinGroupResult, SyncGroupResult } from './types.js';

export const E = {
  NONE: code('NONE'),
  COORDINATOR_NOT_AVAILABLE: code('COORDINATOR_NOT_AVAILABLE'),
  ILLEGAL_GENERATION: code('ILLEGAL_GENERATION'),
  INCONSISTENT_GROUP_PROTOCOL: code('INCONSISTENT_GROUP_PROTOCOL'),
  INVALID_GROUP_ID: code('INVALID_GROUP_ID'),
  UNKNOWN_MEMBER_ID: code('UNKNOWN_MEMBER_ID'),
  INVALID_SESSION_TIMEOUT: code('INVALID_SESSION_TIMEOUT'),
  REBALANCE_IN_PROGRESS: code('REBALANCE_IN_PROGRESS'),
  MEMBER_ID_REQUIRED: code('MEMBER_ID_REQUIRED'),
  FENCED_INSTANCE_ID: code('FENCED_INSTANCE_ID'),
  OFFSET_METADATA_TOO_LARGE: code('OFFSET_METADATA_TOO_LARGE'),
  NON_EMPTY_GROUP: code('NON_EMPTY_GROUP'),
  GROUP_ID_NOT_FOUND: code('GROUP_ID_NOT_FOUND'),
  GROUP_SUBSCRIBED_TO_TOPIC: code('GROUP_SUBSCRIBED_TO_TOPIC'),
} as const;

export interface GroupCoordinatorOptions {
  /** group.min.session.timeout.ms */
  minSessionTimeoutMs?: number;
  /** group.max.session.timeout.ms */
  maxSessionTimeoutMs?: number;
  /** group.initial.rebalance.delay.ms (0 unless given; the broker passes its config, default 3000). */
  initialRebalanceDelayMs?: number;
  /** offsets.retention.minutes, in ms (default 7 days). */
  offsetsRetentionMs?: number;
  /** offset.metadata.max.bytes (default 4096). */
  offsetMetadataMaxBytes?: number;
  /** How long a new member's first JoinGroup may wait (Kafka: 5 min). */
  newMemberJoinTimeoutMs?: number;
  /** group.consumer.session.timeout.ms (default 45000). */
  consumerSessionTimeoutMs?: number;
  /** group.consumer.heartbeat.interval.ms (default 5000). */
  consumerHeartbeatIntervalMs?: number;
  /** The broker's topics, which consumer-protocol groups subscribe to (none unless given). */
  topics?: TopicSource;
  clock?: Clock;
  log?: (msg: string) => void;
}

/** What the coordinator needs to know of the topics: ids and partition counts. */
export interface TopicSource {
  get(name: string): { id: Buffer; partitions: number } | undefined;
  byId(id: Buffer): { name: string } | undefined;
  names(): string[];
}

const NO_TOPICS: TopicSource = { get: () => undefined, byId: () => undefined, names: () => [] };

export const EMPTY = Buffer.alloc(0);
const MAX_TIMER_MS = 2_147_483_647; // setTimeout fires at once above this

export function joinError(memberId: string, errorCode: number): JoinGroupResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId, members: [] };
}

export function syncError(errorCode: number): SyncGroupResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY };
}

export class GroupRegistry {
  protected readonly groups = new Map<string, Group>();
  protected readonly clock: Clock;
  protected readonly log: (msg: string) => void;
  protected readonly minSessionTimeoutMs: number;
  protected readonly maxSessionTimeoutMs: number;
  protected readonly initialRebalanceDelayMs: number;
  protected readonly newMemberJoinTimeoutMs: number;
  protected readonly offsetsRetentionMs: number;
  protected readonly offsetMetadataMaxBytes: number;
  protected readonly topics: TopicSource;
  protected readonly consumerOptions: { sessionTimeoutMs: number; heartbeatIntervalMs: number };
  protected closed = false;
  private readonly timers = new Set<Cancel>();

  constructor(
    protected readonly offsets: OffsetStore,
    opts: GroupCoordinatorOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? (() => {});
    this.minSessionTimeoutMs = opts.minSessionTimeoutMs ?? 6000;
    this.maxSessionTimeoutMs = opts.maxSessionTimeoutMs ?? 1_800_000;
    this.initialRebalanceDelayMs = opts.initialRebalanceDelayMs ?? 0;
    this.newMemberJoinTimeoutMs = opts.newMemberJoinTimeoutMs ?? 300_000;
    this.offsetsRetentionMs = opts.offsetsRetentionMs ?? 7 * 24 * 60 * 60 * 1000;
    this.offsetMetadataMaxBytes = opts.offsetMetadataMaxBytes ?? 4096;
    this.topics = opts.topics ?? NO_TOPICS;
    this.consumerOptions = {
      sessionTimeoutMs: opts.consumerSessionTimeoutMs ?? 45_000,
      heartbeatIntervalMs: opts.consumerHeartbeatIntervalMs ?? 5_000,
    };
  }

  /** Whether the id is a group of the consumer protocol (consumerMembership.ts). */
  protected isConsumerGroupId(_groupId: string): boolean {
    return false;
  }

  /** Why a classic JoinGroup may not join this group id (a consumer group's), or NONE. */
  protected classicJoinConflict(_groupId: string): number {
    return E.NONE;
  }

  /** The classic group, or an Empty one for a group the store knows (offsets survive restarts); undefined for a consumer group. */
  protected lookup(groupId: string): Group | undefined {
    if (this.isConsumerGroupId(groupId)) return undefined;
    const known = this.groups.get(groupId);
    if (known) return known;
    const meta = this.offsets.groupMeta(groupId);
    if (meta === undefined && this.offsets.list(groupId).length === 0) return undefined;
    const group = new Group(groupId, this.now());
    group.protocolType = typeof meta?.protocolType === 'string' && meta.protocolType !== '' ? meta.protocolType : null;
    group.emptySince = typeof meta?.emptySince === 'number' ? meta.emptySince : null;
    this.groups.set(groupId, group);
    return group;
  }

  /** Told of a group's state after each rebalance (the broker writes it to __consumer_offsets). */
  onGroupStored: ((groupId: string, value: GroupMetadataValue) => void) | null = null;

  /** Kafka's GroupMetadataValue of the group as it is now: after a rebalance, or empty. */
  protected storeGroupRecord(group: Group): void {
    if (!this.onGroupStored) return;
    const protocol = group.protocolName;
    this.onGroupStored(group.groupId, {
      protocolType: group.protocolType ?? '',
      generation: group.generationId,
      protocol,
      leader: group.leaderId,
      currentStateTimestamp: this.now(),
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeout: m.rebalanceTimeoutMs,
        sessionTimeout: m.sessionTimeoutMs,
        subscription: protocol === null ? Buffer.alloc(0) : m.metadata(protocol),
        assignment: m.assignment,
      })),
    });
  }

  /** Keeps the protocol type (ListGroups after a restart) and when the group became Empty (offset retention). */
  protected persistMeta(group: Group): void {
    if (group.protocolType === null) return;
    const old = this.offsets.groupMeta(group.groupId) ?? {};
    const meta: Record<string, unknown> = { ...old, protocolType: group.protocolType };
    if (group.is('Empty') && group.emptySince !== null) meta.emptySince = group.emptySince;
    else delete meta.emptySince;
    if (old.protocolType === meta.protocolType && old.emptySince === meta.emptySince) return;
    try {
      this.offsets.setGroupMeta(group.groupId, meta);
    } catch (err) {
      this.log(`group ${group.groupId}: storing group metadata failed: ${(err as Error).message}`);
    }
  }

  protected now(): number {
    return this.clock.now();
  }

  /** A tracked one-shot timer; close() cancels whatever is left. */
  protected schedule(ms: number, fn: () => void): Cancel {
    if (this.closed) return () => {};
    let handle: unknown;
    const cancel: Cancel = () => {
      if (this.timers.delete(cancel)) this.clock.clearTimer(handle);
    };
    handle = this.clock.setTimer(
      () => {
        if (!this.timers.delete(cancel)) return;
        try {
          fn();
        } catch (err) {
          this.log(`group coordinator: timer failed: ${(err as Error).stack ?? err}`);
        }
      },
      Math.min(Math.max(0, ms), MAX_TIMER_MS),
    );
    this.timers.add(cancel);
    return cancel;
  }

  /** Pending timers (for tests and status). */
  get timerCount(): number {
    return this.timers.size;
  }

  /** Cancels every timer and answers waiting JoinGroup/SyncGroup calls, so a process can exit. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const cancel of [...this.timers]) cancel();
    for (const group of this.groups.values()) {
      group.joinTimer = group.syncTimer = null;
      for (const m of group.members.values()) {
        m.heartbeatTimer = null;
        const [join, sync] = [m.awaitingJoin, m.awaitingSync];
        m.awaitingJoin = m.awaitingSync = null;
        join?.(joinError(m.memberId, E.COORDINATOR_NOT_AVAILABLE));
        sync?.(syncError(E.COORDINATOR_NOT_AVAILABLE));
      }
    }
  }
}
