// The only place that imports kafkajs, and only lazily (dynamic import), so `kt --version`
// and `--help` never load it. Creates the client from a resolved connection, silences its
// logs unless --debug, tunes timeouts so an unreachable broker fails within 10 s, and
// turns kafkajs errors into one clear line (errors.ts).

import { Module, createRequire } from 'node:module';
import type { Kafka, KafkaConfig, logCreator } from 'kafkajs';
import type { Connection } from '../cli/base.js';
import { redact } from '../cli/errors.js';
import { diag } from '../cli/output.js';
import { startSpinner } from '../cli/spinner.js';
import { registerCodecs } from './compression.js';
import { securityFromProperties } from './security.js';
import { connectError, toKtError } from './errors.js';

export type KafkaJS = typeof import('kafkajs');

export interface KafkaHandle {
  kafka: Kafka;
  kafkajs: KafkaJS;
  brokers: string[];
  /** The client id kafkajs puts in every request header. */
  clientId: string;
  debug: boolean;
  /** wraps any kafkajs error as a KtError naming the brokers */
  fail(err: unknown): Error;
  /** runs `connect` with a wall-clock limit (an unreachable broker fails in < 10 s) */
  connectWithin<T>(what: Promise<T>): Promise<T>;
}

/** Time kt waits for a TCP connect to one broker. */
export const CONNECTION_TIMEOUT_MS = 2500;
/** Wall-clock limit for the whole connect phase, retries included. */
export const CONNECT_DEADLINE_MS = 8000;

let kafkajsModule: Promise<KafkaJS> | undefined;

/**
 * kafkajs 2.2.4 groups a send's messages by partition by copying the partition's array
 * for every message (quadratic: a quarter of produce CPU time at 2,000 records a request).
 * This is the same function, linear. Installed in the module cache before kafkajs loads.
 */
function groupMessagesPerPartition({ topic, partitionMetadata, messages, partitioner }: {
  topic: string;
  partitionMetadata: unknown[];
  messages: unknown[];
  partitioner: (o: { topic: string; partitionMetadata: unknown[]; message: unknown }) => number;
}): Record<number, unknown[]> {
  const result: Record<number, unknown[]> = {};
  if (partitionMetadata.length === 0) return result;
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    (result[partition] ??= []).push(message);
  }
  return result;
}

/**
 * kafkajs frames every request by copying its body twice into zero-filled power-of-two
 * buffers (protocol/request.js). This writes the header once and copies the body once, or
 * not at all for kt's own requests (kjs.ts), whose body comes with free bytes before it.
 */
async function createRequest({ correlationId, clientId, request }: {
  correlationId: number;
  clientId: string | null;
  request: { apiKey: number; apiVersion: number; encode: () => Promise<{ buffer: Buffer; ktFrame?: Buffer; ktBodyStart?: number }> };
}): Promise<{ buffer: Buffer }> {
  const payload = await request.encode();
  const body = payload.buffer;
  const id = clientId == null ? null : Buffer.from(String(clientId), 'utf8');
  const headerLen = 14 + (id ? id.length : 0);
  let frame: Buffer;
  let at: number;
  let end: number;
  if (payload.ktFrame && payload.ktBodyStart !== undefined && payload.ktBodyStart >= headerLen) {
    frame = payload.ktFrame;
    at = payload.ktBodyStart - headerLen;
    end = payload.ktBodyStart + body.length;
  } else {
    frame = Buffer.allocUnsafe(headerLen + body.length);
    at = 0;
    end = frame.length;
    body.copy(frame, headerLen);
  }
  frame.writeInt32BE(end - at - 4, at);
  frame.writeInt16BE(request.apiKey, at + 4);
  frame.writeInt16BE(request.apiVersion, at + 6);
  frame.writeInt32BE(correlationId, at + 8);
  if (id) {
    frame.writeInt16BE(id.length, at + 12);
    id.copy(frame, at + 14);
  } else {
    frame.writeInt16BE(-1, at + 12);
  }
  return { buffer: frame.subarray(at, end) };
}

/** Installs a module into the require cache before kafkajs loads (no-op when already loaded). */
function preload(require: NodeJS.Require, id: string, exports: unknown): void {
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
    const require = createRequire(import.meta.url);
    preload(require, 'kafkajs/src/producer/groupMessagesPerPartition.js', groupMessagesPerPartition);
    preload(require, 'kafkajs/src/protocol/request.js', createRequest);
  } catch {
    // another kafkajs layout: run unpatched
  }
}

export function loadKafkaJS(): Promise<KafkaJS> {
  // The default-partitioner warning of kafkajs 2 is noise for a CLI.
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  if (!kafkajsModule) patchKafkaJS();
  kafkajsModule ??= import('kafkajs').then((m) => {
    const kafkajs = ((m as unknown as { default?: KafkaJS }).default ?? m) as KafkaJS;
    // snappy, lz4, zstd: factories only; each native package loads with its first batch.
    registerCodecs(kafkajs as unknown as Parameters<typeof registerCodecs>[0]);
    return kafkajs;
  });
  return kafkajsModule;
}

const debugLogCreator: logCreator = () => ({ namespace, level, label, log }) => {
  const { message, timestamp: _t, logger: _l, ...extra } = log as Record<string, unknown>;
  const more = Object.keys(extra).length ? ` ${JSON.stringify(extra)}` : '';
  diag(redact(`kafkajs ${label} [${namespace}] ${String(message)}${more}`));
  void level;
};

export async function openKafka(conn: Connection, opts: { clientId?: string } = {}): Promise<KafkaHandle> {
  const security = securityFromProperties(conn.properties);
  for (const key of security.ignored) diag(`kt: warning: client property '${key}' is not used by kt`);
  const kafkajs = await loadKafkaJS();
  const config: KafkaConfig = {
    brokers: conn.brokers,
    clientId: security.clientId ?? opts.clientId ?? 'kt',
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    authenticationTimeout: 5000,
    requestTimeout: security.requestTimeout ?? 30000,
    // Cluster-level retries (connect, metadata): few and short, so a dead broker fails fast.
    retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 1500, factor: 0.2, multiplier: 2 },
    logLevel: conn.debug ? kafkajs.logLevel.DEBUG : kafkajs.logLevel.NOTHING,
    logCreator: conn.debug ? debugLogCreator : () => () => undefined,
  };
  if (security.ssl !== undefined) config.ssl = security.ssl as KafkaConfig['ssl'];
  if (security.sasl) config.sasl = security.sasl as KafkaConfig['sasl'];
  const kafka = new kafkajs.Kafka(config);
  const handle: KafkaHandle = {
    kafka,
    kafkajs,
    brokers: conn.brokers,
    clientId: config.clientId ?? 'kt',
    debug: conn.debug,
    fail: (err) => toKtError(err, conn.brokers),
    connectWithin: async <T>(what: Promise<T>): Promise<T> => {
      let timer: NodeJS.Timeout | undefined;
      const spinner = startSpinner(`connecting to ${conn.brokers.join(',')}`);
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(connectError(conn.brokers, 'timed out')), CONNECT_DEADLINE_MS);
      });
      try {
        return await Promise.race([what, deadline]);
      } catch (err) {
        throw toKtError(err, conn.brokers);
      } finally {
        clearTimeout(timer);
        spinner.stop();
      }
    },
  };
  return handle;
}
