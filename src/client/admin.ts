// The admin calls behind kt offsets, kt delete-records and kt configs (and kt cluster, in
// cluster.ts).
//
// kafkajs 2.2.4's Admin lacks several of them (IncrementalAlterConfigs, per-broker
// ApiVersions, Metadata that neither auto-creates topics nor lists them all, ListOffsets -3)
// and hides what others answer (DeleteRecords' low watermarks, config sources). So kt encodes
// these requests with kt's protocol schemas (src/protocol/apis, shared with the broker, checked
// against real clients' frames) and sends them through the gateway (gateway.ts) over kafkajs's
// connections, so TLS, SASL, client.id and timeouts apply unchanged. Versions: the gateway's
// rule, the highest both sides implement (flexible ones included).

import { KtError, UsageError } from '../errors.js';
import { ERRORS, errorName } from '../protocol/errors.js';
import type { ApiSchema, DecodedResp, ReqInput } from '../protocol/schema.js';
import { AlterConfigs, DeleteRecords, DescribeConfigs, IncrementalAlterConfigs, ListOffsets, Metadata } from '../protocol/apis/index.js';
import {
  configSourceName,
  dynamicSource,
  partitionMatches,
  topicMatches,
  type ConfigEntry,
  type ConfigResourceType,
  type DeleteTarget,
  type DeletedRecords,
  type PartitionOffset,
  type PartitionSelector,
  type ResourceConfigs,
  type TimeSpec,
} from './clusterModel.js';
import { createCluster, request, versionFor, type KjsBroker, type KjsCluster, type VersionBounds } from './gateway.js';
import type { KafkaHandle } from './index.js';

export type { KjsBroker } from './gateway.js';

export interface TopicMetadata {
  name: string;
  /** Kafka's string form of the topic id (URL-safe base64, 22 characters); null when the broker sent none */
  topicId: string | null;
  errorCode: number;
  internal: boolean;
  partitions: Array<{ partition: number; leader: number; replicas: number[]; isr: number[]; offline?: number[]; errorCode: number }>;
}

export interface ClusterMetadata {
  clusterId: string | null;
  controllerId: number;
  brokers: Array<{ nodeId: number; host: string; port: number; rack: string | null }>;
  topics: TopicMetadata[];
}

/** A topic id as Kafka prints it (Uuid.toString: URL-safe base64 without padding); null for none or the zero id. */
export function topicIdText(id: Buffer | null | undefined): string | null {
  if (!id || id.every((b) => b === 0)) return null;
  return id.toString('base64url');
}

/** Text for a Kafka error code: the broker's message when it sent one, else Kafka's. */
export function kafkaErrorText(code: number, message?: string | null): string {
  const name = errorName(code);
  return `${message || ERRORS.get(code)?.message || name} (${name})`;
}

/** One connected kafkajs cluster client for a command's admin calls. */
export class AdminSession {
  private constructor(
    readonly h: KafkaHandle,
    private readonly cluster: KjsCluster,
  ) {}

  static async open(h: KafkaHandle): Promise<AdminSession> {
    const cluster = createCluster(h, { autoCreate: false });
    await h.connectWithin(cluster.connect());
    return new AdminSession(h, cluster);
  }

  async close(): Promise<void> {
    await this.cluster.disconnect().catch(() => undefined);
  }

  /** The connected bootstrap broker. */
  get seed(): KjsBroker {
    return this.cluster.brokerPool.seedBroker;
  }

  /** The broker with this id (kafkajs connects it; a first miss refreshes its metadata). */
  async broker(nodeId: number): Promise<KjsBroker> {
    try {
      return await this.cluster.findBroker({ nodeId });
    } catch (err) {
      if ((err as Error).name !== 'KafkaJSBrokerNotFound') throw err;
      return this.cluster.findBroker({ nodeId });
    }
  }

  /** The highest version of `api` both kt and the broker implement (the gateway's rule). */
  version(broker: KjsBroker, api: ApiSchema, o: VersionBounds = {}): number {
    return versionFor(broker, api, o);
  }

  supports(broker: KjsBroker, api: ApiSchema): boolean {
    const b = broker.versions?.[api.key];
    return b !== undefined && b.maxVersion >= api.min && b.minVersion <= api.max;
  }

