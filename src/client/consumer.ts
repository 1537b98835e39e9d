// The engine behind `kt consume`.
//
// Two paths, chosen by what the user asked for:
//
// * Manual assignment (no --group, or --group with --partition) — the fetch path. kafkajs
//   has no assign(), and a throw-away consumer group costs a JoinGroup/SyncGroup round
//   (3 s on a real cluster: group.initial.rebalance.delay.ms) and rebalances for nothing.
//   So kt drives kafkajs's own Cluster/Broker objects (the ones its consumer uses):
//   Metadata → ListOffsets (low/high/timestamp) → Fetch per partition leader (kt's Fetch
//   schema), decoding with kt's decoder (records.ts decodeBatches: drops records before the
//   fetch offset, control records and aborted transactions); only message format v0/v1
//   data (Kafka < 0.11) goes to kafkajs's decoder and Batch (decodeLegacy). Positions are
//   exact, there is no group, and nothing is committed —
//   except with --group --partition, where positions are committed to the group with
//   OffsetCommit(generation -1, member ""), as Java's assign()+commitSync() does.
// * Group subscription (--group without --partition) — kafkajs's Consumer with eachBatch:
//   partitions are shared with the group's other members, offsets are committed (the
//   records printed, exactly; also on Ctrl-C, before leaving the group). Here the records
//   come decoded by kafkajs's own fetch decoder, not kt's: the second decode path issue
//   14's one consumer engine is to remove.
//
// --exit: the end offsets (high watermark; last stable offset with read_committed) are
// captured when consumption starts; a partition is done when its position reaches that
// offset; the run ends when every assigned partition is done.

import { KtError } from '../errors.js';
import { KafkaError, kafkaName } from '../protocol/errors.js';
import { resolveStartOffset, type OffsetSpec } from '../format/offset.js';
import type { ConsumedRecord, Header } from '../format/record.js';
import type { KafkaHandle } from './index.js';
import { Fetch } from '../protocol/apis/fetch.js';
import { Metadata } from '../protocol/apis/metadata.js';
import { createCluster, decodeLegacyMessages, encodeBody, kafkajsBatch, loadTopics, negotiate, send, type Consumer, type KjsBroker, type KjsCluster, type KjsMessage } from './gateway.js';
import { decodeBatches, inflate, LegacyFormatError, type AbortedTransaction } from './records.js';
import { BATCH_HEADER_SIZE, LAST_OFFSET_DELTA_OFFSET, LENGTH_OFFSET, LOG_OVERHEAD } from '../protocol/batchLayout.js';
import { sleep } from '../sleep.js';

export type StopReason = 'max-messages' | 'timeout' | 'end' | 'interrupted' | 'closed';

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

export function toRecord(topic: string, partition: number, m: KjsMessage): ConsumedRecord {
  const headers: Header[] = [];
  if (m.headers) {
    for (const [k, v] of Object.entries(m.headers)) {
      if (Array.isArray(v)) for (const x of v) headers.push([k, x ?? null]);
      else headers.push([k, v ?? null]);
    }
  }
  const ts = Number(m.timestamp);
  const tsType = m.batchContext?.timestampType;
  return {
    topic,
    partition,
    offset: Number(m.offset),
    timestamp: Number.isFinite(ts) ? ts : -1,
    timestampType: ts < 0 ? -1 : tsType === 1 ? 1 : 0,
    key: m.key ?? null,
    value: m.value ?? null,
    headers,
  };
}

/** A controller shared by both engines: counting, stop conditions, the idle timer. */
class Run {
  count = 0;
  reason: StopReason | null = null;
  private timer: NodeJS.Timeout | undefined;
  private resolveStop!: () => void;
  readonly stopped: Promise<void>;

  constructor(private readonly o: ConsumeOptions) {
    this.stopped = new Promise((r) => (this.resolveStop = r));
    this.armTimer();
  }

  get done(): boolean {
    return this.reason !== null;
  }

  stop(reason: StopReason): void {
    if (this.reason) return;
    this.reason = reason;
    clearTimeout(this.timer);
    this.resolveStop();
  }

