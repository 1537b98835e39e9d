// Group membership for the classic protocol (the first half of Kafka's GroupCoordinator): the
// JoinGroup / SyncGroup / Heartbeat / LeaveGroup state machine with its session, rebalance and
// sync timers. GroupCoordinator (coordinator.ts) adds committed offsets and the admin views.
//
// States: Empty → PreparingRebalance (join phase) → CompletingRebalance (waiting for the
// leader's SyncGroup) → Stable, and back to PreparingRebalance on any membership change; a
// join phase that ends with no members goes to Empty. Dead is only reported for unknown groups.
// One node owns every group, so there is no NOT_COORDINATOR and no loading phase.
// Left out: group.max.size, JoinGroup v9 skipAssignment, transactional offset commits.

import { randomUUID } from 'node:crypto';
import { E, EMPTY, GroupRegistry, joinError, syncError } from './base.js';
import { Group, Member } from './group.js';
import type {
  HeartbeatRequest,
  JoinGroupMember,
  JoinGroupRequest,
  JoinGroupResult,
  LeaveGroupRequest,
  LeaveGroupResult,
  LeavingMember,
  SyncGroupRequest,
  SyncGroupResult,
} from './types.js';

type JoinCallback = (r: JoinGroupResult) => void;
type SyncCallback = (r: SyncGroupResult) => void;

const because = (reason: string | null | undefined) => (reason ? ` (client reason: ${reason})` : '');

export class GroupMembership extends GroupRegistry {
  // ---- JoinGroup ----

  /** Resolves when the join phase completes (or at once on an error / for a no-op rejoin). */
  join(req: JoinGroupRequest): Promise<JoinGroupResult> {
    return new Promise((resolve) => this.doJoin(req, resolve));
  }

  private doJoin(req: JoinGroupRequest, respond: JoinCallback): void {
    if (this.closed) return respond(joinError(req.memberId, E.COORDINATOR_NOT_AVAILABLE));
    if (req.groupId === '') return respond(joinError(req.memberId, E.INVALID_GROUP_ID));
    const conflict = this.classicJoinConflict(req.groupId);
    if (conflict !== E.NONE) return respond(joinError(req.memberId, conflict));
    if (req.sessionTimeoutMs < this.minSessionTimeoutMs || req.sessionTimeoutMs > this.maxSessionTimeoutMs) {
      return respond(joinError(req.memberId, E.INVALID_SESSION_TIMEOUT));
    }
    const isNewMember = req.memberId === '';
    let group = this.lookup(req.groupId);
    const created = !group;
    if (!group) {
      // Only a member without an id creates a group; a known id for an unknown group is stale.
      if (!isNewMember) return respond(joinError(req.memberId, E.UNKNOWN_MEMBER_ID));
      group = new Group(req.groupId, this.now());
      this.groups.set(req.groupId, group);
    }
    if (isNewMember) this.joinNewMember(group, req, respond);
    else this.joinCurrentMember(group, req, respond);
    if (group.is('PreparingRebalance')) this.tryCompleteJoin(group);
    // A refused first join leaves no empty group behind in ListGroups.
    if (created && group.members.size === 0 && group.pendingMembers.size === 0) this.groups.delete(req.groupId);
  }

  private joinNewMember(group: Group, req: JoinGroupRequest, respond: JoinCallback): void {
    if (group.is('Dead')) return respond(joinError('', E.COORDINATOR_NOT_AVAILABLE));
    if (!group.supportsProtocols(req.protocolType, req.protocols.map((p) => p.name))) {
      return respond(joinError('', E.INCONSISTENT_GROUP_PROTOCOL));
    }
    const memberId = `${req.groupInstanceId ?? req.clientId}-${randomUUID()}`;
    if (req.groupInstanceId !== null) {
      const oldMemberId = group.staticMembers.get(req.groupInstanceId);
      if (oldMemberId !== undefined) return this.rejoinStaticMember(group, oldMemberId, memberId, req, respond);
    } else if (req.requireKnownMemberId) {
      // JoinGroup v4+: hand out the id first and add the member only when it comes back with it,
      // so clients that time out and retry do not pile up members (KIP-394).
      const expire = this.schedule(req.sessionTimeoutMs, () => this.expirePendingMember(group, memberId));
      group.pendingMembers.set(memberId, expire);
      return respond(joinError(memberId, E.MEMBER_ID_REQUIRED));
    }
    this.addMemberAndRebalance(group, memberId, req, respond);
  }

