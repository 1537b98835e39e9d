// The engines behind `kt produce`: records are grouped into produce requests (up to
// --batch-size bytes, or whatever arrived within --linger-ms), several requests are in
// flight at once, and the caller is made to wait (back-pressure) only when the in-flight
// limit is reached — so memory stays bounded whatever the input size. --sync sends one
// record at a time and waits for each acknowledgement.
//
// Two engines behind one interface:
// * DirectProducerSession (directProducer.ts), the default: kt encodes record batches itself
//   (records.ts) and sends Produce requests over kafkajs's broker connections. No per-record
//   kafkajs objects: several times kafkajs's throughput.
// * KafkaJSProducerSession (below): kafkajs's producer, for --idempotent (its sequence and
//   epoch handling) and for brokers older than Produce v3.

import type { Message, Producer } from './gateway.js';
import { KtError, UsageError } from '../errors.js';
import type { Header, ProduceRecord } from '../format/record.js';
import type { CodecName } from '../protocol/compression.js';
import type { KafkaHandle } from './index.js';
import { sleep } from '../sleep.js';

export type Compression = CodecName;

export interface ProducerOptions {
  topic: string;
  acks: -1 | 0 | 1;
  compression: Compression;
  /** max bytes of record data per produce request */
  batchBytes: number;
  /** max time a partial batch waits for more records */
  lingerMs: number;
  idempotent: boolean;
  sync: boolean;
  /** records per second (undefined: as fast as possible) */
  rate?: number;
  maxInFlight: number;
  /** records may name a partition: check it exists (kafkajs silently drops records for unknown partitions) */
  checkPartitions?: boolean;
  /** Key, headers and partition of every addValue record (the plain-lines fast path). */
  fixed?: { key?: Buffer; headers: Header[]; partition?: number };
}

/** Where a record went (sendOne). */
export interface SentRecord {
  partition: number;
  baseOffset: string;
}

export interface ProducerSession {
  /** Queue a record. Returns a promise only when the caller must wait (back-pressure, --rate). */
  add(r: ProduceRecord): Promise<void> | undefined;
  /**
   * The fast path for plain lines: queue a record whose value is `src[start, end)`, with
   * the session's fixed key, headers and partition (`fixed`). Never waits; call `pace()`
   * after a chunk of input. Absent when the engine has no such path.
   */
  addValue?: (src: Buffer, start: number, end: number) => void;
  /** Buffers to read addValue's input into (faster: they share memory with the batches). */
  inputBuffer?: (size: number) => Buffer;
  /** After a run of addValue calls: a promise when the caller must wait (back-pressure). */
  pace?: () => Promise<void> | undefined;
  /** Send one record and wait for its acknowledgement (TTY mode, --sync, --value). */
  sendOne(r: ProduceRecord): Promise<SentRecord | undefined>;
  flush(): Promise<void>;
  readonly counts: ProduceSummary;
  close(): Promise<ProduceSummary>;
}

export const ProducerSession = {
  async open(h: KafkaHandle, o: ProducerOptions): Promise<ProducerSession> {
    if (o.idempotent && o.acks !== -1) throw new UsageError('--idempotent needs --acks all');
    if (!o.idempotent) {
      const { DirectProducerSession } = await import('./directProducer.js');
      const direct = await DirectProducerSession.open(h, o);
      if (direct) return direct;
    }
    return KafkaJSProducerSession.open(h, o);
  },
};

/** kafkajs's number for a codec name. */
export function compressionType(h: KafkaHandle, c: Compression): number {
  const t = h.kafkajs.CompressionTypes;
  return { none: t.None, gzip: t.GZIP, snappy: t.Snappy, lz4: t.LZ4, zstd: t.ZSTD }[c];
}

