// SASL and TLS for the broker's listener (PRODUCT.md §5, docs/security.md).
//
// One listener per broker, with Kafka's security protocol names:
//   PLAINTEXT        neither (the default)
//   SSL              TLS only                       (options.tls)
//   SASL_PLAINTEXT   SASL only                      (options.sasl)
//   SASL_SSL         SASL inside TLS                (options.sasl and options.tls)

import path from 'node:path';
import { CREDENTIALS_FILE, CredentialStore } from './credentials.js';
import { isSaslMechanism, SASL_MECHANISMS, type SaslMechanismName } from './mechanism.js';
import type { SaslConfig } from './session.js';

export { CredentialStore, CREDENTIALS_FILE } from './credentials.js';
export { SASL_MECHANISMS, isSaslMechanism, type SaslMechanismName } from './mechanism.js';
export { SaslSession, type SaslConfig } from './session.js';
export { ensureSelfSigned, selfSignedPaths, certificateHosts, tlsServerOptions, type BrokerTlsOptions, type ClientAuth } from './tls.js';

export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
export const SECURITY_PROTOCOLS: readonly SecurityProtocol[] = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];

export interface BrokerSaslOptions {
  /** Kafka's sasl.enabled.mechanisms. */
  mechanisms: SaslMechanismName[];
  /**
   * Users and passwords. Only SCRAM credentials made from them are kept (in memory, and in
   * the credentials file when there is one); the passwords themselves are never stored.
   */
  users?: Record<string, string>;
  /**
   * Where SCRAM credentials are kept (JSON, mode 0600): users added from `users` are written
   * there, users already there stay. Default `<dataDir>/credentials.json`; none with `memory`.
   */
  credentialsFile?: string;
  /** PBKDF2 iterations of new credentials (Kafka: 4096 to 16384; default 4096). */
  iterations?: number;
  /** Kafka's connection.failed.authentication.delay.ms (default 100). */
  failedAuthenticationDelayMs?: number;
}

export function securityProtocol(sasl: boolean, tls: boolean): SecurityProtocol {
  if (sasl) return tls ? 'SASL_SSL' : 'SASL_PLAINTEXT';
  return tls ? 'SSL' : 'PLAINTEXT';
}

/** Validates the options, builds the credential store and writes the credentials file. */
export async function saslConfig(opts: BrokerSaslOptions, dataDir: string | undefined): Promise<SaslConfig> {
  const mechanisms = [...new Set(opts.mechanisms ?? [])];
  if (mechanisms.length === 0) throw new Error(`sasl.mechanisms is empty; enable one or more of ${SASL_MECHANISMS.join(', ')}`);
  for (const m of mechanisms) {
    if (!isSaslMechanism(m)) throw new Error(`SASL mechanism ${String(m)} is not supported; use ${SASL_MECHANISMS.join(', ')}`);
  }
  const file = opts.credentialsFile ?? (dataDir ? path.join(dataDir, CREDENTIALS_FILE) : undefined);
  const credentials = file ? CredentialStore.load(file) : new CredentialStore();
  const users = Object.entries(opts.users ?? {});
  for (const [user, password] of users) await credentials.addUser(user, password, opts.iterations);
  if (file && users.length > 0) credentials.save(file);
  if (credentials.size === 0) throw new Error(`SASL needs at least one user (sasl.users${file ? ` or ${file}` : ''})`);
  return { mechanisms, credentials, failedAuthenticationDelayMs: opts.failedAuthenticationDelayMs ?? 100, credentialsFile: file };
}
