// kt produce's default engine: kt builds the record batches (records.ts: bytes written
// straight into one buffer per partition, CRC32C native) and sends Produce requests over
// kafkajs's broker connections (gateway.ts), so kafkajs still does connections, TLS, SASL and
// metadata, but no record becomes a kafkajs object.
//
// Partitioning is kafkajs's default (Java's): the record's partition, else murmur2 of the
// key, else round-robin over partitions with a leader, from a random start. Records are
// appended to their partition's open batch; when the open batches hold --batch-size bytes
// (or a partition's batch nears 1 MB, Kafka's default max.message.bytes), or --linger-ms
// after the first record, they are sealed and sent, one Produce request per leader.
// Requests are issued strictly in the order their batches were sealed (compression runs off
// the main thread, so a later batch may be ready first), so records of a partition are
// written in input order while up to --max-in-flight requests are outstanding.
//
// Retriable errors (leader changes, a broker restart, timeouts) are retried 12 times with
// backoff (100 ms doubling to 2 s, ~17 s in all: long enough for a killed broker to be fenced
// and its partitions' leaders to move) after a metadata refresh, as kafkajs's producer does; a
// retry may land after requests sent later (as Kafka's producer without idempotence).

import { KtError } from '../errors.js';
import { KafkaError, code } from '../protocol/errors.js';
import { Produce } from '../protocol/apis/produce.js';
import { codecOf } from '../protocol/compression.js';
import type { ProduceRecord } from '../format/record.js';
import type { KafkaHandle } from './index.js';
import { createCluster, loadTopics, negotiate, requestHeaderSize, send as sendRequest, type FramedBody, type KjsBroker, type KjsCluster } from './gateway.js';
import type { ProduceSummary, ProducerOptions, ProducerSession, SentRecord } from './producer.js';
import { BatchEncoder, partitionForKey } from './records.js';
import { sleep } from '../sleep.js';

/** A partition's batch is sent before it passes this (Kafka's max.message.bytes is 1 MiB + 12). */
const MAX_PARTITION_BATCH = 1_000_000;
/** Records per request at most, whatever their size. */
const MAX_REQUEST_RECORDS = 100_000;
/** Kafka's request.timeout.ms for the broker's side of a produce (kafkajs's default). */
const PRODUCE_TIMEOUT_MS = 30_000;
const RETRIES = 12;
export const PRODUCE_MAX_VERSION = 8;
/** Batch buffers carved from the input's memory at most (see `memory`). */
const MEMORY_SLOTS = 16;

interface Part {
  partition: number;
  records: number;
  batch: Buffer | Promise<Buffer>;
  /** The encoder the batch came from (its frame has room for the request around the batch). */
  enc?: BatchEncoder;
  baseOffset?: number;
  error?: Error;
}

interface ProduceResponse {
  responses: Array<{ name: string; partitionResponses: Array<{ index: number; errorCode: number; baseOffset: number; errorMessage: string | null }> }>;
}

const errorOf = (err: unknown): Error & { retriable?: boolean } => (err instanceof Error ? err : new Error(String(err)));

export class DirectProducerSession implements ProducerSession {
  private encoders: (BatchEncoder | undefined)[];
  private pendingBytes = 0;
  private pendingRecords = 0;
  private linger: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  /** Settles once the last dispatched request has been handed to its connection. */
  private tail: Promise<unknown> = Promise.resolve();
  private sent = 0;
  private failed = 0;
  private firstError: Error | undefined;
  private accepted = 0;
  private readonly started = Date.now();
  private rr = Math.floor(Math.random() * 0x7fffffff);
  private leaders: number[] = [];
  private available: number[] = [];
  private readonly brokers = new Map<number, { broker: KjsBroker; version: number }>();
  private readonly fixedTarget: number;
  private readonly capacity: number;
  private readonly topicBytes: Buffer;
  /** Produce body bytes before the first partition: transactional id, acks, timeout, topic. */
  private readonly prefixSize: number;
  /** Bytes an encoder keeps free before its batch: the request around a lone batch. */
  private readonly headroom: number;
  /** Encoder buffers of acknowledged requests, written into again (fewer allocations and GCs). */
  private readonly spare: Buffer[] = [];
  /**
   * The caller's input buffers (inputBuffer) and batch buffers carved from one allocation,
   * so a line's bytes move from the one to the other with copyWithin (BatchEncoder): no
   * object per record. Made by the first inputBuffer call.
   */
  private memory: { all: Buffer; next: number; inputEnd: number } | undefined;