  armTimer(): void {
    if (this.o.timeoutMs === undefined || this.done) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.stop('timeout'), this.o.timeoutMs);
  }

  /** How many more records may be delivered. */
  get remaining(): number {
    return this.o.maxMessages === undefined ? Infinity : Math.max(0, this.o.maxMessages - this.count);
  }

  /** Deliver records (already cut to `remaining`); stop when the output is gone or the max is reached. */
  async deliver(records: ConsumedRecord[]): Promise<void> {
    if (records.length === 0) return;
    this.armTimer();
    // Counted when handed to the output (a closed pipe still saw them written).
    this.count += records.length;
    const ok = await this.o.sink(records);
    if (!ok) this.stop('closed');
    else if (this.o.maxMessages !== undefined && this.count >= this.o.maxMessages) this.stop('max-messages');
  }
}

/**
 * A lost or refused connection, a request that timed out, or a broker that is not there
 * (yet): what a broker restart looks like from a client. The consumer keeps retrying on
 * these, as Apache's console consumer does.
 */
export function isConnectionLoss(err: unknown): boolean {
  for (let e = err as { name?: string; message?: string; cause?: unknown; originalError?: unknown } | undefined, depth = 0; e && depth < 6; depth++) {
    const name = e.name ?? '';
    if (/^KafkaJS(Connection|ConnectionClosed|RequestTimeout|BrokerNotFound|NoBrokerAvailable|LockTimeout|MetadataNotLoaded)Error$/.test(name)) return true;
    if (name === 'KafkaJSNumberOfRetriesExceeded' || name === 'KafkaJSNonRetriableError') {
      e = (e.originalError ?? e.cause) as typeof e;
      continue;
    }
    if (/ECONNREFUSED|ECONNRESET|EPIPE|Connection (closed|error)/i.test(e.message ?? '')) return true;
    e = e.cause as typeof e;
  }
  return false;
}

interface PartitionState {
  topic: string;
  partition: number;
  position: number;
  end: number;
  done: boolean;
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
 * Checks the explicit topics exist before the first request that may auto-create them:
 * with noCreate a missing one is an error; otherwise the caller reports what it created.
 */
async function probeTopics(cluster: KjsCluster, o: ConsumeOptions, topics: string[]): Promise<string[]> {
  if (!Array.isArray(o.topics) || (!o.noCreate && !o.onCreated)) return [];
  const missing = await missingTopics(cluster, topics);
  if (missing.length && o.noCreate) {
    throw new KtError(`topic '${missing[0]}' does not exist`, { hint: 'kt topics list shows the topics (--no-create: kt consume does not create it)' });
  }
  return missing;
}

function reportCreated(cluster: KjsCluster, o: ConsumeOptions, missing: string[]): void {
  for (const t of missing) if (cluster.findTopicPartitionMetadata(t).length > 0) o.onCreated?.(t);
}

function offsetsByPartition(res: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of res) for (const p of t.partitions) m.set(`${t.topic}:${p.partition}`, Number(p.offset));
  return m;
}

const FETCH_MAX_BYTES = 52_428_800;
const PARTITION_MAX_BYTES = 1_048_576;
const FETCH_MAX_WAIT_MS = 500;
/** v12 is flexible (kafkajs's connection speaks request header v1 only). */
export const FETCH_MAX_VERSION = 11;

interface FetchResponse {
  errorCode: number;
  responses: Array<{
    topic: string;
    partitions: Array<{ partitionIndex: number; errorCode: number; highWatermark: number; abortedTransactions: AbortedTransaction[] | null; records: Buffer | null }>;
  }>;
}

function fetchKey(want: Array<{ s: PartitionState; offset: number }>): string {
  return want.map(({ s, offset }) => `${s.topic}:${s.partition}@${offset}`).join(',');
}

/**
 * The positions a fetch response leads to (after its last complete batch, as decodeBatches
 * moves them), or undefined when nothing is left to fetch or the response has errors.
 */
