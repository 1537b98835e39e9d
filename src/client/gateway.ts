// The gateway to Kafka: the one module of kt that reaches kafkajs (kafkajs 2.2.4), the
// package and its internals. kafkajs supplies connections, bootstrap, metadata and leader
// routing, SASL/TLS and retries (the user's choice for real clusters); every request kt
// encodes itself goes through `send` (or `request`) here, over kafkajs's connections, with one
// version rule (`negotiate`, flexible versions included) and kt's schemas (src/protocol).
// Other modules take kafkajs's public classes and types from here (re-exported types, the
// loaded module through the KafkaHandle), and never load kafkajs themselves. The one other
// way to a broker is wireClient.ts, this gateway's fast path for a one-shot request to a known
// broker (kt local status, completion) where loading kafkajs would cost more than the request.
//
// What kt reaches inside kafkajs (not public API, so each is checked and fails with a clear
// error on another layout; test/unit/client/gateway.test.ts proves each is there and active):
// * its Cluster (the one its consumer and producer use: same brokers, TLS/SASL, retries,
//   metadata), created through the Kafka object's private factory (`createCluster`);
// * its Broker connections (`connectionPool.send`), to send requests kt encoded: a Produce
//   carrying record batches kt built, a Fetch decoded by kt, the admin and group requests.
//   The connection still does framing, correlation ids, authentication and request timeouts;
// * its request table (the versions kafkajs's own clients can use, for kt cluster
//   api-versions), and its v0/v1 message decoder and Batch (message format v0/v1 data);
// * the modules kafkajsPatches.ts replaces, installed into the require cache before kafkajs
//   loads (or, in the bundled CLI, replaced at build time by dev/bundle.ts).

import { Module, createRequire } from 'node:module';
import { KtError } from '../errors.js';
import { Reader, Writer } from '../protocol/bytes.js';
import { isFlexible, requestCodec, responseCodec, skipTaggedFields, type ApiSchema, type DecodedResp, type ReqInput } from '../protocol/schema.js';
import { API_VERSIONS_KEY } from '../protocol/header.js';
import { registerCodecs } from './compression.js';
import { KAFKAJS_REPLACED } from './kafkajsPatches.js';
import type { KafkaHandle } from './index.js';
import { sleep } from '../sleep.js';

// kafkajs's public API, for the modules that use it (types only: erased at run time)
export type { Admin, Kafka, KafkaConfig, logCreator, Message, Producer } from 'kafkajs';
export type KafkaJS = typeof import('kafkajs');

const require = createRequire(import.meta.url);

// ---- loading kafkajs (lazily: `kt --version` and help never load it) ----

let kafkajsModule: Promise<KafkaJS> | undefined;

// true in the bundle (src/dev/bundle.ts defines it): there kafkajs's requires of the modules
// kt replaces were resolved to kt's at build time, so nothing is preloaded (which would look
// for kafkajs's files on disk on every call)
declare const KT_BUNDLED: boolean | undefined;
const BUNDLED = typeof KT_BUNDLED !== 'undefined' && KT_BUNDLED;

/** Installs a module into the require cache before kafkajs loads (no-op when already loaded). */
function preload(id: string, exports: unknown): void {
  const path = require.resolve(id);
  if (require.cache[path]) return;
  const m = new Module(path);
  m.filename = path;
  m.loaded = true;
  m.exports = exports;
  require.cache[path] = m;
}

function patchKafkaJS(): void {
  try {
    for (const [file, exports] of Object.entries(KAFKAJS_REPLACED)) preload(`kafkajs/src/${file}`, exports);
  } catch {
    // another kafkajs layout: run unpatched
  }
}

/**
 * The kafkajs modules kt replaces that kafkajs would load as its own (empty when every patch
 * is active). Under the bundle, kafkajs's requires of them are resolved to kt's at build time.
 */
export function inactivePatches(): string[] {
  return Object.entries(KAFKAJS_REPLACED)
    .filter(([file, exports]) => {
      try {
        return require(`kafkajs/src/${file}`) !== exports;
      } catch {
        return true;
      }
    })
    .map(([file]) => file);
}

/** kafkajs, patched and with kt's codecs, loaded once. */
export function loadKafkaJS(): Promise<KafkaJS> {
  // The default-partitioner warning of kafkajs 2 is noise for a CLI.
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  if (!kafkajsModule && !BUNDLED) patchKafkaJS();
  kafkajsModule ??= import('kafkajs').then((m) => {
    const kafkajs = ((m as unknown as { default?: KafkaJS }).default ?? m) as KafkaJS;
    // snappy, lz4, zstd: factories only; each native package loads with its first batch.
    registerCodecs(kafkajs as unknown as Parameters<typeof registerCodecs>[0]);
    return kafkajs;
  });
  return kafkajsModule;
}

// ---- kafkajs's Cluster and Broker ----

