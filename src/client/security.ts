// Java client properties → kafkajs connection options (ssl, sasl, timeouts).
// Supported: security.protocol, sasl.mechanism, sasl.jaas.config (username/password),
// sasl.username/sasl.password (librdkafka names), ssl.ca.location / ssl.truststore.location
// (PEM), ssl.certificate.location / ssl.keystore.location (PEM), ssl.key.location,
// ssl.key.password, ssl.endpoint.identification.algorithm ('' disables host name checks),
// enable.ssl.certificate.verification=false, client.id, request.timeout.ms,
// connections.max.idle.ms (ignored), and a few others listed in IGNORED.

import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { KtError, UsageError } from '../errors.js';

/** Java client properties, parsed (cli/properties.ts reads them from files, flags and profiles). */
export type Properties = Record<string, string>;

/** `org.apache...PlainLoginModule required username="u" password="p";` → { username, password } */
export function parseJaasConfig(jaas: string): { username?: string; password?: string; module?: string } {
  const out: { username?: string; password?: string; module?: string } = {};
  const mod = /^\s*([\w.$]+)\s+(required|requisite|sufficient|optional)/.exec(jaas);
  if (mod) out.module = mod[1];
  const re = /(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^\s;]+))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(jaas)) !== null) {
    const value = (m[2] ?? m[3] ?? m[4] ?? '').replace(/\\(.)/g, '$1');
    if (m[1] === 'username') out.username = value;
    if (m[1] === 'password') out.password = value;
  }
  return out;
}

export interface SaslOptions {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

export interface SecurityOptions {
  ssl?: boolean | ConnectionOptions;
  sasl?: SaslOptions;
  clientId?: string;
  requestTimeout?: number;
  /** properties kt read but does not use (the caller may warn) */
  ignored: string[];
}

const IGNORED = new Set([
  'connections.max.idle.ms',
  'metadata.max.age.ms',
  'ssl.truststore.type',
  'ssl.keystore.type',
  'ssl.protocol',
  'ssl.enabled.protocols',
  'sasl.login.callback.handler.class',
  'retries',
  'retry.backoff.ms',
  'linger.ms',
  'batch.size',
  'acks',
  'group.id',
  'auto.offset.reset',
  'enable.auto.commit',
]);

function readPem(path: string, prop: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new KtError(`cannot read ${prop} ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`, { exitCode: 2 });
  }
}

export function securityFromProperties(props: Properties): SecurityOptions {
  const out: SecurityOptions = { ignored: [] };
  const protocol = (props['security.protocol'] ?? 'PLAINTEXT').toUpperCase();
  if (!['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'].includes(protocol)) {
    throw new UsageError(`security.protocol must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, got '${props['security.protocol']}'`);
  }
  const useSsl = protocol === 'SSL' || protocol === 'SASL_SSL';
  const useSasl = protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL';

  const tls: ConnectionOptions = {};
  let tlsCustom = false;
  for (const [key, value] of Object.entries(props)) {
    if (!useSsl && key.startsWith('ssl.')) {
      // As the Java client: ssl.* means nothing without SSL/SASL_SSL (reported as unused).
      out.ignored.push(key);
      continue;
    }
    switch (key) {
      case 'security.protocol':
      case 'sasl.mechanism':
      case 'sasl.mechanisms':
      case 'sasl.jaas.config':
      case 'sasl.username':
      case 'sasl.password':
        break;
      case 'ssl.ca.location':
      case 'ssl.truststore.location':
        tls.ca = [readPem(value, key)];
        tlsCustom = true;
        break;
      case 'ssl.certificate.location':
      case 'ssl.keystore.location':
        tls.cert = readPem(value, key);
        tlsCustom = true;
        break;
      case 'ssl.key.location':
        tls.key = readPem(value, key);
        tlsCustom = true;
        break;
      case 'ssl.key.password':
      case 'ssl.keystore.password':
        tls.passphrase = value;
        tlsCustom = true;
        break;
      case 'ssl.truststore.password':
        break; // PEM truststores have no password
      case 'ssl.endpoint.identification.algorithm':
        if (value.trim() === '') {
          tls.checkServerIdentity = () => undefined;
          tlsCustom = true;
        } else if (value.trim().toLowerCase() !== 'https') {
          throw new UsageError(`ssl.endpoint.identification.algorithm must be https or empty, got '${value}'`);
        }
        break;
      case 'enable.ssl.certificate.verification':
        if (value.trim().toLowerCase() === 'false') {
          tls.rejectUnauthorized = false;
          tlsCustom = true;
        }
        break;
      case 'client.id':
        out.clientId = value;
        break;
      case 'request.timeout.ms':
        if (!/^\d+$/.test(value)) throw new UsageError(`request.timeout.ms must be a number, got '${value}'`);
        out.requestTimeout = Number(value);
        break;
      default:
        // Producer/consumer tuning properties that kt sets with its own flags, and
        // unknown ones, are reported as unused.
        out.ignored.push(key);
        void IGNORED;
    }
  }
  if (useSsl) out.ssl = tlsCustom ? tls : true;

  if (useSasl) {
    const mech = (props['sasl.mechanism'] ?? props['sasl.mechanisms'] ?? 'PLAIN').toUpperCase();
    const map: Record<string, SaslOptions['mechanism']> = {
      PLAIN: 'plain',
      'SCRAM-SHA-256': 'scram-sha-256',
      'SCRAM-SHA-512': 'scram-sha-512',
    };
    const mechanism = map[mech];
    if (!mechanism) throw new UsageError(`sasl.mechanism ${mech} is not supported; use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512`);
    const jaas = props['sasl.jaas.config'] ? parseJaasConfig(props['sasl.jaas.config']) : {};
    const username = props['sasl.username'] ?? jaas.username;
    const password = props['sasl.password'] ?? jaas.password;
    if (username === undefined || password === undefined) {
      throw new UsageError(`${protocol} needs a username and password: set sasl.jaas.config (username="..." password="...") or sasl.username/sasl.password`);
    }
    out.sasl = { mechanism, username, password };
  } else if (props['sasl.jaas.config'] || props['sasl.mechanism']) {
    throw new UsageError(`sasl.* properties need security.protocol=SASL_PLAINTEXT or SASL_SSL (it is ${protocol})`);
  }
  return out;
}
