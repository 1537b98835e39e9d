// Group membership for the consumer group protocol (KIP-848): ConsumerGroupHeartbeat and
// ConsumerGroupDescribe. The coordinator assigns (assignors.ts); each member reconciles
// towards its share of the target assignment through its heartbeats (reconcile.ts).
//
// A heartbeat: joins (epoch 0), leaves (-1; a static member pauses with -2) or checks in with
// its epoch. The member's subscription changes, and changes to the topics the group subscribes
// to (created, deleted, partitions added), bump the group epoch; the next heartbeat computes a
// new target assignment for that epoch; every member then moves towards it. A member that
// stops heartbeating for the session timeout, or does not revoke partitions within its
// rebalance timeout, is fenced: removed, its partitions freed.
// Every change of a group's epochs, members or assignments is stored (consumerPersistence.ts,
// in the offset store's journal) before the heartbeat is answered; a restart reloads the groups
// and gives every member a new session timeout, as Kafka does after a coordinator failover.

import { randomBytes } from 'node:crypto';
import { code } from '../../protocol/errors.js';
import { ASSIGNORS, type Assignment, type AssignorTopic, DEFAULT_ASSIGNOR } from './assignors.js';
import { E } from './base.js';
import { ConsumerGroup, type ConsumerMember, type SubscribedTopic } from './consumerGroup.js';
import { ConsumerGroupStore } from './consumerPersistence.js';
import { GroupMembership } from './membership.js';
import { type Owned, reconcile, sameAssignment } from './reconcile.js';
import type { ConsumerGroupDescription, ConsumerHeartbeatRequest, ConsumerHeartbeatResult, TopicPartitionIds } from './types.js';

export const LEAVE_EPOCH = -1;
export const STATIC_LEAVE_EPOCH = -2;

const CE = {
  INVALID_REQUEST: code('INVALID_REQUEST'),
  FENCED_MEMBER_EPOCH: code('FENCED_MEMBER_EPOCH'),
  UNSUPPORTED_ASSIGNOR: code('UNSUPPORTED_ASSIGNOR'),
  UNRELEASED_INSTANCE_ID: code('UNRELEASED_INSTANCE_ID'),
  STALE_MEMBER_EPOCH: code('STALE_MEMBER_EPOCH'),
  INVALID_REGULAR_EXPRESSION: code('INVALID_REGULAR_EXPRESSION'),
} as const;

class HeartbeatError extends Error {
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }
}

const fail = (errorCode: number, message: string): never => {
  throw new HeartbeatError(errorCode, message);
};

const hex = (id: Buffer) => id.toString('hex');

function toAssignment(tps: TopicPartitionIds[] | null): Owned {
  if (tps === null) return null;
  const a: Assignment = new Map();
  for (const t of tps) a.set(hex(t.topicId), new Set(t.partitions));
  return a;
}

function isSubset(owned: Owned, of: Assignment): boolean {
  if (owned === null) return false;
  for (const [topicId, parts] of owned) {
    const have = of.get(topicId);
    for (const p of parts) if (!have?.has(p)) return false;
  }
  return true;
}

/** A regex the way Kafka matches it (the whole name). null when it does not compile. */
function compileRegex(source: string): RegExp | null {
  try {
    return new RegExp(`^(?:${source})$`);
  } catch {
    return null;
  }
}

export class ConsumerMembership extends GroupMembership {
  protected readonly consumerGroups = new Map<string, ConsumerGroup>();
  private readonly stored = new ConsumerGroupStore(this.offsets, this.log);

  constructor(...args: ConstructorParameters<typeof GroupMembership>) {
    super(...args);
    // the stored groups come back with new session (and rebalance) timers, as after a Kafka failover
    for (const group of this.stored.load()) {
      this.consumerGroups.set(group.groupId, group);
      for (const m of group.members.values()) {
        this.scheduleSession(group, m);
        this.scheduleRebalanceTimeout(group, m);
      }
    }
  }

  /** Stores the group as it is now (or its removal); false when the store failed. */
  protected storeConsumerGroupState(groupId: string): boolean {
    return this.stored.save(groupId, this.consumerGroups.get(groupId));
  }

  /** The change is kept in memory; the member is told to retry (Kafka answers a failed write so too). */
  private storeOrFail(groupId: string): void {
    if (!this.storeConsumerGroupState(groupId)) fail(E.COORDINATOR_NOT_AVAILABLE, 'The coordinator is not available.');
  }

