// The engine behind `kt consume` (and `kt perf consume`): one fetch loop (fetchLoop.ts:
// kt's Fetch, kt's decoder), driven two ways:
//
// * Manual assignment (no --group, or --group with --partition): every partition asked for,
//   from the start offset resolved once (Metadata → ListOffsets low/high/timestamp, and with
//   --group the group's committed offsets, which take precedence over the default). There is
//   no group membership and, without --group, nothing is committed; with --group --partition
//   positions are committed with OffsetCommit(generation -1, member ""), as Java's
//   assign() + commitSync() does.
// * Group subscription (--group without --partition): kt's own group member (groupMember.ts)
//   joins the group; the loop fetches the member's current assignment and is handed a new one
//   at each rebalance. Positions of owned partitions are committed every 5 s, before each
//   rejoin (the eager protocol revokes everything) and on stop, then the member leaves.
//
// Positions of a newly assigned partition: the --offset given (once per partition per run),
// else the committed offset, else earliest with --from-beginning (auto.offset.reset=earliest)
// and latest otherwise. A partition kept across a rebalance continues where it was.
//
// --exit: the end offsets (high watermark; last stable offset with read_committed) are
// captured when consumption starts; a partition is done when its position reaches that
// offset; the run ends when every assigned partition is done.

import { KtError } from '../errors.js';
import { resolveStartOffset, type OffsetSpec } from '../format/offset.js';
import type { ConsumedRecord } from '../format/record.js';
import type { KafkaHandle } from './index.js';
import { Metadata } from '../protocol/apis/metadata.js';
import { createCluster, encodeBody, loadTopics, negotiate, send, type KjsBroker, type KjsCluster } from './gateway.js';
import { FetchLoop, isConnectionLoss, offsetsByPartition, Run, type PartitionState, type StopReason } from './fetchLoop.js';
import { commitAt, committedAt, GroupMember, type Position } from './groupMember.js';

export { FETCH_MAX_VERSION, isConnectionLoss, toRecord, type StopReason } from './fetchLoop.js';

export interface ConsumeOptions {
  /** explicit topics, or a regex (--include) */
  topics: string[] | RegExp;
  partitions?: number[];
  group?: string;
  /** where to start; null = the default (committed offset with a group, else latest) */
  start: OffsetSpec | null;
  maxMessages?: number;
  /** idle timeout */
  timeoutMs?: number;
  exitAtEnd: boolean;
  readCommitted: boolean;
  /** max bytes per partition per fetch (kt perf consume --fetch-size; default 1 MiB) */
  partitionMaxBytes?: number;
  /**
   * Receives the records of one fetch response (one write per batch). Resolves when the
   * output accepted them (back-pressure); returns false when the output is gone.
   */
  sink: (records: ConsumedRecord[]) => Promise<boolean>;
  /** called when the end offsets and assignment are known (for --debug / progress) */
  onAssigned?: (info: { topic: string; partition: number; start: number; end: number }[]) => void;
  /** never create a missing topic (the broker's auto.create.topics.enable): fail instead */
  noCreate?: boolean;
  /** called for each topic that did not exist and that this consumer's request created */
  onCreated?: (topic: string) => void;
  /** the connection to the cluster was lost (retrying) or is back; called once per outage each way */
  onConnection?: (e: { event: 'lost'; reason: string } | { event: 'restored' }) => void;
  /** group mode: the group started rebalancing, or this member joined a generation and owns `assignment` */
  onRebalance?: (e: { event: 'rebalancing' } | { event: 'joined'; memberId: string; leader: boolean; assignment: Array<{ topic: string; partitions: number[] }> }) => void;
}

export interface ConsumeResult {
  count: number;
  reason: StopReason;
}

async function resolveTopics(cluster: KjsCluster, topics: string[] | RegExp): Promise<string[]> {
  if (Array.isArray(topics)) return topics;
  const meta = await cluster.metadata();
  const names = meta.topicMetadata.map((t) => t.topic).filter((t) => topics.test(t)).sort();
  if (names.length === 0) throw new KtError(`no topic matches --include ${topics.source}`, { hint: 'kt topics list shows the topics' });
  return names;
}

/**
 * The named topics that do not exist, asked without auto-creation (Metadata v4+); an empty
 * list when the broker is too old to ask that way.
 */