function predictNext(res: FetchResponse, want: Array<{ s: PartitionState; offset: number }>, exitAtEnd: boolean): Array<{ s: PartitionState; offset: number }> | undefined {
  const next: Array<{ s: PartitionState; offset: number }> = [];
  for (const w of want) {
    let pd: FetchResponse['responses'][number]['partitions'][number] | undefined;
    for (const t of res.responses) {
      if (t.topic !== w.s.topic) continue;
      pd = t.partitions.find((p) => p.partitionIndex === w.s.partition);
      if (pd) break;
    }
    if (!pd || pd.errorCode !== 0) return undefined;
    let offset = w.offset;
    const data = pd.records;
    if (data) {
      for (let pos = 0; pos + BATCH_HEADER_SIZE <= data.length;) {
        const size = data.readInt32BE(pos + LENGTH_OFFSET) + LOG_OVERHEAD;
        if (size < BATCH_HEADER_SIZE || pos + size > data.length) break;
        const last = data.readInt32BE(pos) * 4294967296 + data.readUInt32BE(pos + 4) + data.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
        if (last >= offset) offset = last + 1;
        pos += size;
      }
    }
    if (exitAtEnd) {
      offset = Math.min(offset, w.s.end);
      if (offset >= w.s.end) continue;
    }
    next.push({ s: w.s, offset });
  }
  return next.length > 0 ? next : undefined;
}

/** Message format v0/v1 data (Kafka < 0.11 on disk): decoded by kafkajs's decoder. */
async function decodeLegacy(records: Buffer, o: { topic: string; partition: number; fetchOffset: number; endOffset: number; max: number; abortedTransactions?: AbortedTransaction[] | null }, out: ConsumedRecord[]): Promise<number> {
  const Batch = kafkajsBatch();
  const framed = Buffer.allocUnsafe(4 + records.length);
  framed.writeInt32BE(records.length, 0);
  records.copy(framed, 4);
  const messages = await decodeLegacyMessages(framed);
  const batch = new Batch(o.topic, String(o.fetchOffset), {
    partition: o.partition,
    highWatermark: '0',
    abortedTransactions: (o.abortedTransactions ?? []).map((a) => ({ producerId: String(a.producerId), firstOffset: String(a.firstOffset) })),
    messages,
  });
  let next = o.fetchOffset;
  let taken = 0;
  for (const m of batch.messages) {
    const off = Number(m.offset);
    if (off >= o.endOffset || taken >= o.max) return next;
    out.push(toRecord(o.topic, o.partition, m));
    taken++;
    next = off + 1;
  }
  if (!batch.isEmptyIncludingFiltered()) next = Math.max(next, Math.min(Number(batch.lastOffset()) + 1, o.endOffset));
  return next;
}

