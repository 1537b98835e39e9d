// The output of kt perf produce|consume: the lines of Apache's kafka-producer-perf-test
// (ProducerPerformance.Stats) and kafka-consumer-perf-test (ConsumerPerformance), printf
// for printf, plus a live progress line for terminals.

import { UsageError } from '../errors.js';
import type { CodecName } from '../protocol/compression.js';

const MB = 1024 * 1024;

/** Java's `%.Nf`: HALF_UP rounding; NaN and Infinity spelled as Java does. */
export function javaFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  const f = 10 ** digits;
  // toFixed rounds the binary value (1.005 → "1.00"); nudge by the value's own ulp first
  const nudged = x + Math.sign(x) * Number.EPSILON * Math.max(1, Math.abs(x)) * 4;
  const r = Math.round(Math.abs(nudged) * f) / f;
  return (x < 0 && r !== 0 ? '-' : '') + r.toFixed(digits);
}

export interface ProducerTotals {
  records: number;
  recordsPerSec: number;
  mbPerSec: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  p999Ms: number;
}

/**
 * ProducerPerformance.Stats: counts every acknowledged record, keeps a sample of latencies
 * (at most 500,000) for the percentiles, and closes a reporting window every
 * `reportingIntervalMs` (Apache: 5000), handing its line to `onWindow`.
 */
export class ProducerStats {
  private readonly start: number;
  private readonly latencies: Int32Array;
  private readonly sampling: number;
  private iteration = 0;
  private index = 0;
  count = 0;
  bytes = 0;
  private maxLatency = 0;
  private totalLatency = 0;
  private windowCount = 0;
  private windowMaxLatency = 0;
  private windowTotalLatency = 0;
  private windowBytes = 0;
  private windowStart: number;

  constructor(
    numRecords: number,
    private readonly reportingIntervalMs: number,
    private readonly onWindow: (line: string) => void,
    now: number = Date.now(),
  ) {
    this.start = now;
    this.windowStart = now;
    this.sampling = Math.max(1, Math.floor(numRecords / Math.min(Math.max(numRecords, 1), 500_000)));
    this.latencies = new Int32Array(Math.floor(numRecords / this.sampling) + 1);
  }

  record(latency: number, bytes: number, time: number): void {
    this.count++;
    this.bytes += bytes;
    this.totalLatency += latency;
    if (latency > this.maxLatency) this.maxLatency = latency;
    this.windowCount++;
    this.windowBytes += bytes;
    this.windowTotalLatency += latency;
    if (latency > this.windowMaxLatency) this.windowMaxLatency = latency;
    if (this.iteration % this.sampling === 0 && this.index < this.latencies.length) this.latencies[this.index++] = latency;
    if (time - this.windowStart >= this.reportingIntervalMs) {
      this.onWindow(this.windowLine(time));
      this.newWindow(time);
    }
    this.iteration++;
  }

  /** `%d records sent, %.1f records/sec (%.2f MB/sec), %.1f ms avg latency, %.1f ms max latency.` */
  windowLine(now: number = Date.now()): string {
    const elapsed = now - this.windowStart;
    const recsPerSec = (1000 * this.windowCount) / elapsed;
    const mbPerSec = (1000 * this.windowBytes) / elapsed / MB;
    return (
      `${this.windowCount} records sent, ${javaFixed(recsPerSec, 1)} records/sec (${javaFixed(mbPerSec, 2)} MB/sec), ` +
      `${javaFixed(this.windowTotalLatency / this.windowCount, 1)} ms avg latency, ${javaFixed(this.windowMaxLatency, 1)} ms max latency.`
    );
  }

  private newWindow(now: number): void {
    this.windowStart = now;
    this.windowCount = 0;
    this.windowMaxLatency = 0;
    this.windowTotalLatency = 0;
    this.windowBytes = 0;
  }