type Versions = Record<number, { minVersion: number; maxVersion: number }>;

export interface KjsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  refreshMetadata(): Promise<void>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  findTopicPartitionMetadata(topic: string): Array<{ partitionId: number; leader: number }>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(o: { nodeId: string | number }): Promise<KjsBroker>;
  findGroupCoordinator(o: { groupId: string }): Promise<KjsBroker>;
  fetchTopicsOffset(
    t: Array<{ topic: string; partitions: Array<{ partition: number }>; fromBeginning?: boolean; fromTimestamp?: number }>,
  ): Promise<Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>>;
  metadata(o?: { topics?: string[] }): Promise<{
    brokers: Array<{ nodeId: number; host: string; port: number }>;
    topicMetadata: Array<{ topic: string; partitionMetadata: Array<{ partitionId: number; leader: number }> }>;
  }>;
  brokerPool: { seedBroker: KjsBroker };
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
  /** the broker's ApiVersions answer, from its connect */
  versions: Versions | null;
  connectionPool: { host: string; port: number; send(p: KjsProtocolRequest): Promise<unknown> };
  apiVersions(): Promise<Versions>;
}

/** The methods of kafkajs's Cluster kt calls (checked when one is created). */
export const CLUSTER_METHODS = [
  'connect', 'disconnect', 'refreshMetadata', 'addMultipleTargetTopics', 'findTopicPartitionMetadata', 'findLeaderForPartitions',
  'findBroker', 'findGroupCoordinator', 'fetchTopicsOffset', 'metadata',
] as const;
/** The methods of kafkajs's Broker kt calls. */
export const BROKER_METHODS = ['apiVersions'] as const;

/**
 * kafkajs's Cluster for this client (same brokers, TLS/SASL, logger, retry), through the Kafka
 * object's private factory. `autoCreate`: whether its Metadata requests create topics (the
 * producer's and consumer's do, as Kafka's clients; admin and group calls never do).
 */
export function createCluster(h: KafkaHandle, o: { autoCreate: boolean; readCommitted?: boolean }): KjsCluster {
  const kafka = h.kafka as unknown as Record<symbol, (o: object) => KjsCluster>;
  const sym = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  if (!sym) throw new KtError('unsupported kafkajs version: cannot reach its cluster client');
  const cluster = kafka[sym]({
    allowAutoTopicCreation: o.autoCreate,
    isolationLevel: o.readCommitted ? 1 : 0,
    metadataMaxAge: 300_000,
    maxInFlightRequests: null,
  });
  const missing = CLUSTER_METHODS.filter((m) => typeof cluster[m] !== 'function');
  if (missing.length) throw new KtError(`unsupported kafkajs version: its cluster client lacks ${missing.join(', ')}`);
  return cluster;
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

// ---- one send path ----

/** Bounds a caller puts on the version: `max` where the request or response shape kt uses changes above it. */
export interface VersionBounds {
  min?: number;
  max?: number;
}

/**
 * The one version rule: the highest version of `api` that kt's schema, the broker and the
 * caller's bounds all allow, flexible versions included. -1 when there is none (or the
 * broker object has no connection to send on).
 */
export function negotiate(broker: Pick<KjsBroker, 'versions' | 'connectionPool'>, api: ApiSchema, o: VersionBounds = {}): number {
  const range = broker.versions?.[api.key];
  if (!range || typeof broker.connectionPool?.send !== 'function') return -1;
  const hi = Math.min(api.max, range.maxVersion, o.max ?? Infinity);
  const lo = Math.max(api.min, range.minVersion, o.min ?? 0);
  return hi >= lo ? hi : -1;
}

/** `negotiate`, or an UNSUPPORTED_VERSION error naming the broker and both ranges. */
export function versionFor(broker: Pick<KjsBroker, 'versions' | 'connectionPool'>, api: ApiSchema, o: VersionBounds = {}): number {
  const v = negotiate(broker, api, o);
  if (v >= 0) return v;
  const b = broker.versions?.[api.key];
  const where = `${broker.connectionPool.host}:${broker.connectionPool.port}`;
  if (!b) throw new KtError(`the broker at ${where} does not support ${api.name} (UNSUPPORTED_VERSION)`);
  const lo = Math.max(api.min, o.min ?? 0);
  const hi = Math.min(api.max, o.max ?? Infinity);
  throw new KtError(`the broker at ${where} supports ${api.name} ${b.minVersion}-${b.maxVersion}, kt needs ${lo}-${hi} (UNSUPPORTED_VERSION)`);
}

/** Encodes a request body with kt's schema for `api` at `version`. */
export function encodeBody(api: ApiSchema, version: number, body: Record<string, unknown>): Buffer {
  const w = new Writer(256);
  requestCodec(api, version).encode(w, body);
  return w.toBuffer();
}

/**
 * Bytes kafkajs's request header takes (size, api key and version, correlation id, client id),
 * plus one for the tag section of a flexible version's header (header v2).
 */
export function requestHeaderSize(clientId: string): number {
  return 15 + Buffer.byteLength(clientId, 'utf8');
}

/**
 * A request body at `frame[bodyStart, end)` with the bytes before it free: the request
 * header is written there (kafkajsPatches.ts's createRequest), so the body is never copied.
 */
export interface FramedBody {
  frame: Buffer;
  bodyStart: number;
  end: number;
}

const EMPTY_TAGS = Buffer.from([0]);

/**
 * Sends a request kt encoded over the broker's kafkajs connection and decodes the response
 * with kt's schema. kafkajs writes request header v1 and reads response header v0; for a
 * flexible version the header's empty tag section (request header v2) goes in front of the
 * body and the response header's tag section (v1; ApiVersions always answers with v0) is
 * skipped before decoding. Resolves undefined
 * when no response is expected (Produce acks=0).
 */
export function send<T>(broker: KjsBroker, api: ApiSchema, version: number, body: Buffer | FramedBody, opts: { expectResponse?: boolean; requestTimeout?: number } = {}): Promise<T | undefined> {
  const expect = opts.expectResponse ?? true;
  const flexible = isFlexible(api, version);
  const codec = responseCodec<T>(api, version);
  let payload: { buf: Buffer; buffer: Buffer; ktFrame?: Buffer; ktBodyStart?: number };
  if (Buffer.isBuffer(body)) {
    const b = flexible ? Buffer.concat([EMPTY_TAGS, body]) : body;
    payload = { buf: b, buffer: b };
  } else {
    let start = body.bodyStart;
    if (flexible) body.frame[--start] = 0; // a free byte before the body (FramedBody)
    payload = { buf: body.frame, buffer: body.frame.subarray(start, body.end), ktFrame: body.frame, ktBodyStart: start };
  }
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
      decode: async (data: Buffer) => {
        const r = new Reader(data, 0);
        if (flexible && api.key !== API_VERSIONS_KEY) skipTaggedFields(r); // response header v1 (ApiVersions: always v0)
        return codec.decode(r);
      },
      parse: async (data: unknown) => data,
    },
    requestTimeout: opts.requestTimeout ?? null,
  }) as Promise<T | undefined>;
}