  /** The group is gone (deleted with its offsets by the caller): forget what was stored. */
  protected forgetConsumerGroup(groupId: string): void {
    this.consumerGroups.delete(groupId);
    this.stored.forget(groupId);
  }

  protected override isConsumerGroupId(groupId: string): boolean {
    return this.consumerGroups.has(groupId);
  }

  /** The consumer group, if the id is one (for the admin views and offset checks). */
  consumerGroup(groupId: string): ConsumerGroup | undefined {
    return this.consumerGroups.get(groupId);
  }

  /** A classic JoinGroup for a consumer group's id: an Empty one gives way, as in Kafka. */
  protected override classicJoinConflict(groupId: string): number {
    const group = this.consumerGroups.get(groupId);
    if (!group) return E.NONE;
    if (group.members.size > 0) return E.INCONSISTENT_GROUP_PROTOCOL;
    this.consumerGroups.delete(groupId);
    this.storeConsumerGroupState(groupId);
    return E.NONE;
  }

  // ---- ConsumerGroupHeartbeat ----

  consumerHeartbeat(req: ConsumerHeartbeatRequest): ConsumerHeartbeatResult {
    try {
      if (this.closed) fail(E.COORDINATOR_NOT_AVAILABLE, 'The coordinator is not available.');
      this.validateHeartbeat(req);
      if (req.memberEpoch === LEAVE_EPOCH || req.memberEpoch === STATIC_LEAVE_EPOCH) return this.consumerLeave(req);
      return this.doHeartbeat(req);
    } catch (err) {
      if (!(err instanceof HeartbeatError)) throw err;
      return { errorCode: err.errorCode, errorMessage: err.message, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null };
    }
  }

  private validateHeartbeat(req: ConsumerHeartbeatRequest): void {
    const notEmpty = (v: string | null, what: string) => {
      if (v !== null && v === '') fail(CE.INVALID_REQUEST, `${what} can't be empty.`);
    };
    notEmpty(req.groupId, 'GroupId');
    notEmpty(req.instanceId, 'InstanceId');
    notEmpty(req.rackId, 'RackId');
    // v1+: the consumer chooses its member id (KIP-1082)
    if (req.version >= 1) notEmpty(req.memberId, 'MemberId');
    if (req.memberEpoch > 0 || req.memberEpoch === LEAVE_EPOCH) {
      notEmpty(req.memberId, 'MemberId');
    } else if (req.memberEpoch === 0) {
      if (req.rebalanceTimeoutMs === -1) fail(CE.INVALID_REQUEST, 'RebalanceTimeoutMs must be provided in first request.');
      if (req.topicPartitions === null || req.topicPartitions.length > 0) fail(CE.INVALID_REQUEST, 'TopicPartitions must be empty when (re-)joining.');
      if ((req.subscribedTopicNames === null || req.subscribedTopicNames.length === 0) && !req.subscribedTopicRegex) {
        fail(CE.INVALID_REQUEST, 'SubscribedTopicNames or SubscribedTopicRegex must be set in first request.');
      }
    } else if (req.memberEpoch === STATIC_LEAVE_EPOCH) {
      notEmpty(req.memberId, 'MemberId');
      if (req.instanceId === null) fail(CE.INVALID_REQUEST, "InstanceId can't be null.");
    } else {
      fail(CE.INVALID_REQUEST, 'MemberEpoch is invalid.');
    }
    // An empty regex clears the member's regex (librdkafka sends one with topic names).
    if (req.subscribedTopicRegex) {
      if (compileRegex(req.subscribedTopicRegex) === null) {
        fail(CE.INVALID_REGULAR_EXPRESSION, `SubscribedTopicRegex \`${req.subscribedTopicRegex}\` is not a valid regular expression.`);
      }
    }
    if (req.serverAssignor !== null && !ASSIGNORS.has(req.serverAssignor)) {
      fail(CE.UNSUPPORTED_ASSIGNOR, `ServerAssignor ${req.serverAssignor} is not supported. Supported assignors: ${[...ASSIGNORS.keys()].join(', ')}.`);
    }
  }