/** A connected kafkajs producer as kt uses it: Java's default partitioner, retries, idempotence on request. */
export async function connectKafkaJSProducer(h: KafkaHandle, idempotent: boolean): Promise<Producer> {
  const producer = h.kafka.producer({
    createPartitioner: h.kafkajs.Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: true,
    idempotent,
    maxInFlightRequests: idempotent ? 1 : undefined,
    // ~17 s of retries: a killed broker is fenced (Apache: broker.session.timeout.ms, 9 s) and
    // its partitions get new leaders before a record is given up
    retry: { retries: 12, initialRetryTime: 100, maxRetryTime: 2000 },
  });
  // An idempotent producer asks the broker named as controller for its producer id; kafkajs
  // gives up at once when that broker cannot be reached, which in a cluster happens while a
  // dead broker is still listed (until it is fenced, ~9 s in Apache). With several bootstrap
  // servers kt asks again for up to ~15 s; a single unreachable broker still fails fast.
  const deadline = Date.now() + 15_000;
  for (let attempt = 0; ; attempt++) {
    try {
      await h.connectWithin(producer.connect());
      return producer;
    } catch (err) {
      const connectionError = /cannot connect|connection refused|ECONNREFUSED|Connection error/i.test(String((err as Error)?.message));
      if (!idempotent || h.brokers.length < 2 || !connectionError || Date.now() > deadline) throw err;
      await producer.disconnect().catch(() => undefined);
      await sleep(Math.min(250 * 2 ** attempt, 2000));
    }
  }
}

export interface ProduceSummary {
  sent: number;
  failed: number;
  firstError?: Error;
}

/** Records per request at most, whatever their size (keeps encode latency small). */
const MAX_BATCH_RECORDS = 10_000;

function toMessage(r: ProduceRecord): Message {
  const m: Message = { key: r.key, value: r.value };
  if (r.headers.length) {
    const headers: Record<string, Buffer | Buffer[]> = {};
    for (const [k, v] of r.headers) {
      const val = v as Buffer; // kafkajs encodes null header values as null (-1 length)
      const prev = headers[k];
      if (prev === undefined) headers[k] = val;
      else if (Array.isArray(prev)) prev.push(val);
      else headers[k] = [prev, val];
    }
    m.headers = headers;
  }
  if (r.partition !== undefined) m.partition = r.partition;
  if (r.timestamp !== undefined) m.timestamp = String(r.timestamp);
  return m;
}

function sizeOf(r: ProduceRecord): number {
  let n = 24 + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  for (const [k, v] of r.headers) n += k.length + (v?.length ?? 0) + 4;
  return n;
}

/** The kafkajs producer: --idempotent, and brokers without Produce v3 (record batches). */
class KafkaJSProducerSession implements ProducerSession {
  private batch: Message[] = [];
  private batchSize = 0;
  private linger: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private sent = 0;
  private failed = 0;
  private firstError: Error | undefined;
  private accepted = 0;
  private readonly started = Date.now();
  private partitionCount: number | undefined;
  private warm = false;

  private constructor(
    private readonly h: KafkaHandle,
    private readonly producer: Producer,
    private readonly o: ProducerOptions,
    private readonly compressionType: number,
  ) {}

  static async open(h: KafkaHandle, o: ProducerOptions): Promise<KafkaJSProducerSession> {
    if (o.idempotent && o.acks !== -1) throw new UsageError('--idempotent needs --acks all');
    const producer = await connectKafkaJSProducer(h, o.idempotent);
    const session = new KafkaJSProducerSession(h, producer, o, compressionType(h, o.compression));
    if (o.checkPartitions) await session.loadPartitionCount();
    return session;
  }