  /** Send one request over the broker's kafkajs connection and decode the response. */
  async send<A extends ApiSchema>(broker: KjsBroker, api: A, body: ReqInput<A>, o: VersionBounds = {}): Promise<DecodedResp<A>> {
    const version = this.version(broker, api, o);
    try {
      return await request(broker, api, body, { version });
    } catch (err) {
      throw this.h.fail(err);
    }
  }

  /**
   * Metadata without auto-creating topics: `null` = every topic, `[]` = none (brokers,
   * controller and cluster id only), else these topics (unknown ones answer with an error code).
   */
  async metadata(topics: string[] | null): Promise<ClusterMetadata> {
    const r = await this.send(this.seed, Metadata, { topics: topics === null ? null : topics.map((name) => ({ name })), allowAutoTopicCreation: false }, { min: 1 });
    return {
      clusterId: r.clusterId ?? null,
      controllerId: r.controllerId,
      brokers: r.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null })),
      topics: r.topics.map((t) => ({
        name: t.name ?? '',
        topicId: topicIdText(t.topicId),
        errorCode: t.errorCode,
        internal: t.isInternal,
        partitions: t.partitions
          .map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, replicas: p.replicaNodes, isr: p.isrNodes, offline: p.offlineReplicas ?? [], errorCode: p.errorCode }))
          .sort((a, b) => a.partition - b.partition),
      })),
    };
  }
}

/** Run `fn` with a connected session; errors become one clear KtError line. */
export async function withSession<T>(h: KafkaHandle, fn: (s: AdminSession) => Promise<T>): Promise<T> {
  const s = await AdminSession.open(h);
  try {
    return await fn(s);
  } catch (err) {
    throw h.fail(err);
  } finally {
    await s.close();
  }
}

function topicMissing(name: string): KtError {
  return new KtError(`Topic '${name}' does not exist.`, { hint: 'kt topics list shows the topics' });
}

/** Metadata of named topics; a missing one is an error. */
async function existingTopics(s: AdminSession, names: string[]): Promise<Map<string, TopicMetadata>> {
  const meta = await s.metadata([...new Set(names)]);
  const out = new Map<string, TopicMetadata>();
  for (const t of meta.topics) {
    if (t.errorCode === 3) throw topicMissing(t.name);
    if (t.errorCode !== 0) throw new KtError(`topic ${t.name}: ${kafkaErrorText(t.errorCode)}`);
    out.set(t.name, t);
  }
  return out;
}

function groupByLeader<T extends { topic: string; partition: number }>(items: T[], topics: Map<string, TopicMetadata>): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const it of items) {
    const leader = topics.get(it.topic)?.partitions.find((p) => p.partition === it.partition)?.leader ?? -1;
    if (leader < 0) throw new KtError(`partition ${it.topic}-${it.partition} has no leader (LEADER_NOT_AVAILABLE)`, { hint: 'try again once the cluster has elected one' });
    if (!out.has(leader)) out.set(leader, []);
    out.get(leader)!.push(it);
  }
  return out;
}

function byTopic<T extends { topic: string }>(items: T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    if (!m.has(it.topic)) m.set(it.topic, []);
    m.get(it.topic)!.push(it);
  }
  return m;
}

// ---------------------------------------------------------------------------------------
// kt offsets

const LATEST = -1;
const EARLIEST = -2;
/** The special ListOffsets timestamps kt offsets asks, and the first version that may ask each. */
const SPECIAL: Record<'max-timestamp' | 'earliest-local' | 'latest-tiered' | 'earliest-pending-upload', { timestamp: number; version: number }> = {
  'max-timestamp': { timestamp: -3, version: 7 },
  'earliest-local': { timestamp: -4, version: 8 },
  'latest-tiered': { timestamp: -5, version: 9 },
  'earliest-pending-upload': { timestamp: -6, version: 11 },
};

