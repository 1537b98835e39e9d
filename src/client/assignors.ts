// The partition assignors a kt group member offers (the leader of a generation runs the one
// the coordinator chose), with the semantics of Java's assignors of the same names so that
// Java and librdkafka members of a mixed group get the assignment they would compute:
//
// * "range" (Java's RangeAssignor, first in Java's default list): per topic, the members
//   subscribed to it in member order; partitions split into contiguous ranges, the first
//   `partitions % members` members one partition more.
// * "roundrobin" (Java's RoundRobinAssignor): every subscribed partition, topics in name
//   order, dealt in turn to the members in member order, skipping members not subscribed to
//   the partition's topic.
// * "RoundRobinAssigner": the name kafkajs (and so kt before its own member) offers for the
//   same round-robin deal; kept so a group with kafkajs members still finds a common protocol.
//
// Member order is Java's: by group.instance.id when both have one, else by member id.

import type { TopicPartitions } from '../protocol/apis/consumerProtocol.js';
import { rangeSplit } from '../protocol/rangeSplit.js';

export interface AssignorMember {
  memberId: string;
  groupInstanceId: string | null;
  topics: string[];
}

/** The partitions of each topic (the leader's metadata). */
export type PartitionCounts = ReadonlyMap<string, number>;

export type Assignor = (members: AssignorMember[], partitions: PartitionCounts) => Map<string, TopicPartitions[]>;

function compareMembers(a: AssignorMember, b: AssignorMember): number {
  if (a.groupInstanceId !== null && b.groupInstanceId !== null && a.groupInstanceId !== b.groupInstanceId) return a.groupInstanceId < b.groupInstanceId ? -1 : 1;
  return a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0;
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** member id → topic → partitions, as the ConsumerProtocolAssignment's list (topics sorted). */
function collect(members: AssignorMember[], owned: Map<string, Map<string, number[]>>): Map<string, TopicPartitions[]> {
  const out = new Map<string, TopicPartitions[]>();
  for (const m of members) {
    const byTopic = owned.get(m.memberId) ?? new Map<string, number[]>();
    out.set(
      m.memberId,
      [...byTopic.entries()].sort(([a], [b]) => byName(a, b)).map(([topic, partitions]) => ({ topic, partitions })),
    );
  }
  return out;
}

function give(owned: Map<string, Map<string, number[]>>, memberId: string, topic: string, partition: number): void {
  let t = owned.get(memberId);
  if (!t) owned.set(memberId, (t = new Map()));
  let ps = t.get(topic);
  if (!ps) t.set(topic, (ps = []));
  ps.push(partition);
}

export const rangeAssignor: Assignor = (members, partitions) => {
  const owned = new Map<string, Map<string, number[]>>();
  const topics = [...new Set(members.flatMap((m) => m.topics))].sort(byName);
  for (const topic of topics) {
    const n = partitions.get(topic);
    if (!n) continue;
    const subscribed = members.filter((m) => m.topics.includes(topic)).sort(compareMembers);
    const runs = rangeSplit(n, subscribed.length);
    subscribed.forEach((m, i) => {
      for (let p = runs[i].start; p < runs[i].start + runs[i].count; p++) give(owned, m.memberId, topic, p);
    });
  }
  return collect(members, owned);
};

export const roundRobinAssignor: Assignor = (members, partitions) => {
  const owned = new Map<string, Map<string, number[]>>();
  const sorted = [...members].sort(compareMembers);
  const topics = [...new Set(members.flatMap((m) => m.topics))].sort(byName);
  let next = 0;
  for (const topic of topics) {
    const n = partitions.get(topic) ?? 0;
    for (let p = 0; p < n; p++) {
      // the next member (circularly) subscribed to this topic
      for (let tried = 0; tried < sorted.length; tried++) {
        const m = sorted[next % sorted.length];
        next++;
        if (m.topics.includes(topic)) {
          give(owned, m.memberId, topic, p);
          break;
        }
      }
    }
  }
  return collect(members, owned);
};

/** The protocols a kt member offers, in its order of preference (Java's default list starts with "range"). */
export const ASSIGNORS: ReadonlyArray<[name: string, assignor: Assignor]> = [
  ['range', rangeAssignor],
  ['roundrobin', roundRobinAssignor],
  ['RoundRobinAssigner', roundRobinAssignor],
];
