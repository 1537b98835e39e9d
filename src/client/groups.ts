// Consumer-group administration: the work behind `kt groups`.
//
// kafkajs 2.2.4's admin covers groups only partly: no OffsetDelete, no group instance ids in
// DescribeGroups (it stops at v2), OffsetFetch needs the topic list, and setOffsets/resetOffsets
// join the group as a consumer (a rebalance, and a protocol type the group may not have). So
// kt drives kafkajs's Cluster (its connections, TLS/SASL, retries) through the gateway
// (gateway.ts) and sends the group requests with the schemas of src/protocol, at the
// gateway's version (the highest both sides support) within the bounds in GROUP_API_MAX.
//
// Offsets are committed as Kafka's admin client does (AlterConsumerGroupOffsets): OffsetCommit
// with generation -1 and no member id, which the coordinator accepts only while the group has
// no members.

import { KtError } from '../errors.js';
import { errorMessage, errorName } from '../protocol/errors.js';
import type { ApiSchema, DecodedResp, ReqInput } from '../protocol/schema.js';
import { ConsumerGroupDescribe } from '../protocol/apis/consumerGroupDescribe.js';
import { DescribeGroups } from '../protocol/apis/describeGroups.js';
import { ListGroups } from '../protocol/apis/listGroups.js';
import { OffsetFetch } from '../protocol/apis/offsetFetch.js';
import { OffsetCommit } from '../protocol/apis/offsetCommit.js';
import { DeleteGroups } from '../protocol/apis/deleteGroups.js';
import { OffsetDelete } from '../protocol/apis/offsetDelete.js';
import { decodeAssignment } from '../protocol/apis/consumerProtocol.js';
import { createCluster, negotiate, request, versionFor, type KjsBroker, type KjsCluster } from './gateway.js';
import type { KafkaHandle } from './index.js';

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface GroupListing {
  group: string;
  /** Kafka's group type: "classic", or "consumer" for the consumer group protocol (KIP-848). */
  type: GroupType;
  protocolType: string;
  state: string;
  /** The chosen assignor ("range", "RoundRobinAssigner"...); "" unless Stable. */
  protocol: string;
  members: number;
}

export interface GroupMember {
  consumerId: string;
  groupInstanceId: string | null;
  clientId: string;
  host: string;
  /** Decoded from the consumer-protocol assignment; empty when it is not one. */
  assignment: TopicPartition[];
  /** KIP-848 consumer groups only (ConsumerGroupDescribe); null in a classic group. */
  memberEpoch?: number | null;
  /** The partitions the coordinator means this member to own (KIP-848); empty in a classic group. */
  targetAssignment?: TopicPartition[];
  /** KIP-848: whether the member speaks the consumer protocol (false: a classic member of a consumer group); null when unknown. */
  upgraded?: boolean | null;
}

export type GroupType = 'classic' | 'consumer';

export interface GroupDescription {
  group: string;
  type: GroupType;
  state: string;
  protocolType: string;
  protocol: string;
  coordinator: { id: number; host: string; port: number };
  members: GroupMember[];
  /** KIP-848 consumer groups only; null for a classic group. */
  groupEpoch?: number | null;
  /** KIP-848 consumer groups only: the epoch of the group's target assignment; null for a classic group. */
  targetAssignmentEpoch?: number | null;
}

export interface CommittedOffset extends TopicPartition {
  offset: number;
  leaderEpoch: number | null;
  metadata: string | null;
}

export interface PartitionError extends TopicPartition {
  /** Kafka's error name, null on success. */
  error: string | null;
}

export type OffsetSpec = 'earliest' | 'latest' | { timestamp: number };


/**
 * The highest version of each group API kt sends: the request and response shapes the code
 * below reads (above them OffsetFetch batches groups (v8), DescribeGroups answers an unknown
 * group with an error instead of a Dead one (v6), OffsetCommit names topics by id (v10)).
 */
