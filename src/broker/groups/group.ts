// One classic consumer group's membership state (Kafka's GroupMetadata + MemberMetadata).
// Pure state: the coordinator owns the timers and decides when to call what.

import { decodeSubscription } from '../../protocol/apis/consumerProtocol.js';
import type {
  GroupDescription,
  GroupProtocol,
  GroupState,
  JoinGroupMember,
  JoinGroupResult,
  SyncGroupResult,
} from './types.js';

export type Cancel = () => void;

const EMPTY = Buffer.alloc(0);

/** Kafka's allowed previous states for each state. */
const VALID_PREVIOUS: Record<GroupState, GroupState[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

export class Member {
  assignment: Buffer = EMPTY;
  /** Set while a JoinGroup waits for the join phase to complete. */
  awaitingJoin: ((r: JoinGroupResult) => void) | null = null;
  /** Set while a SyncGroup waits for the leader's assignment. */
  awaitingSync: ((r: SyncGroupResult) => void) | null = null;
  /** Joined but has not yet seen a join phase complete; such members may expire while awaiting join. */
  isNew = false;
  heartbeatTimer: Cancel | null = null;

  constructor(
    public memberId: string,
    readonly groupInstanceId: string | null,
    readonly clientId: string,
    readonly clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    readonly protocolType: string,
    public protocols: GroupProtocol[],
  ) {}

  metadata(protocol: string): Buffer {
    return this.protocols.find((p) => p.name === protocol)?.metadata ?? EMPTY;
  }

  /** Same protocols, in the same order, with the same metadata. */
  matches(protocols: GroupProtocol[]): boolean {
    if (protocols.length !== this.protocols.length) return false;
    return protocols.every((p, i) => p.name === this.protocols[i].name && p.metadata.equals(this.protocols[i].metadata));
  }

  /** The member's most preferred protocol among the candidates. */
  vote(candidates: Set<string>): string | undefined {
    return this.protocols.find((x) => candidates.has(x.name))?.name;
  }
}

export class Group {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, Member>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, not yet rejoined → their expiry timers. */
  readonly pendingMembers = new Map<string, Cancel>();
  /** Members of the current generation that have not sent SyncGroup yet. */
  readonly pendingSync = new Set<string>();
  /** group.instance.id → member id. */
  readonly staticMembers = new Map<string, string>();
  /** When the group last became Empty (drives offset retention); null when unknown. */
  emptySince: number | null;
  /** A member joined during the initial rebalance delay: extend it once more. */
  newMemberAdded = false;
  /** The join phase is in the initial delay, which only its timer may end. */
  initialDelay = false;
  joinTimer: Cancel | null = null;
  syncTimer: Cancel | null = null;
  private readonly supported = new Map<string, number>();

  constructor(
    readonly groupId: string,
    now: number,
  ) {
    this.emptySince = now;
  }

  transitionTo(state: GroupState, now: number): void {
    if (!VALID_PREVIOUS[state].includes(this.state)) {
      throw new Error(`group ${this.groupId}: illegal transition ${this.state} → ${state}`);
    }
    this.state = state;
    if (state === 'Empty') this.emptySince = now;
  }

  is(...states: GroupState[]): boolean {
    return states.includes(this.state);
  }

  get(memberId: string): Member | undefined {
    return this.members.get(memberId);
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  add(member: Member, onJoin: ((r: JoinGroupResult) => void) | null): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
    if (this.leaderId === null) this.leaderId = member.memberId;
    this.members.set(member.memberId, member);
    this.count(member.protocols, 1);
    member.awaitingJoin = onJoin;
    this.pendingMembers.get(member.memberId)?.();
    this.pendingMembers.delete(member.memberId);
  }

  remove(memberId: string): void {
    const member = this.members.get(memberId);
    if (member) {
      this.members.delete(memberId);
      this.count(member.protocols, -1);
      if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) {
        this.staticMembers.delete(member.groupInstanceId);
      }
    }
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null;
    this.pendingSync.delete(memberId);
  }

  /** Changes a member's protocols/timeouts; the caller deals with the previous join callback. */
  updateMember(member: Member, protocols: GroupProtocol[], rebalanceTimeoutMs: number, sessionTimeoutMs: number): void {
    this.count(member.protocols, -1);
    this.count(protocols, 1);
    member.protocols = protocols;
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.sessionTimeoutMs = sessionTimeoutMs;
  }

  /** A static member rejoined with a new member id: the same member continues under it. */
  replaceStaticMember(instanceId: string, oldMemberId: string, newMemberId: string): Member {
    const member = this.members.get(oldMemberId);
    if (!member) throw new Error(`group ${this.groupId}: static member ${oldMemberId} not found`);
    this.members.delete(oldMemberId);
    member.memberId = newMemberId;
    this.members.set(newMemberId, member);
    if (this.leaderId === oldMemberId) this.leaderId = newMemberId;
    if (this.pendingSync.delete(oldMemberId)) this.pendingSync.add(newMemberId);
    this.staticMembers.set(instanceId, newMemberId);
    return member;
  }

  private count(protocols: GroupProtocol[], delta: number): void {
    for (const p of protocols) this.supported.set(p.name, (this.supported.get(p.name) ?? 0) + delta);
  }

  /** Kafka's rule: any type and non-empty list when memberless, else the group's type and one protocol everyone supports. */
  supportsProtocols(protocolType: string, names: string[]): boolean {
    if (this.members.size === 0) return protocolType !== '' && names.length > 0;
    return protocolType === this.protocolType && names.some((n) => this.supported.get(n) === this.members.size);
  }

  /** Each member votes for its most preferred protocol that all members support; most votes wins. */
  selectProtocol(): string {
    const candidates = new Set<string>();
    for (const [name, n] of this.supported) if (n === this.members.size && n > 0) candidates.add(name);
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const v = m.vote(candidates);
      if (v !== undefined) votes.set(v, (votes.get(v) ?? 0) + 1);
    }
    // JoinGroup validation keeps a common protocol; the fallback only avoids a stuck group.
    let best = this.members.values().next().value?.protocols[0]?.name ?? '';
    let bestVotes = 0;
    // Ties go to the protocol that was voted for first (the earliest member's preference).
    for (const [name, n] of votes) {
      if (n > bestVotes) {
        best = name;
        bestVotes = n;
      }
    }
    return best;
  }

  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  hasAllMembersJoined(): boolean {
    for (const m of this.members.values()) if (!m.awaitingJoin) return false;
    return this.pendingMembers.size === 0;
  }

  /** Keeps the leader if it rejoined, else picks any rejoined member; false if none rejoined. */
  electJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    if (this.members.get(this.leaderId)?.awaitingJoin) return true;
    for (const m of this.members.values()) {
      if (m.awaitingJoin) {
        this.leaderId = m.memberId;
        return true;
      }
    }
    return false;
  }

  /** Ends the join phase: next generation, CompletingRebalance (or Empty when no one is left). */
  initNextGeneration(now: number): void {
    this.generationId++;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.transitionTo('CompletingRebalance', now);
    } else {
      this.protocolName = null;
      this.transitionTo('Empty', now);
    }
  }

  currentMemberMetadata(): JoinGroupMember[] {
    const protocol = this.protocolName ?? '';
    return [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: m.metadata(protocol),
    }));
  }

  /**
   * Topics the members subscribe to (consumer protocol only), or null when unknown — then
   * every topic counts as subscribed, as Kafka does.
   */
  subscribedTopics(): Set<string> | null {
    if (this.protocolType !== 'consumer') return null;
    const topics = new Set<string>();
    for (const m of this.members.values()) {
      // Before a protocol is chosen, any of the member's subscriptions may become the one.
      const metas = this.protocolName !== null ? [m.metadata(this.protocolName)] : m.protocols.map((p) => p.metadata);
      for (const meta of metas) {
        const t = decodeSubscription(meta)?.topics ?? null;
        if (t === null) return null;
        for (const name of t) topics.add(name);
      }
    }
    return topics;
  }

  describe(): GroupDescription {
    const stable = this.state === 'Stable' && this.protocolName !== null;
    return {
      errorCode: 0,
      groupId: this.groupId,
      groupState: this.state,
      protocolType: this.protocolType ?? '',
      protocolData: stable ? (this.protocolName as string) : '',
      members: [...this.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: stable ? m.metadata(this.protocolName as string) : EMPTY,
        memberAssignment: stable ? m.assignment : EMPTY,
      })),
    };
  }
}