  private constructor(
    private readonly h: KafkaHandle,
    private readonly cluster: KjsCluster,
    private readonly o: ProducerOptions,
    private readonly partitionCount: number,
    private readonly codec: number,
  ) {
    this.encoders = new Array(partitionCount);
    this.capacity = Math.min(o.batchBytes, MAX_PARTITION_BATCH) + 4096;
    this.topicBytes = Buffer.from(o.topic, 'utf8');
    this.prefixSize = 2 + 2 + 4 + 4 + 2 + this.topicBytes.length + 4;
    this.headroom = requestHeaderSize(h.clientId) + this.prefixSize + 8;
    const f = o.fixed;
    this.fixedTarget = f?.partition !== undefined ? f.partition : f?.key ? partitionForKey(f.key, partitionCount) : -1;
  }

  /** The engine, or undefined when the broker cannot take kt's batches (then kafkajs's producer). */
  static async open(h: KafkaHandle, o: ProducerOptions): Promise<DirectProducerSession | undefined> {
    const codec = codecOf(o.compression);
    const cluster = createCluster(h, { autoCreate: true });
    try {
      await h.connectWithin(cluster.connect());
      await h.connectWithin(loadTopics(cluster, [o.topic]));
      const parts = cluster.findTopicPartitionMetadata(o.topic);
      if (parts.length === 0) throw new KtError(`topic ${o.topic} has no partitions`);
      const s = new DirectProducerSession(h, cluster, o, parts.length, codec);
      s.setLeaders(parts);
      for (const leader of new Set(s.leaders.filter((l) => l >= 0))) {
        const b = await s.broker(leader);
        // record batches need Produce v3; zstd v7 (kafkajs then reports what the broker lacks)
        if (b.version < 3 || (codec === 4 && b.version < 7)) {
          await cluster.disconnect().catch(() => undefined);
          return undefined;
        }
      }
      return s;
    } catch (err) {
      await cluster.disconnect().catch(() => undefined);
      throw h.fail(err);
    }
  }

  private setLeaders(parts: Array<{ partitionId: number; leader: number }>): void {
    const leaders = new Array<number>(this.partitionCount).fill(-1);
    for (const p of parts) if (p.partitionId < this.partitionCount) leaders[p.partitionId] = p.leader;
    this.leaders = leaders;
    this.available = parts.filter((p) => p.leader >= 0).map((p) => p.partitionId).sort((a, b) => a - b);
  }

  private async broker(nodeId: number, fresh = false): Promise<{ broker: KjsBroker; version: number }> {
    let b = fresh ? undefined : this.brokers.get(nodeId);
    if (!b) {
      const broker = await this.cluster.findBroker({ nodeId });
      b = { broker, version: negotiate(broker, Produce, { max: PRODUCE_MAX_VERSION }) };
      this.brokers.set(nodeId, b);
    }
    return b;
  }

  private get maxInFlight(): number {
    return Math.max(1, this.o.maxInFlight);
  }

  // --- partitioning

  private fail(records: number, err: unknown): Error {
    const e = err instanceof KtError ? err : this.h.fail(err);
    this.failed += records;
    this.firstError ??= e;
    return e;
  }

  /** The record's partition, or -1 (counted as failed) when it names one that does not exist. */
  private partitionOf(partition: number | undefined, key: Buffer | null): number {
    if (partition !== undefined) {
      if (partition < this.partitionCount && partition >= 0) return partition;
      this.fail(1, new KtError(`partition ${partition} does not exist (topic ${this.o.topic} has ${this.partitionCount})`));
      return -1;
    }
    if (key !== null) return partitionForKey(key, this.partitionCount);
    const avail = this.available;
    if (avail.length === 0) return (++this.rr & 0x7fffffff) % this.partitionCount;
    return avail[(++this.rr & 0x7fffffff) % avail.length];
  }