  totals(now: number = Date.now()): ProducerTotals {
    const elapsed = now - this.start;
    const size = Math.min(this.index, this.latencies.length);
    const sorted = this.latencies.slice(0, size).sort();
    const pct = (p: number) => (size === 0 ? 0 : sorted[Math.min(size - 1, Math.floor(p * size))]);
    return {
      records: this.count,
      recordsPerSec: (1000 * this.count) / elapsed,
      mbPerSec: (1000 * this.bytes) / elapsed / MB,
      avgLatencyMs: this.count ? this.totalLatency / this.count : 0,
      maxLatencyMs: this.maxLatency,
      p50Ms: pct(0.5),
      p95Ms: pct(0.95),
      p99Ms: pct(0.99),
      p999Ms: pct(0.999),
    };
  }
}

/**
 * The final line: `%d records sent, %.1f records/sec (%.2f MB/sec), %.2f ms avg latency,
 * %.2f ms max latency, %d ms 50th, %d ms 95th, %d ms 99th, %d ms 99.9th.`
 */
export function producerTotalLine(t: ProducerTotals): string {
  return (
    `${t.records} records sent, ${javaFixed(t.recordsPerSec, 1)} records/sec (${javaFixed(t.mbPerSec, 2)} MB/sec), ` +
    `${javaFixed(t.avgLatencyMs, 2)} ms avg latency, ${javaFixed(t.maxLatencyMs, 2)} ms max latency, ` +
    `${t.p50Ms} ms 50th, ${t.p95Ms} ms 95th, ${t.p99Ms} ms 99th, ${t.p999Ms} ms 99.9th.`
  );
}

// ---------------------------------------------------------------------------------------
// kafka-consumer-perf-test

const NEW_FIELDS = ', rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';

export function consumerHeader(detailed: boolean): string {
  return detailed
    ? `time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec${NEW_FIELDS}`
    : `start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec${NEW_FIELDS}`;
}

export interface ConsumerTotals {
  startMs: number;
  endMs: number;
  bytes: number;
  messages: number;
  rebalanceTimeMs: number;
}

export interface ConsumerSummary {
  startTime: string;
  endTime: string;
  mb: number;
  mbPerSec: number;
  messages: number;
  messagesPerSec: number;
  rebalanceTimeMs: number;
  fetchTimeMs: number;
  fetchMbPerSec: number;
  fetchMessagesPerSec: number;
}

export function consumerSummary(t: ConsumerTotals, dateFormat: (ms: number) => string): ConsumerSummary {
  const elapsedSec = (t.endMs - t.startMs) / 1000;
  const fetchTimeMs = t.endMs - t.startMs - t.rebalanceTimeMs;
  const mb = t.bytes / MB;
  return {
    startTime: dateFormat(t.startMs),
    endTime: dateFormat(t.endMs),
    mb,
    mbPerSec: mb / elapsedSec,
    messages: t.messages,
    messagesPerSec: t.messages / elapsedSec,
    rebalanceTimeMs: t.rebalanceTimeMs,
    fetchTimeMs,
    fetchMbPerSec: mb / (fetchTimeMs / 1000),
    fetchMessagesPerSec: t.messages / (fetchTimeMs / 1000),
  };
}

/** The final row: `%s, %s, %.4f, %.4f, %d, %.4f, %d, %d, %.4f, %.4f`. */
export function consumerRow(s: ConsumerSummary): string {
  return [
    s.startTime,
    s.endTime,
    javaFixed(s.mb, 4),
    javaFixed(s.mbPerSec, 4),
    String(s.messages),
    javaFixed(s.messagesPerSec, 4),
    String(s.rebalanceTimeMs),
    String(s.fetchTimeMs),
    javaFixed(s.fetchMbPerSec, 4),
    javaFixed(s.fetchMessagesPerSec, 4),
  ].join(', ');
}

