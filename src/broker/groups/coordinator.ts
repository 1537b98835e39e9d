// The group coordinator handlers call: membership (membership.ts) plus committed offsets
// (OffsetCommit / OffsetFetch / OffsetDelete, kept durable by the OffsetStore), offset
// retention, and the admin views (ListGroups, DescribeGroups, DeleteGroups).
//
// Transactional offset commits (TxnOffsetCommit) are pending per (group, producer id) until
// the transaction ends: the transaction coordinator (txn/coordinator.ts), which keeps them
// durable in its own state, calls completeTxnOffsets() to commit or discard them. Until then
// OffsetFetch shows the last committed offsets, or UNSTABLE_OFFSET_COMMIT with requireStable.

import type { CommittedOffset, OffsetCommitEntry } from '../log/types.js';
import type { ConsumerGroup } from './consumerGroup.js';
import type { Group } from './group.js';
import { code } from '../../protocol/errors.js';
import { E } from './base.js';
import { ConsumerMembership } from './consumerMembership.js';
import type {
  GroupDescription,
  GroupOverview,
  OffsetCommitRequest,
  OffsetCommitResult,
  OffsetDeleteResult,
  OffsetFetchPartition,
  OffsetFetchResult,
} from './types.js';

export type { GroupCoordinatorOptions } from './base.js';
export type * from './types.js';
export type { Clock } from './clock.js';

type StoredOffset = CommittedOffset & { topic: string; partition: number };

const partitionKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class GroupCoordinator extends ConsumerMembership {
  /** group -> producer id -> topic/partition -> offset committed in that producer's open transaction */
  private readonly pendingTxnOffsets = new Map<string, Map<number, Map<string, OffsetCommitEntry>>>();

  // ---- TxnOffsetCommit ----

  /**
   * The member check of a TxnOffsetCommit (v3+ carries the consumer's generation and member
   * id, KIP-447). Without member information there is no check, as in Kafka: v0-2 clients
   * commit for a group whatever its state.
   */
  validateTxnOffsetCommit(groupId: string, generationId: number, memberId: string, groupInstanceId: string | null): number {
    if (generationId < 0 && memberId === '' && groupInstanceId === null) return E.NONE;
    const group = this.lookup(groupId);
    if (!group) return generationId >= 0 ? E.ILLEGAL_GENERATION : E.UNKNOWN_MEMBER_ID;
    if (group.is('Dead')) return E.COORDINATOR_NOT_AVAILABLE;
    const error = this.validateMember(group, memberId, groupInstanceId);
    if (error !== E.NONE) return error;
    return generationId === group.generationId ? E.NONE : E.ILLEGAL_GENERATION;
  }

  /** Why an offset's metadata cannot be stored, or NONE (offset.metadata.max.bytes). */
  offsetMetadataError(metadata: string | null): number {
    return (metadata ?? '').length > this.offsetMetadataMaxBytes ? E.OFFSET_METADATA_TOO_LARGE : E.NONE;
  }

  /** Offsets committed inside a transaction: pending until completeTxnOffsets(). */
  addPendingTxnOffsets(groupId: string, producerId: number, entries: OffsetCommitEntry[]): void {
    let byProducer = this.pendingTxnOffsets.get(groupId);
    if (!byProducer) this.pendingTxnOffsets.set(groupId, (byProducer = new Map()));
    let pending = byProducer.get(producerId);
    if (!pending) byProducer.set(producerId, (pending = new Map()));
    for (const e of entries) pending.set(partitionKey(e.topic, e.partition), { ...e, metadata: e.metadata ?? '' });
  }

  /**
   * The transaction of `producerId` ended: its offsets for the group become the committed
   * ones (durable before this returns), or are dropped. Throws when the store fails (the
   * transaction coordinator then retries); the pending offsets stay until it succeeds.
   */
  completeTxnOffsets(groupId: string, producerId: number, commit: boolean): void {
    const byProducer = this.pendingTxnOffsets.get(groupId);
    const pending = byProducer?.get(producerId);
    if (commit && pending && pending.size > 0) this.offsets.commit(groupId, [...pending.values()], this.now());
    byProducer?.delete(producerId);
    if (byProducer?.size === 0) this.pendingTxnOffsets.delete(groupId);
  }

  /** Whether an open transaction has committed an offset for this partition (requireStable). */
  hasPendingTxnOffset(groupId: string, topic: string, partition: number): boolean {
    const byProducer = this.pendingTxnOffsets.get(groupId);
    if (!byProducer) return false;
    const key = partitionKey(topic, partition);
    for (const pending of byProducer.values()) if (pending.has(key)) return true;
    return false;
  }

  // ---- OffsetCommit / OffsetFetch ----

  commitOffsets(req: OffsetCommitRequest): OffsetCommitResult {
    const all = (errorCode: number): OffsetCommitResult => ({
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })),
      })),
    });
    const consumerGroup = this.consumerGroup(req.groupId);
    if (consumerGroup) {
      // A consumer-protocol group: the member's epoch must be its current one (KIP-848).
      const error = this.validateConsumerCommit(consumerGroup, req.memberId, req.generationId, req.version ?? 9);
      return error === E.NONE ? this.storeOffsets(req) : all(error);
    }
    const group = this.lookup(req.groupId);
    if (!group) {
      // No group yet: only a client outside group management may commit (Kafka then creates
      // the group Empty; here the store alone remembers it).
      // v9+ names the reason (KIP-848); older versions keep ILLEGAL_GENERATION
      // Generation -1 is a commit from outside group management whatever the member id says
      // (Kafka 4.x accepts it too).
      if (req.generationId >= 0) return all((req.version ?? 0) >= 9 ? E.GROUP_ID_NOT_FOUND : E.ILLEGAL_GENERATION);
      return this.storeOffsets(req);
    }
    const error = this.validateCommit(group, req);
    if (error !== E.NONE) return all(error);
    // The member has the new generation but not its assignment yet: committing now would be
    // for partitions it may lose; REBALANCE_IN_PROGRESS makes it finish the rebalance first.
    if (group.is('CompletingRebalance')) return all(E.REBALANCE_IN_PROGRESS);
    // PreparingRebalance still accepts commits: the member learns of the rebalance from its heartbeat.
    const member = group.get(req.memberId);
    if (member) this.scheduleHeartbeat(group, member);
    return this.storeOffsets(req);
  }

  private validateCommit(group: Group, req: OffsetCommitRequest): number {
    if (group.is('Dead')) return E.COORDINATOR_NOT_AVAILABLE;
    // Kafka's ClassicGroup.validateOffsetCommit: generation -1 commits to an Empty group
    if (req.generationId < 0 && group.is('Empty')) return E.NONE;
    if (req.generationId >= 0 || req.memberId !== '' || req.groupInstanceId !== null) {
      const error = this.validateMember(group, req.memberId, req.groupInstanceId);
      if (error !== E.NONE) return error;
      return req.generationId === group.generationId ? E.NONE : E.ILLEGAL_GENERATION;
    }
    // A "simple" commit (no member, generation -1) is only for groups nobody is a member of.
    return group.is('Empty') ? E.NONE : E.UNKNOWN_MEMBER_ID;
  }

  private storeOffsets(req: OffsetCommitRequest): OffsetCommitResult {
    const entries: OffsetCommitEntry[] = [];
    const stored: { errorCode: number }[] = [];
    const result: OffsetCommitResult = {
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          // Kafka stores a null metadata as "".
          const metadata = p.committedMetadata ?? '';
          if (metadata.length > this.offsetMetadataMaxBytes) {
            return { partitionIndex: p.partitionIndex, errorCode: E.OFFSET_METADATA_TOO_LARGE };
          }
          entries.push({
            topic: t.name,
            partition: p.partitionIndex,
            offset: p.committedOffset,
            leaderEpoch: p.committedLeaderEpoch,
            metadata,
          });
          const r = { partitionIndex: p.partitionIndex, errorCode: E.NONE };
          stored.push(r);
          return r;
        }),
      })),
    };
    if (entries.length > 0) {
      try {
        this.offsets.commit(req.groupId, entries, this.now());
      } catch (err) {
        // Retriable for the client; the reason goes to the broker log.
        this.log(`group ${req.groupId}: storing offsets failed: ${(err as Error).message}`);
        for (const r of stored) r.errorCode = E.COORDINATOR_NOT_AVAILABLE;
      }
    }
    return result;
  }

  /**
   * Committed offsets, whatever the group's state (it may use Kafka only for offset storage).
   * With `requireStable` (OffsetFetch v7+, KIP-447) a partition with a transactional commit
   * still pending answers UNSTABLE_OFFSET_COMMIT, which the client retries.
   */
  fetchOffsets(groupId: string, topics: { name: string; partitionIndexes: number[] }[] | null, requireStable = false): OffsetFetchResult {
    if (requireStable && this.pendingTxnOffsets.has(groupId)) {
      const r = this.fetchOffsets(groupId, topics);
      for (const t of r.topics) {
        for (const p of t.partitions) {
          if (this.hasPendingTxnOffset(groupId, t.name, p.partitionIndex)) {
            Object.assign(p, { committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: code('UNSTABLE_OFFSET_COMMIT') });
          }
        }
      }
      return r;
    }
    if (topics === null) {
      const byTopic = new Map<string, OffsetFetchPartition[]>();
      for (const o of this.offsets.list(groupId)) {
        let list = byTopic.get(o.topic);
        if (!list) byTopic.set(o.topic, (list = []));
        list.push(fetched(o.partition, o));
      }
      return {
        errorCode: E.NONE,
        topics: [...byTopic].map(([name, partitions]) => ({
          name,
          partitions: partitions.sort((a, b) => a.partitionIndex - b.partitionIndex),
        })),
      };
    }
    return {
      errorCode: E.NONE,
      topics: topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((p) => fetched(p, this.offsets.get(groupId, t.name, p))),
      })),
    };
  }

  // ---- OffsetDelete and retention ----

  deleteOffsets(groupId: string, topics: { name: string; partitionIndexes: number[] }[]): OffsetDeleteResult {
    const consumerGroup = this.consumerGroup(groupId);
    if (consumerGroup) return this.deleteConsumerGroupOffsets(groupId, topics, new Set(consumerGroup.subscribed.keys()));
    const group = this.lookup(groupId);
    if (!group || group.is('Dead')) return { errorCode: E.GROUP_ID_NOT_FOUND, topics: [] };
    let subscribed: Set<string> | null = new Set();
    if (!group.is('Empty')) {
      if (group.protocolType !== 'consumer') return { errorCode: E.NON_EMPTY_GROUP, topics: [] };
      // null: a subscription could not be read, so every topic counts as consumed (as Kafka).
      subscribed = group.subscribedTopics();
    }
    const result = this.deleteConsumerGroupOffsets(groupId, topics, subscribed).topics;
    this.maybeDropEmptyGroup(group);
    return { errorCode: E.NONE, topics: result };
  }

  /** Deletes the offsets of topics the group does not consume (null: it may consume any). */
  private deleteConsumerGroupOffsets(groupId: string, topics: { name: string; partitionIndexes: number[] }[], subscribed: Set<string> | null): OffsetDeleteResult {
    const result = topics.map((t) => {
      const consumed = subscribed === null || subscribed.has(t.name);
      return {
        name: t.name,
        partitions: t.partitionIndexes.map((p) => {
          if (consumed) return { partitionIndex: p, errorCode: E.GROUP_SUBSCRIBED_TO_TOPIC };
          try {
            this.offsets.deleteOffsets(groupId, t.name, p);
          } catch (err) {
            this.log(`group ${groupId}: deleting offsets failed: ${(err as Error).message}`);
            return { partitionIndex: p, errorCode: E.COORDINATOR_NOT_AVAILABLE };
          }
          return { partitionIndex: p, errorCode: E.NONE };
        }),
      };
    });
    return { errorCode: E.NONE, topics: result };
  }

  /**
   * offsets.retention.minutes (KIP-211): a group's offsets expire once it has been Empty for the
   * retention period; a simple (memberless) group's per commit; a Stable consumer group's only
   * for topics it no longer subscribes to. Empty groups left without offsets are removed.
   * The broker calls this periodically; returns how many offsets expired.
   */
  expireOffsets(now: number = this.now()): number {
    let expired = 0;
    for (const id of new Set([...this.groups.keys(), ...this.offsets.groups()])) {
      const group = this.lookup(id);
      if (!group) continue;
      const since = this.retentionStart(group);
      if (since) {
        for (const o of this.offsets.list(id)) {
          const start = since(o);
          if (start !== null && now - start >= this.offsetsRetentionMs) {
            this.offsets.deleteOffsets(id, o.topic, o.partition);
            expired++;
          }
        }
      }
      this.maybeDropEmptyGroup(group);
    }
    for (const group of [...this.consumerGroups.values()]) expired += this.expireConsumerGroup(group, now);
    if (expired > 0) this.log(`group coordinator: expired ${expired} committed offset(s)`);
    return expired;
  }

  /**
   * A consumer-protocol group's offsets expire by their commit time, except for the topics it
   * subscribes to; an Empty one left without offsets is deleted (its stored state tombstoned),
   * as Kafka's cleanup does. Returns how many offsets expired.
   */
  private expireConsumerGroup(group: ConsumerGroup, now: number): number {
    let expired = 0;
    const subscribed = new Set(group.members.size === 0 ? [] : group.subscribed.keys());
    for (const o of this.offsets.list(group.groupId)) {
      if (subscribed.has(o.topic) || now - o.commitTimestamp < this.offsetsRetentionMs) continue;
      this.offsets.deleteOffsets(group.groupId, o.topic, o.partition);
      expired++;
    }
    if (group.members.size === 0 && this.offsets.list(group.groupId).length === 0) {
      try {
        this.offsets.deleteGroup(group.groupId);
      } catch (err) {
        this.log(`group ${group.groupId}: deleting the empty consumer group failed: ${(err as Error).message}`);
        return expired;
      }
      this.forgetConsumerGroup(group.groupId);
      this.log(`group ${group.groupId}: empty consumer group without offsets removed`);
    }
    return expired;
  }

  private retentionStart(group: Group): ((o: StoredOffset) => number | null) | null {
    if (group.protocolType === null) return (o) => o.commitTimestamp;
    if (group.is('Empty')) {
      const emptySince = group.emptySince;
      return (o) => emptySince ?? o.commitTimestamp;
    }
    if (group.protocolType === 'consumer' && group.is('Stable')) {
      const topics = group.subscribedTopics();
      if (topics) return (o) => (topics.has(o.topic) ? null : o.commitTimestamp);
    }
    return null;
  }

  /** Kafka turns an Empty group without offsets Dead and forgets it. */
  private maybeDropEmptyGroup(group: Group): void {
    if (group.is('Empty') && group.pendingMembers.size === 0 && this.offsets.list(group.groupId).length === 0) {
      this.dropGroup(group);
    }
  }

  /** Forgets the group and its stored offsets; false when the store could not delete them. */
  private dropGroup(group: Group): boolean {
    group.transitionTo('Dead', this.now());
    for (const cancel of group.pendingMembers.values()) cancel();
    group.pendingMembers.clear();
    group.joinTimer?.();
    group.joinTimer = null;
    this.cancelSyncExpiration(group);
    this.groups.delete(group.groupId);
    try {
      this.offsets.deleteGroup(group.groupId);
    } catch (err) {
      // The store still knows the group: it is Empty again at its next lookup.
      this.log(`group ${group.groupId}: deleting the stored group failed: ${(err as Error).message}`);
      return false;
    }
    return true;
  }

  // ---- Admin views ----

  /**
   * Groups in memory plus those only the store knows (Empty after a restart). `states`
   * (ListGroups v4+) and `types` (v5+) filter case-insensitively; empty = all. Groups of the
   * consumer protocol have type "consumer" (protocol type "consumer", as Kafka lists them).
   */
  listGroups(states?: string[], types?: string[]): GroupOverview[] {
    const out: GroupOverview[] = [];
    for (const g of this.groups.values()) {
      if (!g.is('Dead')) out.push({ groupId: g.groupId, protocolType: g.protocolType ?? '', groupState: g.state, groupType: 'classic' });
    }
    for (const g of this.consumerGroups.values()) {
      out.push({ groupId: g.groupId, protocolType: 'consumer', groupState: g.state, groupType: 'consumer' });
    }
    for (const id of this.offsets.groups()) {
      if (this.groups.has(id) || this.consumerGroups.has(id)) continue;
      const type = this.offsets.groupMeta(id)?.protocolType;
      out.push({ groupId: id, protocolType: typeof type === 'string' ? type : '', groupState: 'Empty', groupType: 'classic' });
    }
    const wantedStates = states && states.length > 0 ? new Set(states.map((s) => s.toLowerCase())) : null;
    const wantedTypes = types && types.length > 0 ? new Set(types.map((t) => t.toLowerCase())) : null;
    return out.filter((g) => (!wantedStates || wantedStates.has(g.groupState.toLowerCase())) && (!wantedTypes || wantedTypes.has(g.groupType)));
  }

  /**
   * Unknown groups are reported Dead with no error, as Kafka does; from DescribeGroups v6
   * (KIP-1043) with GROUP_ID_NOT_FOUND and Kafka's message.
   */
  describeGroups(groupIds: string[], version = 0): GroupDescription[] {
    return groupIds.map((groupId) => {
      const consumerGroup = this.consumerGroup(groupId);
      if (consumerGroup) return this.describeAsClassic(consumerGroup, version);
      const group = this.lookup(groupId);
      if (group && !group.is('Dead')) return { ...group.describe(), errorMessage: null };
      const notFound = version >= 6;
      return {
        errorCode: notFound ? E.GROUP_ID_NOT_FOUND : E.NONE,
        errorMessage: notFound ? `Group ${groupId} not found.` : null,
        groupId,
        groupState: 'Dead',
        protocolType: '',
        protocolData: '',
        members: [],
      };
    });
  }

  /** DescribeGroups (the classic API) on a consumer group: from v6 not found, as Kafka 4.x answers. */
  private describeAsClassic(group: ConsumerGroup, version: number): GroupDescription {
    const v6 = version >= 6;
    return {
      errorCode: v6 ? E.GROUP_ID_NOT_FOUND : E.NONE,
      errorMessage: v6 ? `Group ${group.groupId} is not a classic group.` : null,
      groupId: group.groupId,
      groupState: 'Dead',
      protocolType: '',
      protocolData: '',
      members: [],
    };
  }

  /** Deletes Empty groups with their committed offsets. */
  deleteGroups(groupIds: string[]): { groupId: string; errorCode: number }[] {
    return groupIds.map((groupId) => {
      const consumerGroup = this.consumerGroup(groupId);
      if (consumerGroup) {
        if (consumerGroup.members.size > 0) return { groupId, errorCode: E.NON_EMPTY_GROUP };
        try {
          this.offsets.deleteGroup(groupId); // its offsets and its stored state, tombstoned
        } catch (err) {
          this.log(`group ${groupId}: deleting the stored group failed: ${(err as Error).message}`);
          return { groupId, errorCode: E.COORDINATOR_NOT_AVAILABLE };
        }
        this.forgetConsumerGroup(groupId);
        this.log(`group ${groupId}: deleted`);
        return { groupId, errorCode: E.NONE };
      }
      const group = this.lookup(groupId);
      if (!group || group.is('Dead')) return { groupId, errorCode: E.GROUP_ID_NOT_FOUND };
      if (!group.is('Empty')) return { groupId, errorCode: E.NON_EMPTY_GROUP };
      if (!this.dropGroup(group)) return { groupId, errorCode: E.COORDINATOR_NOT_AVAILABLE };
      this.log(`group ${groupId}: deleted`);
      return { groupId, errorCode: E.NONE };
    });
  }
}

function fetched(partitionIndex: number, o: CommittedOffset | undefined): OffsetFetchPartition {
  if (!o) return { partitionIndex, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: E.NONE };
  return {
    partitionIndex,
    committedOffset: o.offset,
    committedLeaderEpoch: o.leaderEpoch,
    metadata: o.metadata ?? '',
    errorCode: E.NONE,
  };
}
