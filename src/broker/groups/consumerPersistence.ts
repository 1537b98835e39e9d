// A consumer-protocol group (KIP-848) as the offset store keeps it across restarts: what
// Kafka's coordinator writes to __consumer_offsets as ConsumerGroup* records (the group epoch;
// the subscribed topics; each member's metadata, target assignment and current assignment with
// its epochs and state; the target assignment's epoch), as one JSON object per group. The
// timers are not part of it: a reloaded group's members get a new session timeout, as after a
// Kafka coordinator failover. consumerGroupRecords() turns a change of it into those records.

import type { Assignment } from './assignors.js';
import { ConsumerGroup, memberMetadata, type ConsumerMember, type ConsumerMemberMetadata, type SubscribedTopic } from './consumerGroup.js';
import type { MemberState } from './reconcile.js';
import type { OffsetStore } from '../log/types.js';
import { type ConsumerGroupRecord, MEMBER_STATE, type TopicIdPartitions } from '../../protocol/consumerOffsets.js';

type Parts = Record<string, number[]>;

interface StoredMember extends ConsumerMemberMetadata {
  memberEpoch: number;
  previousMemberEpoch: number;
  state: MemberState;
  assigned: Parts;
  pendingRevocation: Parts;
  target: Parts;
}

export interface StoredConsumerGroup {
  /** distinguishes it from what a later kt may store */
  v: 1;
  groupEpoch: number;
  assignmentEpoch: number;
  assignorName: string;
  subscribed: SubscribedTopic[];
  members: StoredMember[];
}

const toParts = (a: Assignment | undefined): Parts => {
  const out: Parts = {};
  for (const [topicId, s] of a ?? []) if (s.size > 0) out[topicId] = [...s].sort((x, y) => x - y);
  return out;
};

const fromParts = (p: Parts | undefined): Assignment => new Map(Object.entries(p ?? {}).map(([topicId, parts]) => [topicId, new Set(parts)]));

export function storeConsumerGroup(group: ConsumerGroup): StoredConsumerGroup {
  return {
    v: 1,
    groupEpoch: group.groupEpoch,
    assignmentEpoch: group.assignmentEpoch,
    assignorName: group.assignorName,
    subscribed: [...group.subscribed.values()].map((t) => ({ id: t.id, name: t.name, partitions: t.partitions })),
    members: [...group.members.values()].map((m) => ({
      ...memberMetadata(m),
      memberEpoch: m.memberEpoch,
      previousMemberEpoch: m.previousMemberEpoch,
      state: m.state,
      assigned: toParts(m.assigned),
      pendingRevocation: toParts(m.pendingRevocation),
      target: toParts(group.target.get(m.memberId)),
    })),
  };
}

/** The group back from its stored form; throws on a shape this version does not know. */
export function loadConsumerGroup(groupId: string, raw: Record<string, unknown>): ConsumerGroup {
  const s = raw as unknown as StoredConsumerGroup;
  if (s.v !== 1 || !Array.isArray(s.members) || !Array.isArray(s.subscribed)) throw new Error('unknown stored consumer group format');
  const group = new ConsumerGroup(groupId);
  group.groupEpoch = s.groupEpoch;
  group.assignmentEpoch = s.assignmentEpoch;
  group.assignorName = s.assignorName;
  group.subscribed = new Map(s.subscribed.map((t) => [t.name, { id: t.id, name: t.name, partitions: t.partitions }]));
  for (const m of s.members) {
    const member: ConsumerMember = {
      ...memberMetadata(m),
      memberEpoch: m.memberEpoch,
      previousMemberEpoch: m.previousMemberEpoch,
      state: m.state,
      assigned: fromParts(m.assigned),
      pendingRevocation: fromParts(m.pendingRevocation),
      sessionTimer: null,
      rebalanceTimer: null,
    };
    group.updateMember(member);
    group.target.set(m.memberId, fromParts(m.target));
  }
  return group;
}

/** The consumer groups in the offset store: loaded, and stored again whenever they change. */
export class ConsumerGroupStore {
  /** groupId -> the state last stored (JSON), so an unchanged heartbeat writes nothing */
  private readonly stored = new Map<string, string>();

  constructor(
    private readonly offsets: OffsetStore,
    private readonly log: (msg: string) => void,
  ) {}