async function missingTopics(cluster: KjsCluster, topics: string[]): Promise<string[]> {
  const seed = (cluster as { brokerPool?: { seedBroker?: KjsBroker } }).brokerPool?.seedBroker;
  if (!seed) return [];
  const version = negotiate(seed, Metadata, { max: 8 });
  if (version < 4) return [];
  const body = encodeBody(Metadata, version, { topics: topics.map((name) => ({ name })), allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
  const res = await send<{ topics: Array<{ name: string; errorCode: number }> }>(seed, Metadata, version, body);
  return (res?.topics ?? []).filter((t) => t.errorCode === 3).map((t) => t.name);
}

/**
 * The topics to read, with their metadata loaded. Explicit topics are checked before the
 * first request that may auto-create them: with noCreate a missing one is an error; otherwise
 * the ones this request created are reported.
 */
async function prepareTopics(cluster: KjsCluster, o: ConsumeOptions): Promise<string[]> {
  const topics = await resolveTopics(cluster, o.topics);
  const missing = Array.isArray(o.topics) && (o.noCreate || o.onCreated) ? await missingTopics(cluster, topics) : [];
  if (missing.length && o.noCreate) {
    throw new KtError(`topic '${missing[0]}' does not exist`, { hint: 'kt topics list shows the topics (--no-create: kt consume does not create it)' });
  }
  await loadTopics(cluster, topics);
  for (const t of missing) if (cluster.findTopicPartitionMetadata(t).length > 0) o.onCreated?.(t);
  return topics;
}

interface Bounds {
  low: Map<string, number>;
  high: Map<string, number>;
  timestamp: Map<string, number> | undefined;
}

/** Low and high offsets (and the --offset timestamp's) of these partitions (ListOffsets). */
async function partitionBounds(cluster: KjsCluster, o: ConsumeOptions, wanted: Array<{ topic: string; partition: number }>): Promise<Bounds> {
  const topics = [...new Set(wanted.map((w) => w.topic))];
  const byTopic = (fromBeginning: boolean | undefined, fromTimestamp?: number) =>
    topics.map((topic) => ({
      topic,
      partitions: wanted.filter((w) => w.topic === topic).map((w) => ({ partition: w.partition })),
      ...(fromTimestamp !== undefined ? { fromTimestamp } : { fromBeginning }),
    }));
  const [lowRes, highRes] = await Promise.all([cluster.fetchTopicsOffset(byTopic(true)), cluster.fetchTopicsOffset(byTopic(false))]);
  const timestamp = o.start?.kind === 'timestamp' ? offsetsByPartition(await cluster.fetchTopicsOffset(byTopic(undefined, o.start.ms))) : undefined;
  return { low: offsetsByPartition(lowRes), high: offsetsByPartition(highRes), timestamp };
}

function allPartitions(cluster: KjsCluster, topic: string): number[] {
  const all = cluster.findTopicPartitionMetadata(topic).map((p) => p.partitionId).sort((a, b) => a - b);
  if (all.length === 0) throw new KtError(`topic ${topic} does not exist or has no partitions`);
  return all;
}

/** The manual-assignment path (see the top of the file). */
export async function consumeAssigned(h: KafkaHandle, o: ConsumeOptions, run: Run = new Run(o)): Promise<ConsumeResult> {
  const cluster = createCluster(h, { autoCreate: true, readCommitted: o.readCommitted });
  await h.connectWithin(cluster.connect());
  let loop: FetchLoop | undefined;
  try {
    const topics = await prepareTopics(cluster, o);
    const wanted: Array<{ topic: string; partition: number }> = [];
    for (const topic of topics) {
      const all = allPartitions(cluster, topic);
      if (o.partitions) {
        const missing = o.partitions.filter((p) => !all.includes(p));
        if (missing.length) throw new KtError(`topic ${topic} has no partition ${missing[0]} (it has ${all.length})`, { exitCode: 2 });
        for (const p of o.partitions) wanted.push({ topic, partition: p });
      } else {
        for (const p of all) wanted.push({ topic, partition: p });
      }
    }
    const bounds = await partitionBounds(cluster, o, wanted);
    // Committed offsets (only with --group --partition) take precedence over the default.
    const group = o.group;
    const committed = group ? await committedAt(cluster, group, wanted) : undefined;
    const states: PartitionState[] = wanted.map(({ topic, partition }) => {
      const k = `${topic}:${partition}`;
      const b = { low: bounds.low.get(k) ?? 0, high: bounds.high.get(k) ?? 0, timestampOffset: bounds.timestamp?.get(k) };
      const c = committed?.get(k);
      const position = o.start ? resolveStartOffset(o.start, b) : c !== undefined ? c : b.high;
      return { topic, partition, position, end: b.high, done: o.exitAtEnd && position >= b.high };
    });
    o.onAssigned?.(states.map((s) => ({ topic: s.topic, partition: s.partition, start: s.position, end: s.end })));

    const commit = () => (group ? commitAt(cluster, group, states.map(positionOf)) : Promise.resolve());
    loop = new FetchLoop(h, cluster, o, run);
    loop.setPartitions(states);
    if (loop.allDone()) run.stop('end');
    let lastCommit = Date.now();
    const afterStep = async () => {
      if (group && Date.now() - lastCommit > AUTO_COMMIT_MS) {
        lastCommit = Date.now();
        await commit();
      }
    };
    await Promise.race([loop.drive({ afterStep }), run.stopped]);
    await commit();
    return { count: run.count, reason: run.reason ?? 'end' };
  } catch (err) {
    throw h.fail(err);
  } finally {
    await loop?.settle();
    await cluster.disconnect().catch(() => undefined);
  }
}

/** auto.commit.interval.ms (Java's default, and kafkajs's that kt used before). */
const AUTO_COMMIT_MS = 5000;

function positionOf(s: PartitionState): Position {
  return { topic: s.topic, partition: s.partition, offset: s.position };
}

/** The group subscription path (see the top of the file). */
export async function consumeGroup(h: KafkaHandle, o: ConsumeOptions & { group: string }, run: Run = new Run(o)): Promise<ConsumeResult> {
  const cluster = createCluster(h, { autoCreate: true, readCommitted: o.readCommitted });
  await h.connectWithin(cluster.connect());
  let member: GroupMember | undefined;
  let fetching: FetchLoop | undefined;
  try {
    const topics = await prepareTopics(cluster, o);
    // End offsets captured at start (for --exit), and low/high for where to start.
    const bounds = await partitionBounds(cluster, o, topics.flatMap((topic) => allPartitions(cluster, topic).map((partition) => ({ topic, partition }))));
    const g = new GroupMember(cluster, { group: o.group, topics, onRebalancing: () => o.onRebalance?.({ event: 'rebalancing' }) });
    member = g;
    const loop = new FetchLoop(h, cluster, o, run);
    fetching = loop;
    /** the partitions owned in the current generation, and where each one started */
    let owned = new Map<string, { state: PartitionState; started: number }>();
    const seeked = new Set<string>();
    const explicit = o.start !== null && o.start.kind !== 'earliest';

    // Only partitions read from (their position moved) are committed, as kt did with kafkajs.
    const moved = () => [...owned.values()].filter((p) => p.state.position !== p.started).map((p) => positionOf(p.state));
    const commitOwned = async (): Promise<void> => {
      try {
        await g.commit(moved());
      } catch (err) {
        if (isConnectionLoss(err)) throw err;
        // refused (the group moved on, an authorization error): the next owner reads from
        // the last commit that got through, as with any Kafka client
      }
    };

    const rejoin = async (): Promise<void> => {
      if (g.generation && owned.size) await commitOwned();
      loop.setPartitions([]);
      const gen = await g.join();
      const assigned = gen.assignment.flatMap(({ topic, partitions }) => partitions.map((partition) => ({ topic, partition })));
      const fresh = assigned.filter(({ topic, partition }) => !owned.has(`${topic}:${partition}`));
      const committed = fresh.length ? await g.committed(fresh) : new Map<string, number>();
      const next = new Map<string, { state: PartitionState; started: number }>();
      for (const { topic, partition } of assigned) {
        const k = `${topic}:${partition}`;
        const kept = owned.get(k);
        if (kept) {
          next.set(k, kept);
          continue;
        }
        const b = { low: bounds.low.get(k) ?? 0, high: bounds.high.get(k) ?? 0, timestampOffset: bounds.timestamp?.get(k) };
        let position: number;
        if (explicit && !seeked.has(k)) position = resolveStartOffset(o.start!, b);
        else position = committed.get(k) ?? (o.start?.kind === 'earliest' ? b.low : b.high);
        seeked.add(k);
        const end = b.high;
        next.set(k, { state: { topic, partition, position, end, done: o.exitAtEnd && position >= end }, started: position });
      }
      owned = next;
      loop.setPartitions([...next.values()].map((p) => p.state));
      o.onRebalance?.({ event: 'joined', memberId: gen.memberId, leader: gen.leader, assignment: gen.assignment.filter((a) => a.partitions.length > 0) });
      o.onAssigned?.([...next.values()].map(({ state: s }) => ({ topic: s.topic, partition: s.partition, start: s.position, end: s.end })));
      if (loop.allDone()) run.stop('end');
    };

    let lastCommit = Date.now();
    await Promise.race([
      loop.drive({
        beforeStep: async () => {
          if (!g.needsJoin) return;
          await rejoin();
          lastCommit = Date.now();
        },
        afterStep: async () => {
          if (Date.now() - lastCommit < AUTO_COMMIT_MS || g.needsJoin) return;
          lastCommit = Date.now();
          await commitOwned();
        },
      }),
      run.stopped,
    ]);
    // Commit exactly what was printed, while still a member, then leave the group.
    if (!g.needsJoin) await commitOwned().catch(() => undefined);
    return { count: run.count, reason: run.reason ?? 'end' };
  } catch (err) {
    throw h.fail(err);
  } finally {
    await fetching?.settle();
    await member?.close();
    await cluster.disconnect().catch(() => undefined);
  }
}

export interface ConsumeHandle {
  result: Promise<ConsumeResult>;
  /** request a stop (Ctrl-C, closed output); the result resolves after a clean shutdown */
  stop(reason: StopReason): void;
  /** records handed to the output so far (true also when the run failed) */
  readonly count: number;
}

export function startConsume(h: KafkaHandle, o: ConsumeOptions): ConsumeHandle {
  const run = new Run(o);
  const result = o.group && !o.partitions ? consumeGroup(h, { ...o, group: o.group }, run) : consumeAssigned(h, o, run);
  return {
    result,
    stop: (reason) => run.stop(reason),
    get count() {
      return run.count;
    },
  };
}
