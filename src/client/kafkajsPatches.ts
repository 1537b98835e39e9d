// kafkajs 2.2.4's modules that kt replaces with its own versions, by file under
// kafkajs/src/. Installed into the require cache before kafkajs loads (client/gateway.ts),
// or, in the bundled CLI (dev/bundle.ts), put in their place at build time. Separate from the
// gateway because these run as kafkajs's own modules: the build loads this file alone (and
// the bundle requires it from kafkajs's modules), so it imports nothing of kt's and does not
// load kafkajs at load (randomBytes takes kafkajs's error class when it is first needed).

import { createRequire } from 'node:module';

/**
 * kafkajs 2.2.4 groups a send's messages by partition by copying the partition's array
 * for every message (quadratic: a quarter of produce CPU time at 2,000 records a request).
 * This is the same function, linear.
 */
export function groupMessagesPerPartition({ topic, partitionMetadata, messages, partitioner }: {
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
 * not at all for kt's own requests (gateway.ts's send), whose body comes with free bytes before it.
 */
export async function createRequest({ correlationId, clientId, request }: {
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

/**
 * kafkajs 2.2.4's partitioners take their random bytes from globalThis.crypto, looked up when
 * the module loads: that loads Node's WebCrypto (~2.5 ms and ~2 MB) in every kt call. The
 * same source and the same checks, looked up on first use.
 */
const MAX_RANDOM_BYTES = 65536;
let randomSource: { randomBytes(size: number): Buffer } | undefined;
const require = createRequire(import.meta.url);
export function randomBytes(size: number): Buffer {
  if (size > MAX_RANDOM_BYTES) {
    // kafkajs' own error class, from kafkajs (loaded by then: kafkajs calls this)
    const { KafkaJSNonRetriableError } = require('kafkajs/src/errors') as { KafkaJSNonRetriableError: new (m: string) => Error };
    throw new KafkaJSNonRetriableError(`Byte length (${size}) exceeds the max number of bytes of entropy available (${MAX_RANDOM_BYTES})`);
  }
  if (!randomSource) {
    const web = (globalThis as { crypto?: { getRandomValues<T extends ArrayBufferView>(a: T): T } }).crypto;
    randomSource = web
      ? { randomBytes: (n: number) => web.getRandomValues(Buffer.allocUnsafe(n)) }
      : (require('node:crypto') as { randomBytes(n: number): Buffer });
  }
  return randomSource.randomBytes(size);
}

/** Replacement module exports by path under kafkajs/src/ (each is a module.exports = fn). */
export const KAFKAJS_REPLACED: Record<string, unknown> = {
  'producer/groupMessagesPerPartition.js': groupMessagesPerPartition,
  'protocol/request.js': createRequest,
  'producer/partitioners/legacy/randomBytes.js': randomBytes,
};
