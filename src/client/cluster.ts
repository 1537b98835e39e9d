// The work behind kt cluster: brokers, controller and cluster id (Metadata for no topics),
// each broker's ApiVersions (kafka-broker-api-versions), and the CI smoke check.

import { KtError } from '../errors.js';
import { AlterConfigs, DeleteRecords, DescribeConfigs, DescribeTopicPartitions, Fetch, IncrementalAlterConfigs, ListOffsets, Metadata, Produce } from '../protocol/apis/index.js';
import type { ApiSchema } from '../protocol/schema.js';
import { apiName } from '../protocol/apiNames.js';
import type { BrokerApiVersions, ClusterDescription } from './clusterModel.js';
import { kafkaErrorText, type AdminSession, type ClusterMetadata } from './admin.js';
import { kafkajsRequestVersions } from './gateway.js';

export async function describeCluster(s: AdminSession): Promise<ClusterDescription> {
  const meta = await s.metadata([]);
  const controller = meta.controllerId >= 0 ? meta.controllerId : null;
  return {
    clusterId: meta.clusterId,
    controller,
    brokers: meta.brokers
      .map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack, controller: b.nodeId === controller }))
      .sort((a, b) => a.nodeId - b.nodeId),
  };
}

let clientVersions: Map<number, { min: number; max: number }> | undefined;

/**
 * The API versions kt itself can use, the "client" side of kafka-broker-api-versions' `usable`:
 * kafkajs's requests (connections, metadata, the group member), and the requests kt encodes
 * itself, each up to the version its caller reads (the engines' and group admin's bounds).
 * Loaded on demand: the engines are not imported by `kt cluster check`.
 */
export async function ktClientVersions(): Promise<ReadonlyMap<number, { min: number; max: number }>> {
  if (clientVersions) return clientVersions;
  const [{ FETCH_MAX_VERSION }, { PRODUCE_MAX_VERSION }, { GROUP_API_MAX }] = await Promise.all([
    import('./consumer.js'),
    import('./produceRoute.js'),
    import('./groups.js'),
  ]);
  const m = new Map<number, { min: number; max: number }>();
  const add = (api: ApiSchema, max = api.max) => {
    const prev = m.get(api.key);
    m.set(api.key, prev ? { min: Math.min(prev.min, api.min), max: Math.max(prev.max, max) } : { min: api.min, max });
  };
  for (const [key, v] of kafkajsRequestVersions()) m.set(key, v);
  for (const api of [Metadata, ListOffsets, DeleteRecords, DescribeConfigs, AlterConfigs, IncrementalAlterConfigs, DescribeTopicPartitions]) add(api);
  add(Fetch, FETCH_MAX_VERSION);
  add(Produce, PRODUCE_MAX_VERSION);
  for (const [api, max] of GROUP_API_MAX) add(api, max);
  clientVersions = m;
  return m;
}

/** ApiVersions of every broker in the cluster (asked of each broker, not the bootstrap one). */
export async function brokerApiVersions(s: AdminSession): Promise<BrokerApiVersions[]> {
  const { brokers } = await describeCluster(s);
  const client = await ktClientVersions();
  return Promise.all(
    brokers.map(async (b): Promise<BrokerApiVersions> => {
      const node = { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack };
      try {
        const broker = await s.broker(b.nodeId);
        const versions = await broker.apiVersions();
        const apis = Object.entries(versions)
          .map(([k, v]) => {
            const apiKey = Number(k);
            const c = client.get(apiKey);
            const usable = c && c.max >= v.minVersion && v.maxVersion >= c.min ? Math.min(c.max, v.maxVersion) : null;
            return { apiKey, name: apiName(apiKey), minVersion: v.minVersion, maxVersion: v.maxVersion, usable };
          })
          .sort((x, y) => x.apiKey - y.apiKey);
        return { ...node, error: null, apis };
      } catch (err) {
        return { ...node, error: s.h.fail(err).message, apis: [] };
      }
    }),
  );
}

export interface CheckResult {
  ok: true;
  clusterId: string | null;
  controller: number | null;
  brokers: number;
  topics: Array<{ name: string; partitions: number }>;
}

/**
 * The CI smoke check: the cluster answers, has brokers, every named topic exists with a leader
 * for each partition, and no partition of any topic is under-replicated or has a replica on a
 * broker that is not in the cluster (a broker down). Throws a CheckFailed whose message is the
 * reason otherwise.
 */