  private encoder(p: number): BatchEncoder {
    let enc = this.encoders[p];
    if (!enc) {
      enc = new BatchEncoder(this.capacity, this.headroom, this.spare.pop());
      this.encoders[p] = enc;
      this.pendingBytes += enc.size;
    }
    return enc;
  }

  /** After an append: send when full, arm the linger timer otherwise. */
  private appended(enc: BatchEncoder, before: number): boolean {
    const size = enc.size;
    this.pendingBytes += size - before;
    this.pendingRecords++;
    if (this.pendingBytes >= this.o.batchBytes || size >= MAX_PARTITION_BATCH || this.pendingRecords >= MAX_REQUEST_RECORDS) {
      this.dispatch();
      return true;
    }
    if (this.linger === undefined) this.linger = setTimeout(this.lingered, this.o.lingerMs);
    return false;
  }

  /**
   * The linger timer's callback, made once: an arrow function inside `appended` would make
   * V8 allocate a context on every call of it (once per record).
   */
  private readonly lingered = (): void => this.dispatch();

  // --- the ProducerSession interface

  add(r: ProduceRecord): Promise<void> | undefined {
    this.accepted++;
    if (this.o.rate) {
      const due = this.started + ((this.accepted - 1) * 1000) / this.o.rate;
      const wait = due - Date.now();
      if (wait > 0) {
        this.dispatch();
        return sleep(wait).then(() => this.enqueue(r));
      }
    }
    return this.enqueue(r);
  }

  private enqueue(r: ProduceRecord): Promise<void> | undefined {
    const p = this.partitionOf(r.partition, r.key);
    if (p < 0) return undefined;
    const enc = this.encoder(p);
    const before = enc.size;
    enc.append(r.timestamp ?? Date.now(), r.key, r.value, r.headers);
    return this.appended(enc, before) ? this.pace() : undefined;
  }

  /** addValue's clock: read once per input chunk (a new `src`), not once per record. */
  private clockSrc: Buffer | undefined;
  /**
   * Never holds anything but a number after the first chunk; starts undefined so that V8
   * keeps the number boxed (a field that only ever held numbers is stored unboxed, and
   * passing it to appendValue would then allocate a box on every record).
   */
  private clock: number | undefined = undefined;

  readonly addValue = (src: Buffer, start: number, end: number): void => {
    this.accepted++;
    if (src !== this.clockSrc) {
      this.clockSrc = src;
      this.clock = Date.now();
    }
    const f = this.o.fixed;
    let p = this.fixedTarget;
    if (p < 0) p = this.available.length === 1 ? this.available[0] : this.partitionOf(undefined, null);
    else if (p >= this.partitionCount) {
      this.partitionOf(p, null); // counts the failure
      return;
    }
    const enc = this.encoders[p] ?? this.encoder(p);
    const before = enc.size;
    if (f && f.headers.length > 0) enc.append(this.clock!, f.key ?? null, src.subarray(start, end), f.headers);
    else enc.appendValue(this.clock!, f?.key ?? null, src, start, end);
    this.appended(enc, before);
  };

  /**
   * A buffer of `size` bytes for the caller to read input into (two at most: fileChunks),
   * in the same memory as the batch buffers (see `memory`), for addValue's sources.
   */
  readonly inputBuffer = (size: number): Buffer => {
    if (!this.memory) {
      const slot = this.capacity + this.headroom;
      // the requests in flight, those sent during one chunk (pace() waits between chunks), the open batch
      const slots = Math.min(this.maxInFlight + Math.ceil(size / this.o.batchBytes) + 1, MEMORY_SLOTS);
      const all = Buffer.allocUnsafe(2 * size + slots * slot);
      for (let i = 0; i < slots; i++) this.spare.push(all.subarray(2 * size + i * slot, 2 * size + (i + 1) * slot));
      this.memory = { all, next: 0, inputEnd: 2 * size };
    }
    const m = this.memory;
    if (m.next + size > m.inputEnd) return Buffer.allocUnsafe(size);
    m.next += size;
    return m.all.subarray(m.next - size, m.next);
  };

