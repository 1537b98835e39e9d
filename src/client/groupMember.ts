// kt's own member of a classic consumer group (protocol type "consumer", the eager rebalance
// protocol Java's "range" and "roundrobin" assignors use), on the gateway: every request is
// kt's schema sent over kafkajs's connections (gateway.ts `send`).
//
//   FindCoordinator → JoinGroup (again with the id MEMBER_ID_REQUIRED hands out) → SyncGroup
//   (the leader computes everyone's assignment) → Heartbeat every few seconds → … →
//   LeaveGroup on close.
//
// The member never fetches: its owner (consumer.ts) asks `join()` for an assignment when
// `needsJoin` says so, commits positions through `commit()`, and fetches what it owns. A
// Heartbeat answered REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION or UNKNOWN_MEMBER_ID sets
// `needsJoin`; NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE or a lost connection makes the next
// request look the coordinator up again. Subscriptions and assignments are Kafka's
// ConsumerProtocol bytes, so Java and librdkafka members and `kafka-consumer-groups
// --describe` read kt's.

import { KtError } from '../errors.js';
import { KafkaError, errorName } from '../protocol/errors.js';
import type { ApiSchema, DecodedResp, ReqInput } from '../protocol/schema.js';
import { FindCoordinator } from '../protocol/apis/findCoordinator.js';
import { JoinGroup } from '../protocol/apis/joinGroup.js';
import { SyncGroup } from '../protocol/apis/syncGroup.js';
import { Heartbeat } from '../protocol/apis/heartbeat.js';
import { LeaveGroup } from '../protocol/apis/leaveGroup.js';
import { OffsetCommit } from '../protocol/apis/offsetCommit.js';
import { OffsetFetch } from '../protocol/apis/offsetFetch.js';
import { CONSUMER_PROTOCOL_MAX_VERSION, decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription, type TopicPartitions } from '../protocol/apis/consumerProtocol.js';
import { ASSIGNORS, type AssignorMember } from './assignors.js';
import { encodeBody, send, versionFor, type KjsBroker, type KjsCluster } from './gateway.js';
import { isConnectionLoss } from './fetchLoop.js';
import { sleep } from '../sleep.js';

/**
 * The highest version of each API sent: the shapes read below (FindCoordinator v4 batches
 * keys, OffsetFetch v8 batches groups, OffsetCommit v8+ is KIP-848's).
 */
const MAX = new Map<ApiSchema, number>([
  [FindCoordinator, 3],
  [JoinGroup, 9],
  [SyncGroup, 5],
  [Heartbeat, 4],
  [LeaveGroup, 5],
  [OffsetCommit, 7],
  [OffsetFetch, 5],
]);

/** One request at the highest version both sides allow (bounded by MAX). */
async function call<A extends ApiSchema>(broker: KjsBroker, api: A, body: ReqInput<A>, requestTimeout?: number): Promise<DecodedResp<A>> {
  const version = versionFor(broker, api, { max: MAX.get(api) });
  const res = await send<DecodedResp<A>>(broker, api, version, encodeBody(api, version, body as Record<string, unknown>), { requestTimeout });
  return res as DecodedResp<A>;
}

const COORDINATOR_MOVED = new Set(['NOT_COORDINATOR', 'COORDINATOR_NOT_AVAILABLE', 'COORDINATOR_LOAD_IN_PROGRESS']);
const REJOIN = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'FENCED_INSTANCE_ID']);

/** An error a group response carried. */
function groupError(what: string, code: number): KafkaError {
  const e = KafkaError.fromCode(code);
  e.message = `${what}: ${e.message} (${errorName(code)})`;
  return e;
}

/**
 * The group's coordinator, asked of the bootstrap broker (FindCoordinator, key type group),
 * for up to ~20 s while it is not available yet: on a fresh Apache cluster the first lookup
 * creates __consumer_offsets, and its leaders take a moment to load it.
 */
export async function findCoordinator(cluster: KjsCluster, group: string): Promise<KjsBroker> {
  for (let attempt = 0; ; attempt++) {
    const res = await askAnyBroker(cluster, (b) => call(b, FindCoordinator, { key: group, keyType: 0 }));
    if (res.errorCode === 0) {
      try {
        return await cluster.findBroker({ nodeId: res.nodeId });
      } catch (err) {
        if ((err as Error).name !== 'KafkaJSBrokerNotFound') throw err;
        await cluster.refreshMetadata();
        return cluster.findBroker({ nodeId: res.nodeId });
      }
    }
    if (!COORDINATOR_MOVED.has(errorName(res.errorCode)) || attempt >= 40) throw groupError(`cannot find the coordinator of group ${group}`, res.errorCode);
    await sleep(Math.min(100 * 2 ** attempt, 500));
  }
}

