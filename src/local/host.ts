// Where the local broker listens and what it tells clients. It binds 127.0.0.1 unless
// `kt local start --host` says otherwise for that start: a non-loopback host is never
// remembered, so a plain `kt produce` that starts the broker on demand never opens it to the
// network. Bound to another interface without authentication or encryption, each start warns.

import { isWildcardHost } from '../broker/hosts.js';
import type { LocalSecurity } from './security.js';

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** An address to reach a broker bound to `host` from this machine. */
export function connectHost(host: string): string {
  if (host === '::') return '::1';
  return isWildcardHost(host) ? '127.0.0.1' : host;
}

/** HOST:PORT, with an IPv6 address in brackets. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Why `host` cannot be advertised to clients, or null. */
export function advertisedHostProblem(host: string): string | null {
  if (isWildcardHost(host)) return 'is no address a client can connect to (it means every interface)';
  if (!/^[A-Za-z0-9._:-]+$/.test(host)) return 'is not a host name or IP address';
  return null;
}

/**
 * The warning for a listener on `host` that lets anyone who can reach it in, or that sends
 * passwords and records in clear; undefined on loopback or when TLS and authentication are on.
 */
export function exposureWarning(host: string, port: number, s: LocalSecurity | undefined): string | undefined {
  if (isLoopbackHost(host)) return undefined;
  const where = `the local broker listens on ${hostPort(host, port)}${isWildcardHost(host) ? ' (every interface)' : ''}`;
  const protocol = s?.protocol ?? 'PLAINTEXT';
  if (protocol === 'PLAINTEXT') {
    return `${where} in PLAINTEXT: anyone who can reach this machine can read, write and delete its topics; add --user NAME:PASSWORD --tls-self-signed, or bind 127.0.0.1 (docs/security.md)`;
  }
  if (protocol === 'SSL' && s?.tls?.clientAuth !== 'required') {
    return `${where} with TLS but no authentication: anyone who can reach this machine can read, write and delete its topics; add --user NAME:PASSWORD or --tls-client-auth required (docs/security.md)`;
  }
  if (protocol === 'SASL_PLAINTEXT') {
    return `${where} in SASL_PLAINTEXT: records, and PLAIN passwords, cross the network unencrypted; add --tls-self-signed (docs/security.md)`;
  }
  return undefined;
}