  /** The stored groups (one that cannot be read is logged and skipped). */
  load(): ConsumerGroup[] {
    const out: ConsumerGroup[] = [];
    for (const groupId of this.offsets.consumerGroupIds?.() ?? []) {
      const raw = this.offsets.consumerGroupState?.(groupId);
      if (!raw) continue;
      try {
        const group = loadConsumerGroup(groupId, raw);
        this.stored.set(groupId, JSON.stringify(storeConsumerGroup(group)));
        out.push(group);
        this.log(`group ${groupId}: consumer group reloaded (epoch ${group.groupEpoch}, ${group.members.size} member(s))`);
      } catch (err) {
        this.log(`group ${groupId}: cannot reload the stored consumer group (${(err as Error).message}); skipped`);
      }
    }
    return out;
  }

  /**
   * Stores the group when it changed (undefined: it is no longer a consumer group). A failed
   * write is logged and returns false; the next save tries again.
   */
  save(groupId: string, group: ConsumerGroup | undefined): boolean {
    if (!this.offsets.setConsumerGroupState) return true;
    const state = group && storeConsumerGroup(group);
    const json = state && JSON.stringify(state);
    if (json === this.stored.get(groupId)) return true;
    try {
      this.offsets.setConsumerGroupState(groupId, state as unknown as Record<string, unknown> | undefined);
    } catch (err) {
      this.log(`group ${groupId}: storing the consumer group failed: ${(err as Error).message}`);
      return false;
    }
    if (json === undefined) this.stored.delete(groupId);
    else this.stored.set(groupId, json);
    return true;
  }

  /** The group was deleted from the store with its offsets. */
  forget(groupId: string): void {
    this.stored.delete(groupId);
  }
}

const toTopicIdPartitions = (p: Parts): TopicIdPartitions[] =>
  Object.entries(p).map(([topicId, partitions]) => ({ topicId: Buffer.from(topicId, 'hex'), partitions }));

function memberRecords(group: string, m: StoredMember): ConsumerGroupRecord[] {
  return [
    {
      type: 'member',
      group,
      member: m.memberId,
      value: {
        instanceId: m.instanceId,
        rackId: m.rackId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        subscribedTopicNames: m.subscribedTopicNames,
        subscribedTopicRegex: m.subscribedTopicRegex,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs,
        serverAssignor: m.serverAssignor,
      },
    },
    { type: 'targetMember', group, member: m.memberId, value: { topicPartitions: toTopicIdPartitions(m.target) } },
    {
      type: 'currentAssignment',
      group,
      member: m.memberId,
      value: {
        memberEpoch: m.memberEpoch,
        previousMemberEpoch: m.previousMemberEpoch,
        state: MEMBER_STATE[m.state],
        assignedPartitions: toTopicIdPartitions(m.assigned),
        partitionsPendingRevocation: toTopicIdPartitions(m.pendingRevocation),
      },
    },
  ];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The __consumer_offsets records of a change from `before` to `after` (undefined: no such
 * group), in the order Kafka writes them: a member's subscription, the group epoch, the
 * target assignment (members, then its epoch), the current assignments; for a member that
 * left, tombstones of its current assignment, target and subscription; for a group that is
 * gone, the tombstones of the target's and the group's metadata last.
 */
export function consumerGroupRecords(groupId: string, before: StoredConsumerGroup | undefined, after: StoredConsumerGroup | undefined): ConsumerGroupRecord[] {
  const old = new Map((before?.members ?? []).map((m) => [m.memberId, memberRecords(groupId, m)]));
  const now = new Map((after?.members ?? []).map((m) => [m.memberId, memberRecords(groupId, m)]));
  const changed = (id: string, i: number) => !same(old.get(id)?.[i], now.get(id)![i]);
  const out: ConsumerGroupRecord[] = [];
  for (const id of now.keys()) if (changed(id, 0)) out.push(now.get(id)![0]);
  for (const id of old.keys()) {
    if (now.has(id)) continue;
    out.push({ type: 'currentAssignment', group: groupId, member: id, value: null });
    out.push({ type: 'targetMember', group: groupId, member: id, value: null });
    out.push({ type: 'member', group: groupId, member: id, value: null });
  }
  if (after && after.groupEpoch !== before?.groupEpoch) out.push({ type: 'metadata', group: groupId, value: { epoch: after.groupEpoch } });
  for (const id of now.keys()) if (changed(id, 1)) out.push(now.get(id)![1]);
  if (after && after.assignmentEpoch !== before?.assignmentEpoch) out.push({ type: 'targetMetadata', group: groupId, value: { assignmentEpoch: after.assignmentEpoch } });
  for (const id of now.keys()) if (changed(id, 2)) out.push(now.get(id)![2]);
  if (!after && before) {
    out.push({ type: 'targetMetadata', group: groupId, value: null });
    out.push({ type: 'metadata', group: groupId, value: null });
  }
  return out;
}