/** The partitions a set of selectors names (all topics when there is none). */
export async function selectPartitions(
  s: AdminSession,
  selectors: PartitionSelector[],
  o: { excludeInternal?: boolean } = {},
): Promise<{ partitions: Array<{ topic: string; partition: number }>; topics: Map<string, TopicMetadata> }> {
  // Only exact names: ask for those (no full listing); a name that is not a topic may be a
  // regular expression, so then every topic is listed.
  const exact = selectors.length > 0 && selectors.every((x) => !x.regex);
  let meta = exact ? await s.metadata(selectors.map((x) => x.topic)) : await s.metadata(null);
  if (exact && meta.topics.some((t) => t.errorCode !== 0)) meta = await s.metadata(null);
  const all = meta.topics.filter((t) => t.errorCode === 0);
  const known = new Map(all.map((t) => [t.name, t]));
  const picked: Array<{ topic: string; partition: number }> = [];
  const seen = new Set<string>();
  const rules = selectors.length ? selectors : [{ topic: '.*', regex: true, partitions: null }];
  for (const sel of rules) {
    let topics = all.filter((t) => topicMatches(sel, t.name));
    if (topics.length === 0 && !sel.regex) topics = all.filter((t) => topicMatches({ ...sel, regex: true }, t.name));
    if (o.excludeInternal) topics = topics.filter((t) => !t.internal && !t.name.startsWith('__'));
    if (!sel.regex && topics.length === 0) throw topicMissing(sel.topic);
    for (const t of topics) {
      if (!sel.regex && sel.partitions?.kind === 'set') {
        const missing = sel.partitions.partitions.find((p) => !t.partitions.some((x) => x.partition === p));
        if (missing !== undefined) throw new KtError(`topic ${t.name} has no partition ${missing} (it has ${t.partitions.length})`);
      }
      for (const p of t.partitions) {
        if (!partitionMatches(sel.partitions, p.partition)) continue;
        const k = `${t.name}:${p.partition}`;
        if (seen.has(k)) continue;
        seen.add(k);
        picked.push({ topic: t.name, partition: p.partition });
      }
    }
  }
  if (picked.length === 0) throw new KtError('Could not match any topic-partitions with the specified filters', { hint: 'kt topics list shows the topics' });
  picked.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  return { partitions: picked, topics: known };
}

/** ListOffsets for one timestamp over partitions (grouped by leader) → offset (-1: none). */
async function listOffsetsAt(
  s: AdminSession,
  parts: Array<{ topic: string; partition: number }>,
  topics: Map<string, TopicMetadata>,
  timestamp: number,
  minVersion = 1,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  await Promise.all(
    [...groupByLeader(parts, topics)].map(async ([leader, items]) => {
      const broker = await s.broker(leader);
      const res = await s.send(
        broker,
        ListOffsets,
        {
          replicaId: -1,
          isolationLevel: 0,
          topics: [...byTopic(items)].map(([name, ps]) => ({ name, partitions: ps.map((p) => ({ partitionIndex: p.partition, timestamp })) })),
        },
        { min: minVersion },
      );
      for (const t of res.topics) {
        for (const p of t.partitions) {
          if (p.errorCode !== 0) throw new KtError(`cannot get offsets of ${t.name}-${p.partitionIndex}: ${kafkaErrorText(p.errorCode)}`);
          out.set(`${t.name}:${p.partitionIndex}`, p.offset);
        }
      }
    }),
  );
  return out;
}

/** kafka-get-offsets: the offset for `time` of every selected partition, with earliest and latest. */
export async function getOffsets(s: AdminSession, selectors: PartitionSelector[], time: TimeSpec, o: { excludeInternal?: boolean } = {}): Promise<PartitionOffset[]> {
  const { partitions, topics } = await selectPartitions(s, selectors, o);
  const [earliest, latest] = await Promise.all([listOffsetsAt(s, partitions, topics, EARLIEST), listOffsetsAt(s, partitions, topics, LATEST)]);
  let at: Map<string, number> | undefined;
  if (time.kind in SPECIAL) {
    const { timestamp, version } = SPECIAL[time.kind as keyof typeof SPECIAL];
    at = await listOffsetsAt(s, partitions, topics, timestamp, version);
  }
  if (time.kind === 'timestamp') at = await listOffsetsAt(s, partitions, topics, time.ms);
  return partitions.map(({ topic, partition }) => {
    const k = `${topic}:${partition}`;
    const e = earliest.get(k) ?? 0;
    const l = latest.get(k) ?? 0;
    const found = at?.get(k);
    const offset = time.kind === 'earliest' ? e : time.kind === 'latest' ? l : found === undefined || found < 0 ? null : found;
    return { topic, partition, offset, earliest: e, latest: l };
  });
}