  private async loadPartitionCount(): Promise<void> {
    const admin = this.h.kafka.admin();
    try {
      await this.h.connectWithin(admin.connect());
      for (let attempt = 0; attempt < 10; attempt++) {
        const meta = await admin.fetchTopicMetadata({ topics: [this.o.topic] }).catch(() => undefined);
        const n = meta?.topics[0]?.partitions.length ?? 0;
        if (n > 0) {
          this.partitionCount = n;
          return;
        }
        await sleep(100);
      }
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** A record for a partition that does not exist fails here (kafkajs would drop it silently). */
  private badPartition(r: ProduceRecord): boolean {
    if (r.partition === undefined || this.partitionCount === undefined || r.partition < this.partitionCount) return false;
    this.failed++;
    this.firstError ??= new KtError(`partition ${r.partition} does not exist (topic ${this.o.topic} has ${this.partitionCount})`);
    return true;
  }

  private get maxInFlight(): number {
    return this.o.idempotent ? 1 : Math.max(1, this.o.maxInFlight);
  }

  /** Queue a record. Returns a promise only when the caller must wait (back-pressure, --rate). */
  add(r: ProduceRecord): Promise<void> | undefined {
    this.accepted++;
    if (this.o.rate) {
      const due = this.started + ((this.accepted - 1) * 1000) / this.o.rate;
      const wait = due - Date.now();
      if (wait > 0) return this.dispatch().then(() => sleep(wait)).then(() => this.enqueue(r));
    }
    return this.enqueue(r);
  }

  private enqueue(r: ProduceRecord): Promise<void> | undefined {
    if (this.badPartition(r)) return undefined;
    this.batch.push(toMessage(r));
    this.batchSize += sizeOf(r);
    if (this.batchSize >= this.o.batchBytes || this.batch.length >= MAX_BATCH_RECORDS) return this.dispatch();
    if (this.linger === undefined) this.linger = setTimeout(() => void this.dispatch(), this.o.lingerMs);
    return undefined;
  }

  /** Send the current batch; waits only when the in-flight limit is reached. */
  private async dispatch(): Promise<void> {
    clearTimeout(this.linger);
    this.linger = undefined;
    if (this.batch.length > 0) {
      const messages = this.batch;
      this.batch = [];
      this.batchSize = 0;
      const p: Promise<void> = this.producer
        .send({ topic: this.o.topic, messages, acks: this.o.acks, compression: this.compressionType })
        .then(
          () => {
            this.sent += messages.length;
          },
          (err: unknown) => {
            this.failed += messages.length;
            this.firstError ??= this.h.fail(err);
          },
        )
        .finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
      // The first request waits alone: until kafkajs has the topic's metadata, concurrent
      // sends can overtake each other, and records would land out of order.
      if (!this.warm) {
        await p;
        this.warm = true;
      }
    }
    while (this.inFlight.size >= this.maxInFlight) await Promise.race(this.inFlight);
  }

  /** Send one record and wait for its acknowledgement (TTY mode, --sync). */
  async sendOne(r: ProduceRecord): Promise<SentRecord | undefined> {
    await this.flush();
    if (this.badPartition(r)) throw this.firstError!;
    try {
      const res = await this.producer.send({ topic: this.o.topic, messages: [toMessage(r)], acks: this.o.acks, compression: this.compressionType });
      this.sent++;
      return res[0] ? { partition: res[0].partition, baseOffset: String(res[0].baseOffset) } : undefined;
    } catch (err) {
      this.failed++;
      const e = this.h.fail(err);
      this.firstError ??= e;
      throw e;
    }
  }

  async flush(): Promise<void> {
    await this.dispatch();
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
  }

  get counts(): ProduceSummary {
    return { sent: this.sent, failed: this.failed, firstError: this.firstError };
  }

  async close(): Promise<ProduceSummary> {
    try {
      await this.flush();
    } finally {
      await this.producer.disconnect().catch(() => undefined);
    }
    return this.counts;
  }
}

export function failureError(topic: string, s: ProduceSummary): KtError {
  const total = s.sent + s.failed;
  return new KtError(`${s.failed} of ${total} message${total === 1 ? '' : 's'} failed to produce to ${topic}: ${s.firstError?.message ?? 'unknown error'}`);
}
