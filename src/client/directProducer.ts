// The producer engine (kt produce, kt perf produce): kt builds the record batches (records.ts: bytes written
// straight into one buffer per partition, CRC32C native) and sends Produce requests over
// kafkajs's broker connections (gateway.ts; the leaders, connections and request body:
// produceRoute.ts), so kafkajs still does connections, TLS, SASL and
// metadata, but no record becomes a kafkajs object.
//
// Partitioning is kafkajs's default (Java's): the record's partition, else murmur2 of the
// key, else round-robin over partitions with a leader, from a random start. Records are
// appended to their partition's open batch; when the open batches hold --batch-size bytes
// (or a partition's batch nears 1 MB, Kafka's default max.message.bytes), or --linger-ms
// after the first record, they are sealed and sent, one Produce request per leader; a record
// that would take its partition's batch past 1 MiB goes into the next one (the open batches
// are sent first), so no batch passes Kafka's default max.message.bytes, whatever
// --batch-size is.
// Requests are issued strictly in the order their batches were sealed (compression runs off
// the main thread, so a later batch may be ready first), so records of a partition are
// written in input order while up to --max-in-flight requests are outstanding.
//
// Retriable errors (leader changes, a broker restart, timeouts) are retried 12 times with
// backoff (100 ms doubling to 2 s, ~17 s in all: long enough for a killed broker to be fenced
// and its partitions' leaders to move) after a metadata refresh, as kafkajs's producer does; a
// retry may land after requests sent later (as Kafka's producer without idempotence).
//
// --idempotent (Kafka's enable.idempotence): a producer id from InitProducerId, and in every
// batch the producer id, epoch and the partition's sequence number (sequences.ts); at most 5
// requests in flight (Kafka's limit for idempotence), a retry resends the same batch with the
// same sequence, so the broker writes each batch once and in order whatever is retried.
//
// Brokers without Produce v3 (Kafka < 0.11: message sets, no record batches) are refused with
// the version they offer.

import { KtError } from '../errors.js';
import { KafkaError, code } from '../protocol/errors.js';
import { Produce } from '../protocol/apis/produce.js';
import { codecOf } from '../protocol/compression.js';
import { ApiVersions } from '../protocol/apis/apiVersions.js';
import type { ProduceRecord } from '../format/record.js';
import type { KafkaHandle } from './index.js';
import { createCluster, loadTopics, requestHeaderSize, send as sendRequest, type KjsCluster } from './gateway.js';
import { produceBody, produceBodyPrefixSize, ProduceRoute, type Part } from './produceRoute.js';
import type { ProduceSummary, ProducerOptions, ProducerSession, SentRecord } from './producer.js';
import { BatchEncoder, partitionForKey, type BatchFields } from './records.js';
import type { SequenceBook } from './sequences.js';
import { sleep } from '../sleep.js';

/** A partition's batch is sent once it holds this much (Kafka's max.message.bytes is 1 MiB + 12). */
const MAX_PARTITION_BATCH = 1_000_000;
/**
 * A record that would take its partition's batch past this is put in the next batch (the
 * open ones are sent first), so a batch never passes Kafka's default max.message.bytes.
 */
const BATCH_LIMIT = 1_048_576;
/** At most what a record takes beyond its key, value and headers (length, attributes, deltas, varints). */
const RECORD_OVERHEAD = 40;
/** Records per request at most, whatever their size. */
const MAX_REQUEST_RECORDS = 100_000;
const RETRIES = 12;
/** Batch buffers carved from the input's memory at most (see `memory`). */
const MEMORY_SLOTS = 16;
/** Kafka's limit of requests in flight for an idempotent producer (per partition; kt's are per session). */
const IDEMPOTENT_MAX_IN_FLIGHT = 5;
/** --rate sleeps only when at least this far ahead of schedule (as Apache's ThroughputThrottler). */
const MIN_SLEEP_MS = 2;
/** The broker's answers that end an idempotent producer's batch (records would be lost or reordered). */
const SEQUENCE_ERRORS = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH']);