  readonly pace = (): Promise<void> | undefined => {
    if (this.inFlight.size < this.maxInFlight) return undefined;
    return this.waitInFlight(this.maxInFlight);
  };

  private async waitInFlight(below: number): Promise<void> {
    while (this.inFlight.size >= below && this.inFlight.size > 0) await Promise.race(this.inFlight);
  }

  async sendOne(r: ProduceRecord): Promise<SentRecord | undefined> {
    await this.flush();
    this.accepted++;
    const p = this.partitionOf(r.partition, r.key);
    if (p < 0) throw this.firstError!;
    const enc = new BatchEncoder(256 + (r.value?.length ?? 0) + (r.key?.length ?? 0), this.headroom);
    enc.append(r.timestamp ?? Date.now(), r.key, r.value, r.headers);
    const part: Part = { partition: p, records: 1, batch: this.seal(enc), enc };
    await this.track(this.send(this.leaders[p], [part], 0));
    if (part.error) throw part.error;
    return { partition: p, baseOffset: String(part.baseOffset ?? -1) };
  }

  async flush(): Promise<void> {
    this.dispatch();
    await this.waitInFlight(1);
  }

  get counts(): ProduceSummary {
    return { sent: this.sent, failed: this.failed, firstError: this.firstError };
  }

  async close(): Promise<ProduceSummary> {
    try {
      await this.flush();
    } finally {
      clearTimeout(this.linger);
      await this.cluster.disconnect().catch(() => undefined);
    }
    return this.counts;
  }

  // --- sending

  private seal(enc: BatchEncoder): Buffer | Promise<Buffer> {
    const fields = { codec: this.codec };
    return this.codec === 0 ? enc.sealSync(fields) : enc.seal(fields);
  }

  /** Seals the open batches and sends them, one request per leader. Never waits. */
  private dispatch(): void {
    clearTimeout(this.linger);
    this.linger = undefined;
    if (this.pendingRecords === 0) return;
    const byLeader = new Map<number, Part[]>();
    for (let p = 0; p < this.encoders.length; p++) {
      const enc = this.encoders[p];
      if (!enc) continue;
      this.encoders[p] = undefined;
      if (enc.count === 0) continue;
      const leader = this.leaders[p];
      let parts = byLeader.get(leader);
      if (!parts) byLeader.set(leader, (parts = []));
      parts.push({ partition: p, records: enc.count, batch: this.seal(enc), enc });
    }
    this.pendingBytes = 0;
    this.pendingRecords = 0;
    for (const [leader, parts] of byLeader) void this.track(this.send(leader, parts, 0));
  }

  private track(p: Promise<void>): Promise<void> {
    const t: Promise<void> = p.finally(() => this.inFlight.delete(t));
    this.inFlight.add(t);
    return t;
  }

  /** One Produce request to `leader`; resolves when every part is acknowledged, failed or retried. */
  private send(leader: number, parts: Part[], attempt: number): Promise<void> {
    let response: Promise<ProduceResponse | undefined> | undefined;
    const issued = Promise.all([this.tail, ...parts.map((p) => p.batch)]).then(async (all) => {
      const batches = all.slice(1) as Buffer[];
      parts.forEach((p, i) => (p.batch = batches[i]));
      if (leader < 0) throw KafkaError.fromCode(code('LEADER_NOT_AVAILABLE')); // retried after a metadata refresh
      const { broker, version } = await this.broker(leader, attempt > 0);
      response = sendRequest<ProduceResponse>(broker, Produce, version, this.body(parts), { expectResponse: this.o.acks !== 0 });
    });
    this.tail = issued.catch(() => undefined);
    return issued
      .then(() => response)
      .then(
        (res) => this.acknowledged(parts, attempt, res),
        (err: unknown) => {
          const e = errorOf(err);
          if (e.retriable !== false && attempt < RETRIES) return this.retry(parts, attempt + 1);
          for (const p of parts) p.error = this.fail(p.records, e);
          return undefined;
        },
      );
  }