/** `ask` of the bootstrap broker, or, when it cannot be reached, of the other brokers in turn. */
async function askAnyBroker<T>(cluster: KjsCluster, ask: (b: KjsBroker) => Promise<T>): Promise<T> {
  try {
    return await ask(cluster.brokerPool.seedBroker);
  } catch (err) {
    if (!isConnectionLoss(err)) throw err;
    const meta = await cluster.metadata().catch(() => undefined);
    for (const { nodeId } of meta?.brokers ?? []) {
      try {
        return await ask(await cluster.findBroker({ nodeId }));
      } catch (e) {
        if (!isConnectionLoss(e)) throw e;
      }
    }
    throw err;
  }
}

/**
 * Retries `fn` at the group's (re-discovered) coordinator while the coordinator is moving or
 * loading (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE), ~20 s.
 */
async function atCoordinator<T>(cluster: KjsCluster, group: string, fn: (coordinator: KjsBroker) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(await findCoordinator(cluster, group));
    } catch (e) {
      if (!COORDINATOR_MOVED.has((e as { type?: string }).type ?? '') || attempt >= 40) throw e;
      await sleep(Math.min(100 * 2 ** attempt, 500));
    }
  }
}

export interface Position {
  topic: string;
  partition: number;
  offset: number;
}

/**
 * OffsetCommit of `positions` (the next offset to read, as Kafka's clients commit). Generation
 * -1 and member "" is a commit from outside the group (Java's assign() + commitSync()). Throws
 * the first partition error.
 */
export async function commitOffsets(coordinator: KjsBroker, group: string, positions: Position[], member: { generationId: number; memberId: string } = { generationId: -1, memberId: '' }): Promise<void> {
  if (positions.length === 0) return;
  const byTopic = new Map<string, Position[]>();
  for (const p of positions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p]);
  const res = await call(coordinator, OffsetCommit, {
    groupId: group,
    generationIdOrMemberEpoch: member.generationId,
    memberId: member.memberId,
    groupInstanceId: null,
    topics: [...byTopic.entries()].map(([name, ps]) => ({
      name,
      partitions: ps.map((p) => ({ partitionIndex: p.partition, committedOffset: p.offset, committedMetadata: '' })),
    })),
  });
  for (const t of res.topics) for (const p of t.partitions) if (p.errorCode) throw groupError(`cannot commit the offsets of group ${group}`, p.errorCode);
}

/** The group's committed offsets of these partitions ("topic:partition" → offset; none when nothing is committed). */
export async function fetchCommitted(coordinator: KjsBroker, group: string, partitions: Array<{ topic: string; partition: number }>): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (partitions.length === 0) return out;
  const byTopic = new Map<string, number[]>();
  for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
  const res = await call(coordinator, OffsetFetch, { groupId: group, topics: [...byTopic.entries()].map(([name, partitionIndexes]) => ({ name, partitionIndexes })) });
  if (res.errorCode) throw groupError(`cannot read the offsets of group ${group}`, res.errorCode);
  for (const t of res.topics ?? []) {
    for (const p of t.partitions) {
      if (p.errorCode) throw groupError(`cannot read the offsets of group ${group}`, p.errorCode);
      if (p.committedOffset >= 0) out.set(`${t.name}:${p.partitionIndex}`, p.committedOffset);
    }
  }
  return out;
}

/** The same, at the group's coordinator (found, and found again while it moves). */
export function committedAt(cluster: KjsCluster, group: string, partitions: Array<{ topic: string; partition: number }>): Promise<Map<string, number>> {
  return atCoordinator(cluster, group, (c) => fetchCommitted(c, group, partitions));
}

/** `commitOffsets` at the group's coordinator. */
export function commitAt(cluster: KjsCluster, group: string, positions: Position[], member?: { generationId: number; memberId: string }): Promise<void> {
  return atCoordinator(cluster, group, (c) => commitOffsets(c, group, positions, member));
}

export interface GroupMemberOptions {
  group: string;
  topics: string[];
  /** session.timeout.ms (kafkajs's and so kt's default was 30 s) */
  sessionTimeoutMs?: number;
  /** how long the coordinator waits for members to rejoin (max.poll.interval.ms in Java) */
  rebalanceTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** the group started rebalancing (a heartbeat said so) */
  onRebalancing?: () => void;
}

export interface Generation {
  generationId: number;
  memberId: string;
  leader: boolean;
  protocol: string;
  assignment: TopicPartitions[];
}