// ---------------------------------------------------------------------------------------
// kt delete-records

/** DeleteRecords: each partition's log start moves to the offset (-1: the high watermark). */
export async function deleteRecords(s: AdminSession, targets: DeleteTarget[]): Promise<DeletedRecords[]> {
  const topics = await existingTopics(s, targets.map((t) => t.topic));
  const items: Array<{ topic: string; partition: number; offset: number }> = [];
  const seen = new Set<string>();
  for (const t of targets) {
    const meta = topics.get(t.topic)!;
    const parts = t.partition === null ? meta.partitions.map((p) => p.partition) : [t.partition];
    for (const p of parts) {
      if (!meta.partitions.some((x) => x.partition === p)) throw new KtError(`topic ${t.topic} has no partition ${p} (it has ${meta.partitions.length})`);
      const k = `${t.topic}-${p}`;
      if (seen.has(k)) throw new UsageError(`partition ${k} is given twice`);
      seen.add(k);
      items.push({ topic: t.topic, partition: p, offset: t.offset });
    }
  }
  const results = new Map<string, DeletedRecords>();
  await Promise.all(
    [...groupByLeader(items, topics)].map(async ([leader, its]) => {
      const broker = await s.broker(leader);
      const res = await s.send(broker, DeleteRecords, {
        topics: [...byTopic(its)].map(([name, ps]) => ({ name, partitions: ps.map((p) => ({ partitionIndex: p.partition, offset: p.offset })) })),
        timeoutMs: 30_000,
      });
      for (const t of res.topics) {
        for (const p of t.partitions) {
          results.set(`${t.name}-${p.partitionIndex}`, {
            topic: t.name,
            partition: p.partitionIndex,
            lowWatermark: p.errorCode === 0 ? p.lowWatermark : null,
            error: p.errorCode === 0 ? null : kafkaErrorText(p.errorCode),
          });
        }
      }
    }),
  );
  return items.map((it) => results.get(`${it.topic}-${it.partition}`) ?? { topic: it.topic, partition: it.partition, lowWatermark: null, error: 'no answer from the broker for this partition' });
}

// ---------------------------------------------------------------------------------------
// kt configs

const RESOURCE_CODE: Record<ConfigResourceType, number> = { topic: 2, broker: 4 };

export interface ResourceRef {
  type: ConfigResourceType;
  /** topic name, broker id, "" for the broker defaults */
  name: string;
}

function resourceLabel(r: ResourceRef): string {
  return r.type === 'topic' ? `topic ${r.name}` : r.name === '' ? 'the broker defaults' : `broker ${r.name}`;
}

/** Broker resources go to that broker; topics and broker defaults to any broker. */
async function brokerFor(s: AdminSession, r: ResourceRef): Promise<KjsBroker> {
  if (r.type === 'broker' && r.name !== '') {
    const meta = await s.metadata([]);
    const id = Number(r.name);
    if (!meta.brokers.some((b) => b.nodeId === id)) {
      throw new KtError(`broker ${r.name} is not in the cluster (brokers: ${meta.brokers.map((b) => b.nodeId).join(', ')})`);
    }
    return s.broker(id);
  }
  return s.seed;
}

function resourceError(r: ResourceRef, code: number, message: string | null): KtError {
  if (r.type === 'topic' && code === 3) return topicMissing(r.name);
  return new KtError(`${resourceLabel(r)}: ${kafkaErrorText(code, message)}`);
}

/**
 * DescribeConfigs with synonyms; without `all`, only the configs set on the resource. Topics
 * and the broker defaults are asked of one broker in one request, each broker of itself.
 */