  /** The consumer group, created for a joining member (an Empty classic group gives way). */
  private groupFor(groupId: string, create: boolean): ConsumerGroup {
    const existing = this.consumerGroups.get(groupId);
    if (existing) return existing;
    if (!create) fail(E.GROUP_ID_NOT_FOUND, `Consumer group ${groupId} not found.`);
    const classic = this.lookup(groupId);
    if (classic && !classic.is('Dead')) {
      if (!classic.is('Empty') || classic.pendingMembers.size > 0) fail(E.GROUP_ID_NOT_FOUND, `Group ${groupId} is not a consumer group.`);
      this.groups.delete(groupId);
      try {
        this.offsets.setGroupMeta(groupId, undefined); // the classic group's record goes, its offsets stay
      } catch (err) {
        this.log(`group ${groupId}: removing the classic group's metadata failed: ${(err as Error).message}`);
      }
    }
    const group = new ConsumerGroup(groupId);
    this.consumerGroups.set(groupId, group);
    return group;
  }

  private doHeartbeat(req: ConsumerHeartbeatRequest): ConsumerHeartbeatResult {
    const joining = req.memberEpoch === 0;
    const group = this.groupFor(req.groupId, joining);
    // v0: the coordinator names the member, as Kafka's Uuid prints (22 characters of base64url)
    const memberId = req.memberId === '' ? randomBytes(16).toString('base64url') : req.memberId;
    const owned = toAssignment(req.topicPartitions);
    let member = group.members.get(memberId);
    if (req.instanceId !== null && joining) {
      const previous = group.staticMember(req.instanceId);
      if (previous && previous.memberId !== memberId) {
        if (previous.memberEpoch !== STATIC_LEAVE_EPOCH) {
          fail(CE.UNRELEASED_INSTANCE_ID, `Static member ${previous.memberId} with instance id ${req.instanceId} is not released yet.`);
        }
        // The restarted instance takes its predecessor's place, epoch and assignment.
        member = this.replaceStaticMember(group, previous, memberId);
      }
    }
    if (!member) {
      if (!joining) fail(E.UNKNOWN_MEMBER_ID, `Member ${memberId} is not a member of group ${req.groupId}.`);
      member = this.newMember(memberId);
      this.log(`group ${req.groupId}: member ${memberId} joins the consumer group`);
    } else if (joining) {
      if (member.memberEpoch !== STATIC_LEAVE_EPOCH) {
        // A rejoin (after it was fenced): it owns nothing now, and reconciles from scratch.
        member = { ...member, memberEpoch: 0, previousMemberEpoch: member.memberEpoch, state: 'stable', assigned: new Map(), pendingRevocation: new Map() };
      } else {
        member = { ...member, memberEpoch: member.previousMemberEpoch };
      }
    } else {
      this.checkEpoch(member, req.memberEpoch, owned);
    }
    const before = member;
    const updated: ConsumerMember = {
      ...member,
      instanceId: req.instanceId ?? member.instanceId,
      rackId: req.rackId ?? member.rackId,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs === -1 ? member.rebalanceTimeoutMs : req.rebalanceTimeoutMs,
      serverAssignor: req.serverAssignor ?? member.serverAssignor,
      subscribedTopicNames: req.subscribedTopicNames ?? member.subscribedTopicNames,
      subscribedTopicRegex: req.subscribedTopicRegex === null ? member.subscribedTopicRegex : req.subscribedTopicRegex || null,
      clientId: req.clientId,
      clientHost: req.clientHost,
    };
    const isNew = !group.members.has(memberId);
    const subscriptionChanged =
      isNew ||
      updated.subscribedTopicRegex !== member.subscribedTopicRegex ||
      updated.serverAssignor !== member.serverAssignor ||
      updated.subscribedTopicNames.length !== member.subscribedTopicNames.length ||
      updated.subscribedTopicNames.some((t, i) => t !== member.subscribedTopicNames[i]);
    group.updateMember(updated);
    // 1. the group epoch: members' subscriptions, or the subscribed topics themselves, changed
    const subscribed = this.resolveSubscriptions(group);
    if (subscriptionChanged || !sameTopics(subscribed, group.subscribed)) {
      group.subscribed = subscribed;
      group.groupEpoch++;
    }
    // 2. the target assignment for that epoch
    if (group.groupEpoch > group.assignmentEpoch) this.computeTarget(group);
    // 3. the member moves towards its target
    let current = group.members.get(memberId) as ConsumerMember;
    const next = reconcile(current, group.assignmentEpoch, group.target.get(memberId) ?? new Map(), group.partitionEpoch, owned);
    if (next !== current) {
      current = { ...current, ...next };
      group.updateMember(current);
      this.scheduleRebalanceTimeout(group, current);
    }
    this.scheduleSession(group, current);
    this.storeOrFail(group.groupId);
    const full = joining || (req.rebalanceTimeoutMs !== -1 && req.subscribedTopicNames !== null && req.topicPartitions !== null);
    const changed = current.memberEpoch !== before.memberEpoch || !sameAssignment(current.assigned, before.assigned);
    return {
      errorCode: E.NONE,
      errorMessage: null,
      memberId,
      memberEpoch: current.memberEpoch,
      heartbeatIntervalMs: this.consumerHeartbeatIntervalMs,
      assignment: full || changed ? { topicPartitions: toTopicPartitions(current.assigned) } : null,
    };
  }

