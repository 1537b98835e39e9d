// One group of the consumer protocol (KIP-848): its members, the group epoch (bumped when the
// members or the subscribed topics change), the target assignment with its epoch, and which
// member holds each partition at which epoch. Pure state: ConsumerMembership
// (consumerMembership.ts) owns the timers and decides when to call what.
//
// States as Kafka names them: Empty (no members), Assigning (the group epoch is ahead of the
// target assignment), Reconciling (some member has not reached the target), Stable.

import type { Assignment } from './assignors.js';
import type { MemberAssignmentState } from './reconcile.js';
import type { Cancel } from './group.js';

export type ConsumerGroupState = 'Empty' | 'Assigning' | 'Reconciling' | 'Stable';

/** What a member tells about itself (Kafka's ConsumerGroupMemberMetadata record). */
export interface ConsumerMemberMetadata {
  memberId: string;
  instanceId: string | null;
  rackId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  subscribedTopicNames: string[];
  subscribedTopicRegex: string | null;
  serverAssignor: string | null;
}

/** A copy of a member's metadata fields (no epochs, assignments or timers). */
export function memberMetadata(m: ConsumerMemberMetadata): ConsumerMemberMetadata {
  return {
    memberId: m.memberId,
    instanceId: m.instanceId,
    rackId: m.rackId,
    clientId: m.clientId,
    clientHost: m.clientHost,
    rebalanceTimeoutMs: m.rebalanceTimeoutMs,
    subscribedTopicNames: [...m.subscribedTopicNames],
    subscribedTopicRegex: m.subscribedTopicRegex,
    serverAssignor: m.serverAssignor,
  };
}

export interface ConsumerMember extends MemberAssignmentState, ConsumerMemberMetadata {
  sessionTimer: Cancel | null;
  rebalanceTimer: Cancel | null;
}

/** A subscribed topic as the assignment last saw it. */
export interface SubscribedTopic {
  id: string;
  name: string;
  partitions: number;
}

const pkey = (topicId: string, p: number) => `${topicId}:${p}`;

export class ConsumerGroup {
  groupEpoch = 0;
  assignmentEpoch = 0;
  readonly members = new Map<string, ConsumerMember>();
  /** memberId -> its partitions in the target assignment */
  readonly target = new Map<string, Assignment>();
  /** Topics subscribed to when the target was computed, by name. */
  subscribed = new Map<string, SubscribedTopic>();
  /** The assignor of the last target assignment. */
  assignorName = '';
  /** "topicId:partition" -> epoch of the member holding it */
  private readonly partitionEpochs = new Map<string, number>();

  constructor(readonly groupId: string) {}

  get state(): ConsumerGroupState {
    if (this.members.size === 0) return 'Empty';
    if (this.groupEpoch > this.assignmentEpoch) return 'Assigning';
    for (const m of this.members.values()) {
      if (m.state !== 'stable' || m.memberEpoch !== this.assignmentEpoch) return 'Reconciling';
    }
    return 'Stable';
  }

  /** Epoch of the member holding the partition, -1 when free. */
  partitionEpoch = (topicId: string, p: number): number => this.partitionEpochs.get(pkey(topicId, p)) ?? -1;

  staticMember(instanceId: string): ConsumerMember | undefined {
    for (const m of this.members.values()) if (m.instanceId === instanceId) return m;
    return undefined;
  }

  /** Adds or replaces a member, moving the partitions it holds in the epoch map. */
  updateMember(next: ConsumerMember): void {
    const old = this.members.get(next.memberId);
    if (old) this.release(old);
    this.members.set(next.memberId, next);
    this.hold(next);
  }

  removeMember(memberId: string): ConsumerMember | undefined {
    const old = this.members.get(memberId);
    if (!old) return undefined;
    this.release(old);
    this.members.delete(memberId);
    this.target.delete(memberId);
    return old;
  }

  private hold(m: ConsumerMember): void {
    for (const a of [m.assigned, m.pendingRevocation]) {
      for (const [topicId, parts] of a) {
        for (const p of parts) {
          const k = pkey(topicId, p);
          // Reconciliation never gives a partition that another member still holds.
          if (this.partitionEpochs.has(k)) throw new Error(`group ${this.groupId}: partition ${k} is already held`);
          this.partitionEpochs.set(k, m.memberEpoch);
        }
      }
    }
  }

  private release(m: ConsumerMember): void {
    for (const a of [m.assigned, m.pendingRevocation]) {
      for (const [topicId, parts] of a) for (const p of parts) this.partitionEpochs.delete(pkey(topicId, p));
    }
  }
}