export class GroupMember {
  /** this member must (re)join before it may fetch or commit */
  needsJoin = true;
  generation: Generation | undefined;
  private memberId = '';
  private coordinator: KjsBroker | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private heartbeating = false;
  private closed = false;
  private readonly sessionTimeoutMs: number;
  private readonly rebalanceTimeoutMs: number;
  private readonly heartbeatIntervalMs: number;

  constructor(
    private readonly cluster: KjsCluster,
    private readonly o: GroupMemberOptions,
  ) {
    this.sessionTimeoutMs = o.sessionTimeoutMs ?? 30_000;
    this.rebalanceTimeoutMs = o.rebalanceTimeoutMs ?? 60_000;
    this.heartbeatIntervalMs = o.heartbeatIntervalMs ?? 3000;
  }

  private async coordinatorBroker(): Promise<KjsBroker> {
    this.coordinator ??= await findCoordinator(this.cluster, this.o.group);
    return this.coordinator;
  }

  /** Forget the coordinator (it moved, or its connection was lost): the next request looks it up. */
  private lostCoordinator(): void {
    this.coordinator = undefined;
  }

  private subscription(): Buffer {
    const owned = this.generation?.assignment ?? [];
    return encodeSubscription({ topics: this.o.topics, userData: null, ownedPartitions: owned, generationId: this.generation?.generationId ?? -1, rackId: null }, CONSUMER_PROTOCOL_MAX_VERSION);
  }

  /**
   * Joins the group (a new generation) and returns this member's assignment. Retries the
   * steps Kafka's protocol asks to retry; a lost connection is thrown (the caller waits and
   * calls again).
   */
  async join(): Promise<Generation> {
    this.stopHeartbeat();
    try {
      for (let attempt = 0; ; attempt++) {
        const g = await this.tryJoin();
        if (g) {
          this.generation = g;
          this.needsJoin = false;
          this.startHeartbeat();
          return g;
        }
        await sleep(Math.min(50 * 2 ** attempt, 1000));
      }
    } catch (err) {
      this.lostCoordinator();
      throw err;
    }
  }

  /** One JoinGroup + SyncGroup round; undefined when it must be tried again. */
  private async tryJoin(): Promise<Generation | undefined> {
    const coordinator = await this.coordinatorBroker();
    const metadata = this.subscription();
    const joinBody = {
      groupId: this.o.group,
      sessionTimeoutMs: this.sessionTimeoutMs,
      rebalanceTimeoutMs: this.rebalanceTimeoutMs,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: ASSIGNORS.map(([name]) => ({ name, metadata })),
      reason: null,
    };
    // the coordinator answers when every member has rejoined: up to the rebalance timeout
    let joined = await call(coordinator, JoinGroup, { ...joinBody, memberId: this.memberId }, this.rebalanceTimeoutMs + 5000);
    if (errorName(joined.errorCode) === 'MEMBER_ID_REQUIRED') {
      this.memberId = joined.memberId;
      joined = await call(coordinator, JoinGroup, { ...joinBody, memberId: this.memberId }, this.rebalanceTimeoutMs + 5000);
    }
    if (joined.errorCode && !this.retryable('join', joined.errorCode)) throw groupError(`cannot join group ${this.o.group}`, joined.errorCode);
    if (joined.errorCode) return undefined;
    this.memberId = joined.memberId;
    const protocol = joined.protocolName ?? '';
    const leader = joined.leader === joined.memberId;
    const assignments = leader ? await this.assign(protocol, joined.members) : [];
    const synced = await call(
      coordinator,
      SyncGroup,
      { groupId: this.o.group, generationId: joined.generationId, memberId: this.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: protocol, assignments },
      this.rebalanceTimeoutMs + 5000,
    );
    if (synced.errorCode && !this.retryable('sync', synced.errorCode)) throw groupError(`cannot join group ${this.o.group}`, synced.errorCode);
    if (synced.errorCode) return undefined;
    const assignment = decodeAssignment(synced.assignment)?.assignedPartitions ?? [];
    return {
      generationId: joined.generationId,
      memberId: this.memberId,
      leader,
      protocol,
      assignment: assignment.map((a) => ({ topic: a.topic, partitions: [...a.partitions].sort((x, y) => x - y) })),
    };
  }

  /** Whether a JoinGroup/SyncGroup error means "try again" (and what to forget first). */
  private retryable(step: 'join' | 'sync', code: number): boolean {
    const name = errorName(code);
    if (COORDINATOR_MOVED.has(name)) {
      this.lostCoordinator();
      return true;
    }
    if (name === 'UNKNOWN_MEMBER_ID') {
      this.memberId = '';
      return true;
    }
    return name === 'REBALANCE_IN_PROGRESS' || name === 'ILLEGAL_GENERATION' || (step === 'join' && name === 'MEMBER_ID_REQUIRED');
  }