  private newMember(memberId: string): ConsumerMember {
    return {
      memberId,
      instanceId: null,
      rackId: null,
      clientId: '',
      clientHost: '',
      rebalanceTimeoutMs: -1,
      subscribedTopicNames: [],
      subscribedTopicRegex: null,
      serverAssignor: null,
      memberEpoch: 0,
      previousMemberEpoch: -1,
      state: 'stable',
      assigned: new Map(),
      pendingRevocation: new Map(),
      sessionTimer: null,
      rebalanceTimer: null,
    };
  }

  private replaceStaticMember(group: ConsumerGroup, previous: ConsumerMember, memberId: string): ConsumerMember {
    this.cancelTimers(previous);
    const target = group.target.get(previous.memberId);
    group.removeMember(previous.memberId);
    const member: ConsumerMember = { ...previous, memberId, memberEpoch: previous.previousMemberEpoch, sessionTimer: null, rebalanceTimer: null };
    group.updateMember(member);
    if (target) group.target.set(memberId, target);
    this.log(`group ${group.groupId}: static member ${previous.instanceId} rejoined as ${memberId} (was ${previous.memberId})`);
    return member;
  }

  private checkEpoch(member: ConsumerMember, received: number, owned: Owned): void {
    if (received > member.memberEpoch) {
      fail(
        CE.FENCED_MEMBER_EPOCH,
        `The consumer group member has a greater member epoch (${received}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`,
      );
    }
    // The previous epoch with a subset of the assignment: the response that bumped it was lost.
    if (received < member.memberEpoch && (received !== member.previousMemberEpoch || !isSubset(owned, member.assigned))) {
      fail(
        CE.FENCED_MEMBER_EPOCH,
        `The consumer group member has a smaller member epoch (${received}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`,
      );
    }
  }

  /** Every topic some member subscribes to, by name or by regex, that exists now. */
  private resolveSubscriptions(group: ConsumerGroup): Map<string, SubscribedTopic> {
    const out = new Map<string, SubscribedTopic>();
    const add = (name: string) => {
      const t = this.topics.get(name);
      if (t) out.set(name, { id: hex(t.id), name, partitions: t.partitions });
    };
    let all: string[] | null = null;
    for (const m of group.members.values()) {
      for (const name of m.subscribedTopicNames) add(name);
      if (m.subscribedTopicRegex !== null) {
        const re = compileRegex(m.subscribedTopicRegex);
        all ??= this.topics.names().filter((n) => !n.startsWith('__'));
        if (re) for (const name of all) if (re.test(name)) add(name);
      }
    }
    return out;
  }

  private memberTopics(group: ConsumerGroup, m: ConsumerMember): Set<string> {
    const ids = new Set<string>();
    for (const name of m.subscribedTopicNames) {
      const t = group.subscribed.get(name);
      if (t) ids.add(t.id);
    }
    const re = m.subscribedTopicRegex === null ? null : compileRegex(m.subscribedTopicRegex);
    if (re) for (const t of group.subscribed.values()) if (re.test(t.name)) ids.add(t.id);
    return ids;
  }

  /** The assignor most members ask for, else uniform (Kafka's default). */
  private chooseAssignor(group: ConsumerGroup): string {
    const votes = new Map<string, number>();
    for (const m of group.members.values()) if (m.serverAssignor) votes.set(m.serverAssignor, (votes.get(m.serverAssignor) ?? 0) + 1);
    let best = DEFAULT_ASSIGNOR;
    let n = 0;
    for (const [name, v] of votes) if (v > n) [best, n] = [name, v];
    return best;
  }

