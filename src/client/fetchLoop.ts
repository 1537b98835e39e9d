// The fetch loop behind `kt consume` and `kt perf consume`, with or without a group: the
// partitions it is given (all of them, or a group member's current assignment) are fetched
// from their leaders with kt's Fetch schema and decoded once, by kt's decoder (recordDecoder.ts
// decodeBatches: drops records before the fetch offset, control records and aborted
// transactions); only message format v0/v1 data (Kafka < 0.11) goes to kafkajs's decoder and
// Batch (decodeLegacy). One request per leader at a time, plus one asked ahead for the
// positions the last response leads to (so the broker reads while kt writes).
//
// --exit: a partition is done when its position reaches the end offset captured when it was
// assigned; the run ends when every partition it has is done.

import { KtError } from '../errors.js';
import { KafkaError, kafkaName } from '../protocol/errors.js';
import type { OffsetSpec } from '../format/offset.js';
import type { ConsumedRecord, Header } from '../format/record.js';
import type { KafkaHandle } from './index.js';
import { Fetch } from '../protocol/apis/fetch.js';
import { decodeLegacyMessages, encodeBody, kafkajsBatch, negotiate, send, type KjsBroker, type KjsCluster, type KjsMessage } from './gateway.js';
import { decodeBatches, inflate, LegacyFormatError, readInt64, type AbortedTransaction } from './recordDecoder.js';
import { BATCH_HEADER_SIZE, LAST_OFFSET_DELTA_OFFSET, LENGTH_OFFSET, LOG_OVERHEAD } from '../protocol/batchLayout.js';
import { sleep } from '../sleep.js';

export type StopReason = 'max-messages' | 'timeout' | 'end' | 'interrupted' | 'closed';

export interface RunOptions {
  maxMessages?: number;
  /** idle timeout */
  timeoutMs?: number;
  /** receives the records of one fetch response; false when the output is gone */
  sink: (records: ConsumedRecord[]) => Promise<boolean>;
}

/** Counting, stop conditions, the idle timer: one per consume run. */
export class Run {
  count = 0;
  reason: StopReason | null = null;
  private timer: NodeJS.Timeout | undefined;
  private resolveStop!: () => void;
  readonly stopped: Promise<void>;

