// Topic administration over kafkajs's admin client: the work behind `kt topics`.
// Offsets are JS numbers (exact below 2^53, far beyond any real log).

import type { Admin } from './gateway.js';
import { KtError } from '../errors.js';
import { kafkaErrorText, withSession, type AdminSession } from './admin.js';
import { DescribeTopicPartitions } from '../protocol/apis/describeTopicPartitions.js';
import { kafkaName } from '../protocol/errors.js';
import type { KafkaHandle } from './index.js';
import { sleep } from '../sleep.js';

export interface TopicSummary {
  name: string;
  internal: boolean;
  partitions: number;
  replicationFactor: number;
}

export interface PartitionDescription {
  partition: number;
  leader: number | null;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
  /** eligible leader replicas (KIP-966); null when the broker has no DescribeTopicPartitions */
  elr?: number[] | null;
  lastKnownElr?: number[] | null;
  lowWatermark: number;
  highWatermark: number;
  messageCount: number;
}

export interface TopicDescription {
  name: string;
  /** Kafka's string form of the topic id, when the broker has topic ids (Metadata v10+) */
  topicId: string | null;
  internal: boolean;
  partitionCount: number;
  replicationFactor: number;
  /** non-default (topic-level) configs */
  configs: Record<string, string>;
  messageCount: number;
  partitions: PartitionDescription[];
}

export function isInternalTopic(name: string): boolean {
  return name.startsWith('__');
}

interface MetaPartition {
  partitionId: number;
  leader: number;
  replicas: number[];
  isr: number[];
  offlineReplicas?: number[];
  partitionErrorCode?: number;
}

