// kafkajs errors → one clear line (PRODUCT.md §3). kafkajs wraps the real cause in
// retry/aggregate errors; the chain is walked to find it. Kafka errors are named by
// protocol/errors.ts's table (kafkajs's older names mapped onto it); this file only adds
// kt's shorter wording and hints for some of them.

import fs from 'node:fs';
import { dataDir, localPaths, localPort } from '../local/paths.js';
import { KtError } from '../errors.js';
import { kafkaName, type ErrorName } from '../protocol/errors.js';

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

/** Addresses on this machine, where the bundled broker may be the one that is missing. */
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[?::1\]?)(:\d+)?$/i;

/** What kt knows about its bundled broker without waiting: the port it uses and the one that runs. */
export interface LocalBrokerFacts {
  /** the port the bundled broker uses (local/paths.ts, localPort) */
  configuredPort: number;
  /** the port of a local broker whose process is alive, else null */
  runningPort: number | null;
}

export function localBrokerFacts(env: NodeJS.ProcessEnv = process.env): LocalBrokerFacts {
  let state: { port?: number; portChosen?: boolean; pid?: number } | undefined;
  try {
    state = JSON.parse(fs.readFileSync(localPaths(dataDir(env)).state, 'utf8')) as typeof state;
  } catch {
    state = undefined;
  }
  const envPort = env.KT_LOCAL_PORT !== undefined && /^\d+$/.test(env.KT_LOCAL_PORT) ? Number(env.KT_LOCAL_PORT) : undefined;
  let alive = false;
  if (state?.pid) {
    try {
      process.kill(state.pid, 0);
      alive = true;
    } catch (e) {
      alive = (e as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  return { configuredPort: localPort(state, envPort), runningPort: alive && state?.port ? state.port : null };
}

/**
 * "cannot connect to …" with a hint that fits the address: kt local start only for the port
 * the bundled broker would use; the port it runs on when it runs elsewhere; for a remote
 * address, a check of the address.
 */
export function connectError(brokers: string[], reason: string, broker?: string, facts: () => LocalBrokerFacts = localBrokerFacts): KtError {
  const where = broker ?? brokers.join(',');
  const addrs = (broker ? [broker] : brokers).map((b) => b.trim());
  const local = addrs.every((b) => LOOPBACK.test(b));
  let hint = 'is the broker running and reachable from here? check the address';
  if (local) {
    const ports = addrs.map((b) => Number(/:(\d+)$/.exec(b)?.[1] ?? NaN));
    const f = facts();
    if (f.runningPort !== null && !ports.includes(f.runningPort)) hint = `the bundled local broker runs on port ${f.runningPort}, not ${ports.join(',')} (kt local status)`;
    else if (f.runningPort !== null) hint = 'the bundled local broker on this port did not answer; see kt local status and kt local logs';
    else if (ports.includes(f.configuredPort)) hint = 'is the broker running? try kt local start';
    else hint = `is a broker running on port ${ports.join(',')}? check the address`;
  }
  return new KtError(`cannot connect to ${where}: ${reason}`, { hint });
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
const TYPE_MESSAGES: Partial<Record<ErrorName, string>> = {
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
  UNSUPPORTED_SASL_MECHANISM: 'authentication failed: the broker does not enable this SASL mechanism',
  ILLEGAL_SASL_STATE: 'the broker did not expect SASL authentication here',
  SASL_AUTHENTICATION_FAILED: 'authentication failed',
};

/** Hints for the Kafka errors of the security paths (docs/security.md). */
const TYPE_HINTS: Partial<Record<ErrorName, string>> = {
  UNSUPPORTED_SASL_MECHANISM: 'check sasl.mechanism (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)',
  ILLEGAL_SASL_STATE: 'is the listener SASL_PLAINTEXT or SASL_SSL? check security.protocol',
};

/** A connection the broker closed at once often means a TLS or SASL listener the client did not use. */
const CLOSED_HINT = 'is the broker running? if its listener needs TLS or SASL, set security.protocol with --command-config or -X (docs/security.md)';

/** A TLS handshake or certificate failure (Node's messages and codes: CERT_*, ERR_SSL_*, ...). */
function isTlsFailure(e: ErrLike): boolean {
  const text = `${e.message ?? ''} ${String(e.code ?? '')}`;
  return /certificate|self[- ]signed|\bCERT_|_CERT\b|ERR_SSL|ERR_TLS|UNABLE_TO_VERIFY|SSL routines|Hostname\/IP does not match/i.test(text);
}

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
      if (isTlsFailure(e)) break; // reported below
      const ke = connectError(brokers, reason ?? msg.replace(/^Connection error:\s*/, ''), e.broker);
      if (reason === 'connection closed by the broker' || reason === 'connection reset') {
        return new KtError(ke.message, { hint: CLOSED_HINT, cause: err });
      }
      (ke as { cause?: unknown }).cause = err;
      return ke;
    }
    if (e.name === 'KafkaJSSASLAuthenticationError') {
      // kafkajs: "SASL SCRAM SHA256 authentication failed: <the broker's message>"
      const detail = (e.message ?? '').replace(/^SASL [\w -]+? authentication failed:\s*/, '').replace(/^Authentication failed:\s*/, '');
      return new KtError(`authentication failed: ${detail}`, { hint: 'check sasl.mechanism and the credentials', cause: err });
    }
  }
  for (const e of chain) {
    if (isTlsFailure(e)) {
      const detail = (e.message ?? '').replace(/^Connection error:\s*/, '');
      return new KtError(`TLS handshake failed: ${detail}`, { hint: 'check ssl.ca.location and ssl.endpoint.identification.algorithm', cause: err });
    }
  }
  // Kafka protocol errors
  for (const e of chain) {
    if (e.type && typeof e.type === 'string') {
      const type = kafkaName(e.type) as ErrorName;
      const friendly = TYPE_MESSAGES[type];
      const text = friendly ? `${friendly} (${type})` : `${e.message ?? type} (${type})`;
      return new KtError(text, { hint: TYPE_HINTS[type], cause: err });
    }
  }
  const last = chain[chain.length - 1] ?? (err as ErrLike);
  const first = chain[0] ?? (err as ErrLike);
  const msg = first.message && first.message !== last.message ? `${first.message}: ${last.message}` : (last.message ?? String(err));
  return new KtError(msg, { cause: err });
}
