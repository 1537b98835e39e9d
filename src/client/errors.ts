// kafkajs errors → one clear line (PRODUCT.md §3). kafkajs wraps the real cause in
// retry/aggregate errors; the chain is walked to find it.

import { KtError } from '../cli/errors.js';

interface ErrLike {
  name?: string;
  message?: string;
  code?: string | number;
  type?: string;
  broker?: string;
  cause?: unknown;
  originalError?: unknown;
  errors?: unknown[];
}

/** The errors in a kafkajs chain, outermost first. */
export function errorChain(err: unknown): ErrLike[] {
  const out: ErrLike[] = [];
  const seen = new Set<unknown>();
  let cur: unknown = err;
  while (cur && typeof cur === 'object' && !seen.has(cur) && out.length < 10) {
    seen.add(cur);
    const e = cur as ErrLike;
    out.push(e);
    cur = e.originalError ?? e.cause ?? (Array.isArray(e.errors) && e.errors.length ? e.errors[0] : undefined);
  }
  return out;
}

export function connectError(brokers: string[], reason: string, broker?: string): KtError {
  const where = broker ?? brokers.join(',');
  return new KtError(`cannot connect to ${where}: ${reason}`, { hint: 'is the broker running? try kt local start' });
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'timed out',
  EPIPE: 'connection closed',
};

/** Friendlier wording for common Kafka error types. */
const TYPE_MESSAGES: Record<string, string> = {
  INVALID_REPLICATION_FACTOR: 'replication factor is larger than the number of available brokers',
  TOPIC_ALREADY_EXISTS: 'topic already exists',
  UNKNOWN_TOPIC_OR_PARTITION: 'unknown topic or partition',
  INVALID_PARTITIONS: 'invalid number of partitions',
  INVALID_TOPIC_EXCEPTION: 'invalid topic name',
  TOPIC_AUTHORIZATION_FAILED: 'not authorized to access the topic',
  GROUP_AUTHORIZATION_FAILED: 'not authorized to access the group',
  CLUSTER_AUTHORIZATION_FAILED: 'not authorized for this cluster operation',
  POLICY_VIOLATION: 'rejected by the broker\'s policy',
  INVALID_CONFIG: 'invalid topic configuration',
  UNSUPPORTED_VERSION: 'the broker does not support this request version',
};

export function toKtError(err: unknown, brokers: string[]): Error {
  if (err instanceof KtError) return err;
  const chain = errorChain(err);
  // Connection problems
  for (const e of chain) {
    if (e.name === 'KafkaJSConnectionError' || e.name === 'KafkaJSConnectionClosedError' || e.name === 'KafkaJSNoBrokerAvailableError') {
      const code = typeof e.code === 'string' ? e.code : undefined;
      const msg = e.message ?? '';
      let reason = code && REASONS[code] ? REASONS[code] : undefined;
      if (!reason && /ENOTFOUND|EAI_AGAIN/.test(msg)) {
        const host = /(?:ENOTFOUND|EAI_AGAIN)\s+(\S+)/.exec(msg)?.[1];
        return new KtError(`cannot resolve host ${host ?? brokers.join(',')}`, { hint: 'check the --bootstrap-server address', cause: err });
      }
      if (!reason && /timeout/i.test(msg)) reason = 'timed out';
      if (!reason && /ECONNREFUSED/.test(msg)) reason = 'connection refused';
      if (!reason && /closed/i.test(msg)) reason = 'connection closed by the broker';
      const ke = connectError(brokers, reason ?? msg.replace(/^Connection error:\s*/, ''), e.broker);
      (ke as { cause?: unknown }).cause = err;
      return ke;
    }
    if (e.name === 'KafkaJSSASLAuthenticationError') {
      return new KtError(`authentication failed: ${e.message ?? ''}`, { hint: 'check sasl.mechanism and the credentials', cause: err });
    }
    if (/SSL|TLS|certificate|self[- ]signed/i.test(e.message ?? '') && /ssl|tls|cert/i.test(String(e.code ?? e.message))) {
      return new KtError(`TLS handshake failed: ${e.message ?? ''}`, { hint: 'check ssl.ca.location and ssl.endpoint.identification.algorithm', cause: err });
    }
  }
  // Kafka protocol errors
  for (const e of chain) {
    if (e.type && typeof e.type === 'string') {
      const friendly = TYPE_MESSAGES[e.type];
      const text = friendly ? `${friendly} (${e.type})` : `${e.message ?? e.type} (${e.type})`;
      return new KtError(text, { cause: err });
    }
  }
  const last = chain[chain.length - 1] ?? (err as ErrLike);
  const first = chain[0] ?? (err as ErrLike);
  const msg = first.message && first.message !== last.message ? `${first.message}: ${last.message}` : (last.message ?? String(err));
  return new KtError(msg, { cause: err });
}