/** The manual-assignment fetch path (see the top of the file). */
export async function consumeAssigned(h: KafkaHandle, o: ConsumeOptions, run: Run = new Run(o)): Promise<ConsumeResult> {
  const cluster = createCluster(h, { autoCreate: true, readCommitted: o.readCommitted });
  await h.connectWithin(cluster.connect());
  try {
    const topics = await resolveTopics(cluster, o.topics);
    const missing = await probeTopics(cluster, o, topics);
    await loadTopics(cluster, topics);
    reportCreated(cluster, o, missing);
    const wanted: Array<{ topic: string; partition: number }> = [];
    for (const topic of topics) {
      const all = cluster.findTopicPartitionMetadata(topic).map((p) => p.partitionId).sort((a, b) => a - b);
      if (all.length === 0) throw new KtError(`topic ${topic} does not exist or has no partitions`);
      if (o.partitions) {
        const missing = o.partitions.filter((p) => !all.includes(p));
        if (missing.length) throw new KtError(`topic ${topic} has no partition ${missing[0]} (it has ${all.length})`, { exitCode: 2 });
        for (const p of o.partitions) wanted.push({ topic, partition: p });
      } else {
        for (const p of all) wanted.push({ topic, partition: p });
      }
    }
    const byTopic = (fromBeginning: boolean | undefined, fromTimestamp?: number) =>
      topics.map((topic) => ({
        topic,
        partitions: wanted.filter((w) => w.topic === topic).map((w) => ({ partition: w.partition })),
        ...(fromTimestamp !== undefined ? { fromTimestamp } : { fromBeginning }),
      }));
    const [lowRes, highRes] = await Promise.all([cluster.fetchTopicsOffset(byTopic(true)), cluster.fetchTopicsOffset(byTopic(false))]);
    const low = offsetsByPartition(lowRes);
    const high = offsetsByPartition(highRes);
    const tsOffsets = o.start?.kind === 'timestamp' ? offsetsByPartition(await cluster.fetchTopicsOffset(byTopic(undefined, o.start.ms))) : undefined;

    // Committed offsets (only with --group --partition) take precedence over the default.
    let committed: Map<string, number> | undefined;
    if (o.group) {
      const group = o.group;
      const res = await coordinatorRetry(async () =>
        (await cluster.findGroupCoordinator({ groupId: group })).offsetFetch({
          groupId: group,
          topics: topics.map((topic) => ({ topic, partitions: wanted.filter((w) => w.topic === topic).map((w) => ({ partition: w.partition })) })),
        }),
      );
      committed = new Map();
      for (const t of res.responses) for (const p of t.partitions) if (Number(p.offset) >= 0) committed.set(`${t.topic}:${p.partition}`, Number(p.offset));
    }

    const states: PartitionState[] = wanted.map(({ topic, partition }) => {
      const k = `${topic}:${partition}`;
      const bounds = { low: low.get(k) ?? 0, high: high.get(k) ?? 0, timestampOffset: tsOffsets?.get(k) };
      const c = committed?.get(k);
      const position = o.start ? resolveStartOffset(o.start, bounds) : c !== undefined ? c : bounds.high;
      const end = bounds.high;
      return { topic, partition, position, end, done: o.exitAtEnd && position >= end };
    });
    o.onAssigned?.(states.map((s) => ({ topic: s.topic, partition: s.partition, start: s.position, end: s.end })));

    const commit = async () => {
      if (!o.group) return;
      const coordinator = await cluster.findGroupCoordinator({ groupId: o.group });
      await coordinator.offsetCommit({
        groupId: o.group,
        groupGenerationId: -1,
        memberId: '',
        topics: topics.map((topic) => ({
          topic,
          partitions: states.filter((s) => s.topic === topic).map((s) => ({ partition: s.partition, offset: String(s.position) })),
        })),
      });
    };

    const allDone = () => o.exitAtEnd && states.every((s) => s.done);
    if (allDone()) run.stop('end');

    // One fetch loop per leader; a loop ends when the run stops or its partitions are done.
    let lastCommit = Date.now();
    const isolationLevel = o.readCommitted ? 1 : 0;
    const fetchFrom = (broker: KjsBroker, version: number, want: Array<{ s: PartitionState; offset: number }>): Promise<FetchResponse | undefined> => {
      const topicsReq = new Map<string, Array<{ partition: number; fetchOffset: number; partitionMaxBytes: number }>>();
      for (const { s, offset } of want) {
        if (!topicsReq.has(s.topic)) topicsReq.set(s.topic, []);
        topicsReq.get(s.topic)!.push({ partition: s.partition, fetchOffset: offset, partitionMaxBytes: PARTITION_MAX_BYTES });
      }
      const body = encodeBody(Fetch, version, {
        replicaId: -1,
        maxWaitMs: FETCH_MAX_WAIT_MS,
        minBytes: 1,
        maxBytes: FETCH_MAX_BYTES,
        isolationLevel,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [...topicsReq.entries()].map(([topic, partitions]) => ({ topic, partitions })),
        forgottenTopicsData: [],
        rackId: '',
      });
      return send<FetchResponse>(broker, Fetch, version, body, { requestTimeout: FETCH_MAX_WAIT_MS + 30_000 });
    };
    /** One fetch in flight ahead per leader, for the positions its last response leads to. */
    const prefetched = new Map<string, { key: string; response: Promise<FetchResponse | undefined> }>();
    // A lost connection (broker restart, network blip) is retried until the run stops:
    // positions are kept, so nothing is printed twice or skipped.
    let lost = false;
    let backoff = 200;
    const loops = async (): Promise<void> => {
      while (!run.done) {
        try {
          await step();
          if (lost) {
            lost = false;
            backoff = 200;
            o.onConnection?.({ event: 'restored' });
          }
        } catch (err) {
          if (!isConnectionLoss(err) || run.done) throw err;
          prefetched.clear();
          if (!lost) {
            lost = true;
            o.onConnection?.({ event: 'lost', reason: h.fail(err).message });
          }
          await Promise.race([sleep(backoff), run.stopped]);
          backoff = Math.min(backoff * 2, 2000);
          await cluster.refreshMetadata().catch(() => undefined);
        }
      }
    };
    const step = async (): Promise<void> => {
      {
        const active = states.filter((s) => !s.done);
        if (active.length === 0) {
          run.stop('end');
          return;
        }
        const byLeader = new Map<string, PartitionState[]>();
        for (const s of active) {
          const leaders = cluster.findLeaderForPartitions(s.topic, [s.partition]);
          const leader = Object.keys(leaders)[0];
          if (leader === undefined) continue;
          if (!byLeader.has(leader)) byLeader.set(leader, []);
          byLeader.get(leader)!.push(s);
        }
        if (byLeader.size === 0) {
          await sleep(200);
          await cluster.refreshMetadata();
          return;
        }
        let refresh = false;
        await Promise.all(
          [...byLeader.entries()].map(async ([leader, parts]) => {
            const broker = await cluster.findBroker({ nodeId: leader });
            const version = negotiate(broker, Fetch, { max: FETCH_MAX_VERSION });
            if (version < 0) throw new KtError('the broker does not support Fetch v4 or later (Kafka 0.11+), which kt consume needs');
            const want = parts.map((s) => ({ s, offset: s.position }));
            const key = fetchKey(want);
            const ahead = prefetched.get(leader);
            prefetched.delete(leader);
            let res: FetchResponse | undefined;
            try {
              res = await (ahead?.key === key ? ahead.response : fetchFrom(broker, version, want));
            } catch (err) {
              const e = err as { name?: string; type?: string };
              const type = kafkaName(e.type ?? '');
              if (type === 'NOT_LEADER_OR_FOLLOWER' || type === 'UNKNOWN_TOPIC_OR_PARTITION' || type === 'LEADER_NOT_AVAILABLE' || e.name === 'KafkaJSConnectionClosedError') {
                refresh = true;
                return;
              }
              throw err;
            }
            // Ask for what follows before decoding and writing this response, so the broker
            // reads and sends it meanwhile (a blocking stdout pipe no longer idles the broker).
            if (res && !run.done && !res.errorCode) {
              const next = predictNext(res, want, o.exitAtEnd);
              if (next) {
                const response = fetchFrom(broker, version, next);
                response.catch(() => undefined);
                prefetched.set(leader, { key: fetchKey(next), response });
              }
            }
            if (run.done || !res) return;
            if (res.errorCode) throw KafkaError.fromCode(res.errorCode);
            const out: ConsumedRecord[] = [];
            for (const t of res.responses) {
              for (const pd of t.partitions) {
                const s = parts.find((x) => x.topic === t.topic && x.partition === pd.partitionIndex);
                if (!s) continue;
                if (pd.errorCode !== 0) {
                  const e = KafkaError.fromCode(pd.errorCode);
                  if (e.type === 'OFFSET_OUT_OF_RANGE') {
                    // The position fell off the log (retention) or past its end: reset as
                    // auto.offset.reset would (earliest for an explicit start, else latest).
                    const r = offsetsByPartition(await cluster.fetchTopicsOffset([{ topic: s.topic, partitions: [{ partition: s.partition }], fromBeginning: o.start !== null }]));
                    s.position = r.get(`${s.topic}:${s.partition}`) ?? s.position;
                    continue;
                  }
                  if (e.retriable) {
                    refresh = true;
                    continue;
                  }
                  throw e;
                }
                const remaining = run.remaining - out.length;
                if (remaining <= 0) break;
                const records = pd.records;
                if (!records || records.length === 0) continue;
                const opts = {
                  topic: s.topic,
                  partition: s.partition,
                  fetchOffset: s.position,
                  endOffset: o.exitAtEnd ? s.end : Infinity,
                  max: remaining,
                  abortedTransactions: o.readCommitted ? pd.abortedTransactions : null,
                };
                let next: number;
                try {
                  next = decodeBatches(records, opts, out, await inflate(records)).next;
                } catch (err) {
                  if (!(err instanceof LegacyFormatError)) throw err;
                  next = await decodeLegacy(records, opts, out);
                }
                s.position = Math.max(s.position, next);
                if (o.exitAtEnd && s.position >= s.end) s.done = true;
              }
            }
            await run.deliver(out);
          }),
        );
        if (allDone()) run.stop('end');
        if (refresh) await cluster.refreshMetadata();
        if (o.group && Date.now() - lastCommit > 5000) {
          lastCommit = Date.now();
          await commit();
        }
      }
    };
    await Promise.race([loops(), run.stopped]);
    if (o.group) await commit();
    return { count: run.count, reason: run.reason ?? 'end' };
  } catch (err) {
    throw h.fail(err);
  } finally {
    await cluster.disconnect().catch(() => undefined);
  }
}

