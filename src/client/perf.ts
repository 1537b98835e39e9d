// The engines behind kt perf produce|consume (kafka-producer-perf-test,
// kafka-consumer-perf-test).
//
// Producer: kt produce's engine (DirectProducerSession: batch.size, linger.ms, requests in
// flight, idempotence); each record's latency is the time from when it was queued to when its
// batch was acknowledged (the engine's onAck), as the Java producer's callback measures it.
// Throttling (--throughput) is the engine's rate pacing, as Apache's ThroughputThrottler:
// never ahead of start + i / throughput.
// Consumer: kt consume's engine (consumer.ts): without --group the partitions are read
// directly (no group, no rebalance); with --group kt's group member joins the group and
// commits, and the time until the first assignment (then each rebalance) is the rebalance time.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { KtError, UsageError } from '../errors.js';
import { ProducerStats, type ProducerTotals } from '../format/perf.js';
import type { ConsumedRecord } from '../format/record.js';
import type { KafkaHandle } from './index.js';
import type { CodecName } from '../protocol/compression.js';

// ---------------------------------------------------------------------------------------
// Payloads

export interface PayloadSource {
  next(i: number): Buffer;
  describe?: string[];
}

/** --record-size: random upper-case letters (as Apache), different from record to record. */
export function randomPayload(size: number, random: () => number = Math.random): PayloadSource {
  const spread = 4093;
  const pool = Buffer.allocUnsafe(size + spread);
  for (let i = 0; i < pool.length; i++) pool[i] = 65 + Math.floor(random() * 26);
  return { next: (i) => pool.subarray((i * 7919) % spread, ((i * 7919) % spread) + size) };
}

/** --payload-monotonic: the record number as text. */
export function monotonicPayload(): PayloadSource {
  return { next: (i) => Buffer.from(String(i)) };
}