export const GROUP_API_MAX: ReadonlyMap<ApiSchema, number> = new Map<ApiSchema, number>([
  [ListGroups, 2],
  [DescribeGroups, 4],
  [OffsetFetch, 5],
  [OffsetCommit, 7],
  [DeleteGroups, 1],
  [OffsetDelete, 0],
  [ConsumerGroupDescribe, 1],
]);

/** One group request through the gateway, at most at the version in GROUP_API_MAX. */
function send<A extends ApiSchema>(broker: KjsBroker, api: A, body: ReqInput<A>, version?: number): Promise<DecodedResp<A>> {
  return request(broker, api, body, { max: GROUP_API_MAX.get(api), version });
}

function fail(what: string, code: number, subject?: string): never {
  const name = errorName(code);
  throw new KtError(`${what}${subject ? ` ${subject}` : ''}: ${errorMessage(name)} (${name})`);
}

/** One connection to the cluster for a `kt groups` command. */
export class GroupAdmin {
  private constructor(private readonly cluster: KjsCluster) {}

  static async open(h: KafkaHandle): Promise<GroupAdmin> {
    // Never create topics as a side effect of looking at a group.
    const cluster = createCluster(h, { autoCreate: false });
    // Metadata first: kafkajs's coordinator lookup otherwise waits out a retry for it.
    await h.connectWithin(cluster.connect().then(() => cluster.refreshMetadata()));
    return new GroupAdmin(cluster);
  }

  async close(): Promise<void> {
    await this.cluster.disconnect().catch(() => undefined);
  }

  /** Runs `fn` with a connected admin; kafkajs errors become one clear line. */
  static async with<T>(h: KafkaHandle, fn: (a: GroupAdmin) => Promise<T>): Promise<T> {
    const admin = await GroupAdmin.open(h);
    try {
      return await fn(admin);
    } catch (err) {
      throw h.fail(err);
    } finally {
      await admin.close();
    }
  }

  /** Every group of every broker, with state, protocol and member count (ListGroups + DescribeGroups). */
  async listGroups(): Promise<GroupListing[]> {
    const meta = await this.cluster.metadata();
    const ids = new Set<string>();
    for (const b of meta.brokers) {
      const broker = await this.cluster.findBroker({ nodeId: b.nodeId });
      const r = await send(broker, ListGroups, {});
      if (r.errorCode) fail('cannot list groups', r.errorCode);
      for (const g of r.groups) ids.add(g.groupId);
    }
    const described = await this.describeGroups([...ids]);
    return described
      .filter((d) => d.state !== 'Dead')
      .map((d) => ({ group: d.group, type: d.type, protocolType: d.protocolType, state: d.state, protocol: d.protocol, members: d.members.length }))
      .sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
  }

  /** The groups grouped by their coordinator broker (one request per coordinator). */
  private async byCoordinator(groupIds: string[]): Promise<{ broker: KjsBroker; ids: string[] }[]> {
    const by = new Map<number, { broker: KjsBroker; ids: string[] }>();
    for (const id of groupIds) {
      const broker = await this.cluster.findGroupCoordinator({ groupId: id });
      const entry = by.get(broker.nodeId) ?? { broker, ids: [] };
      entry.ids.push(id);
      by.set(broker.nodeId, entry);
    }
    return [...by.values()];
  }

