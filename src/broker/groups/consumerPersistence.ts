// A consumer-protocol group (KIP-848) as the offset store keeps it across restarts: what
// Kafka's coordinator writes to __consumer_offsets as ConsumerGroup* records (the group epoch;
// the subscribed topics; each member's metadata, target assignment and current assignment with
// its epochs and state; the target assignment's epoch), as one JSON object per group. The
// timers are not part of it: a reloaded group's members get a new session timeout, as after a
// Kafka coordinator failover.

import type { Assignment } from './assignors.js';
import { ConsumerGroup, type ConsumerMember, type SubscribedTopic } from './consumerGroup.js';
import type { MemberState } from './reconcile.js';

type Parts = Record<string, number[]>;

interface StoredMember {
  memberId: string;
  instanceId: string | null;
  rackId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  subscribedTopicNames: string[];
  subscribedTopicRegex: string | null;
  serverAssignor: string | null;
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
      memberId: m.memberId,
      instanceId: m.instanceId,
      rackId: m.rackId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      subscribedTopicNames: [...m.subscribedTopicNames],
      subscribedTopicRegex: m.subscribedTopicRegex,
      serverAssignor: m.serverAssignor,
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
      memberId: m.memberId,
      instanceId: m.instanceId,
      rackId: m.rackId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      subscribedTopicNames: m.subscribedTopicNames,
      subscribedTopicRegex: m.subscribedTopicRegex,
      serverAssignor: m.serverAssignor,
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
