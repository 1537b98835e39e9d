// Raw-protocol helpers for the transaction tests: a transactional or idempotent producer
// driven request by request through the broker's own WireClient, and a read_committed /
// read_uncommitted reader that filters aborted records the way clients do.
import net from 'node:net';
import { AddOffsetsToTxn } from '../../src/protocol/apis/addOffsetsToTxn.js';
import { AddPartitionsToTxn } from '../../src/protocol/apis/addPartitionsToTxn.js';
import { EndTxn } from '../../src/protocol/apis/endTxn.js';
import { Fetch } from '../../src/protocol/apis/fetch.js';
import { InitProducerId } from '../../src/protocol/apis/initProducerId.js';
import { Produce } from '../../src/protocol/apis/produce.js';
import { Reader } from '../../src/protocol/bytes.js';
import { ATTR_CONTROL, ATTR_TRANSACTIONAL, batchesIn, buildBatch, readRecords } from '../../src/protocol/recordBatch.js';
import { responseCodec } from '../../src/protocol/schema.js';
import type { WireClient } from '../../src/client/wireClient.js';

export function batchOf(values: string[], o: { pid: number; epoch: number; seq: number; txn?: boolean }): Buffer {
  return buildBatch(values.map((v) => ({ key: Buffer.from(`k-${v}`), value: Buffer.from(v) })), {
    producerId: o.pid,
    producerEpoch: o.epoch,
    baseSequence: o.seq,
    attributes: o.txn ? ATTR_TRANSACTIONAL : 0,
  });
}

export function produceBody(topic: string, partition: number, records: Buffer, transactionalId: string | null = null) {
  return { transactionalId, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] };
}

/** Produce v7 of one batch; returns [errorCode, baseOffset]. */
export async function produce(c: WireClient, topic: string, partition: number, records: Buffer, transactionalId: string | null = null): Promise<[number, number]> {
  const r = await c.request(Produce, 7, produceBody(topic, partition, records, transactionalId));
  const p = r.responses[0].partitionResponses[0];
  return [p.errorCode, p.baseOffset];
}

/**
 * Sends the exact bytes of a request frame `times` times on a fresh connection (a client
 * retrying after a lost response) and decodes the Produce v7 answers.
 */
export async function sendRawProduce(port: number, frame: Buffer, times: number): Promise<{ errorCode: number; baseOffset: number }[]> {
  const socket = net.connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let buf = Buffer.alloc(0);
  const frames: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        frames.push(buf.subarray(4, 4 + buf.readInt32BE(0)));
        buf = buf.subarray(4 + buf.readInt32BE(0));
      }
      if (frames.length === times) resolve();
    });
    socket.on('error', reject);
  });
  for (let i = 0; i < times; i++) socket.write(frame);
  await done;
  socket.destroy();
  return frames.map((f) => {
    const r = responseCodec(Produce, 7).decode(new Reader(f, 4)) as { responses: { partitionResponses: { errorCode: number; baseOffset: number }[] }[] };
    const p = r.responses[0].partitionResponses[0];
    return { errorCode: p.errorCode, baseOffset: p.baseOffset };
  });
}

export class RawTxnProducer {
  pid = -1;
  epoch = -1;
  private seq = new Map<string, number>();

  constructor(
    readonly c: WireClient,
    readonly transactionalId: string,
    readonly timeoutMs = 60_000,
  ) {}

  async init(version = 1): Promise<number> {
    const r = await this.c.request(InitProducerId, version, { transactionalId: this.transactionalId, transactionTimeoutMs: this.timeoutMs, producerId: -1, producerEpoch: -1 });
    if (r.errorCode === 0) {
      this.pid = r.producerId;
      this.epoch = r.producerEpoch;
      this.seq.clear();
    }
    return r.errorCode;
  }

  async addPartitions(topic: string, partitions: number[], version = 1): Promise<number[]> {
    const r = await this.c.request(AddPartitionsToTxn, version, {
      v3AndBelowTransactionalId: this.transactionalId,
      v3AndBelowProducerId: this.pid,
      v3AndBelowProducerEpoch: this.epoch,
      v3AndBelowTopics: [{ name: topic, partitions }],
    });
    return r.resultsByTopicV3AndBelow[0].resultsByPartition.map((p) => p.partitionErrorCode);
  }

  async addOffsets(groupId: string, version = 1): Promise<number> {
    const r = await this.c.request(AddOffsetsToTxn, version, { transactionalId: this.transactionalId, producerId: this.pid, producerEpoch: this.epoch, groupId });
    return r.errorCode;
  }

  /** A transactional batch with the next sequence of the partition; returns [errorCode, baseOffset]. */
  async send(topic: string, partition: number, values: string[]): Promise<[number, number]> {
    const k = `${topic}:${partition}`;
    const seq = this.seq.get(k) ?? 0;
    const r = await produce(this.c, topic, partition, batchOf(values, { pid: this.pid, epoch: this.epoch, seq, txn: true }), this.transactionalId);
    if (r[0] === 0) this.seq.set(k, seq + values.length);
    return r;
  }

  async end(commit: boolean, version = 1): Promise<number> {
    const r = await this.c.request(EndTxn, version, { transactionalId: this.transactionalId, producerId: this.pid, producerEpoch: this.epoch, committed: commit });
    return r.errorCode;
  }
}

export interface FetchedPartition {
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  abortedTransactions: { producerId: number; firstOffset: number }[] | null;
  records: Buffer | null;
}

export async function fetchOnce(c: WireClient, topic: string, partition: number, fetchOffset: number, isolationLevel: 0 | 1, maxWaitMs = 0): Promise<FetchedPartition> {
  const r = await c.request(Fetch, 11, {
    replicaId: -1,
    maxWaitMs,
    minBytes: 1,
    maxBytes: 1 << 20,
    isolationLevel,
    topics: [{ topic, partitions: [{ partition, fetchOffset, partitionMaxBytes: 1 << 20 }] }],
  });
  return r.responses[0].partitions[0] as unknown as FetchedPartition;
}

/**
 * Every record value of a partition as a client with that isolation level sees it: whole
 * batches fetched from offset 0, markers skipped, and with read_committed the records of the
 * aborted transactions Fetch names dropped (kafkajs's filterAbortedMessages, Java's Fetcher).
 */
export async function readValues(c: WireClient, topic: string, partition: number, isolationLevel: 0 | 1): Promise<string[]> {
  const out: string[] = [];
  let offset = 0;
  for (;;) {
    const p = await fetchOnce(c, topic, partition, offset, isolationLevel);
    if (p.errorCode !== 0) throw new Error(`fetch error ${p.errorCode}`);
    const buf = p.records ?? Buffer.alloc(0);
    if (buf.length === 0) return out;
    const aborted = [...(p.abortedTransactions ?? [])].sort((a, b) => a.firstOffset - b.firstOffset);
    const active = new Set<number>();
    for (const [pos, h] of batchesIn(buf)) {
      while (aborted.length > 0 && aborted[0].firstOffset <= h.baseOffset + h.lastOffsetDelta) active.add(Number((aborted.shift() as { producerId: number }).producerId));
      if (h.attributes & ATTR_CONTROL) active.delete(h.producerId);
      else if (!((h.attributes & ATTR_TRANSACTIONAL) && active.has(h.producerId))) {
        for (const rec of readRecords(buf, pos)) if ((rec.offset as number) >= offset) out.push(rec.value?.toString() ?? '');
      }
      offset = h.baseOffset + h.lastOffsetDelta + 1;
    }
  }
}