export async function withAdmin<T>(h: KafkaHandle, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = h.kafka.admin({ retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 } });
  await h.connectWithin(admin.connect());
  try {
    return await fn(admin);
  } catch (err) {
    throw h.fail(err);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export async function listTopicSummaries(admin: Admin): Promise<TopicSummary[]> {
  const meta = await admin.fetchTopicMetadata();
  return meta.topics
    .map((t) => {
      const parts = t.partitions as unknown as MetaPartition[];
      return {
        name: t.name,
        internal: isInternalTopic(t.name),
        partitions: parts.length,
        replicationFactor: parts.length ? Math.max(...parts.map((p) => p.replicas.length)) : 0,
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function listTopicNames(admin: Admin): Promise<string[]> {
  return (await admin.listTopics()).sort();
}

/** DescribeConfigs for topics → only the configs set on the topic (not defaults). */
export async function topicConfigs(h: KafkaHandle, admin: Admin, names: string[]): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  if (names.length === 0) return out;
  const res = await admin.describeConfigs({
    includeSynonyms: false,
    resources: names.map((name) => ({ type: h.kafkajs.ConfigResourceTypes.TOPIC, name })),
  });
  for (const r of res.resources) {
    const cfg: Record<string, string> = {};
    for (const e of r.configEntries as Array<{ configName: string; configValue: string | null; isDefault: boolean; configSource?: number; isSensitive?: boolean }>) {
      const overridden = e.configSource === undefined || e.configSource === null ? !e.isDefault : e.configSource === 1;
      if (!overridden) continue;
      cfg[e.configName] = e.isSensitive ? '***' : (e.configValue ?? '');
    }
    out.set(r.resourceName, cfg);
  }
  return out;
}

type Cursor = { topicName: string; partitionIndex: number };

/**
 * The eligible leader replicas of the topics' partitions (KIP-966), by `topic:partition`, from
 * DescribeTopicPartitions as kafka-topics 4.x asks them (page by page); null when the broker
 * does not have the API (kafka-topics then prints N/A).
 */
async function eligibleLeaders(s: AdminSession, names: string[]): Promise<Map<string, { elr: number[]; lastKnownElr: number[] }> | null> {
  if (!s.supports(s.seed, DescribeTopicPartitions)) return null;
  const out = new Map<string, { elr: number[]; lastKnownElr: number[] }>();
  let cursor: Cursor | null = null;
  do {
    const r: { topics: Array<{ name: string | null; partitions: Array<{ partitionIndex: number; eligibleLeaderReplicas: number[] | null; lastKnownElr: number[] | null }> }>; nextCursor: Cursor | null } = await s.send(s.seed, DescribeTopicPartitions, { topics: names.map((name) => ({ name })), responsePartitionLimit: 2000, cursor });
    for (const t of r.topics) {
      for (const p of t.partitions) out.set(`${t.name}:${p.partitionIndex}`, { elr: p.eligibleLeaderReplicas ?? [], lastKnownElr: p.lastKnownElr ?? [] });
    }
    cursor = r.nextCursor ?? null;
  } while (cursor);
  return out;
}

export async function describeTopics(h: KafkaHandle, admin: Admin, names: string[]): Promise<TopicDescription[]> {
  // kt's own Metadata request (newest version): partitions and topic ids in one answer
  // (kafkajs's Metadata v6 has no topic ids).
  const { meta, elr } = await withSession(h, async (s) => ({ meta: await s.metadata(names), elr: await eligibleLeaders(s, names) }));
  const configs = await topicConfigs(h, admin, names);
  const result: TopicDescription[] = [];
  for (const t of meta.topics) {
    if (t.errorCode === 3) throw new KtError(`Topic '${t.name}' does not exist.`, { hint: 'kt topics list shows the topics' });
    if (t.errorCode !== 0) throw new KtError(`cannot describe topic '${t.name}': ${kafkaErrorText(t.errorCode)}`);
    const offsets = await admin.fetchTopicOffsets(t.name);
    const byPartition = new Map(offsets.map((o) => [o.partition, o]));
    const parts = t.partitions.map((p): PartitionDescription => {
      const o = byPartition.get(p.partition);
      const low = o ? Number(o.low) : 0;
      const high = o ? Number(o.high) : 0;
      return {
        partition: p.partition,
        leader: p.leader >= 0 ? p.leader : null,
        replicas: p.replicas,
        isr: p.isr,
        offlineReplicas: p.offline ?? [],
        elr: elr?.get(`${t.name}:${p.partition}`)?.elr ?? null,
        lastKnownElr: elr?.get(`${t.name}:${p.partition}`)?.lastKnownElr ?? null,
        lowWatermark: low,
        highWatermark: high,
        messageCount: Math.max(0, high - low),
      };
    });
    result.push({
      name: t.name,
      topicId: t.topicId,
      internal: isInternalTopic(t.name),
      partitionCount: parts.length,
      replicationFactor: parts.length ? Math.max(...parts.map((p) => p.replicas.length)) : 0,
      configs: configs.get(t.name) ?? {},
      messageCount: parts.reduce((n, p) => n + p.messageCount, 0),
      partitions: parts,
    });
  }
  return result.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export interface CreateSpec {
  name: string;
  partitions?: number;
  replicationFactor?: number;
  configs: Record<string, string>;
}

export async function createTopics(h: KafkaHandle, admin: Admin, specs: CreateSpec[], validateOnly = false): Promise<void> {
  try {
    await admin.createTopics({
      validateOnly,
      // kafkajs's wait retries LEADER_NOT_AVAILABLE only; in a multi-broker Apache cluster the
      // broker asked may not know the new topic yet (UNKNOWN_TOPIC_OR_PARTITION): kt waits itself
      waitForLeaders: false,
      topics: specs.map((s) => ({
        topic: s.name,
        numPartitions: s.partitions ?? -1,
        replicationFactor: s.replicationFactor ?? -1,
        configEntries: Object.entries(s.configs).map(([name, value]) => ({ name, value })),
      })),
    });
    if (!validateOnly) await waitForLeaders(admin, specs.map((s) => s.name));
  } catch (err) {
    const e = h.fail(err);
    const type = findType(err);
    if (type === 'INVALID_REPLICATION_FACTOR') {
      const brokers = await admin.describeCluster().then((c) => c.brokers.length).catch(() => undefined);
      const rf = specs.find((s) => s.replicationFactor !== undefined)?.replicationFactor;
      throw new KtError(
        `cannot create topic ${specs.map((s) => s.name).join(', ')}: replication factor${rf !== undefined ? ` ${rf}` : ''} is larger than the number of available brokers${brokers !== undefined ? ` (${brokers})` : ''} (INVALID_REPLICATION_FACTOR)`,
        { hint: brokers !== undefined ? `use --replication-factor ${brokers} or less` : undefined, cause: err },
      );
    }
    if (type === 'INVALID_CONFIG') {
      // kafkajs drops the broker's error message: name the culprit from Kafka's topic configs.
      const { validateTopicConfigs } = await import('../broker/log/config.js');
      const reasons = specs.map((s) => validateTopicConfigs(s.configs)).filter((r): r is string => r !== null);
      const given = [...new Set(specs.flatMap((s) => Object.entries(s.configs).map(([k, v]) => `${k}=${v}`)))];
      const why = reasons.length ? reasons[0] : `the broker refused one of ${given.join(', ')}`;
      throw new KtError(`cannot create topic ${specs.map((s) => s.name).join(', ')}: invalid topic configuration: ${why} (INVALID_CONFIG)`, {
        hint: 'kt configs describe --topic T --all lists the topic configs',
        cause: err,
      });
    }
    throw new KtError(`cannot create topic ${specs.map((s) => s.name).join(', ')}: ${e.message}`, { cause: err });
  }
}

/** Waits (up to ~15 s) until every partition of the new topics has a leader in the metadata. */
async function waitForLeaders(admin: Admin, names: string[]): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics: names });
      if (meta.topics.length === names.length && meta.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (err) {
      const type = findType(err);
      if (type !== 'UNKNOWN_TOPIC_OR_PARTITION' && type !== 'LEADER_NOT_AVAILABLE') throw err;
    }
    if (Date.now() > deadline) return; // created; the leaders are still being elected
    await sleep(100);
  }
}

export function findType(err: unknown): string | undefined {
  let cur: unknown = err;
  for (let i = 0; cur && i < 10; i++) {
    const e = cur as { type?: string; errors?: unknown[]; originalError?: unknown; cause?: unknown };
    if (typeof e.type === 'string') return kafkaName(e.type);
    cur = (Array.isArray(e.errors) && e.errors.length ? e.errors[0] : undefined) ?? e.originalError ?? e.cause;
  }
  return undefined;
}

export async function deleteTopics(admin: Admin, names: string[]): Promise<void> {
  await admin.deleteTopics({ topics: names });
}

export interface AlterResult {
  topic: string;
  partitions: { from: number; to: number } | null;
  configs: { set: Record<string, string>; deleted: string[] } | null;
}

export async function alterTopic(
  h: KafkaHandle,
  admin: Admin,
  name: string,
  change: { partitions?: number; set: Record<string, string>; delete: string[] },
): Promise<AlterResult> {
  const meta = await admin.fetchTopicMetadata({ topics: [name] });
  const current = meta.topics[0]?.partitions.length ?? 0;
  const result: AlterResult = { topic: name, partitions: null, configs: null };
  if (change.partitions !== undefined) {
    if (change.partitions < current) {
      throw new KtError(`topic ${name} has ${current} partitions, more than the requested ${change.partitions}: the count can only be increased (INVALID_PARTITIONS)`);
    }
    if (change.partitions > current) {
      await admin.createPartitions({ topicPartitions: [{ topic: name, count: change.partitions }] });
    }
    result.partitions = { from: current, to: change.partitions };
  }
  if (Object.keys(change.set).length || change.delete.length) {
    // AlterConfigs (the only variant kafkajs 2.2.4 has) replaces the topic's whole set of
    // overrides, so kt sends the current overrides merged with the change.
    const cfg = { ...((await topicConfigs(h, admin, [name])).get(name) ?? {}) };
    for (const k of change.delete) {
      if (!(k in cfg)) throw new KtError(`topic ${name} has no config override '${k}'`, { exitCode: 2 });
      delete cfg[k];
    }
    Object.assign(cfg, change.set);
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: h.kafkajs.ConfigResourceTypes.TOPIC,
          name,
          configEntries: Object.entries(cfg).map(([n, value]) => ({ name: n, value })),
        },
      ],
    });
    result.configs = { set: change.set, deleted: change.delete };
  }
  return result;
}

/** Names matching a pattern: exact name first, else a full-match regex (Apache --topic). */
export function matchTopics(all: string[], pattern: string): string[] {
  if (all.includes(pattern)) return [pattern];
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${pattern})$`);
  } catch {
    return [];
  }
  return all.filter((n) => re.test(n));
}