export async function checkCluster(s: AdminSession, topics: string[]): Promise<CheckResult> {
  const named = [...new Set(topics)];
  // One Metadata of every topic serves both checks: the named topics' existence and leaders,
  // and replication over all topics (internal ones too). Only a named topic that is not in it
  // is asked about again, for the broker's own reason (does not exist, not authorized, ...).
  const meta = await s.metadata(null);
  if (meta.brokers.length === 0) throw new CheckFailed('the cluster reports no brokers');
  const byName = new Map(meta.topics.map((t) => [t.name, t]));
  const absent = named.filter((n) => byName.get(n)?.errorCode !== 0);
  if (absent.length) {
    const asked = (await s.metadata(absent)).topics;
    const missing = asked.filter((t) => t.errorCode === 3).map((t) => t.name);
    if (missing.length) {
      throw new CheckFailed(`topic${missing.length > 1 ? 's' : ''} ${missing.map((t) => `'${t}'`).join(', ')} ${missing.length > 1 ? 'do' : 'does'} not exist`);
    }
    for (const t of asked) {
      if (t.errorCode !== 0) throw new CheckFailed(`topic '${t.name}': ${kafkaErrorText(t.errorCode)}`);
      byName.set(t.name, t);
    }
  }
  for (const name of named) {
    const t = byName.get(name)!;
    const leaderless = t.partitions.filter((p) => p.leader < 0).map((p) => p.partition);
    if (leaderless.length) throw new CheckFailed(`topic '${t.name}': partition${leaderless.length > 1 ? 's' : ''} ${leaderless.join(',')} without a leader`);
  }
  // A broker that is down is missing from the brokers Metadata lists but still named as a
  // replica, and its partitions' ISR shrinks.
  const health = replicationHealth(meta, meta.brokers.map((b) => b.nodeId));
  if (health.brokersDown.length || health.underReplicated.length || health.offline.length) {
    throw new CheckFailed(describeHealth(health), { health, hint: 'kt topics describe --under-replicated-partitions lists them' });
  }
  return {
    ok: true,
    clusterId: meta.clusterId,
    controller: meta.controllerId >= 0 ? meta.controllerId : null,
    brokers: meta.brokers.length,
    topics: named.map((name) => ({ name, partitions: byName.get(name)?.partitions.length ?? 0 })),
  };
}

export interface ReplicationHealth {
  /** broker ids named as replicas but not in the cluster's broker list */
  brokersDown: number[];
  /** `topic-partition`s whose ISR is smaller than their replica set */
  underReplicated: string[];
  /** `topic-partition`s without a leader */
  offline: string[];
}

export function replicationHealth(meta: { topics: ClusterMetadata['topics'] }, liveBrokers: number[]): ReplicationHealth {
  const live = new Set(liveBrokers);
  const down = new Set<number>();
  const underReplicated: string[] = [];
  const offline: string[] = [];
  const topics = [...meta.topics].filter((t) => t.errorCode === 0).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const t of topics) {
    for (const p of t.partitions) {
      for (const r of p.replicas) if (!live.has(r)) down.add(r);
      if (p.leader < 0) offline.push(`${t.name}-${p.partition}`);
      else if (p.isr.length < p.replicas.length) underReplicated.push(`${t.name}-${p.partition}`);
    }
  }
  return { brokersDown: [...down].sort((a, b) => a - b), underReplicated, offline };
}

/** `broker 2 is down (a replica, but not in the cluster); 7 partitions are under-replicated: a-0, a-3, ... and 2 more` */
export function describeHealth(h: ReplicationHealth): string {
  const list = (tps: string[]) => (tps.length > 5 ? `${tps.slice(0, 5).join(', ')} and ${tps.length - 5} more` : tps.join(', '));
  const parts: string[] = [];
  if (h.brokersDown.length) {
    const one = h.brokersDown.length === 1;
    parts.push(`broker${one ? '' : 's'} ${h.brokersDown.join(', ')} ${one ? 'is' : 'are'} down (named as replica${one ? '' : 's'}, missing from the cluster)`);
  }
  if (h.offline.length) parts.push(`${h.offline.length} partition${h.offline.length === 1 ? ' has' : 's have'} no leader: ${list(h.offline)}`);
  if (h.underReplicated.length) {
    parts.push(`${h.underReplicated.length} partition${h.underReplicated.length === 1 ? ' is' : 's are'} under-replicated: ${list(h.underReplicated)}`);
  }
  return parts.join('; ');
}

/** A failed check: exit 1 with the reason; `health` when replication is what failed. */
export class CheckFailed extends KtError {
  readonly health?: ReplicationHealth;
  constructor(message: string, opts: { health?: ReplicationHealth; hint?: string } = {}) {
    super(message, { hint: opts.hint });
    this.health = opts.health;
  }
}