  /**
   * DescribeGroups at each group's coordinator; unknown groups come back with state Dead. A
   * group DescribeGroups calls Dead may be a consumer-protocol group (KIP-848): those are
   * described by ConsumerGroupDescribe, where the broker has it.
   */
  async describeGroups(groupIds: string[]): Promise<GroupDescription[]> {
    const out: GroupDescription[] = [];
    for (const { broker, ids } of await this.byCoordinator(groupIds)) {
      const r = await send(broker, DescribeGroups, { groups: ids, includeAuthorizedOperations: false });
      const dead = r.groups.filter((g) => !g.errorCode && g.groupState === 'Dead').map((g) => g.groupId);
      const consumer = dead.length > 0 && negotiate(broker, ConsumerGroupDescribe, { max: GROUP_API_MAX.get(ConsumerGroupDescribe) }) >= 0
        ? (await send(broker, ConsumerGroupDescribe, { groupIds: dead, includeAuthorizedOperations: false })).groups.filter((g) => g.errorCode === 0)
        : [];
      const coordinator = { id: broker.nodeId, host: broker.connectionPool.host, port: broker.connectionPool.port };
      for (const g of r.groups) {
        if (g.errorCode) fail('cannot describe group', g.errorCode, `'${g.groupId}'`);
        const c = consumer.find((x) => x.groupId === g.groupId);
        if (c) {
          out.push({
            group: c.groupId,
            type: 'consumer',
            state: c.groupState,
            protocolType: 'consumer',
            protocol: c.assignorName,
            coordinator,
            groupEpoch: c.groupEpoch,
            targetAssignmentEpoch: c.assignmentEpoch,
            members: c.members.map((m) => ({
              consumerId: m.memberId,
              groupInstanceId: m.instanceId ?? null,
              clientId: m.clientId,
              host: m.clientHost,
              assignment: cgdPartitions(m.assignment),
              memberEpoch: m.memberEpoch,
              targetAssignment: cgdPartitions(m.targetAssignment),
              upgraded: m.memberType === -1 ? null : m.memberType === 1,
            })),
          });
          continue;
        }
        out.push({
          group: g.groupId,
          type: 'classic',
          state: g.groupState,
          protocolType: g.protocolType,
          protocol: g.protocolData,
          coordinator,
          members: g.members.map((m) => ({
            consumerId: m.memberId,
            groupInstanceId: m.groupInstanceId ?? null,
            clientId: m.clientId,
            host: m.clientHost,
            assignment: g.protocolType === 'consumer' || g.protocolType === '' ? assignmentOf(m.memberAssignment) : [],
          })),
        });
      }
    }
    return out;
  }

  /** Every committed offset of the group (OffsetFetch with no topic list). */
  async committedOffsets(groupId: string): Promise<CommittedOffset[]> {
    const broker = await this.cluster.findGroupCoordinator({ groupId });
    const version = versionFor(broker, OffsetFetch, { max: GROUP_API_MAX.get(OffsetFetch) });
    if (version < 2) throw new KtError('the broker is too old to list a group\'s offsets (OffsetFetch v2 needed)');
    const r = await send(broker, OffsetFetch, { groupId, topics: null, requireStable: false }, version);
    if (r.errorCode) fail('cannot fetch the offsets of group', r.errorCode, `'${groupId}'`);
    const out: CommittedOffset[] = [];
    for (const t of r.topics) {
      for (const p of t.partitions) {
        if (p.errorCode) fail('cannot fetch the offsets of group', p.errorCode, `'${groupId}'`);
        if (Number(p.committedOffset) < 0) continue;
        const epoch = p.committedLeaderEpoch ?? -1;
        out.push({ topic: t.name, partition: p.partitionIndex, offset: Number(p.committedOffset), leaderEpoch: epoch >= 0 ? epoch : null, metadata: p.metadata ?? null });
      }
    }
    return out.sort(byTopicPartition);
  }

  /** Topic name → partition ids, for the named topics (or all); missing topics are left out. */
  async topicPartitions(topics?: string[]): Promise<Map<string, number[]>> {
    const meta = await this.cluster.metadata();
    const out = new Map<string, number[]>();
    for (const t of meta.topicMetadata) {
      if (topics && !topics.includes(t.topic)) continue;
      out.set(t.topic, t.partitionMetadata.map((p) => p.partitionId).sort((a, b) => a - b));
    }
    return out;
  }

