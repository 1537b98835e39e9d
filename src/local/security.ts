// The local broker's listener security (`kt local start --security-protocol/--sasl-mechanism/
// --user/--tls-*`), remembered in local.json like the port. local.json holds no secret: the
// users' SCRAM credentials are in credentials.json (mode 0600) beside it, TLS keys stay in
// their files (self-signed ones in tls/, key mode 0600).

import fs from 'node:fs';
import path from 'node:path';
import {
  CredentialStore,
  SASL_MECHANISMS,
  certificateHosts,
  ensureSelfSigned,
  selfSignedPaths,
  type BrokerSaslOptions,
  type BrokerTlsOptions,
  type ClientAuth,
  type SaslMechanismName,
  type SecurityProtocol,
} from '../broker/auth/index.js';
import type { LocalPaths } from './paths.js';

export interface LocalTls {
  /** PEM files (absolute paths); absent with selfSigned. */
  cert?: string;
  key?: string;
  /** CAs for client certificates (with clientAuth). */
  ca?: string;
  clientAuth?: ClientAuth;
  /** A CA and certificate kt made, kept in <data dir>/tls/ (clients trust tls/ca.pem). */
  selfSigned?: boolean;
}

export interface LocalSecurity {
  protocol: SecurityProtocol;
  /** Enabled SASL mechanisms (SASL_PLAINTEXT, SASL_SSL); users are in credentials.json. */
  saslMechanisms?: SaslMechanismName[];
  tls?: LocalTls;
}

export function isSasl(p: SecurityProtocol | undefined): boolean {
  return p === 'SASL_PLAINTEXT' || p === 'SASL_SSL';
}

export function isTls(p: SecurityProtocol | undefined): boolean {
  return p === 'SSL' || p === 'SASL_SSL';
}

/** Arguments for the daemon (src/local/main.ts): paths and names only, never a secret. */
export function securityArgs(s: LocalSecurity | undefined): string[] {
  if (!s || s.protocol === 'PLAINTEXT') return [];
  const args = ['--security-protocol', s.protocol];
  for (const m of s.saslMechanisms ?? []) args.push('--sasl-mechanism', m);
  const t = s.tls;
  if (t?.selfSigned) args.push('--tls-self-signed');
  if (t?.cert) args.push('--tls-cert', t.cert);
  if (t?.key) args.push('--tls-key', t.key);
  if (t?.ca) args.push('--tls-ca', t.ca);
  if (t?.clientAuth) args.push('--tls-client-auth', t.clientAuth);
  return args;
}

/** The inverse of securityArgs. */
export function parseSecurityArgs(argv: string[]): LocalSecurity | undefined {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const protocol = get('--security-protocol') as SecurityProtocol | undefined;
  if (!protocol || protocol === 'PLAINTEXT') return undefined;
  const saslMechanisms = argv.flatMap((a, i) => (a === '--sasl-mechanism' ? [argv[i + 1] as SaslMechanismName] : []));
  const s: LocalSecurity = { protocol };
  if (saslMechanisms.length > 0) s.saslMechanisms = saslMechanisms;
  if (isTls(protocol)) {
    s.tls = {
      selfSigned: argv.includes('--tls-self-signed') || undefined,
      cert: get('--tls-cert'),
      key: get('--tls-key'),
      ca: get('--tls-ca'),
      clientAuth: get('--tls-client-auth') as ClientAuth | undefined,
    };
  }
  return s;
}

export interface ResolvedSecurity {
  sasl?: BrokerSaslOptions;
  tls?: BrokerTlsOptions;
  /** The CA clients trust, when kt made it. */
  selfSignedCa?: string;
  /** A line for the log when the self-signed material was (re)made. */
  note?: string;
}

/**
 * Broker options for the local broker's security; makes the self-signed material when needed,
 * for the bound and the advertised host.
 */
export function brokerSecurity(s: LocalSecurity | undefined, p: LocalPaths, host: string, advertisedHost = host): ResolvedSecurity {
  if (!s || s.protocol === 'PLAINTEXT') return {};
  const out: ResolvedSecurity = {};
  if (isSasl(s.protocol)) {
    out.sasl = { mechanisms: s.saslMechanisms?.length ? s.saslMechanisms : [...SASL_MECHANISMS], credentialsFile: p.credentials };
  }
  if (isTls(s.protocol)) {
    const t = s.tls ?? { selfSigned: true };
    if (t.cert && t.key) {
      out.tls = { cert: t.cert, key: t.key, ca: t.ca, clientAuth: t.clientAuth };
    } else {
      const hosts = [...new Set([...certificateHosts(host), advertisedHost])];
      const files = ensureSelfSigned(p.tls, hosts);
      out.tls = { cert: files.cert, key: files.key, ca: t.ca, clientAuth: t.clientAuth };
      out.selfSignedCa = files.ca;
      if (files.created) out.note = `made a self-signed CA and certificate for ${hosts.join(', ')} in ${files.dir} (clients trust ${files.ca})`;
    }
  }
  return out;
}

/** Where clients find the CA of a self-signed local broker (for notices), else undefined. */
export function selfSignedCaPath(s: LocalSecurity | undefined, p: LocalPaths): string | undefined {
  if (!s || !isTls(s.protocol) || (s.tls && s.tls.cert)) return undefined;
  return selfSignedPaths(p.tls).ca;
}

/** `NAME:PASSWORD` pairs → users (split at the first colon). Throws a message without the password. */
export function parseUsers(pairs: readonly string[]): Record<string, string> {
  const users: Record<string, string> = {};
  for (const pair of pairs) {
    const i = pair.indexOf(':');
    const name = i < 0 ? pair : pair.slice(0, i);
    if (i <= 0) throw new Error(`--user ${i === 0 ? '(no name)' : name}: expected NAME:PASSWORD`);
    if (i === pair.length - 1) throw new Error(`--user ${name}: the password is empty`);
    users[name] = pair.slice(i + 1);
  }
  return users;
}

/** Replaces the users in credentials.json with these (SCRAM-SHA-256 and -512 credentials each). */
export async function writeUsers(p: LocalPaths, users: Record<string, string>): Promise<CredentialStore> {
  const store = await CredentialStore.fromUsers(users);
  store.save(p.credentials);
  return store;
}

/** The users in credentials.json (names only). */
export function knownUsers(p: LocalPaths): string[] {
  try {
    return CredentialStore.load(p.credentials).userNames;
  } catch {
    return [];
  }
}

/** Absolute path of an existing, readable file (a usage problem otherwise). */
export function existingFile(file: string, what: string): string {
  const abs = path.resolve(file);
  try {
    fs.accessSync(abs, fs.constants.R_OK);
  } catch {
    throw new Error(`${what} ${file}: no such file or not readable`);
  }
  return abs;
}