  private computeTarget(group: ConsumerGroup): void {
    const name = this.chooseAssignor(group);
    const topics = new Map<string, AssignorTopic>([...group.subscribed.values()].map((t) => [t.id, t]));
    const members = [...group.members.values()].map((m) => ({ memberId: m.memberId, topics: this.memberTopics(group, m) }));
    const target = (ASSIGNORS.get(name) ?? ASSIGNORS.get(DEFAULT_ASSIGNOR))!.assign(members, topics, group.target);
    group.target.clear();
    for (const [memberId, a] of target) group.target.set(memberId, a);
    group.assignmentEpoch = group.groupEpoch;
    group.assignorName = name;
  }

  // ---- leaving and fencing ----

  private consumerLeave(req: ConsumerHeartbeatRequest): ConsumerHeartbeatResult {
    const group = this.consumerGroups.get(req.groupId) ?? fail(E.GROUP_ID_NOT_FOUND, `Consumer group ${req.groupId} not found.`);
    let member: ConsumerMember | undefined;
    if (req.instanceId !== null) {
      member = group.staticMember(req.instanceId);
      if (!member) fail(E.UNKNOWN_MEMBER_ID, `Instance id ${req.instanceId} is unknown.`);
      if (member!.memberId !== req.memberId) fail(code('FENCED_INSTANCE_ID'), `Static member ${req.memberId} with instance id ${req.instanceId} is fenced by existing member ${member!.memberId}.`);
    } else {
      member = group.members.get(req.memberId) ?? fail(E.UNKNOWN_MEMBER_ID, `Member ${req.memberId} is not a member of group ${req.groupId}.`);
    }
    const m = member as ConsumerMember;
    const result = { errorCode: E.NONE, errorMessage: null, memberId: m.memberId, memberEpoch: req.memberEpoch, heartbeatIntervalMs: 0, assignment: null };
    if (req.memberEpoch === STATIC_LEAVE_EPOCH) {
      // Paused: it keeps its place (and its target) until its session expires; its partitions are freed.
      this.cancelTimers(m);
      const paused: ConsumerMember = { ...m, previousMemberEpoch: m.memberEpoch, memberEpoch: STATIC_LEAVE_EPOCH, pendingRevocation: new Map() };
      group.updateMember(paused);
      this.scheduleSession(group, paused);
      this.storeOrFail(group.groupId);
      this.log(`group ${group.groupId}: static member ${m.memberId} with instance id ${m.instanceId} temporarily left the consumer group`);
      return result;
    }
    this.log(`group ${group.groupId}: member ${m.memberId} left the consumer group`);
    this.fence(group, m.memberId);
    this.storeOrFail(group.groupId);
    return result;
  }

  /** Removes a member: the group epoch moves on and its partitions are free for the others. */
  protected fence(group: ConsumerGroup, memberId: string): void {
    const m = group.removeMember(memberId);
    if (!m) return;
    this.cancelTimers(m);
    group.subscribed = this.resolveSubscriptions(group);
    group.groupEpoch++;
    this.storeConsumerGroupState(group.groupId);
  }

  protected get consumerSessionTimeoutMs(): number {
    return this.consumerOptions.sessionTimeoutMs;
  }

  protected get consumerHeartbeatIntervalMs(): number {
    return this.consumerOptions.heartbeatIntervalMs;
  }

  private scheduleSession(group: ConsumerGroup, m: ConsumerMember): void {
    m.sessionTimer?.();
    m.sessionTimer = this.schedule(this.consumerSessionTimeoutMs, () => {
      if (group.members.get(m.memberId) === undefined) return;
      this.log(`group ${group.groupId}: member ${m.memberId} fenced: session timed out`);
      this.fence(group, m.memberId);
    });
  }

  /** A member asked to revoke partitions must do so within its rebalance timeout. */
  private scheduleRebalanceTimeout(group: ConsumerGroup, m: ConsumerMember): void {
    m.rebalanceTimer?.();
    m.rebalanceTimer = null;
    if (m.state !== 'unrevoked_partitions') return;
    const epoch = m.memberEpoch;
    m.rebalanceTimer = this.schedule(m.rebalanceTimeoutMs, () => {
      const now = group.members.get(m.memberId);
      if (!now || now.state !== 'unrevoked_partitions' || now.memberEpoch !== epoch) return;
      this.log(`group ${group.groupId}: member ${m.memberId} fenced: partitions not revoked within the rebalance timeout`);
      this.fence(group, m.memberId);
    });
  }