/** The group subscription path (see the top of the file). */
const COORDINATOR_MOVING = new Set(['NOT_COORDINATOR', 'COORDINATOR_LOAD_IN_PROGRESS', 'COORDINATOR_NOT_AVAILABLE']);

/**
 * Retries a group-coordinator request for up to ~20 s while the coordinator is moving or still
 * loading: on a fresh Apache cluster the first FindCoordinator creates __consumer_offsets, and
 * its partitions' leaders take a moment to load them (NOT_COORDINATOR, LOAD_IN_PROGRESS).
 */
async function coordinatorRetry<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!COORDINATOR_MOVING.has(kafkaName((e as { type?: string }).type ?? '')) || attempt >= 40) throw e;
      await sleep(Math.min(100 * 2 ** attempt, 500));
    }
  }
}

export async function consumeGroup(h: KafkaHandle, o: ConsumeOptions & { group: string }, run: Run = new Run(o)): Promise<ConsumeResult> {
  const consumer: Consumer = h.kafka.consumer({
    groupId: o.group,
    allowAutoTopicCreation: true,
    readUncommitted: !o.readCommitted,
    maxWaitTimeInMs: 500,
    // as the assigned path asks: up to 50 MiB a fetch (kafkajs: 1 MiB a partition, 10 MiB a fetch)
    maxBytes: FETCH_MAX_BYTES,
    maxBytesPerPartition: FETCH_MAX_BYTES,
    sessionTimeout: 30000,
    heartbeatInterval: 3000,
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2000 },
  });
  const admin = h.kafka.admin();
  await h.connectWithin(Promise.all([consumer.connect(), admin.connect()]));
  const positions = new Map<string, { topic: string; partition: number; offset: number }>();
  const states = new Map<string, PartitionState>();
  const seeked = new Set<string>();
  let assigned: Array<{ topic: string; partition: number }> = [];
  let failure: unknown;
  try {
    const cluster = createCluster(h, { autoCreate: true, readCommitted: o.readCommitted });
    await h.connectWithin(cluster.connect());
    let topics: string[];
    try {
      topics = await resolveTopics(cluster, o.topics);
      const missing = await probeTopics(cluster, o, topics);
      await loadTopics(cluster, topics);
      reportCreated(cluster, o, missing);
    } finally {
      await cluster.disconnect().catch(() => undefined);
    }
    // End offsets captured at start (for --exit), committed offsets, and low/high for seeks.
    const ends = new Map<string, number>();
    const lows = new Map<string, number>();
    const tsOffsets = new Map<string, number>();
    for (const t of topics) {
      for (const p of await admin.fetchTopicOffsets(t)) {
        ends.set(`${t}:${p.partition}`, Number(o.readCommitted ? p.offset : p.high));
        lows.set(`${t}:${p.partition}`, Number(p.low));
      }
      if (o.start?.kind === 'timestamp') {
        for (const p of await admin.fetchTopicOffsetsByTimestamp(t, o.start.ms)) tsOffsets.set(`${t}:${p.partition}`, Number(p.offset));
      }
    }
    const committed = new Map<string, number>();
    for (const t of await coordinatorRetry(() => admin.fetchOffsets({ groupId: o.group, topics }))) {
      for (const p of t.partitions) if (Number(p.offset) >= 0) committed.set(`${t.topic}:${p.partition}`, Number(p.offset));
    }

    const fromBeginning = o.start?.kind === 'earliest';
    const explicit = o.start !== null && o.start.kind !== 'earliest';
    let lost = false;
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      if (lost) {
        lost = false;
        o.onConnection?.({ event: 'restored' });
      }
      const ma = e.payload.memberAssignment as Record<string, number[]>;
      assigned = Object.entries(ma).flatMap(([topic, ps]) => ps.map((partition) => ({ topic, partition })));
      o.onRebalance?.({
        event: 'joined',
        memberId: e.payload.memberId,
        leader: e.payload.isLeader,
        assignment: Object.entries(ma)
          .map(([topic, ps]) => ({ topic, partitions: [...ps].sort((a, b) => a - b) }))
          .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0)),
      });
      for (const { topic, partition } of assigned) {
        const k = `${topic}:${partition}`;
        const bounds = { low: lows.get(k) ?? 0, high: ends.get(k) ?? 0, timestampOffset: tsOffsets.get(k) };
        let start: number;
        if (positions.has(k)) {
          // back after a rebalance (a broker restart, a member leaving): continue after what
          // was printed, also when the group's commit did not get through
          start = positions.get(k)!.offset;
          consumer.seek({ topic, partition, offset: String(start) });
        } else if (explicit && !seeked.has(k)) {
          start = resolveStartOffset(o.start!, bounds);
          seeked.add(k);
          consumer.seek({ topic, partition, offset: String(start) });
        } else if (committed.has(k)) start = committed.get(k)!;
        else start = fromBeginning ? bounds.low : bounds.high;
        const end = ends.get(k) ?? 0;
        if (!states.has(k)) states.set(k, { topic, partition, position: start, end, done: o.exitAtEnd && start >= end });
      }
      if (o.exitAtEnd && assigned.length > 0 && assigned.every(({ topic, partition }) => states.get(`${topic}:${partition}`)?.done)) run.stop('end');
    });
    consumer.on(consumer.events.REBALANCING, () => o.onRebalance?.({ event: 'rebalancing' }));
    consumer.on(consumer.events.CRASH, (e) => {
      const err = (e.payload as { error?: unknown; restart?: boolean }).error;
      if (!(e.payload as { restart?: boolean }).restart) {
        failure = err;
        run.stop('end');
      } else if (!lost) {
        lost = true;
        o.onConnection?.({ event: 'lost', reason: h.fail(err).message });
      }
    });

    await consumer.subscribe({ topics: o.topics instanceof RegExp ? [o.topics] : topics, fromBeginning });
    await consumer.run({
      autoCommit: true,
      autoCommitInterval: 5000,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isStale }) => {
        if (run.done || isStale()) return;
        const k = `${batch.topic}:${batch.partition}`;
        const st = states.get(k);
        const out: ConsumedRecord[] = [];
        for (const m of batch.messages) {
          const off = Number(m.offset);
          if (o.exitAtEnd && st && off >= st.end) break;
          if (out.length >= run.remaining) break;
          out.push(toRecord(batch.topic, batch.partition, m as unknown as KjsMessage));
        }
        if (out.length) {
          await run.deliver(out);
          const last = out[out.length - 1].offset;
          resolveOffset(String(last));
          positions.set(k, { topic: batch.topic, partition: batch.partition, offset: last + 1 });
          if (st) st.position = last + 1;
        }
        if (st && o.exitAtEnd && st.position >= st.end) st.done = true;
        if (o.exitAtEnd && assigned.length > 0 && assigned.every(({ topic, partition }) => states.get(`${topic}:${partition}`)?.done)) run.stop('end');
        await heartbeat();
      },
    });
    await run.stopped;
    if (failure) throw failure;
    // Commit exactly what was printed, while still a member, then leave the group.
    const toCommit = [...positions.values()].map((p) => ({ topic: p.topic, partition: p.partition, offset: String(p.offset) }));
    if (toCommit.length) await consumer.commitOffsets(toCommit).catch(() => undefined);
    return { count: run.count, reason: run.reason ?? 'end' };
  } catch (err) {
    throw h.fail(err);
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
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
