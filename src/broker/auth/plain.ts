// SASL/PLAIN (RFC 4616) as Kafka's PlainSaslServer: one message
//   [authzid] NUL authcid NUL passwd
// answered with an empty token. Kafka checks the password against its JAAS config
// (user_<name>="<password>"); this broker keeps no passwords, so it checks the password against
// the user's SCRAM credential (PBKDF2 with the stored salt and iterations, then StoredKey).

import crypto from 'node:crypto';
import { SaslFailure, type SaslServer } from './mechanism.js';
import { MIN_ITERATIONS, verifyPassword, type CredentialLookup, type ScramMechanism } from './scram.js';

/** A credential for unknown users, so they cost the same PBKDF2 as known ones (no timing oracle). */
const DECOY = { salt: crypto.randomBytes(32), iterations: MIN_ITERATIONS, storedKey: Buffer.alloc(64), serverKey: Buffer.alloc(64) };

export class PlainServer implements SaslServer {
  readonly mechanism = 'PLAIN' as const;
  username: string | undefined;
  private done = false;

  constructor(private readonly lookup: CredentialLookup) {}

  get complete(): boolean {
    return this.done;
  }

  async evaluate(token: Buffer): Promise<Buffer> {
    if (this.done) throw new SaslFailure('Unexpected challenge in Sasl server state COMPLETE', true);
    const tokens = extractTokens(token.toString('utf8'));
    const [authzid, username, password] = tokens;
    if (username === '') throw new SaslFailure('Authentication failed: username not specified', true);
    if (password === '') throw new SaslFailure('Authentication failed: password not specified', true);
    this.username = username;
    // Either SCRAM credential will do; SHA-512 first (and for unknown users, the decoy).
    const c512 = this.lookup(username, 'SCRAM-SHA-512');
    const c256 = c512 ? undefined : this.lookup(username, 'SCRAM-SHA-256');
    const mech: ScramMechanism = c256 ? 'SCRAM-SHA-256' : 'SCRAM-SHA-512';
    const cred = c512 ?? c256;
    const ok = await verifyPassword(mech, cred ?? DECOY, password);
    if (!cred || !ok) throw new SaslFailure('Authentication failed: Invalid username or password', true);
    if (authzid !== '' && authzid !== username) {
      throw new SaslFailure('Authentication failed: Client requested an authorization id that is different from username', true);
    }
    this.done = true;
    return Buffer.alloc(0);
  }
}

/** PlainSaslServer.extractTokens: exactly three NUL-separated parts. */
function extractTokens(s: string): string[] {
  const tokens: string[] = [];
  let start = 0;
  for (let i = 0; i < 4; i++) {
    const end = s.indexOf('\u0000', start);
    if (end === -1) {
      tokens.push(s.slice(start));
      break;
    }
    tokens.push(s.slice(start, end));
    start = end + 1;
  }
  if (tokens.length !== 3) throw new SaslFailure(`Invalid SASL/PLAIN response: expected 3 tokens, got ${tokens.length}`, true);
  return tokens;
}
