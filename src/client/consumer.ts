// The engine behind `kt consume`.
//
// Two paths, chosen by what the user asked for:
//
// * Manual assignment (no --group, or --group with --partition) — the fetch path. kafkajs
//   has no assign(), and a throw-away consumer group costs a JoinGroup/SyncGroup round
//   (3 s on a real cluster: group.initial.rebalance.delay.ms) and rebalances for nothing.
//   So kt drives kafkajs's own Cluster/Broker objects (the ones its consumer uses):
//   Metadata → ListOffsets (low/high/timestamp) → Fetch per partition leader, decoding with
//   kafkajs's Batch (drops records before the fetch offset, control records and aborted
//   transactions). Positions are exact, there is no group, and nothing is committed —
//   except with --group --partition, where positions are committed to the group with
//   OffsetCommit(generation -1, member ""), as Java's assign()+commitSync() does.
// * Group subscription (--group without --partition) — kafkajs's Consumer with eachBatch:
//   partitions are shared with the group's other members, offsets are committed (the
//   records printed, exactly; also on Ctrl-C, before leaving the group).
//
// --exit: the end offsets (high watermark; last stable offset with read_committed) are
// captured when consumption starts; a partition is done when its position reaches that
// offset; the run ends when every assigned partition is done.

import { createRequire } from 'node:module';
import type { Consumer } from 'kafkajs';
import { KtError } from '../cli/errors.js';
import { resolveStartOffset, type OffsetSpec } from '../format/offset.js';
import type { ConsumedRecord, Header } from '../format/record.js';
import type { KafkaHandle } from './index.js';

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
  /** group mode: the group started rebalancing, or this member joined a generation and owns `assignment` */
  onRebalance?: (e: { event: 'rebalancing' } | { event: 'joined'; memberId: string; leader: boolean; assignment: Array<{ topic: string; partitions: number[] }> }) => void;
}

export interface ConsumeResult {
  count: number;
  reason: StopReason;
}

interface KjsMessage {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | null | Array<Buffer | null>>;
  batchContext?: { timestampType?: number };
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

const require = createRequire(import.meta.url);

interface KjsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  refreshMetadata(): Promise<void>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  findTopicPartitionMetadata(topic: string): Array<{ partitionId: number; leader: number }>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(o: { nodeId: string | number }): Promise<KjsBroker>;
  fetchTopicsOffset(t: Array<{ topic: string; partitions: Array<{ partition: number }>; fromBeginning?: boolean; fromTimestamp?: number }>): Promise<Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>>;
  findGroupCoordinator(o: { groupId: string }): Promise<KjsBroker>;
  metadata(o?: { topics?: string[] }): Promise<{ topicMetadata: Array<{ topic: string }> }>;
}

interface KjsBroker {
  fetch(o: {
    replicaId?: number;
    isolationLevel: number;
    maxWaitTime: number;
    minBytes: number;
    maxBytes: number;
    topics: Array<{ topic: string; partitions: Array<{ partition: number; fetchOffset: string; maxBytes: number }> }>;
  }): Promise<{ responses: Array<{ topicName: string; partitions: Array<{ partition: number; errorCode: number; highWatermark: string; messages: KjsMessage[] }> }> }>;
  offsetCommit(o: { groupId: string; groupGenerationId: number; memberId: string; topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }> }): Promise<unknown>;
  offsetFetch(o: { groupId: string; topics: Array<{ topic: string; partitions: Array<{ partition: number }> }> }): Promise<{ responses: Array<{ topic: string; partitions: Array<{ partition: number; offset: string; errorCode: number }> }> }>;
}

/** kafkajs's Cluster for this client (same brokers, TLS/SASL, logger, retry). */
function createCluster(h: KafkaHandle, readCommitted: boolean): KjsCluster {
  const kafka = h.kafka as unknown as Record<symbol, (o: object) => KjsCluster>;
  const sym = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  if (!sym) throw new KtError('unsupported kafkajs version: cannot reach its cluster client');
  return kafka[sym]({
    allowAutoTopicCreation: true,
    isolationLevel: readCommitted ? 1 : 0,
    metadataMaxAge: 300_000,
    maxInFlightRequests: null,
  });
}

type BatchCtor = new (topic: string, fetchedOffset: string, partitionData: unknown) => {
  messages: KjsMessage[];
  isEmptyIncludingFiltered(): boolean;
  lastOffset(): string;
  highWatermark: string;
};

function loadBatch(): BatchCtor {
  return require('kafkajs/src/consumer/batch.js') as BatchCtor;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

/** Metadata for the topics, waiting briefly for leaders of a just-created topic. */
async function loadMetadata(cluster: KjsCluster, topics: string[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    await cluster.addMultipleTargetTopics(topics);
    if (attempt > 0) await cluster.refreshMetadata();
    const ready = topics.every((t) => {
      const parts = cluster.findTopicPartitionMetadata(t);
      return parts.length > 0 && parts.every((p) => p.leader >= 0);
    });
    if (ready || attempt >= 15) return;
    await sleep(200);
  }
}

function offsetsByPartition(res: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of res) for (const p of t.partitions) m.set(`${t.topic}:${p.partition}`, Number(p.offset));
  return m;
}