  /**
   * ListOffsets for the partitions: earliest (log start), latest (log end) or the first
   * offset at/after a timestamp (null when no record is that new).
   */
  async logOffsets(tps: TopicPartition[], spec: OffsetSpec): Promise<Map<string, number | null>> {
    const out = new Map<string, number | null>();
    const topics = [...new Set(tps.map((tp) => tp.topic))];
    if (topics.length === 0) return out;
    await this.cluster.addMultipleTargetTopics(topics);
    const res = await this.cluster.fetchTopicsOffset(
      topics.map((topic) => ({
        topic,
        partitions: tps.filter((tp) => tp.topic === topic).map((tp) => ({ partition: tp.partition })),
        ...(spec === 'earliest' || spec === 'latest' ? { fromBeginning: spec === 'earliest' } : { fromTimestamp: spec.timestamp }),
      })),
    );
    for (const t of res) {
      for (const p of t.partitions) {
        const o = Number(p.offset);
        out.set(tpKey(t.topic, p.partition), o >= 0 ? o : null);
      }
    }
    return out;
  }

  /**
   * Commits offsets for a group nobody is a member of (generation -1, no member id), as
   * Kafka's admin client does. Per-partition errors are thrown; UNKNOWN_MEMBER_ID here means
   * a consumer joined meanwhile.
   */
  async commitOffsets(groupId: string, offsets: Array<TopicPartition & { offset: number }>): Promise<void> {
    if (offsets.length === 0) return;
    const broker = await this.cluster.findGroupCoordinator({ groupId });
    const topics = [...new Set(offsets.map((o) => o.topic))].map((name) => ({
      name,
      partitions: offsets
        .filter((o) => o.topic === name)
        .map((o) => ({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: '' })),
    }));
    const r = await send(broker, OffsetCommit, { groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, topics });
    for (const t of r.topics) {
      for (const p of t.partitions) {
        if (!p.errorCode) continue;
        if (errorName(p.errorCode) === 'UNKNOWN_MEMBER_ID') {
          throw new KtError(`cannot commit offsets of group '${groupId}': the group has active members now`, {
            hint: `stop its consumers, then run the reset again`,
          });
        }
        fail(`cannot commit the offset of ${t.name}-${p.partitionIndex} for group '${groupId}'`, p.errorCode);
      }
    }
  }

  /** DeleteGroups: per group, null or Kafka's error name. */
  async deleteGroups(groupIds: string[]): Promise<Map<string, string | null>> {
    const out = new Map<string, string | null>();
    for (const { broker, ids } of await this.byCoordinator(groupIds)) {
      const r = await send(broker, DeleteGroups, { groupsNames: ids });
      for (const g of r.results) out.set(g.groupId, g.errorCode ? errorName(g.errorCode) : null);
    }
    return out;
  }

  /** OffsetDelete: a top-level error name (or null) and one result per partition. */
  async deleteOffsets(groupId: string, tps: TopicPartition[]): Promise<{ error: string | null; partitions: PartitionError[] }> {
    const broker = await this.cluster.findGroupCoordinator({ groupId });
    const topics = [...new Set(tps.map((tp) => tp.topic))].map((name) => ({
      name,
      partitions: tps.filter((tp) => tp.topic === name).map((tp) => ({ partitionIndex: tp.partition })),
    }));
    const r = await send(broker, OffsetDelete, { groupId, topics });
    const partitions: PartitionError[] = [];
    for (const t of r.topics) {
      for (const p of t.partitions) partitions.push({ topic: t.name, partition: p.partitionIndex, error: p.errorCode ? errorName(p.errorCode) : null });
    }
    return { error: r.errorCode ? errorName(r.errorCode) : null, partitions: partitions.sort(byTopicPartition) };
  }
}

function assignmentOf(bytes: Buffer | null | undefined): TopicPartition[] {
  if (!bytes || bytes.length === 0) return [];
  try {
    const a = decodeAssignment(bytes);
    if (!a) return [];
    return a.assignedPartitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition }))).sort(byTopicPartition);
  } catch {
    return [];
  }
}

export function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export function byTopicPartition(a: TopicPartition, b: TopicPartition): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;
}

/** A ConsumerGroupDescribe assignment (topics by name) as topic-partitions, sorted. */
function cgdPartitions(a: { topicPartitions: Array<{ topicName: string; partitions: number[] }> }): TopicPartition[] {
  return a.topicPartitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topicName, partition }))).sort(byTopicPartition);
}