  constructor(private readonly o: RunOptions) {
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

/** A message of kafkajs's v0/v1 decoder as kt's record. */
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

export interface PartitionState {
  topic: string;
  partition: number;
  /** the next offset to read */
  position: number;
  /** the end offset captured at assignment (--exit) */
  end: number;
  done: boolean;
}

export function offsetsByPartition(res: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of res) for (const p of t.partitions) m.set(`${t.topic}:${p.partition}`, Number(p.offset));
  return m;
}

export const FETCH_MAX_BYTES = 52_428_800;
export const PARTITION_MAX_BYTES = 1_048_576;
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

type Want = Array<{ s: PartitionState; offset: number }>;

function fetchKey(want: Want): string {
  return want.map(({ s, offset }) => `${s.topic}:${s.partition}@${offset}`).join(',');
}

/**
 * The positions a fetch response leads to (after its last complete batch, as decodeBatches
 * moves them), or undefined when nothing is left to fetch or the response has errors.
 */
function predictNext(res: FetchResponse, want: Want, exitAtEnd: boolean): Want | undefined {
  const next: Want = [];
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
        const last = readInt64(data, pos) + data.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
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

export interface FetchLoopOptions {
  exitAtEnd: boolean;
  readCommitted: boolean;
  /** the run's start: where a position that fell off the log is reset to (earliest for an explicit start, else latest) */
  start: OffsetSpec | null;
  /** max bytes per partition per fetch (default 1 MiB) */
  partitionMaxBytes?: number;
  /** the connection to the cluster was lost (retrying) or is back; called once per outage each way */
  onConnection?: (e: { event: 'lost'; reason: string } | { event: 'restored' }) => void;
}

export interface DriveHooks {
  /** before each fetch round (a group member rejoins here) */
  beforeStep?: () => Promise<void>;
  /** after each fetch round (periodic commits) */
  afterStep?: () => Promise<void>;
}

export class FetchLoop {
  private states: PartitionState[] = [];
  /** One fetch in flight ahead per leader, for the positions its last response leads to. */
  private readonly prefetched = new Map<string, { key: string; response: Promise<FetchResponse | undefined> }>();
  /** every fetch sent and not answered yet (settled, errors dropped) */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly h: KafkaHandle,
    private readonly cluster: KjsCluster,
    private readonly o: FetchLoopOptions,
    private readonly run: Run,
  ) {}

  /** The partitions to fetch from now on (their positions are read and moved in place). */
  setPartitions(states: PartitionState[]): void {
    this.states = states;
    this.prefetched.clear();
  }

  get partitions(): readonly PartitionState[] {
    return this.states;
  }

  /** With --exit: every partition this loop has is done (false while it has none). */
  allDone(): boolean {
    return this.o.exitAtEnd && this.states.length > 0 && this.states.every((s) => s.done);
  }

  /**
   * Fetches until the run stops. A lost connection (broker restart, network blip) is retried
   * until then: positions are kept, so nothing is printed twice or skipped.
   */
  async drive(hooks: DriveHooks = {}): Promise<void> {
    let lost = false;
    let backoff = 200;
    while (!this.run.done) {
      try {
        await hooks.beforeStep?.();
        if (this.run.done) break;
        await this.step();
        await hooks.afterStep?.();
        if (lost) {
          lost = false;
          backoff = 200;
          this.o.onConnection?.({ event: 'restored' });
        }
      } catch (err) {
        if (!isConnectionLoss(err) || this.run.done) throw err;
        this.prefetched.clear();
        if (!lost) {
          lost = true;
          this.o.onConnection?.({ event: 'lost', reason: this.h.fail(err).message });
        }
        await Promise.race([sleep(backoff), this.run.stopped]);
        backoff = Math.min(backoff * 2, 2000);
        await this.cluster.refreshMetadata().catch(() => undefined);
      }
    }
  }

  private fetchFrom(broker: KjsBroker, version: number, want: Want): Promise<FetchResponse | undefined> {
    const topicsReq = new Map<string, Array<{ partition: number; fetchOffset: number; partitionMaxBytes: number }>>();
    for (const { s, offset } of want) {
      if (!topicsReq.has(s.topic)) topicsReq.set(s.topic, []);
      topicsReq.get(s.topic)!.push({ partition: s.partition, fetchOffset: offset, partitionMaxBytes: this.o.partitionMaxBytes ?? PARTITION_MAX_BYTES });
    }
    const body = encodeBody(Fetch, version, {
      replicaId: -1,
      maxWaitMs: FETCH_MAX_WAIT_MS,
      minBytes: 1,
      maxBytes: FETCH_MAX_BYTES,
      isolationLevel: this.o.readCommitted ? 1 : 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [...topicsReq.entries()].map(([topic, partitions]) => ({ topic, partitions })),
      forgottenTopicsData: [],
      rackId: '',
    });
    const response = send<FetchResponse>(broker, Fetch, version, body, { requestTimeout: FETCH_MAX_WAIT_MS + 30_000 });
    const settled = response.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
    return response;
  }

  /**
   * Resolves when no fetch is in flight (a fetch asked ahead is answered within its max wait):
   * kafkajs's disconnect drops a request sent while it runs, and its promise never settles.
   */
  async settle(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  /** One round: a fetch from each leader of the partitions not done, decoded and delivered. */
  private async step(): Promise<void> {
    const states = this.states;
    const active = states.filter((s) => !s.done);
    if (active.length === 0) {
      if (this.allDone()) this.run.stop('end');
      // a group member without partitions: wait for the next rebalance
      else await Promise.race([sleep(200), this.run.stopped]);
      return;
    }
    const byLeader = new Map<string, PartitionState[]>();
    for (const s of active) {
      const leaders = this.cluster.findLeaderForPartitions(s.topic, [s.partition]);
      const leader = Object.keys(leaders)[0];
      if (leader === undefined) continue;
      if (!byLeader.has(leader)) byLeader.set(leader, []);
      byLeader.get(leader)!.push(s);
    }
    if (byLeader.size === 0) {
      await sleep(200);
      await this.cluster.refreshMetadata();
      return;
    }
    let refresh = false;
    await Promise.all(
      [...byLeader.entries()].map(async ([leader, parts]) => {
        if (await this.fetchLeader(leader, parts, states)) refresh = true;
      }),
    );
    if (this.allDone()) this.run.stop('end');
    if (refresh) await this.cluster.refreshMetadata();
  }

  /** Fetches, decodes and delivers what one leader has; true when metadata must be refreshed. */
  private async fetchLeader(leader: string, parts: PartitionState[], states: PartitionState[]): Promise<boolean> {
    const { o, run } = this;
    const broker = await this.cluster.findBroker({ nodeId: leader });
    if (run.done) return false;
    const version = negotiate(broker, Fetch, { max: FETCH_MAX_VERSION });
    if (version < 0) throw new KtError('the broker does not support Fetch v4 or later (Kafka 0.11+), which kt consume needs');
    const want = parts.map((s) => ({ s, offset: s.position }));
    const key = fetchKey(want);
    const ahead = this.prefetched.get(leader);
    this.prefetched.delete(leader);
    let res: FetchResponse | undefined;
    try {
      res = await (ahead?.key === key ? ahead.response : this.fetchFrom(broker, version, want));
    } catch (err) {
      const e = err as { name?: string; type?: string };
      const type = kafkaName(e.type ?? '');
      if (type === 'NOT_LEADER_OR_FOLLOWER' || type === 'UNKNOWN_TOPIC_OR_PARTITION' || type === 'LEADER_NOT_AVAILABLE' || e.name === 'KafkaJSConnectionClosedError') return true;
      throw err;
    }
    // The partitions changed meanwhile (a rebalance): this response is for another assignment.
    if (this.states !== states || run.done || !res) return false;
    // Ask for what follows before decoding and writing this response, so the broker reads
    // and sends it meanwhile (a blocking stdout pipe no longer idles the broker). With
    // --max-messages only after decoding, and not when these records reach it.
    const askAhead = () => {
      const next = res.errorCode ? undefined : predictNext(res, want, o.exitAtEnd);
      if (next) this.prefetched.set(leader, { key: fetchKey(next), response: this.fetchFrom(broker, version, next) });
    };
    const unbounded = run.remaining === Infinity;
    if (unbounded) askAhead();
    if (res.errorCode) throw KafkaError.fromCode(res.errorCode);
    let refresh = false;
    const out: ConsumedRecord[] = [];
    const moved: Array<[PartitionState, number]> = [];
    for (const t of res.responses) {
      for (const pd of t.partitions) {
        const s = parts.find((x) => x.topic === t.topic && x.partition === pd.partitionIndex);
        if (!s) continue;
        if (pd.errorCode !== 0) {
          const e = KafkaError.fromCode(pd.errorCode);
          if (e.type === 'OFFSET_OUT_OF_RANGE') {
            // The position fell off the log (retention) or past its end: reset as
            // auto.offset.reset would (earliest for an explicit start, else latest).
            const r = offsetsByPartition(await this.cluster.fetchTopicsOffset([{ topic: s.topic, partitions: [{ partition: s.partition }], fromBeginning: o.start !== null }]));
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
        moved.push([s, next]);
      }
    }
    // Stopped (or rebalanced) while decoding: nothing of this response is printed, no
    // position moves, so a commit made meanwhile stays exact.
    if (run.done || this.states !== states) return false;
    // Another leader's records, delivered meanwhile, may leave room for fewer: positions
    // follow what is delivered (from here to the delivery nothing else runs).
    if (out.length > run.remaining) {
      out.length = run.remaining;
      const last = new Map<string, number>();
      for (const r of out) last.set(`${r.topic}:${r.partition}`, r.offset + 1);
      for (const m of moved) m[1] = last.get(`${m[0].topic}:${m[0].partition}`) ?? m[0].position;
    }
    if (!unbounded && out.length < run.remaining) askAhead();
    for (const [s, next] of moved) {
      s.position = Math.max(s.position, next);
      if (o.exitAtEnd && s.position >= s.end) s.done = true;
    }
    await run.deliver(out);
    return refresh;
  }
}