/** One request with a negotiated version (`versionFor`): encoded, sent, its response decoded. */
export async function request<A extends ApiSchema>(broker: KjsBroker, api: A, body: ReqInput<A>, o: VersionBounds & { version?: number } = {}): Promise<DecodedResp<A>> {
  const version = o.version ?? versionFor(broker, api, o);
  return (await send<DecodedResp<A>>(broker, api, version, encodeBody(api, version, body as Record<string, unknown>))) as DecodedResp<A>;
}

// ---- other kafkajs internals ----

/**
 * The API versions kafkajs's own requests implement (its request table), by api key; empty
 * on another kafkajs layout.
 */
export function kafkajsRequestVersions(): Map<number, { min: number; max: number }> {
  const m = new Map<number, { min: number; max: number }>();
  try {
    const { requests } = require('kafkajs/src/protocol/requests/index.js') as { requests: Record<string, { versions: string[] }> };
    const keys = require('kafkajs/src/protocol/requests/apiKeys.js') as Record<string, number>;
    for (const [name, def] of Object.entries(requests)) {
      const key = keys[name];
      const vs = def.versions.map(Number).filter((n) => Number.isInteger(n));
      if (key !== undefined && vs.length) m.set(key, { min: Math.min(...vs), max: Math.max(...vs) });
    }
  } catch {
    // another kafkajs layout
  }
  return m;
}

/** A message as kafkajs's decoders give it. */
export interface KjsMessage {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | null | Array<Buffer | null>>;
  batchContext?: { timestampType?: number };
}

export type KjsBatchCtor = new (topic: string, fetchedOffset: string, partitionData: unknown) => {
  messages: KjsMessage[];
  isEmptyIncludingFiltered(): boolean;
  lastOffset(): string;
  highWatermark: string;
};

/** kafkajs's consumer Batch (its filtering of a fetched partition: control records, aborted transactions). */
export function kafkajsBatch(): KjsBatchCtor {
  return require('kafkajs/src/consumer/batch.js') as KjsBatchCtor;
}

/** Message format v0/v1 data (a Fetch's records, size-prefixed) decoded by kafkajs's decoder. */
export function decodeLegacyMessages(framed: Buffer): Promise<KjsMessage[]> {
  const Decoder = require('kafkajs/src/protocol/decoder.js') as new (b: Buffer) => unknown;
  const decodeMessages = require('kafkajs/src/protocol/requests/fetch/v4/decodeMessages.js') as (d: unknown) => Promise<KjsMessage[]>;
  return decodeMessages(new Decoder(framed));
}
