// Where the producer engine's (directProducer.ts) batches go and how they travel: the topic's
// partition leaders and their connections with the Produce version each speaks, the producer
// id of --idempotent, and the Produce request body the engine's sealed batches are framed in.

import { KtError } from '../errors.js';
import { InitProducerId } from '../protocol/apis/initProducerId.js';
import { Produce } from '../protocol/apis/produce.js';
import { KafkaError } from '../protocol/errors.js';
import { negotiate, request, requestHeaderSize, type FramedBody, type KjsBroker, type KjsCluster } from './gateway.js';
import type { KafkaHandle } from './index.js';
import type { BatchEncoder } from './records.js';
import { SequenceBook } from './sequences.js';
import { sleep } from '../sleep.js';

export const PRODUCE_MAX_VERSION = 8;
/** Kafka's request.timeout.ms for the broker's side of a produce (kafkajs's default). */
const PRODUCE_TIMEOUT_MS = 30_000;
/** How long kt asks for a producer id while brokers are unreachable or loading. */
const INIT_PRODUCER_ID_MS = 15_000;

/** A sealed batch of one partition, on its way to the partition's leader. */
export interface Part {
  partition: number;
  records: number;
  batch: Buffer | Promise<Buffer>;
  /** The encoder the batch came from (its frame has room for the request around the batch). */
  enc?: BatchEncoder;
  baseOffset?: number;
  error?: Error;
  /** --idempotent: the batch's base sequence (taken when sealed, kept by retries). */
  sequence?: number;
  /** With an onAck callback: when each record was queued, and its value's size. */
  times?: number[];
  sizes?: number[];
}

export interface LeaderConnection {
  broker: KjsBroker;
  /** the Produce version negotiated with it */
  version: number;
}

const errorOf = (err: unknown): Error & { retriable?: boolean } => (err instanceof Error ? err : new Error(String(err)));

/** The topic's leaders and the connections to them. */
export class ProduceRoute {
  /** Per partition, its leader's node id (-1: none known). */
  leaders: number[] = [];
  /** The partitions that have a leader, ascending (round-robin targets). */
  available: number[] = [];
  private readonly brokers = new Map<number, LeaderConnection>();

  constructor(
    readonly cluster: KjsCluster,
    private readonly topic: string,
    private readonly partitionCount: number,
    /** kafkajs's codec number: zstd (4) needs Produce v7 */
    private readonly codec: number,
  ) {}

  setLeaders(parts: Array<{ partitionId: number; leader: number }>): void {
    const leaders = new Array<number>(this.partitionCount).fill(-1);
    for (const p of parts) if (p.partitionId < this.partitionCount) leaders[p.partitionId] = p.leader;
    this.leaders = leaders;
    this.available = parts.filter((p) => p.leader >= 0).map((p) => p.partitionId).sort((a, b) => a - b);
  }

  /** Asks the cluster again where the topic's leaders are (after an error or a leader move). */
  async refresh(): Promise<void> {
    await this.cluster.refreshMetadata().catch(() => undefined);
    const meta = this.cluster.findTopicPartitionMetadata(this.topic);
    if (meta.length > 0) this.setLeaders(meta);
  }

  /** The connection to a node, with its Produce version (`fresh`: look the node up again). */
  async broker(nodeId: number, fresh = false): Promise<LeaderConnection> {
    let b = fresh ? undefined : this.brokers.get(nodeId);
    if (!b) {
      const broker = await this.cluster.findBroker({ nodeId });
      b = { broker, version: negotiate(broker, Produce, { max: PRODUCE_MAX_VERSION }) };
      this.brokers.set(nodeId, b);
    }
    return b;
  }

  /** The connections made so far. */
  connections(): LeaderConnection[] {
    return [...this.brokers.values()];
  }

  /** Record batches need Produce v3 (Kafka 0.11), zstd v7 (Kafka 2.1). */
  checkVersion(b: LeaderConnection): void {
    const need = this.codec === 4 ? 7 : 3;
    if (b.version >= need) return;
    const where = `${b.broker.connectionPool.host}:${b.broker.connectionPool.port}`;
    const max = b.broker.versions?.[Produce.key]?.maxVersion;
    const offers = max === undefined ? 'does not support Produce' : `supports Produce up to v${max}`;
    const what = need === 7 ? 'zstd compression needs Produce v7 (Kafka 2.1 or later)' : 'kt produces record batches (Produce v3, Kafka 0.11 or later)';
    throw Object.assign(new KtError(`the broker at ${where} ${offers}; ${what}`), { retriable: false });
  }

