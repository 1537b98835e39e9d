// Reconciliation of one consumer-protocol member towards its target assignment (Kafka's
// CurrentAssignmentBuilder, KIP-848). A member first gives up the partitions the target took
// from it (it stays at its epoch, "unrevoked", until a heartbeat no longer lists them as
// owned); only then does it move to the target epoch and receive new partitions, and only
// those no other member still holds ("unreleased" until they are freed). So no partition is
// ever held by two members.

import type { Assignment } from './assignors.js';

export type MemberState = 'stable' | 'unrevoked_partitions' | 'unreleased_partitions';

export interface MemberAssignmentState {
  memberEpoch: number;
  previousMemberEpoch: number;
  state: MemberState;
  assigned: Assignment;
  pendingRevocation: Assignment;
}

/** The partitions a heartbeat says the member owns (null: not sent, nothing known). */
export type Owned = Assignment | null;

/** Epoch of the member holding a partition (assigned or pending revocation), -1 when free. */
export type PartitionEpoch = (topicId: string, partition: number) => number;

function ownsAny(owned: Owned, partitions: Assignment): boolean {
  if (owned === null) return true;
  for (const [topicId, parts] of owned) {
    const pending = partitions.get(topicId);
    if (pending) for (const p of parts) if (pending.has(p)) return true;
  }
  return false;
}

function withEpoch(m: MemberAssignmentState, epoch: number, rest: Omit<MemberAssignmentState, 'memberEpoch' | 'previousMemberEpoch'>): MemberAssignmentState {
  return { memberEpoch: epoch, previousMemberEpoch: epoch === m.memberEpoch ? m.previousMemberEpoch : m.memberEpoch, ...rest };
}

function computeNext(
  m: MemberAssignmentState,
  epoch: number,
  targetEpoch: number,
  target: Assignment,
  partitionEpoch: PartitionEpoch,
  owned: Owned,
): MemberAssignmentState {
  let unreleased = false;
  const assigned: Assignment = new Map();
  const revoke: Assignment = new Map();
  const toAssign: Assignment = new Map();
  for (const topicId of new Set([...target.keys(), ...m.assigned.keys()])) {
    const want = target.get(topicId) ?? new Set<number>();
    const have = m.assigned.get(topicId) ?? new Set<number>();
    const keep = new Set([...have].filter((p) => want.has(p)));
    const gone = new Set([...have].filter((p) => !keep.has(p)));
    const add = new Set<number>();
    for (const p of want) {
      if (keep.has(p)) continue;
      if (partitionEpoch(topicId, p) !== -1) unreleased = true;
      else add.add(p);
    }
    if (keep.size > 0) assigned.set(topicId, keep);
    if (gone.size > 0) revoke.set(topicId, gone);
    if (add.size > 0) toAssign.set(topicId, add);
  }
  if (revoke.size > 0 && ownsAny(owned, revoke)) {
    return withEpoch(m, epoch, { state: 'unrevoked_partitions', assigned, pendingRevocation: revoke });
  }
  for (const [topicId, parts] of toAssign) {
    const set = assigned.get(topicId) ?? new Set<number>();
    for (const p of parts) set.add(p);
    assigned.set(topicId, set);
  }
  return withEpoch(m, targetEpoch, { state: unreleased ? 'unreleased_partitions' : 'stable', assigned, pendingRevocation: new Map() });
}

/** The member's next assignment state, or the same object when nothing can change yet. */
export function reconcile(
  m: MemberAssignmentState,
  targetEpoch: number,
  target: Assignment,
  partitionEpoch: PartitionEpoch,
  owned: Owned,
): MemberAssignmentState {
  switch (m.state) {
    case 'stable':
      return m.memberEpoch === targetEpoch ? m : computeNext(m, m.memberEpoch, targetEpoch, target, partitionEpoch, owned);
    case 'unrevoked_partitions':
      if (ownsAny(owned, m.pendingRevocation)) return m;
      return computeNext(m, m.memberEpoch + 1, targetEpoch, target, partitionEpoch, owned);
    case 'unreleased_partitions':
      return computeNext(m, m.memberEpoch, targetEpoch, target, partitionEpoch, owned);
  }
}

export function sameAssignment(a: Assignment, b: Assignment): boolean {
  const nonEmpty = (x: Assignment) => [...x].filter(([, s]) => s.size > 0);
  const ea = nonEmpty(a);
  if (ea.length !== nonEmpty(b).length) return false;
  return ea.every(([t, s]) => {
    const o = b.get(t);
    return o !== undefined && o.size === s.size && [...s].every((p) => o.has(p));
  });
}