/** The manual-assignment fetch path (see the top of the file). */
export async function consumeAssigned(h: KafkaHandle, o: ConsumeOptions, run: Run = new Run(o)): Promise<ConsumeResult> {
  const Batch = loadBatch();
  const cluster = createCluster(h, o.readCommitted);
  await h.connectWithin(cluster.connect());
  try {
    const topics = await resolveTopics(cluster, o.topics);
    await loadMetadata(cluster, topics);
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
      const coordinator = await cluster.findGroupCoordinator({ groupId: o.group });
      const res = await coordinator.offsetFetch({
        groupId: o.group,
        topics: topics.map((topic) => ({ topic, partitions: wanted.filter((w) => w.topic === topic).map((w) => ({ partition: w.partition })) })),
      });
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
    const FETCH_MAX_BYTES = 52_428_800;
    const PARTITION_MAX_BYTES = 1_048_576;
    let lastCommit = Date.now();
    const loops = async (): Promise<void> => {
      while (!run.done) {
        const active = states.filter((s) => !s.done);
        if (active.length === 0) break;
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
          await cluster.refreshMetadata().catch(() => undefined);
          continue;
        }
        let refresh = false;
        await Promise.all(
          [...byLeader.entries()].map(async ([leader, parts]) => {
            const broker = await cluster.findBroker({ nodeId: leader });
            const topicsReq = new Map<string, Array<{ partition: number; fetchOffset: string; maxBytes: number }>>();
            for (const s of parts) {
              if (!topicsReq.has(s.topic)) topicsReq.set(s.topic, []);
              topicsReq.get(s.topic)!.push({ partition: s.partition, fetchOffset: String(s.position), maxBytes: PARTITION_MAX_BYTES });
            }
            let res;
            try {
              res = await broker.fetch({
                replicaId: -1,
                isolationLevel: o.readCommitted ? 1 : 0,
                maxWaitTime: 500,
                minBytes: 1,
                maxBytes: FETCH_MAX_BYTES,
                topics: [...topicsReq.entries()].map(([topic, partitions]) => ({ topic, partitions })),
              });
            } catch (err) {
              const e = err as { name?: string; type?: string; topic?: string; partition?: number };
              if (e.name === 'KafkaJSOffsetOutOfRange' && e.topic !== undefined) {
                // The position fell off the log (retention) or past its end: reset as
                // auto.offset.reset would (earliest for an explicit start, else latest).
                const s = parts.find((x) => x.topic === e.topic && x.partition === e.partition);
                if (s) {
                  const r = offsetsByPartition(await cluster.fetchTopicsOffset([{ topic: s.topic, partitions: [{ partition: s.partition }], fromBeginning: o.start !== null }]));
                  s.position = r.get(`${s.topic}:${s.partition}`) ?? s.position;
                }
                return;
              }
              if (e.type === 'NOT_LEADER_FOR_PARTITION' || e.type === 'UNKNOWN_TOPIC_OR_PARTITION' || e.type === 'LEADER_NOT_AVAILABLE' || e.name === 'KafkaJSConnectionClosedError') {
                refresh = true;
                return;
              }
              throw err;
            }
            if (run.done) return;
            const out: ConsumedRecord[] = [];
            for (const t of res.responses) {
              for (const pd of t.partitions) {
                const s = parts.find((x) => x.topic === t.topicName && x.partition === pd.partition);
                if (!s) continue;
                const batch = new Batch(t.topicName, String(s.position), pd);
                const hw = Number(pd.highWatermark);
                let next = s.position;
                for (const m of batch.messages) {
                  const off = Number(m.offset);
                  if (o.exitAtEnd && off >= s.end) break;
                  if (out.length >= run.remaining) break;
                  out.push(toRecord(t.topicName, pd.partition, m));
                  next = off + 1;
                }
                if (out.length < run.remaining && !batch.isEmptyIncludingFiltered()) {
                  // everything in the batch was taken (or filtered): move past it
                  const last = Number(batch.lastOffset()) + 1;
                  if (!(o.exitAtEnd && last > s.end)) next = Math.max(next, last);
                  else next = Math.max(next, Math.min(last, s.end));
                }
                s.position = next;
                if (o.exitAtEnd && s.position >= s.end) s.done = true;
                void hw;
              }
            }
            await run.deliver(out);
          }),
        );
        if (allDone()) run.stop('end');
        if (refresh) await cluster.refreshMetadata().catch(() => undefined);
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
export async function consumeGroup(h: KafkaHandle, o: ConsumeOptions & { group: string }, run: Run = new Run(o)): Promise<ConsumeResult> {
  const consumer: Consumer = h.kafka.consumer({
    groupId: o.group,
    allowAutoTopicCreation: true,
    readUncommitted: !o.readCommitted,
    maxWaitTimeInMs: 500,
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
    const cluster = createCluster(h, o.readCommitted);
    await h.connectWithin(cluster.connect());
    let topics: string[];
    try {
      topics = await resolveTopics(cluster, o.topics);
      await loadMetadata(cluster, topics);
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
    for (const t of await admin.fetchOffsets({ groupId: o.group, topics })) {
      for (const p of t.partitions) if (Number(p.offset) >= 0) committed.set(`${t.topic}:${p.partition}`, Number(p.offset));
    }

    const fromBeginning = o.start?.kind === 'earliest';
    const explicit = o.start !== null && o.start.kind !== 'earliest';
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
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
        if (positions.has(k)) start = positions.get(k)!.offset;
        else if (explicit && !seeked.has(k)) {
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
}

export function startConsume(h: KafkaHandle, o: ConsumeOptions): ConsumeHandle {
  const run = new Run(o);
  const result = o.group && !o.partitions ? consumeGroup(h, { ...o, group: o.group }, run) : consumeAssigned(h, o, run);
  return { result, stop: (reason) => run.stop(reason) };
}