  /** Connects to every current leader and checks its Produce version; an unreachable one is left to the send retries. */
  async connectLeaders(): Promise<void> {
    for (const leader of new Set(this.leaders.filter((l) => l >= 0))) {
      let b: LeaderConnection;
      try {
        b = await this.broker(leader);
      } catch (e) {
        // a leader that cannot be reached (a broker just killed, not yet fenced): its
        // partitions' batches are retried after a metadata refresh, as any leader move
        if ((e as { retriable?: boolean }).retriable === true) continue;
        throw e;
      }
      this.checkVersion(b);
    }
  }

  /**
   * --idempotent: a producer id and epoch (InitProducerId without a transactional id, which
   * any broker answers). Asked again, of another broker in turn, while brokers are
   * unreachable or busy (a killed broker is listed until it is fenced, ~9 s in Apache).
   */
  async initProducerId(h: KafkaHandle): Promise<SequenceBook> {
    const deadline = Date.now() + INIT_PRODUCER_ID_MS;
    for (let attempt = 0; ; attempt++) {
      let err: Error & { retriable?: boolean };
      try {
        const nodes = [...new Set(this.leaders.filter((l) => l >= 0))];
        const broker = nodes.length > 0 ? (await this.broker(nodes[attempt % nodes.length], attempt > 0)).broker : this.cluster.brokerPool.seedBroker;
        const res = await request(broker, InitProducerId, { transactionalId: null, transactionTimeoutMs: 60_000 });
        if (res.errorCode === 0) return new SequenceBook(res.producerId, res.producerEpoch);
        err = KafkaError.fromCode(res.errorCode);
      } catch (e) {
        err = errorOf(e);
        if (err instanceof KtError) throw err;
      }
      if (err.retriable === false || Date.now() > deadline) {
        const why = err instanceof KafkaError ? `${err.name} (${err.message})` : h.fail(err).message;
        throw new KtError(`--idempotent: the cluster gave no producer id: ${why}`);
      }
      await sleep(Math.min(250 * 2 ** attempt, 2000));
      await this.refresh();
    }
  }
}

/** The Produce body's bytes before the first partition (transactional id, acks, timeout, the topic). */
export function produceBodyPrefixSize(topicBytes: Buffer): number {
  return 2 + 2 + 4 + 4 + 2 + topicBytes.length + 4;
}

/**
 * The Produce request body (v3-8: transactional id, acks, timeout, one topic with its
 * partitions' batches). A lone batch is framed in place, in the room its encoder left.
 */
export function produceBody(parts: Part[], o: { clientId: string; acks: number; topicBytes: Buffer }): FramedBody {
  const slack = requestHeaderSize(o.clientId);
  const prefixSize = produceBodyPrefixSize(o.topicBytes);
  let frame: Buffer;
  let at: number;
  let end: number;
  const lone = parts.length === 1 ? parts[0] : undefined;
  if (lone?.enc?.frame && lone.enc.frameStart >= slack + prefixSize + 8) {
    frame = lone.enc.frame;
    at = lone.enc.frameStart - prefixSize - 8;
    end = lone.enc.frameStart + (lone.batch as Buffer).length;
  } else {
    let size = prefixSize;
    for (const p of parts) size += 8 + (p.batch as Buffer).length;
    frame = Buffer.allocUnsafe(slack + size);
    at = slack;
    end = slack + size;
  }
  let pos = at;
  pos = frame.writeInt16BE(-1, pos); // transactional id: null
  pos = frame.writeInt16BE(o.acks, pos);
  pos = frame.writeInt32BE(PRODUCE_TIMEOUT_MS, pos);
  pos = frame.writeInt32BE(1, pos); // one topic
  pos = frame.writeInt16BE(o.topicBytes.length, pos);
  pos += o.topicBytes.copy(frame, pos);
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