  private cancelTimers(m: ConsumerMember): void {
    m.sessionTimer?.();
    m.rebalanceTimer?.();
    m.sessionTimer = m.rebalanceTimer = null;
  }

  // ---- offsets of consumer-protocol members ----

  /** OffsetCommit from a consumer group's member: its epoch must be the current one. */
  protected validateConsumerCommit(group: ConsumerGroup, memberId: string, memberEpoch: number, version: number): number {
    // Epoch -1 from outside the group (admin tools) may commit while the group is empty.
    if (memberEpoch < 0 && group.members.size === 0) return E.NONE;
    const member = group.members.get(memberId);
    if (!member) return E.UNKNOWN_MEMBER_ID;
    // A consumer-protocol member commits with v9+ (the version that carries member epochs), as Kafka requires.
    if (version < 9) return code('UNSUPPORTED_VERSION');
    return memberEpoch === member.memberEpoch ? E.NONE : CE.STALE_MEMBER_EPOCH;
  }

  /** OffsetFetch v9+ with a member id: the same check (no member id and epoch -1: anyone). */
  validateConsumerFetch(groupId: string, memberId: string | null, memberEpoch: number): number {
    const group = this.consumerGroups.get(groupId);
    if (!group) return E.NONE;
    if ((memberId === null || memberId === '') && memberEpoch < 0) return E.NONE;
    const member = group.members.get(memberId ?? '');
    if (!member) return E.UNKNOWN_MEMBER_ID;
    return memberEpoch === member.memberEpoch ? E.NONE : CE.STALE_MEMBER_EPOCH;
  }

  // ---- ConsumerGroupDescribe ----

  describeConsumerGroups(groupIds: string[]): ConsumerGroupDescription[] {
    return groupIds.map((groupId) => {
      const group = this.consumerGroups.get(groupId);
      if (!group) {
        const classic = this.lookup(groupId);
        const message = classic && !classic.is('Dead') ? `Group ${groupId} is not a consumer group.` : `Group ${groupId} not found.`;
        return { errorCode: E.GROUP_ID_NOT_FOUND, errorMessage: message, groupId, groupState: '', groupEpoch: 0, assignmentEpoch: 0, assignorName: '', members: [] };
      }
      const byId = new Map([...group.subscribed.values()].map((t) => [t.id, t.name]));
      const named = (a: Assignment) => ({
        topicPartitions: toTopicPartitions(a).map((t) => ({ ...t, topicName: byId.get(hex(t.topicId)) ?? this.topics.byId(t.topicId)?.name ?? '' })),
      });
      return {
        errorCode: E.NONE,
        errorMessage: null,
        groupId,
        groupState: group.state,
        groupEpoch: group.groupEpoch,
        assignmentEpoch: group.assignmentEpoch,
        assignorName: group.assignorName || this.chooseAssignor(group),
        members: [...group.members.values()].map((m) => ({
          memberId: m.memberId,
          instanceId: m.instanceId,
          rackId: m.rackId,
          memberEpoch: m.memberEpoch,
          clientId: m.clientId,
          clientHost: m.clientHost,
          subscribedTopicNames: m.subscribedTopicNames,
          // Kafka 4.4 describes a member without a regex with ""
          subscribedTopicRegex: m.subscribedTopicRegex ?? '',
          assignment: named(m.assigned),
          targetAssignment: named(group.target.get(m.memberId) ?? new Map()),
          memberType: 1,
        })),
      };
    });
  }

  override close(): void {
    super.close();
    for (const g of this.consumerGroups.values()) for (const m of g.members.values()) m.sessionTimer = m.rebalanceTimer = null;
  }
}

function sameTopics(a: Map<string, SubscribedTopic>, b: Map<string, SubscribedTopic>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, t] of a) {
    const o = b.get(name);
    if (!o || o.id !== t.id || o.partitions !== t.partitions) return false;
  }
  return true;
}

function toTopicPartitions(a: Assignment): TopicPartitionIds[] {
  return [...a]
    .filter(([, s]) => s.size > 0)
    .map(([topicId, s]) => ({ topicId: Buffer.from(topicId, 'hex'), partitions: [...s].sort((x, y) => x - y) }));
}