/** A --show-detailed-stats row for one reporting interval (printConsumerProgress). */
export function consumerProgressRow(
  o: { bytes: number; lastBytes: number; messages: number; lastMessages: number; startMs: number; endMs: number; rebalanceMs: number },
  dateFormat: (ms: number) => string,
): string {
  const elapsedMs = o.endMs - o.startMs;
  const totalMb = o.bytes / MB;
  const intervalMb = (o.bytes - o.lastBytes) / MB;
  const fetchTimeMs = elapsedMs - o.rebalanceMs;
  const intervalMessages = o.messages - o.lastMessages;
  return [
    dateFormat(o.endMs),
    '0',
    javaFixed(totalMb, 4),
    javaFixed((1000 * intervalMb) / elapsedMs, 4),
    String(o.messages),
    javaFixed((intervalMessages / elapsedMs) * 1000, 4),
    String(o.rebalanceMs),
    String(fetchTimeMs),
    javaFixed(fetchTimeMs <= 0 ? 0 : (1000 * intervalMb) / fetchTimeMs, 4),
    javaFixed(fetchTimeMs <= 0 ? 0 : (1000 * intervalMessages) / fetchTimeMs, 4),
  ].join(', ');
}

/**
 * java.text.SimpleDateFormat for the patterns perf tests use (default
 * `yyyy-MM-dd HH:mm:ss:SSS`), in local time: y M d H h k K m s S a E z Z X and 'quoted text'.
 */
export function simpleDateFormat(pattern: string): (ms: number) => string {
  const tokens: Array<{ letter: string; n: number } | string> = [];
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i];
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === i + 1) {
        tokens.push("'");
        i += 2;
        continue;
      }
      const stop = end < 0 ? pattern.length : end;
      tokens.push(pattern.slice(i + 1, stop));
      i = stop + 1;
      continue;
    }
    if (/[a-zA-Z]/.test(c)) {
      if (!'yMdHhkKmsSaEzZX'.includes(c)) throw new Error(`unsupported date format letter '${c}'`);
      let n = 1;
      while (pattern[i + n] === c) n++;
      tokens.push({ letter: c, n });
      i += n;
      continue;
    }
    tokens.push(c);
    i++;
  }
  const pad = (v: number, n: number) => String(v).padStart(n, '0');
  const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  return (ms: number) => {
    const d = new Date(ms);
    return tokens
      .map((t) => {
        if (typeof t === 'string') return t;
        const { letter, n } = t;
        switch (letter) {
          case 'y':
            return n === 2 ? pad(d.getFullYear() % 100, 2) : pad(d.getFullYear(), n);
          case 'M':
            return n >= 4 ? MONTHS[d.getMonth()] : n === 3 ? MONTHS[d.getMonth()].slice(0, 3) : pad(d.getMonth() + 1, n);
          case 'd':
            return pad(d.getDate(), n);
          case 'H':
            return pad(d.getHours(), n);
          case 'k':
            return pad(d.getHours() === 0 ? 24 : d.getHours(), n);
          case 'K':
            return pad(d.getHours() % 12, n);
          case 'h':
            return pad(d.getHours() % 12 === 0 ? 12 : d.getHours() % 12, n);
          case 'm':
            return pad(d.getMinutes(), n);
          case 's':
            return pad(d.getSeconds(), n);
          case 'S':
            return pad(d.getMilliseconds(), n);
          case 'a':
            return d.getHours() < 12 ? 'AM' : 'PM';
          case 'E':
            return n >= 4 ? DAYS[d.getDay()] : DAYS[d.getDay()].slice(0, 3);
          default: {
            // z Z X: the UTC offset
            const off = -d.getTimezoneOffset();
            const sign = off >= 0 ? '+' : '-';
            const hh = pad(Math.floor(Math.abs(off) / 60), 2);
            const mm = pad(Math.abs(off) % 60, 2);
            if (letter === 'X' && off === 0) return 'Z';
            if (letter === 'z') return `GMT${sign}${hh}:${mm}`;
            if (letter === 'X') return n === 1 ? `${sign}${hh}` : n === 2 ? `${sign}${hh}${mm}` : `${sign}${hh}:${mm}`;
            return `${sign}${hh}${mm}`;
          }
        }
      })
      .join('');
  };
}

