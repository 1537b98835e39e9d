// Server-side assignors of the consumer group protocol (KIP-848): "uniform" (Kafka's default)
// and "range". Pure functions from the members' subscriptions, the subscribed topics and the
// previous target assignment to the next target assignment.
//
// uniform: every partition goes to one member subscribed to its topic, the counts as even as
// the subscriptions allow, and a partition stays where the previous target put it unless
// moving it evens the counts (sticky). range: per topic, the subscribed members sorted by id
// each take a contiguous range, the first (partitions % members) one more.

import { rangeSplit } from '../../protocol/rangeSplit.js';

/** topic id (hex) -> partitions */
export type Assignment = Map<string, Set<number>>;

export interface AssignorTopic {
  id: string;
  name: string;
  partitions: number;
}

export interface AssignorMember {
  memberId: string;
  /** Ids of the topics the member subscribes to (names and regex resolved). */
  topics: Set<string>;
}

export interface Assignor {
  name: string;
  assign(members: AssignorMember[], topics: Map<string, AssignorTopic>, previous: Map<string, Assignment>): Map<string, Assignment>;
}

export const DEFAULT_ASSIGNOR = 'uniform';

const key = (topicId: string, p: number) => `${topicId}:${p}`;

function toAssignments(members: AssignorMember[], owner: Map<string, string>): Map<string, Assignment> {
  const out = new Map<string, Assignment>(members.map((m) => [m.memberId, new Map()]));
  for (const [k, memberId] of owner) {
    const i = k.lastIndexOf(':');
    const topicId = k.slice(0, i);
    const a = out.get(memberId) as Assignment;
    let set = a.get(topicId);
    if (!set) a.set(topicId, (set = new Set()));
    set.add(Number(k.slice(i + 1)));
  }
  return out;
}

export const uniformAssignor: Assignor = {
  name: 'uniform',
  assign(members, topics, previous) {
    const sorted = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
    const count = new Map(sorted.map((m) => [m.memberId, 0]));
    const owner = new Map<string, string>();
    const eligible = (topicId: string) => sorted.filter((m) => m.topics.has(topicId));
    // 1. keep what the previous target gave, where still valid
    for (const m of sorted) {
      for (const [topicId, parts] of previous.get(m.memberId) ?? []) {
        const t = topics.get(topicId);
        if (!t || !m.topics.has(topicId)) continue;
        for (const p of parts) {
          if (p >= t.partitions || owner.has(key(topicId, p))) continue;
          owner.set(key(topicId, p), m.memberId);
          count.set(m.memberId, (count.get(m.memberId) ?? 0) + 1);
        }
      }
    }
    // 2. each free partition to the least-loaded member subscribed to its topic
    const leastLoaded = (cands: AssignorMember[]) => {
      let best: AssignorMember | undefined;
      for (const c of cands) if (!best || (count.get(c.memberId) as number) < (count.get(best.memberId) as number)) best = c;
      return best;
    };
    const topicIds = [...topics.keys()].sort();
    for (const topicId of topicIds) {
      const cands = eligible(topicId);
      if (cands.length === 0) continue;
      const t = topics.get(topicId) as AssignorTopic;
      for (let p = 0; p < t.partitions; p++) {
        if (owner.has(key(topicId, p))) continue;
        const m = leastLoaded(cands) as AssignorMember;
        owner.set(key(topicId, p), m.memberId);
        count.set(m.memberId, (count.get(m.memberId) as number) + 1);
      }
    }
    // 3. even out: the most-loaded member gives a partition to a subscribed member with two
    // fewer, one move at a time (each lowers the sum of squared counts, so this ends; taking
    // from the most loaded first leaves the others' partitions where they are)
    const cands = new Map(topicIds.map((id) => [id, eligible(id)]));
    const byOwner = (memberId: string) => [...owner].filter(([, o]) => o === memberId).map(([k]) => k);
    const move = (): boolean => {
      const donors = [...sorted].sort((a, b) => (count.get(b.memberId) as number) - (count.get(a.memberId) as number));
      for (const d of donors) {
        for (const k of byOwner(d.memberId)) {
          const to = leastLoaded(cands.get(k.slice(0, k.lastIndexOf(':'))) ?? []);
          if (to && (count.get(d.memberId) as number) > (count.get(to.memberId) as number) + 1) {
            owner.set(k, to.memberId);
            count.set(d.memberId, (count.get(d.memberId) as number) - 1);
            count.set(to.memberId, (count.get(to.memberId) as number) + 1);
            return true;
          }
        }
      }
      return false;
    };
    while (move());
    return toAssignments(sorted, owner);
  },
};

export const rangeAssignor: Assignor = {
  name: 'range',
  assign(members, topics) {
    const owner = new Map<string, string>();
    for (const [topicId, t] of topics) {
      const subs = members.filter((m) => m.topics.has(topicId)).map((m) => m.memberId).sort();
      if (subs.length === 0) continue;
      const runs = rangeSplit(t.partitions, subs.length);
      subs.forEach((memberId, i) => {
        for (let p = runs[i].start; p < runs[i].start + runs[i].count; p++) owner.set(key(topicId, p), memberId);
      });
    }
    return toAssignments(members, owner);
  },
};

export const ASSIGNORS: ReadonlyMap<string, Assignor> = new Map([uniformAssignor, rangeAssignor].map((a) => [a.name, a]));