  private joinCurrentMember(group: Group, req: JoinGroupRequest, respond: JoinCallback): void {
    const { memberId } = req;
    if (group.is('Dead')) return respond(joinError(memberId, E.COORDINATOR_NOT_AVAILABLE));
    if (!group.supportsProtocols(req.protocolType, req.protocols.map((p) => p.name))) {
      return respond(joinError(memberId, E.INCONSISTENT_GROUP_PROTOCOL));
    }
    if (group.pendingMembers.has(memberId)) {
      // Pending ids are only handed to dynamic members.
      if (req.groupInstanceId !== null) return respond(joinError(memberId, E.UNKNOWN_MEMBER_ID));
      return this.addMemberAndRebalance(group, memberId, req, respond);
    }
    const error = this.validateMember(group, memberId, req.groupInstanceId);
    if (error !== E.NONE) return respond(joinError(memberId, error));
    const member = group.get(memberId) as Member;
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, req, respond);
      case 'CompletingRebalance':
        if (!member.matches(req.protocols)) return this.updateMemberAndRebalance(group, member, req, respond);
        // Same metadata: it probably lost the JoinGroup response; answer with the current generation again.
        this.scheduleHeartbeat(group, member);
        return respond(this.joinResult(group, memberId, group.isLeader(memberId) ? group.currentMemberMetadata() : []));
      case 'Stable':
        // A leader's rejoin always rebalances: that is how it reacts to metadata changes
        // (new partitions, new topics matching a pattern) that its own metadata does not show.
        if (group.isLeader(memberId) || !member.matches(req.protocols)) {
          return this.updateMemberAndRebalance(group, member, req, respond);
        }
        this.scheduleHeartbeat(group, member);
        return respond(this.joinResult(group, memberId, []));
      default:
        return respond(joinError(memberId, E.UNKNOWN_MEMBER_ID));
    }
  }

  private addMemberAndRebalance(group: Group, memberId: string, req: JoinGroupRequest, respond: JoinCallback): void {
    const member = new Member(
      memberId,
      req.groupInstanceId,
      req.clientId,
      req.clientHost,
      req.rebalanceTimeoutMs,
      req.sessionTimeoutMs,
      req.protocolType,
      req.protocols,
    );
    member.isNew = true;
    // A member arriving during the first generation's initial delay extends that delay.
    if (group.is('PreparingRebalance') && group.generationId === 0) group.newMemberAdded = true;
    const first = group.members.size === 0;
    group.add(member, respond);
    // It cannot heartbeat before its first JoinGroup response; this bounds the wait for a vanished one.
    this.scheduleHeartbeat(group, member, this.newMemberJoinTimeoutMs);
    this.maybePrepareRebalance(group, `adding member ${memberId}${because(req.reason)}`);
    if (first) this.persistMeta(group);
  }

  private updateMemberAndRebalance(group: Group, member: Member, req: JoinGroupRequest, respond: JoinCallback): void {
    // A repeated JoinGroup replaces the waiting one (its client gave up on it); answer the old
    // one so no request is left hanging.
    const previous = member.awaitingJoin;
    member.awaitingJoin = respond;
    previous?.(joinError(member.memberId, E.REBALANCE_IN_PROGRESS));
    group.updateMember(member, req.protocols, req.rebalanceTimeoutMs, req.sessionTimeoutMs);
    this.maybePrepareRebalance(group, `member ${member.memberId} rejoined${because(req.reason)}`);
  }

  /** A restarted static member (known instance id, no member id) takes over its old place. */
  private rejoinStaticMember(
    group: Group,
    oldMemberId: string,
    newMemberId: string,
    req: JoinGroupRequest,
    respond: JoinCallback,
  ): void {
    const currentLeader = group.leaderId;
    const member = group.replaceStaticMember(req.groupInstanceId as string, oldMemberId, newMemberId);
    // Whoever still waits under the old id is a duplicate instance: fence it.
    const [join, sync] = [member.awaitingJoin, member.awaitingSync];
    member.awaitingJoin = member.awaitingSync = null;
    join?.(joinError(oldMemberId, E.FENCED_INSTANCE_ID));
    sync?.(syncError(E.FENCED_INSTANCE_ID));
    group.updateMember(member, req.protocols, req.rebalanceTimeoutMs, req.sessionTimeoutMs);
    this.scheduleHeartbeat(group, member);
    member.awaitingJoin = respond;
    this.log(`group ${group.groupId}: static member ${req.groupInstanceId} rejoined as ${newMemberId} (was ${oldMemberId})`);
    switch (group.state) {
      case 'Stable':
        if (group.selectProtocol() !== group.protocolName) {
          this.maybePrepareRebalance(group, `static member ${newMemberId} changed the group's protocol`);
          return;
        }
        // No rebalance: it gets its old assignment back through SyncGroup. The old leader id is
        // returned so a restarted leader does not run an assignment a Stable group never hands out.
        member.awaitingJoin = null;
        respond({ ...this.joinResult(group, newMemberId, []), leader: currentLeader ?? '' });
        return;
      case 'CompletingRebalance':
        // The leader may be assigning to the old id right now; a new round keeps ids consistent.
        this.prepareRebalance(group, `static member ${req.groupInstanceId} rejoined during CompletingRebalance`);
        return;
      default:
      // PreparingRebalance: it waits for the join phase like everyone else.
    }
  }

  private joinResult(group: Group, memberId: string, members: JoinGroupMember[]): JoinGroupResult {
    return {
      errorCode: E.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      memberId,
      members,
    };
  }

  // ---- Rebalance phases ----

  protected maybePrepareRebalance(group: Group, reason: string): void {
    if (group.is('Stable', 'CompletingRebalance', 'Empty')) this.prepareRebalance(group, reason);
  }

  private prepareRebalance(group: Group, reason: string): void {
    // Members still waiting for an assignment must rejoin instead.
    if (group.is('CompletingRebalance')) this.propagateAssignment(group, E.REBALANCE_IN_PROGRESS);
    this.cancelSyncExpiration(group);
    const wasEmpty = group.is('Empty');
    group.transitionTo('PreparingRebalance', this.now());
    this.log(`group ${group.groupId}: preparing to rebalance, generation ${group.generationId}: ${reason}`);
    group.joinTimer?.();
    group.newMemberAdded = false;
    if (wasEmpty && this.initialRebalanceDelayMs > 0) {
      // group.initial.rebalance.delay.ms: let the other members of a starting group make it
      // into the first generation instead of rebalancing once per arrival.
      const delay = this.initialRebalanceDelayMs;
      this.scheduleInitialJoin(group, delay, Math.max(group.rebalanceTimeoutMs() - delay, 0));
    } else {
      this.scheduleJoin(group);
      this.tryCompleteJoin(group);
    }
  }

  /** The join phase ends when every member has rejoined, or at the rebalance timeout. */
  private scheduleJoin(group: Group): void {
    group.initialDelay = false;
    group.joinTimer = this.schedule(group.rebalanceTimeoutMs(), () => {
      group.joinTimer = null;
      this.completeJoin(group);
    });
  }

  /** Kafka's InitialDelayedJoin: waits out the delay, extended while members keep arriving. */
  private scheduleInitialJoin(group: Group, delayMs: number, remainingMs: number): void {
    group.initialDelay = true;
    group.joinTimer = this.schedule(delayMs, () => {
      group.joinTimer = null;
      if (group.newMemberAdded && remainingMs > 0) {
        group.newMemberAdded = false;
        const next = Math.min(this.initialRebalanceDelayMs, remainingMs);
        this.scheduleInitialJoin(group, next, Math.max(remainingMs - delayMs, 0));
      } else {
        group.initialDelay = false;
        this.completeJoin(group);
      }
    });
  }

  protected tryCompleteJoin(group: Group): void {
    if (group.is('PreparingRebalance') && !group.initialDelay && group.hasAllMembersJoined()) {
      group.joinTimer?.();
      group.joinTimer = null;
      this.completeJoin(group);
    }
  }

  private completeJoin(group: Group): void {
    if (!group.is('PreparingRebalance')) return;
    // Dynamic members that did not rejoin in time are out; static ones keep their place until
    // their session expires (a restart should not cost a rebalance).
    for (const m of [...group.members.values()]) {
      if (!m.awaitingJoin && m.groupInstanceId === null) {
        this.log(`group ${group.groupId}: member ${m.memberId} did not rejoin in time, removing it`);
        this.removeMember(group, m);
      }
    }
    if (!group.electJoinedLeader() && group.members.size > 0) {
      // Only static members that have not rejoined remain: wait another rebalance timeout.
      this.scheduleJoin(group);
      return;
    }
    group.initNextGeneration(this.now());
    if (group.is('Empty')) {
      this.log(`group ${group.groupId}: generation ${group.generationId} is empty`);
      this.persistMeta(group);
      this.storeGroupRecord(group);
      return;
    }
    this.log(
      `group ${group.groupId}: generation ${group.generationId} with ${group.members.size} member(s), ` +
        `protocol ${group.protocolName}, leader ${group.leaderId}`,
    );
    const all = group.currentMemberMetadata();
    for (const m of group.members.values()) {
      const respond = m.awaitingJoin;
      m.awaitingJoin = null;
      respond?.(this.joinResult(group, m.memberId, group.isLeader(m.memberId) ? all : []));
      this.scheduleHeartbeat(group, m);
      m.isNew = false;
      group.pendingSync.add(m.memberId);
    }
    // Members that never send SyncGroup are removed after the rebalance timeout (Kafka 3.2+).
    const generation = group.generationId;
    group.syncTimer = this.schedule(group.rebalanceTimeoutMs(), () => {
      group.syncTimer = null;
      this.expirePendingSync(group, generation);
    });
  }

  // ---- SyncGroup ----

  /** The leader's call completes the phase for everyone; followers wait for it. */
  sync(req: SyncGroupRequest): Promise<SyncGroupResult> {
    return new Promise((resolve) => this.doSync(req, resolve));
  }

  private doSync(req: SyncGroupRequest, respond: SyncCallback): void {
    if (this.closed) return respond(syncError(E.COORDINATOR_NOT_AVAILABLE));
    if (req.groupId === '') return respond(syncError(E.INVALID_GROUP_ID));
    const group = this.groups.get(req.groupId);
    if (!group) return respond(syncError(E.UNKNOWN_MEMBER_ID));
    const error = this.validateGeneration(group, req.memberId, req.groupInstanceId, req.generationId);
    if (error !== E.NONE) return respond(syncError(error));
    if (
      (req.protocolType !== null && req.protocolType !== group.protocolType) ||
      (req.protocolName !== null && req.protocolName !== group.protocolName)
    ) {
      return respond(syncError(E.INCONSISTENT_GROUP_PROTOCOL));
    }
    const member = group.get(req.memberId) as Member;
    switch (group.state) {
      case 'PreparingRebalance':
        return respond(syncError(E.REBALANCE_IN_PROGRESS));
      case 'CompletingRebalance': {
        const previous = member.awaitingSync;
        member.awaitingSync = respond;
        previous?.(syncError(E.REBALANCE_IN_PROGRESS));
        this.removePendingSync(group, member.memberId);
        if (!group.isLeader(member.memberId)) return;
        const assignments = new Map(req.assignments.map((a) => [a.memberId, a.assignment]));
        // Members the leader left out get an empty assignment.
        for (const m of group.members.values()) m.assignment = assignments.get(m.memberId) ?? EMPTY;
        group.transitionTo('Stable', this.now());
        this.log(`group ${group.groupId}: generation ${group.generationId} is Stable`);
        this.storeGroupRecord(group);
        return this.propagateAssignment(group, E.NONE);
      }
      case 'Stable':
        this.removePendingSync(group, member.memberId);
        this.scheduleHeartbeat(group, member);
        return respond({
          errorCode: E.NONE,
          protocolType: group.protocolType,
          protocolName: group.protocolName,
          assignment: member.assignment,
        });
      default:
        return respond(syncError(E.UNKNOWN_MEMBER_ID));
    }
  }

  /** Answers every waiting SyncGroup: the assignment, or an error that clears it. */
  private propagateAssignment(group: Group, errorCode: number): void {
    for (const m of group.members.values()) {
      if (errorCode !== E.NONE) m.assignment = EMPTY;
      const respond = m.awaitingSync;
      if (!respond) continue;
      m.awaitingSync = null;
      respond(
        errorCode === E.NONE
          ? { errorCode, protocolType: group.protocolType, protocolName: group.protocolName, assignment: m.assignment }
          : syncError(errorCode),
      );
      // Its session could not expire while it waited; it starts again now.
      this.scheduleHeartbeat(group, m);
    }
  }

  private removePendingSync(group: Group, memberId: string): void {
    group.pendingSync.delete(memberId);
    if (group.pendingSync.size === 0) this.cancelSyncExpiration(group);
  }

  protected cancelSyncExpiration(group: Group): void {
    group.pendingSync.clear();
    group.syncTimer?.();
    group.syncTimer = null;
  }

  private expirePendingSync(group: Group, generation: number): void {
    if (generation !== group.generationId || !group.is('CompletingRebalance', 'Stable')) return;
    const late = [...group.pendingSync];
    if (late.length === 0) return;
    for (const id of late) {
      const m = group.get(id);
      if (m) this.removeMember(group, m);
    }
    this.prepareRebalance(group, `member(s) ${late.join(', ')} did not send SyncGroup in time`);
  }

  // ---- Heartbeat / LeaveGroup ----

  heartbeat(req: HeartbeatRequest): { errorCode: number } {
    if (this.closed) return { errorCode: E.COORDINATOR_NOT_AVAILABLE };
    if (req.groupId === '') return { errorCode: E.INVALID_GROUP_ID };
    const group = this.groups.get(req.groupId);
    if (!group) return { errorCode: E.UNKNOWN_MEMBER_ID };
    const error = this.validateGeneration(group, req.memberId, req.groupInstanceId, req.generationId);
    if (error !== E.NONE) return { errorCode: error };
    if (group.is('Empty')) return { errorCode: E.UNKNOWN_MEMBER_ID };
    this.scheduleHeartbeat(group, group.get(req.memberId) as Member);
    // In CompletingRebalance the member already has the new generation: nothing to tell it.
    return { errorCode: group.is('PreparingRebalance') ? E.REBALANCE_IN_PROGRESS : E.NONE };
  }

  leave(req: LeaveGroupRequest): LeaveGroupResult {
    if (this.closed) return { errorCode: E.COORDINATOR_NOT_AVAILABLE, members: [] };
    if (req.groupId === '') return { errorCode: E.INVALID_GROUP_ID, members: [] };
    const group = this.groups.get(req.groupId);
    return {
      errorCode: E.NONE,
      members: req.members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        errorCode: group ? this.leaveMember(group, m) : E.UNKNOWN_MEMBER_ID,
      })),
    };
  }

  private leaveMember(group: Group, leaving: LeavingMember): number {
    const reason = `member ${leaving.memberId || leaving.groupInstanceId} left${because(leaving.reason)}`;
    if (leaving.memberId === '') {
      // Removal by group.instance.id alone (admin tools, KIP-345).
      const id = leaving.groupInstanceId !== null ? group.staticMembers.get(leaving.groupInstanceId) : undefined;
      if (id === undefined) return E.UNKNOWN_MEMBER_ID;
      this.removeMemberAndUpdateGroup(group, group.get(id) as Member, reason);
      return E.NONE;
    }
    const pending = group.pendingMembers.get(leaving.memberId);
    if (pending) {
      pending();
      group.pendingMembers.delete(leaving.memberId);
      this.tryCompleteJoin(group);
      return E.NONE;
    }
    const error = this.validateMember(group, leaving.memberId, leaving.groupInstanceId);
    if (error !== E.NONE) return error;
    this.removeMemberAndUpdateGroup(group, group.get(leaving.memberId) as Member, reason);
    return E.NONE;
  }

  // ---- Members and sessions ----

  /** Kafka's validateCurrentMember: a static member must hold its instance id's current member id. */
  protected validateMember(group: Group, memberId: string, groupInstanceId: string | null): number {
    if (groupInstanceId !== null) {
      const current = group.staticMembers.get(groupInstanceId);
      if (current === undefined) return E.UNKNOWN_MEMBER_ID;
      if (current !== memberId) return E.FENCED_INSTANCE_ID;
    }
    return group.members.has(memberId) ? E.NONE : E.UNKNOWN_MEMBER_ID;
  }

  private validateGeneration(group: Group, memberId: string, instanceId: string | null, generation: number): number {
    if (group.is('Dead')) return E.COORDINATOR_NOT_AVAILABLE;
    const error = this.validateMember(group, memberId, instanceId);
    if (error !== E.NONE) return error;
    return generation === group.generationId ? E.NONE : E.ILLEGAL_GENERATION;
  }

  /** Restarts the member's session: it is removed if nothing is heard from it for `ms`. */
  protected scheduleHeartbeat(group: Group, member: Member, ms = member.sessionTimeoutMs): void {
    member.heartbeatTimer?.();
    member.heartbeatTimer = this.schedule(ms, () => {
      member.heartbeatTimer = null;
      this.expireHeartbeat(group, member);
    });
  }

  private expireHeartbeat(group: Group, member: Member): void {
    if (group.is('Dead') || group.get(member.memberId) !== member) return;
    // A known member waiting for the join or sync phase counts as alive; the end of the phase
    // restarts its session. New members (not yet in a generation) may expire while waiting.
    if (!member.isNew && (member.awaitingJoin || member.awaitingSync)) return;
    this.removeMemberAndUpdateGroup(group, member, `member ${member.memberId}'s session expired`);
  }

  private expirePendingMember(group: Group, memberId: string): void {
    if (!group.pendingMembers.delete(memberId)) return;
    this.tryCompleteJoin(group);
  }

  /** Takes a member out, answering any request it still has waiting. */
  private removeMember(group: Group, member: Member): void {
    member.heartbeatTimer?.();
    member.heartbeatTimer = null;
    const [join, sync] = [member.awaitingJoin, member.awaitingSync];
    member.awaitingJoin = member.awaitingSync = null;
    group.remove(member.memberId);
    // UNKNOWN_MEMBER_ID makes a client that is still running rejoin from scratch.
    join?.(joinError('', E.UNKNOWN_MEMBER_ID));
    sync?.(syncError(E.UNKNOWN_MEMBER_ID));
  }

  private removeMemberAndUpdateGroup(group: Group, member: Member, reason: string): void {
    this.removeMember(group, member);
    this.log(`group ${group.groupId}: ${reason}`);
    if (group.is('PreparingRebalance')) this.tryCompleteJoin(group);
    else this.maybePrepareRebalance(group, reason);
  }
}
