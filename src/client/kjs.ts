// kafkajs internals kt's engines use (kafkajs 2.2.4; deep modules are not public API, so
// each access is checked and fails with a clear error on another layout):
//
// * its Cluster (the one its consumer and producer use: same brokers, TLS/SASL, retries,
//   metadata), created through the Kafka object's private factory;
// * its Broker connections, to send requests kt encodes itself with the broker's schemas
//   (src/protocol): a Produce request carrying record batches kt built, a Fetch whose
//   response is decoded by kt without turning records into kafkajs messages. The
//   connection still does framing, correlation ids, authentication and request timeouts.

import { KtError } from '../errors.js';
import { Reader, Writer } from '../protocol/bytes.js';
import { isFlexible, requestCodec, responseCodec, type ApiSchema } from '../protocol/schema.js';
import type { KafkaHandle } from './index.js';
import { sleep } from '../sleep.js';

export interface KjsCluster {
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

interface KjsProtocolRequest {
  request: {
    apiKey: number;
    apiVersion: number;
    apiName: string;
    expectResponse: () => boolean;
    encode: () => Promise<{ buf: Buffer; buffer: Buffer; ktFrame?: Buffer; ktBodyStart?: number }>;
  };
  response: { decode: (payload: Buffer) => Promise<unknown>; parse: (data: unknown) => Promise<unknown> };
  requestTimeout?: number | null;
}

export interface KjsBroker {
  nodeId: number;
  versions: Record<number, { minVersion: number; maxVersion: number }> | null;
  connectionPool: { send(p: KjsProtocolRequest): Promise<unknown> };
  offsetCommit(o: { groupId: string; groupGenerationId: number; memberId: string; topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }> }): Promise<unknown>;
  offsetFetch(o: { groupId: string; topics: Array<{ topic: string; partitions: Array<{ partition: number }> }> }): Promise<{ responses: Array<{ topic: string; partitions: Array<{ partition: number; offset: string; errorCode: number }> }> }>;
}

/**
 * Metadata for `topics` in the cluster's cache, waiting briefly (~3 s) for the leaders of a
 * just-created topic. Apache answers the request that auto-creates a topic with
 * UNKNOWN_TOPIC_OR_PARTITION (or LEADER_NOT_AVAILABLE) until the controller has created it:
 * asked again for ~5 s. Used by kt's consumer and producer engines.
 */
export async function loadTopics(cluster: KjsCluster, topics: string[]): Promise<void> {
  let added = false;
  for (let attempt = 0; ; attempt++) {
    try {
      // kafkajs keeps the topics as targets only when their metadata came back
      if (!added) await cluster.addMultipleTargetTopics(topics);
      else await cluster.refreshMetadata();
      added = true;
    } catch (e) {
      const type = (e as { type?: string }).type;
      if ((type !== 'UNKNOWN_TOPIC_OR_PARTITION' && type !== 'LEADER_NOT_AVAILABLE') || attempt >= 25) throw e;
      await sleep(200);
      continue;
    }
    const ready = topics.every((t) => {
      const parts = cluster.findTopicPartitionMetadata(t);
      return parts.length > 0 && parts.every((p) => p.leader >= 0);
    });
    if (ready || attempt >= 15) return;
    await sleep(200);
  }
}

/** kafkajs's Cluster for this client (same brokers, TLS/SASL, logger, retry). */
export function createCluster(h: KafkaHandle, readCommitted: boolean): KjsCluster {
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

/**
 * The version of `api` to use with this broker: the highest both sides support, at most
 * `max` and never a flexible one (kafkajs's connection writes request header v1 and reads
 * response header v0). -1 when there is none.
 */
export function pickVersion(broker: KjsBroker, api: ApiSchema, max: number): number {
  const range = broker.versions?.[api.key];
  if (!range || typeof broker.connectionPool?.send !== 'function') return -1;
  let v = Math.min(range.maxVersion, api.max, max);
  while (v >= Math.max(range.minVersion, api.min) && isFlexible(api, v)) v--;
  return v >= Math.max(range.minVersion, api.min) ? v : -1;
}

/** Encodes a request body with kt's schema for `api` at `version`. */
export function encodeBody(api: ApiSchema, version: number, body: Record<string, unknown>): Buffer {
  const w = new Writer(256);
  requestCodec(api, version).encode(w, body);
  return w.toBuffer();
}

/** Bytes kafkajs's request header takes (size, api key and version, correlation id, client id). */
export function requestHeaderSize(clientId: string): number {
  return 14 + Buffer.byteLength(clientId, 'utf8');
}

/**
 * A request body at `frame[bodyStart, end)` with the bytes before it free: kt's kafkajs
 * patch (index.ts) writes the request header there, so the body is never copied.
 */
export interface FramedBody {
  frame: Buffer;
  bodyStart: number;
  end: number;
}

/**
 * Sends a request kt encoded over the broker's kafkajs connection and decodes the response
 * with kt's schema. Resolves undefined when no response is expected (Produce acks=0).
 */
export function sendRequest<T>(broker: KjsBroker, api: ApiSchema, version: number, body: Buffer | FramedBody, opts: { expectResponse?: boolean; requestTimeout?: number } = {}): Promise<T | undefined> {
  const expect = opts.expectResponse ?? true;
  const codec = responseCodec<T>(api, version);
  const payload = Buffer.isBuffer(body)
    ? { buf: body, buffer: body }
    : { buf: body.frame, buffer: body.frame.subarray(body.bodyStart, body.end), ktFrame: body.frame, ktBodyStart: body.bodyStart };
  return broker.connectionPool.send({
    request: {
      apiKey: api.key,
      apiVersion: version,
      apiName: api.name,
      expectResponse: () => expect,
      // kafkajs frames `buffer` after its request header; `buf` marks an Encoder
      encode: async () => payload,
    },
    response: {
      decode: async (payload: Buffer) => codec.decode(new Reader(payload)),
      parse: async (data: unknown) => data,
    },
    requestTimeout: opts.requestTimeout ?? null,
  }) as Promise<T | undefined>;
}
