// The producer engine behind `kt produce` and `kt perf produce`: records are grouped into
// produce requests (up to --batch-size bytes, or whatever arrived within --linger-ms), several
// requests are in flight at once, and the caller is made to wait (back-pressure) only when
// the in-flight limit is reached — so memory stays bounded whatever the input size. --sync
// sends one record at a time and waits for each acknowledgement.
//
// One engine, DirectProducerSession (directProducer.ts): kt encodes record batches itself
// (records.ts) and sends Produce requests over kafkajs's broker connections (gateway.ts); no
// per-record kafkajs objects. --idempotent is kt's own too (InitProducerId, sequence numbers:
// sequences.ts). Brokers without record batches (Produce v3, Kafka 0.11) are refused.

import { KtError, UsageError } from '../errors.js';
import type { Header, ProduceRecord } from '../format/record.js';
import type { CodecName } from '../protocol/compression.js';
import type { KafkaHandle } from './index.js';

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
  /**
   * Called once per batch written (with acks=0: sent): when each of its records was queued
   * (its timestamp, or the time it was added) and its value's size (kt perf produce's latencies).
   */
  onAck?: (queuedAt: readonly number[], valueBytes: readonly number[]) => void;
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
   * after a chunk of input.
   */
  addValue: (src: Buffer, start: number, end: number) => void;
  /** Buffers to read addValue's input into (faster: they share memory with the batches). */
  inputBuffer: (size: number) => Buffer;
  /** After a run of addValue calls: a promise when the caller must wait (back-pressure). */
  pace: () => Promise<void> | undefined;
  /** Send one record and wait for its acknowledgement (TTY mode, --sync, --value). */
  sendOne(r: ProduceRecord): Promise<SentRecord | undefined>;
  flush(): Promise<void>;
  readonly counts: ProduceSummary;
  close(): Promise<ProduceSummary>;
}

export const ProducerSession = {
  async open(h: KafkaHandle, o: ProducerOptions): Promise<ProducerSession> {
    if (o.idempotent && o.acks !== -1) throw new UsageError('--idempotent needs --acks all');
    const { DirectProducerSession } = await import('./directProducer.js');
    return DirectProducerSession.open(h, o);
  },
};

export interface ProduceSummary {
  sent: number;
  failed: number;
  firstError?: Error;
}

export function failureError(topic: string, s: ProduceSummary): KtError {
  const total = s.sent + s.failed;
  return new KtError(`${s.failed} of ${total} message${total === 1 ? '' : 's'} failed to produce to ${topic}: ${s.firstError?.message ?? 'unknown error'}`);
}