  /**
   * The Produce request body (v3-8: transactional id, acks, timeout, one topic with its
   * partitions' batches). A lone batch is framed in place, in the room its encoder left.
   */
  private body(parts: Part[]): FramedBody {
    const slack = requestHeaderSize(this.h.clientId);
    let frame: Buffer;
    let at: number;
    let end: number;
    const lone = parts.length === 1 ? parts[0] : undefined;
    if (lone?.enc?.frame && lone.enc.frameStart >= slack + this.prefixSize + 8) {
      frame = lone.enc.frame;
      at = lone.enc.frameStart - this.prefixSize - 8;
      end = lone.enc.frameStart + (lone.batch as Buffer).length;
    } else {
      let size = this.prefixSize;
      for (const p of parts) size += 8 + (p.batch as Buffer).length;
      frame = Buffer.allocUnsafe(slack + size);
      at = slack;
      end = slack + size;
    }
    let pos = at;
    pos = frame.writeInt16BE(-1, pos); // transactional id: null
    pos = frame.writeInt16BE(this.o.acks, pos);
    pos = frame.writeInt32BE(PRODUCE_TIMEOUT_MS, pos);
    pos = frame.writeInt32BE(1, pos); // one topic
    pos = frame.writeInt16BE(this.topicBytes.length, pos);
    pos += this.topicBytes.copy(frame, pos);
    pos = frame.writeInt32BE(parts.length, pos);
    for (const p of parts) {
      const batch = p.batch as Buffer;
      pos = frame.writeInt32BE(p.partition, pos);
      pos = frame.writeInt32BE(batch.length, pos);
      if (p !== lone || frame !== lone.enc?.frame) batch.copy(frame, pos);
      pos += batch.length;
    }
    return { frame, bodyStart: at, end };
  }

  /** The parts' encoder buffers can be written into again (their request is answered). */
  private recycle(parts: Part[]): void {
    for (const p of parts) {
      const buf = p.enc?.buffer;
      p.enc = undefined;
      if (!buf) continue;
      // once there is shared memory (see `memory`), only its buffers are kept
      const keep = this.memory ? buf.buffer === this.memory.all.buffer : buf.length >= this.capacity + this.headroom && this.spare.length < this.maxInFlight + 2;
      if (keep) this.spare.push(buf);
    }
  }

  private acknowledged(parts: Part[], attempt: number, res: ProduceResponse | undefined): Promise<void> | undefined {
    if (res === undefined) {
      // acks=0: no response (and the socket may still be writing the request)
      for (const p of parts) this.sent += p.records;
      return undefined;
    }
    const retry: Part[] = [];
    const answered = new Set<Part>();
    for (const t of res.responses) {
      for (const pr of t.partitionResponses) {
        const part = parts.find((p) => p.partition === pr.index && !answered.has(p));
        if (!part) continue;
        answered.add(part);
        if (pr.errorCode === 0) {
          this.sent += part.records;
          part.baseOffset = pr.baseOffset;
          continue;
        }
        const err = KafkaError.fromCode(pr.errorCode);
        if (err.retriable && attempt < RETRIES) retry.push(part);
        else part.error = this.fail(part.records, pr.errorMessage ? Object.assign(err, { message: `${err.message}: ${pr.errorMessage}` }) : err);
      }
    }
    for (const p of parts) if (!answered.has(p)) p.error = this.fail(p.records, new KtError(`the broker did not answer for partition ${p.partition}`));
    this.recycle(parts.filter((p) => !retry.includes(p)));
    return retry.length > 0 ? this.retry(retry, attempt + 1) : undefined;
  }

  /** Resends parts after a backoff and a metadata refresh (their leader may have moved). */
  private async retry(parts: Part[], attempt: number): Promise<void> {
    await sleep(Math.min(2000, 100 * 2 ** (attempt - 1)));
    await this.cluster.refreshMetadata().catch(() => undefined);
    const meta = this.cluster.findTopicPartitionMetadata(this.o.topic);
    if (meta.length > 0) this.setLeaders(meta);
    const byLeader = new Map<number, Part[]>();
    for (const p of parts) {
      const leader = this.leaders[p.partition] ?? -1;
      let list = byLeader.get(leader);
      if (!list) byLeader.set(leader, (list = []));
      list.push(p);
    }
    await Promise.all([...byLeader].map(([leader, list]) => this.send(leader, list, attempt)));
  }
}