export async function describeConfigs(s: AdminSession, resources: ResourceRef[], o: { all?: boolean } = {}): Promise<ResourceConfigs[]> {
  const groups = new Map<string, ResourceRef[]>();
  for (const r of resources) {
    const k = r.type === 'broker' && r.name !== '' ? `broker:${r.name}` : 'any';
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  const answers = new Map<string, ResourceConfigs>();
  for (const refs of groups.values()) {
    const broker = await brokerFor(s, refs[0]);
    const res = await s.send(broker, DescribeConfigs, {
      resources: refs.map((r) => ({ resourceType: RESOURCE_CODE[r.type], resourceName: r.name, configurationKeys: null })),
      includeSynonyms: true,
      includeDocumentation: false,
    });
    for (const r of refs) {
      const result = res.results.find((x) => x.resourceType === RESOURCE_CODE[r.type] && x.resourceName === r.name);
      if (!result) throw new KtError(`no answer for ${resourceLabel(r)}`);
      if (result.errorCode !== 0) throw resourceError(r, result.errorCode, result.errorMessage);
      const wanted = dynamicSource(r);
      const configs: ConfigEntry[] = result.configs
        .map((c) => {
          // v0 has no source: an entry that is not a default was set on the resource
          const source = c.configSource >= 0 ? configSourceName(c.configSource) : c.isDefault ? 'DEFAULT_CONFIG' : wanted;
          return {
            name: c.name,
            value: c.isSensitive ? null : c.value,
            source,
            sensitive: c.isSensitive,
            readOnly: c.readOnly,
            synonyms: (c.synonyms ?? []).map((y) => ({ name: y.name, value: c.isSensitive ? null : y.value, source: configSourceName(y.source) })),
          };
        })
        .filter((c) => o.all || c.source === wanted)
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      answers.set(`${r.type}:${r.name}`, { type: r.type, name: r.name, configs });
    }
  }
  return resources.map((r) => answers.get(`${r.type}:${r.name}`)!);
}

export interface AlterResult {
  type: ConfigResourceType;
  name: string;
  set: Record<string, string>;
  deleted: string[];
}

/**
 * IncrementalAlterConfigs semantics: set these keys, delete those, keep every other override.
 * A broker without IncrementalAlterConfigs gets AlterConfigs (which replaces the whole set)
 * with the current overrides merged in — refused when a sensitive override could not be kept.
 */
export async function alterConfigs(
  s: AdminSession,
  r: ResourceRef,
  change: { set: Record<string, string>; delete: string[] },
  o: { legacy?: boolean } = {},
): Promise<{ api: 'IncrementalAlterConfigs' | 'AlterConfigs' }> {
  const current = (await describeConfigs(s, [r]))[0].configs;
  const invalid = change.delete.filter((k) => !current.some((c) => c.name === k));
  if (invalid.length) throw new UsageError(`Invalid config(s): ${invalid.join(',')} (not set on ${resourceLabel(r)})`, `kt configs describe shows what is set`);
  const broker = await brokerFor(s, r);
  const resource = { resourceType: RESOURCE_CODE[r.type], resourceName: r.name };
  if (!o.legacy && s.supports(broker, IncrementalAlterConfigs)) {
    const res = await s.send(broker, IncrementalAlterConfigs, {
      resources: [
        {
          ...resource,
          configs: [
            ...change.delete.map((name) => ({ name, configOperation: 1, value: null })),
            ...Object.entries(change.set).map(([name, value]) => ({ name, configOperation: 0, value })),
          ],
        },
      ],
      validateOnly: false,
    });
    const e = res.responses[0];
    if (e && e.errorCode !== 0) throw resourceError(r, e.errorCode, e.errorMessage);
    return { api: 'IncrementalAlterConfigs' };
  }
  const merged = new Map<string, string | null>();
  for (const c of current) {
    if (c.sensitive || c.value === null) {
      if (change.delete.includes(c.name) || c.name in change.set) continue;
      throw new KtError(`cannot keep the sensitive config ${c.name} of ${resourceLabel(r)}: this broker has no IncrementalAlterConfigs and AlterConfigs replaces every override`, { hint: `set ${c.name} again in the same --add-config` });
    }
    merged.set(c.name, c.value);
  }
  for (const k of change.delete) merged.delete(k);
  for (const [k, v] of Object.entries(change.set)) merged.set(k, v);
  const res = await s.send(broker, AlterConfigs, {
    resources: [{ ...resource, configs: [...merged].map(([name, value]) => ({ name, value })) }],
    validateOnly: false,
  });
  const e = res.responses[0];
  if (e && e.errorCode !== 0) throw resourceError(r, e.errorCode, e.errorMessage);
  return { api: 'AlterConfigs' };
}