/** --payload-file: the file's bytes split at the delimiter; each record picks one at random. */
export function filePayload(file: string, delimiter: Buffer, random: () => number = Math.random): PayloadSource {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (e) {
    throw new UsageError(`cannot read --payload-file ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (data.length === 0) throw new UsageError(`--payload-file ${file} is empty`);
  const payloads: Buffer[] = [];
  let start = 0;
  for (let i = data.indexOf(delimiter); i !== -1; i = data.indexOf(delimiter, start)) {
    payloads.push(data.subarray(start, i));
    start = i + delimiter.length;
  }
  if (start < data.length) payloads.push(data.subarray(start)); // no empty payload after a final delimiter
  return {
    next: () => payloads[Math.floor(random() * payloads.length)],
    describe: [`Reading payloads from: ${path.resolve(file)}`, `Number of messages read: ${payloads.length}`],
  };
}

// ---------------------------------------------------------------------------------------
// Producer

export interface ProducerPerfOptions {
  topic: string;
  numRecords: number;
  payload: PayloadSource;
  /** records/s; <= 0: unlimited */
  throughput: number;
  acks: -1 | 0 | 1;
  compression: CodecName;
  batchBytes: number;
  lingerMs: number;
  maxInFlight: number;
  idempotent: boolean;
  reportingIntervalMs: number;
}

export interface ProducerPerfResult extends ProducerTotals {
  failed: number;
  firstError: Error | null;
}

/** Records without headers share this. */
const NO_HEADERS: [] = [];

export async function runProducerPerf(
  h: KafkaHandle,
  o: ProducerPerfOptions,
  hooks: { onWindow(line: string): void; onProgress?(queued: number, acked: number): void; stopped?(): boolean },
): Promise<ProducerPerfResult> {
  if (o.idempotent && o.acks !== -1) throw new UsageError('enable.idempotence=true needs acks=all');
  const stats = new ProducerStats(o.numRecords, o.reportingIntervalMs, hooks.onWindow);
  let queued = 0;
  const onAck = (times: readonly number[], sizes: readonly number[]): void => {
    const now = Date.now();
    for (let j = 0; j < times.length; j++) stats.record(now - times[j], sizes[j], now);
    hooks.onProgress?.(queued, stats.count);
  };
  const { ProducerSession } = await import('./producer.js');
  const session = await ProducerSession.open(h, {
    topic: o.topic,
    acks: o.acks,
    compression: o.compression,
    batchBytes: o.batchBytes,
    lingerMs: o.lingerMs,
    maxInFlight: o.maxInFlight,
    idempotent: o.idempotent,
    sync: false,
    rate: o.throughput > 0 ? o.throughput : undefined,
    onAck,
  });
  try {
    for (let i = 0; i < o.numRecords; i++) {
      if (hooks.stopped?.()) break;
      // the record's timestamp is when it was queued: its latency runs from there to its ack
      const wait = session.add({ key: null, value: o.payload.next(i), headers: NO_HEADERS, timestamp: Date.now() });
      queued++;
      if (wait) await wait;
    }
  } finally {
    await session.close();
  }
  const { failed, firstError } = session.counts;
  return { ...stats.totals(), failed, firstError: firstError ?? null };
}

// ---------------------------------------------------------------------------------------
// Consumer

export interface ConsumerPerfOptions {
  topics: string[] | RegExp;
  messages: number;
  group?: string;
  fromLatest: boolean;
  /** max time between returned records */
  timeoutMs: number;
  /** max bytes per partition per fetch (--fetch-size) */
  fetchSize: number;
  reportingIntervalMs: number;
}

export interface ConsumerPerfProgress {
  bytes: number;
  lastBytes: number;
  messages: number;
  lastMessages: number;
  startMs: number;
  endMs: number;
  rebalanceMs: number;
}

export interface ConsumerPerfResult {
  startMs: number;
  endMs: number;
  bytes: number;
  messages: number;
  rebalanceTimeMs: number;
  timedOut: boolean;
}

/** Counts records and bytes, and closes a reporting interval when one is due. */
class Meter {
  bytes = 0;
  messages = 0;
  private lastBytes = 0;
  private lastMessages = 0;
  private lastReport: number;
  rebalanceInInterval = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly onInterval: ((p: ConsumerPerfProgress) => void) | undefined,
    now: number,
  ) {
    this.lastReport = now;
  }

  add(messages: number, bytes: number): void {
    this.messages += messages;
    this.bytes += bytes;
    const now = Date.now();
    if (now - this.lastReport >= this.intervalMs) {
      this.onInterval?.({ bytes: this.bytes, lastBytes: this.lastBytes, messages: this.messages, lastMessages: this.lastMessages, startMs: this.lastReport, endMs: now, rebalanceMs: this.rebalanceInInterval });
      this.rebalanceInInterval = 0;
      this.lastReport = now;
      this.lastBytes = this.bytes;
      this.lastMessages = this.messages;
    }
  }
}

export interface ConsumerPerfRun {
  result: Promise<ConsumerPerfResult>;
  stop(): void;
}

export function runConsumerPerf(
  h: KafkaHandle,
  o: ConsumerPerfOptions,
  hooks: { onInterval?(p: ConsumerPerfProgress): void; onProgress?(messages: number, bytes: number): void } = {},
): ConsumerPerfRun {
  let stopper: () => void = () => undefined;
  const result = (async (): Promise<ConsumerPerfResult> => {
    const startMs = Date.now();
    const meter = new Meter(o.reportingIntervalMs, hooks.onInterval, startMs);
    const { startConsume } = await import('./consumer.js');
    const sink = async (records: ConsumedRecord[]): Promise<boolean> => {
      let bytes = 0;
      for (const r of records) bytes += (r.key?.length ?? 0) + (r.value?.length ?? 0);
      meter.add(records.length, bytes);
      hooks.onProgress?.(meter.messages, meter.bytes);
      return true;
    };
    // Rebalance time (--group): the first assignment counts from the start (connect and join,
    // as Apache's listener), each later one from when the group started rebalancing.
    let rebalanceTimeMs = 0;
    let rebalanceStart: number | undefined = startMs;
    const onRebalance = (e: { event: 'rebalancing' } | { event: 'joined' }): void => {
      if (e.event === 'rebalancing') {
        rebalanceStart ??= Date.now();
        return;
      }
      const ms = rebalanceStart === undefined ? 0 : Date.now() - rebalanceStart;
      rebalanceStart = undefined;
      rebalanceTimeMs += ms;
      meter.rebalanceInInterval += ms;
    };
    const handle = startConsume(h, {
      topics: o.topics,
      group: o.group,
      // with a group: the committed offsets first, then auto.offset.reset (earliest unless --from-latest)
      start: o.group ? (o.fromLatest ? null : { kind: 'earliest' }) : o.fromLatest ? { kind: 'latest' } : { kind: 'earliest' },
      maxMessages: o.messages,
      timeoutMs: o.timeoutMs,
      exitAtEnd: false,
      readCommitted: false,
      partitionMaxBytes: o.group ? o.fetchSize : undefined,
      noCreate: o.group !== undefined,
      sink,
      onRebalance: o.group ? onRebalance : undefined,
    });
    stopper = () => handle.stop('interrupted');
    try {
      const res = await handle.result;
      return { startMs, endMs: Date.now(), bytes: meter.bytes, messages: meter.messages, rebalanceTimeMs, timedOut: res.reason === 'timeout' };
    } catch (err) {
      throw err instanceof KtError ? err : h.fail(err);
    }
  })();
  return { result, stop: () => stopper() };
}