interface ProduceResponse {
  responses: Array<{ name: string; partitionResponses: Array<{ index: number; errorCode: number; baseOffset: number; errorMessage: string | null }> }>;
}

const DUPLICATE_SEQUENCE = code('DUPLICATE_SEQUENCE_NUMBER');

/** At most the bytes a record takes in a batch (header keys counted at 3 bytes a character). */
function recordBound(r: Pick<ProduceRecord, 'key' | 'value' | 'headers'>): number {
  let n = RECORD_OVERHEAD + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  const hs = r.headers;
  if (hs) for (const [k, v] of hs) n += 10 + 3 * k.length + (v?.length ?? 0);
  return n;
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
  /** The topic's leaders, the connections to them, the producer id. */
  private readonly route: ProduceRoute;
  private readonly fixedTarget: number;
  /** What addValue's records take beyond their value, at most (the fixed key and headers, the record's framing). */
  private readonly fixedBytes: number;
  private readonly capacity: number;
  private readonly topicBytes: Buffer;
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
  /** --idempotent: the producer id, epoch and sequence numbers. */
  private sequences: SequenceBook | undefined;
  /** --idempotent: retries waiting for their turn (see `hold`), and a promise settled when there are none. */
  private holds = 0;
  /** --idempotent: batches sealed and not yet sent (see `sendDeferred`), oldest first. */
  private deferred: Part[] = [];
  private held: { promise: Promise<void>; resolve: () => void } | undefined;
  /** With an onAck callback: per partition, the queue times and value sizes of the open batch's records. */
  private readonly ackTimes: number[][] = [];
  private readonly ackSizes: number[][] = [];

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
    this.headroom = requestHeaderSize(h.clientId) + produceBodyPrefixSize(this.topicBytes) + 8;
    this.route = new ProduceRoute(cluster, o.topic, partitionCount, codec);
    const f = o.fixed;
    this.fixedTarget = f?.partition !== undefined ? f.partition : f?.key ? partitionForKey(f.key, partitionCount) : -1;
    this.fixedBytes = recordBound({ key: f?.key ?? null, value: null, headers: f?.headers ?? [] });
  }

  /** The engine, connected to the topic's leaders (and holding a producer id for --idempotent). */
  static async open(h: KafkaHandle, o: ProducerOptions): Promise<DirectProducerSession> {
    const codec = codecOf(o.compression);
    const cluster = createCluster(h, { autoCreate: true });
    try {
      await h.connectWithin(cluster.connect());
      await h.connectWithin(loadTopics(cluster, [o.topic]));
      const parts = cluster.findTopicPartitionMetadata(o.topic);
      if (parts.length === 0) throw new KtError(`topic ${o.topic} has no partitions`);
      const s = new DirectProducerSession(h, cluster, o, parts.length, codec);
      s.route.setLeaders(parts);
      await s.route.connectLeaders();
      if (o.idempotent) s.sequences = await s.route.initProducerId(h);
      return s;
    } catch (err) {
      await cluster.disconnect().catch(() => undefined);
      throw h.fail(err);
    }
  }

  private get maxInFlight(): number {
    const n = Math.max(1, this.o.maxInFlight);
    return this.o.idempotent ? Math.min(n, IDEMPOTENT_MAX_IN_FLIGHT) : n;
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
    const avail = this.route.available;
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
      // never ahead of start + i / rate; a batch that would wait out its linger anyway leaves now
      const due = this.started + ((this.accepted - 1) * 1000) / this.o.rate;
      const wait = due - Date.now();
      if (wait >= MIN_SLEEP_MS) {
        if (wait >= this.o.lingerMs) this.dispatch();
        return sleep(wait).then(() => this.enqueue(r));
      }
    }
    return this.enqueue(r);
  }

  private enqueue(r: ProduceRecord): Promise<void> | undefined {
    const p = this.partitionOf(r.partition, r.key);
    if (p < 0) return undefined;
    let enc = this.encoder(p);
    const early = enc.count > 0 && enc.size + recordBound(r) > BATCH_LIMIT;
    if (early) {
      this.dispatch();
      enc = this.encoder(p);
    }
    const before = enc.size;
    const time = r.timestamp ?? Date.now();
    enc.append(time, r.key, r.value, r.headers);
    if (this.o.onAck) this.queued(p, time, r.value?.length ?? 0);
    return this.appended(enc, before) || early ? this.pace() : undefined;
  }

  /** onAck's bookkeeping: when a record of partition `p` was queued, and its value's size. */
  private queued(p: number, time: number, size: number): void {
    (this.ackTimes[p] ??= []).push(time);
    (this.ackSizes[p] ??= []).push(size);
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
    if (p < 0) p = this.route.available.length === 1 ? this.route.available[0] : this.partitionOf(undefined, null);
    else if (p >= this.partitionCount) {
      this.partitionOf(p, null); // counts the failure
      return;
    }
    let enc = this.encoders[p] ?? this.encoder(p);
    if (enc.size + (end - start) + this.fixedBytes > BATCH_LIMIT && enc.count > 0) {
      this.dispatch();
      enc = this.encoder(p);
    }
    const before = enc.size;
    if (f && f.headers.length > 0) enc.append(this.clock!, f.key ?? null, src.subarray(start, end), f.headers);
    else enc.appendValue(this.clock!, f?.key ?? null, src, start, end);
    if (this.o.onAck) this.queued(p, this.clock!, end - start);
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
    if (this.holds > 0) return this.held!.promise.then(() => this.pace());
    if (this.inFlight.size < this.maxInFlight && this.deferred.length === 0) return undefined;
    return this.waitInFlight(this.maxInFlight);
  };

  private async waitInFlight(below: number): Promise<void> {
    while ((this.inFlight.size >= below || this.deferred.length > 0) && this.inFlight.size > 0) await Promise.race(this.inFlight);
  }

  async sendOne(r: ProduceRecord): Promise<SentRecord | undefined> {
    await this.flush();
    this.accepted++;
    const p = this.partitionOf(r.partition, r.key);
    if (p < 0) throw this.firstError!;
    const enc = new BatchEncoder(256 + (r.value?.length ?? 0) + (r.key?.length ?? 0), this.headroom);
    const time = r.timestamp ?? Date.now();
    enc.append(time, r.key, r.value, r.headers);
    if (this.o.onAck) this.queued(p, time, r.value?.length ?? 0);
    const part = this.sealPart(p, enc);
    await this.track(this.send(this.route.leaders[p], [part], 0));
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
      if (this.o.acks === 0) await this.drained();
    } finally {
      clearTimeout(this.linger);
      await this.cluster.disconnect().catch(() => undefined);
    }
    return this.counts;
  }

  /**
   * acks=0: a request answered by every broker written to. A broker reads a connection's
   * requests in order, so its answer means the unanswered Produce requests before it were
   * all received, not left in a socket buffer when the process exits.
   */
  private async drained(): Promise<void> {
    await Promise.all(this.route.connections().map(({ broker }) => sendRequest(broker, ApiVersions, 0, Buffer.alloc(0)).catch(() => undefined)));
  }

  // --- sending

  /** Seals partition `p`'s batch: its header (with a sequence number for --idempotent) and, off the main thread, its compression. */
  private sealPart(p: number, enc: BatchEncoder): Part {
    const fields: BatchFields = { codec: this.codec };
    const part: Part = { partition: p, records: enc.count, batch: undefined!, enc };
    const seq = this.sequences;
    if (seq) {
      part.sequence = seq.take(p, enc.count);
      fields.producerId = seq.producerId;
      fields.producerEpoch = seq.producerEpoch;
      fields.baseSequence = part.sequence;
    }
    if (this.o.onAck) {
      part.times = this.ackTimes[p] ?? [];
      part.sizes = this.ackSizes[p] ?? [];
      this.ackTimes[p] = [];
      this.ackSizes[p] = [];
    }
    part.batch = this.codec === 0 ? enc.sealSync(fields) : enc.seal(fields);
    return part;
  }

  /** The part is done with: written (`err` undefined) or failed for good. */
  private settle(part: Part, err?: unknown): void {
    if (part.sequence !== undefined) this.sequences?.settle(part.partition, part.sequence);
    if (err !== undefined) {
      part.error = this.fail(part.records, err);
      return;
    }
    this.sent += part.records;
    if (part.times) this.o.onAck!(part.times, part.sizes!);
  }

  /** Seals the open batches and sends them, one request per leader. Never waits. */
  private dispatch(): void {
    clearTimeout(this.linger);
    this.linger = undefined;
    if (this.sequences) {
      this.sealOpen((_, part) => this.deferred.push(part));
      this.sendDeferred();
      return;
    }
    if (this.pendingRecords === 0) return;
    const byLeader = new Map<number, Part[]>();
    this.sealOpen((leader, part) => {
      let parts = byLeader.get(leader);
      if (!parts) byLeader.set(leader, (parts = []));
      parts.push(part);
    });
    for (const [leader, parts] of byLeader) void this.track(this.send(leader, parts, 0));
  }

  /** Seals every open batch, in partition order. */
  private sealOpen(each: (leader: number, part: Part) => void): void {
    if (this.pendingRecords === 0) return;
    for (let p = 0; p < this.encoders.length; p++) {
      const enc = this.encoders[p];
      if (!enc) continue;
      this.encoders[p] = undefined;
      if (enc.count > 0) each(this.route.leaders[p], this.sealPart(p, enc));
    }
    this.pendingBytes = 0;
    this.pendingRecords = 0;
  }

  /**
   * --idempotent: sends the sealed batches in order, while fewer than the in-flight limit of
   * requests are outstanding (so a partition never has more than 5 unanswered batches) and no
   * retry is held (`hold`); the rest go as requests complete. A request carries one batch of
   * a partition, its next batch goes in a later request.
   */
  private sendDeferred(): void {
    while (this.deferred.length > 0 && this.holds === 0 && this.inFlight.size < this.maxInFlight) {
      const leader = this.route.leaders[this.deferred[0].partition];
      const parts: Part[] = [];
      const taken = new Set<number>();
      const rest: Part[] = [];
      for (const part of this.deferred) {
        // later batches of a partition already taken stay behind (in order) with it
        if (this.route.leaders[part.partition] === leader && !taken.has(part.partition)) {
          taken.add(part.partition);
          parts.push(part);
        } else {
          rest.push(part);
          taken.add(part.partition);
        }
      }
      this.deferred = rest;
      void this.track(this.send(leader, parts, 0));
    }
  }

  private track(p: Promise<void>): Promise<void> {
    const t: Promise<void> = p.finally(() => {
      this.inFlight.delete(t);
      if (this.deferred.length > 0) this.sendDeferred();
    });
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
      const b = await this.route.broker(leader, attempt > 0);
      this.route.checkVersion(b); // a leader moved to an older broker
      const { broker, version } = b;
      response = sendRequest<ProduceResponse>(broker, Produce, version, produceBody(parts, { clientId: this.h.clientId, acks: this.o.acks, topicBytes: this.topicBytes }), { expectResponse: this.o.acks !== 0 });
    });
    this.tail = issued.catch(() => undefined);
    return issued
      .then(() => response)
      .then(
        (res) => this.acknowledged(parts, attempt, res),
        (err: unknown) => {
          const e = errorOf(err);
          if (e.retriable !== false && attempt < RETRIES) return this.retry(parts, attempt + 1);
          for (const p of parts) this.settle(p, e);
          return undefined;
        },
      );
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
      for (const p of parts) this.settle(p);
      return undefined;
    }
    const retry: Part[] = [];
    const answered = new Set<Part>();
    for (const t of res.responses) {
      for (const pr of t.partitionResponses) {
        const part = parts.find((p) => p.partition === pr.index && !answered.has(p));
        if (!part) continue;
        answered.add(part);
        // DUPLICATE_SEQUENCE_NUMBER: an idempotent batch resent after it was written (older brokers)
        if (pr.errorCode === 0 || (pr.errorCode === DUPLICATE_SEQUENCE && part.sequence !== undefined)) {
          part.baseOffset = pr.baseOffset;
          this.settle(part);
          continue;
        }
        const err = KafkaError.fromCode(pr.errorCode);
        if (attempt < RETRIES && (err.retriable || this.outOfTurn(part, err))) retry.push(part);
        else this.settle(part, this.partError(part, err, pr.errorMessage));
      }
    }
    for (const p of parts) if (!answered.has(p)) this.settle(p, new KtError(`the broker did not answer for partition ${p.partition}`));
    this.recycle(parts.filter((p) => !retry.includes(p)));
    return retry.length > 0 ? this.retry(retry, attempt + 1) : undefined;
  }

  /**
   * OUT_OF_ORDER_SEQUENCE_NUMBER for an idempotent batch sent while an earlier batch of its
   * partition is still unanswered (it is being retried): the broker wants that one first.
   */
  private outOfTurn(part: Part, err: KafkaError): boolean {
    return err.name === 'OUT_OF_ORDER_SEQUENCE_NUMBER' && part.sequence !== undefined && this.sequences!.hasEarlier(part.partition, part.sequence);
  }

  /** A partition's error as one line; for the idempotence errors, which batch the broker refused. */
  private partError(part: Part, err: KafkaError, detail: string | null): Error {
    if (part.sequence !== undefined && SEQUENCE_ERRORS.has(err.name)) {
      const seq = this.sequences!;
      return new KtError(
        `idempotent produce to ${this.o.topic}-${part.partition} refused: ${err.name} (batch of ${part.records} at sequence ${part.sequence}, ` +
          `producer id ${seq.producerId}, epoch ${seq.producerEpoch})${detail ? `: ${detail}` : ''}`,
      );
    }
    return detail ? Object.assign(err, { message: `${err.message}: ${detail}` }) : err;
  }

  /** Resends parts after a backoff and a metadata refresh (their leader may have moved). */
  private async retry(parts: Part[], attempt: number): Promise<void> {
    const release = this.hold();
    let resent: Promise<void[]>;
    try {
      await sleep(Math.min(2000, 100 * 2 ** (attempt - 1)));
      await this.route.refresh();
      const byLeader = new Map<number, Part[]>();
      for (const p of parts) {
        const leader = this.route.leaders[p.partition] ?? -1;
        let list = byLeader.get(leader);
        if (!list) byLeader.set(leader, (list = []));
        list.push(p);
      }
      resent = Promise.all([...byLeader].map(([leader, list]) => this.send(leader, list, attempt)));
    } finally {
      release(); // the resends are queued: new batches go after them
    }
    await resent;
  }

  /**
   * --idempotent: no new batch is sent while a retry waits for its turn (Kafka's producer
   * stops draining a partition with a batch to retry). The broker remembers a producer's last
   * 5 batches per partition, so a resent batch must not be overtaken by more than 4 newer ones
   * (the in-flight limit bounds those already sent). Returns the release.
   */
  private hold(): () => void {
    if (!this.sequences) return () => undefined;
    if (this.holds++ === 0) {
      let resolve!: () => void;
      this.held = { promise: new Promise<void>((r) => (resolve = r)), resolve };
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (--this.holds > 0) return;
      this.held!.resolve();
      this.sendDeferred(); // what was sealed meanwhile
    };
  }
}