  /** The leader's part: every member's assignment, by the protocol the coordinator chose. */
  private async assign(protocol: string, members: Array<{ memberId: string; groupInstanceId: string | null; metadata: Buffer | null }>): Promise<Array<{ memberId: string; assignment: Buffer }>> {
    const assignor = ASSIGNORS.find(([name]) => name === protocol)?.[1];
    if (!assignor) throw new KtError(`group ${this.o.group} chose the assignor '${protocol}', which kt does not implement (kt offers ${ASSIGNORS.map(([n]) => n).join(', ')})`);
    const subs = members.map((m) => ({ m, s: decodeSubscription(m.metadata) }));
    const assignorMembers: AssignorMember[] = subs.map(({ m, s }) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null, topics: s?.topics ?? [] }));
    const topics = [...new Set(assignorMembers.flatMap((m) => m.topics))];
    // other members may subscribe to topics this one has no metadata for
    const unknown = topics.filter((t) => this.cluster.findTopicPartitionMetadata(t).length === 0);
    if (unknown.length) await this.cluster.addMultipleTargetTopics(unknown).catch(() => undefined);
    const counts = new Map(topics.map((t) => [t, this.cluster.findTopicPartitionMetadata(t).length]));
    const plan = assignor(assignorMembers, counts);
    // each member reads the assignment in the oldest subscription version any member sent
    const version = Math.min(CONSUMER_PROTOCOL_MAX_VERSION, ...subs.map(({ s }) => s?.version ?? 0));
    return assignorMembers.map((m) => ({ memberId: m.memberId, assignment: encodeAssignment({ assignedPartitions: plan.get(m.memberId) ?? [], userData: null }, version) }));
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => void this.beat(), this.heartbeatIntervalMs);
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private async beat(): Promise<void> {
    const g = this.generation;
    if (this.heartbeating || this.needsJoin || this.closed || !g) return;
    this.heartbeating = true;
    try {
      const coordinator = await this.coordinatorBroker();
      const res = await call(coordinator, Heartbeat, { groupId: this.o.group, generationId: g.generationId, memberId: g.memberId, groupInstanceId: null });
      this.onGroupError(res.errorCode);
    } catch {
      // a lost connection or a coordinator not found: look it up again at the next beat; the
      // session outlives a few missed beats
      this.lostCoordinator();
    } finally {
      this.heartbeating = false;
    }
  }

  /** What a Heartbeat's or OffsetCommit's error code means for this member. */
  private onGroupError(code: number): void {
    if (!code) return;
    const name = errorName(code);
    if (COORDINATOR_MOVED.has(name)) this.lostCoordinator();
    else if (REJOIN.has(name)) {
      if (name === 'UNKNOWN_MEMBER_ID' || name === 'FENCED_INSTANCE_ID') this.memberId = '';
      if (!this.needsJoin) {
        this.needsJoin = true;
        this.stopHeartbeat();
        this.o.onRebalancing?.();
      }
    }
  }

  /**
   * Commits positions as this generation's member. Returns false when the group has moved
   * on (a rebalance: the commit is refused, `needsJoin` is set); throws other errors.
   */
  async commit(positions: Position[]): Promise<boolean> {
    const g = this.generation;
    if (!g || positions.length === 0) return true;
    for (let attempt = 0; ; attempt++) {
      try {
        await commitOffsets(await this.coordinatorBroker(), this.o.group, positions, g);
        return true;
      } catch (e) {
        const code = (e as { code?: number }).code;
        const name = (e as { type?: string }).type ?? '';
        if (typeof code === 'number' && e instanceof KafkaError) this.onGroupError(code);
        else this.lostCoordinator();
        if (REJOIN.has(name)) return false;
        if (!COORDINATOR_MOVED.has(name) || attempt >= 10) throw e;
        await sleep(Math.min(100 * 2 ** attempt, 1000));
      }
    }
  }

  /** The committed offsets of these partitions (see fetchCommitted). */
  async committed(partitions: Array<{ topic: string; partition: number }>): Promise<Map<string, number>> {
    try {
      return await committedAt(this.cluster, this.o.group, partitions);
    } catch (e) {
      this.lostCoordinator();
      throw e;
    }
  }

  /** Leaves the group (LeaveGroup), so the others take its partitions over at once. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopHeartbeat();
    const memberId = this.generation?.memberId ?? this.memberId;
    if (!memberId || !this.coordinator) return;
    await call(this.coordinator, LeaveGroup, {
      groupId: this.o.group,
      memberId,
      members: [{ memberId, groupInstanceId: null, reason: 'the consumer is being closed' }],
    }).catch(() => undefined);
  }
}