/** A live progress line on a terminal (stderr): rewritten in place, cleared before other output. */
export class ProgressLine {
  private last = 0;
  private shown = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly enabled: boolean,
    private readonly everyMs = 200,
  ) {}

  update(text: () => string, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.last < this.everyMs) return;
    this.last = now;
    this.stream.write(`\r\x1b[K${text()}`);
    this.shown = true;
  }

  clear(): void {
    if (this.enabled && this.shown) this.stream.write('\r\x1b[K');
    this.shown = false;
  }
}

// ---------------------------------------------------------------------------------------
// --producer-props / --producer.config / --consumer.config

export interface SplitProperties {
  /** bootstrap.servers, when given */
  bootstrap?: string;
  /** connection properties (security.protocol, sasl.*, ssl.*, client.id, request.timeout.ms) */
  connection: Record<string, string>;
  /** the tuning properties kt's perf engine reads */
  tuning: Record<string, string>;
  /** properties kt does not use */
  unused: string[];
}

const CONNECTION_KEYS = /^(security\.protocol|sasl\..*|ssl\..*|enable\.ssl\.certificate\.verification|client\.id|request\.timeout\.ms)$/;

/** Sort Java client properties into connection, tuning (`tuningKeys`) and unused. */
export function splitProperties(props: Record<string, string>, tuningKeys: readonly string[]): SplitProperties {
  const out: SplitProperties = { connection: {}, tuning: {}, unused: [] };
  for (const [k, v] of Object.entries(props)) {
    if (k === 'bootstrap.servers') out.bootstrap = v;
    else if (CONNECTION_KEYS.test(k)) out.connection[k] = v;
    else if (tuningKeys.includes(k)) out.tuning[k] = v;
    else if (!/^(key|value)\.(serializer|deserializer)$/.test(k)) out.unused.push(k);
  }
  return out;
}

export const PRODUCER_TUNING_KEYS = ['acks', 'compression.type', 'batch.size', 'linger.ms', 'max.in.flight.requests.per.connection', 'enable.idempotence'] as const;

export interface ProducerTuning {
  acks: -1 | 0 | 1;
  compression: CodecName;
  batchBytes: number;
  lingerMs: number;
  maxInFlight: number;
  idempotent: boolean;
}

/** Producer properties → kt's producer settings (defaults: acks=all, kt produce's batching). */
export function producerTuning(t: Record<string, string>): ProducerTuning {
  const bad = (k: string, want: string) => new UsageError(`${k}=${t[k]} is not valid; expected ${want}`);
  const int = (k: string, dflt: number, min: number): number => {
    if (t[k] === undefined) return dflt;
    if (!/^\d+$/.test(t[k].trim()) || Number(t[k]) < min) throw bad(k, `an integer >= ${min}`);
    return Number(t[k]);
  };
  const acksText = (t.acks ?? 'all').trim().toLowerCase();
  const acks = acksText === 'all' || acksText === '-1' ? -1 : acksText === '1' ? 1 : acksText === '0' ? 0 : null;
  if (acks === null) throw bad('acks', 'all, -1, 1 or 0');
  const compression = (t['compression.type'] ?? 'none').trim().toLowerCase();
  if (!['none', 'gzip', 'snappy', 'lz4', 'zstd'].includes(compression)) throw bad('compression.type', 'none, gzip, snappy, lz4 or zstd');
  const idem = (t['enable.idempotence'] ?? 'false').trim().toLowerCase();
  if (idem !== 'true' && idem !== 'false') throw bad('enable.idempotence', 'true or false');
  return {
    acks,
    compression: compression as ProducerTuning['compression'],
    batchBytes: int('batch.size', 262_144, 1),
    lingerMs: int('linger.ms', 10, 0),
    maxInFlight: int('max.in.flight.requests.per.connection', 5, 1),
    idempotent: idem === 'true',
  };
}
