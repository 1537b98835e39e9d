// SCRAM-SHA-256 / SCRAM-SHA-512 (RFC 5802, RFC 7677) as Kafka implements them
// (org.apache.kafka.common.security.scram.internals: ScramSaslServer, ScramMessages,
// ScramFormatter, ScramCredentialUtils).
//
// Credentials are what Kafka keeps per user and mechanism: salt, iterations, StoredKey and
// ServerKey, never the password:
//   SaltedPassword = PBKDF2-HMAC-H(UTF-8(password), salt, iterations)   (Kafka does no SASLprep)
//   ClientKey = HMAC(SaltedPassword, "Client Key")   StoredKey = H(ClientKey)
//   ServerKey = HMAC(SaltedPassword, "Server Key")
//
// The exchange (client → server → client → server → client):
//   client-first  n,[a=authzid],n=saslname,r=cnonce[,extensions]
//   server-first  r=cnonce+snonce,s=base64(salt),i=iterations
//   client-final  c=base64(gs2-header),r=cnonce+snonce[,extensions],p=base64(ClientProof)
//   server-final  v=base64(ServerSignature)
// The final nonce must end with the combined nonce (Kafka 3.8.1-3.9; see final()).
// A failure is never an `e=` server-final message in Kafka: the server throws, and the
// client gets SaslAuthenticate error SASL_AUTHENTICATION_FAILED with a generic message
// (or, after SaslHandshake v0, a closed connection). This server does the same.

import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { SaslFailure, type SaslServer } from './mechanism.js';

const pbkdf2 = promisify(crypto.pbkdf2);

export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
export const SCRAM_MECHANISMS: readonly ScramMechanism[] = ['SCRAM-SHA-256', 'SCRAM-SHA-512'];

const HASH: Record<ScramMechanism, { name: 'sha256' | 'sha512'; bytes: number }> = {
  'SCRAM-SHA-256': { name: 'sha256', bytes: 32 },
  'SCRAM-SHA-512': { name: 'sha512', bytes: 64 },
};

/** Kafka's ScramMechanism.minIterations (4096 for both) and the default of kafka-configs. */
export const MIN_ITERATIONS = 4096;
export const DEFAULT_ITERATIONS = 4096;
/** Kafka refuses credentials with more (ScramMechanism.maxIterations). */
export const MAX_ITERATIONS = 16384;

export interface ScramCredential {
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
  iterations: number;
}

function hmac(mech: ScramMechanism, key: Buffer, data: string | Buffer): Buffer {
  return crypto.createHmac(HASH[mech].name, key).update(data).digest();
}

function hash(mech: ScramMechanism, data: Buffer): Buffer {
  return crypto.createHash(HASH[mech].name).update(data).digest();
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}

/** Hi(): PBKDF2 with the mechanism's HMAC, off the event loop. */
export function saltedPassword(mech: ScramMechanism, password: string, salt: Buffer, iterations: number): Promise<Buffer> {
  return pbkdf2(Buffer.from(password, 'utf8'), salt, iterations, HASH[mech].bytes, HASH[mech].name);
}

function clientKey(mech: ScramMechanism, salted: Buffer): Buffer {
  return hmac(mech, salted, 'Client Key');
}

/** A new credential with a random salt (what `kafka-configs --add-config 'SCRAM-SHA-256=[password=…]'` stores). */
export async function scramCredential(
  mech: ScramMechanism,
  password: string,
  iterations = DEFAULT_ITERATIONS,
  salt: Buffer = crypto.randomBytes(32),
): Promise<ScramCredential> {
  if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
    throw new Error(`${mech} iterations must be between ${MIN_ITERATIONS} and ${MAX_ITERATIONS}, got ${iterations}`);
  }
  const salted = await saltedPassword(mech, password, salt, iterations);
  return { salt, iterations, storedKey: hash(mech, clientKey(mech, salted)), serverKey: hmac(mech, salted, 'Server Key') };
}

/**
 * A credential from a salted password computed by the client (AlterUserScramCredentials
 * upsertions; Kafka's ScramControlManager.finishUpsertion): StoredKey and ServerKey from it.
 */
export function credentialFromSaltedPassword(mech: ScramMechanism, salt: Buffer, salted: Buffer, iterations: number): ScramCredential {
  return { salt, iterations, storedKey: hash(mech, clientKey(mech, salted)), serverKey: hmac(mech, salted, 'Server Key') };
}

/** True when `password` is the one the credential was made from (SASL/PLAIN checks against SCRAM credentials). */
export async function verifyPassword(mech: ScramMechanism, cred: ScramCredential, password: string): Promise<boolean> {
  const salted = await saltedPassword(mech, password, cred.salt, cred.iterations);
  const stored = hash(mech, clientKey(mech, salted));
  return stored.length === cred.storedKey.length && crypto.timingSafeEqual(stored, cred.storedKey);
}

/** Kafka's ScramCredentialUtils.credentialToString: `salt=…,stored_key=…,server_key=…,iterations=N`. */
export function credentialToString(c: ScramCredential): string {
  return `salt=${c.salt.toString('base64')},stored_key=${c.storedKey.toString('base64')},server_key=${c.serverKey.toString('base64')},iterations=${c.iterations}`;
}

export function credentialFromString(s: string): ScramCredential {
  const fields = new Map<string, string>();
  for (const part of s.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const salt = fields.get('salt');
  const storedKey = fields.get('stored_key');
  const serverKey = fields.get('server_key');
  const iterations = Number(fields.get('iterations'));
  if (!salt || !storedKey || !serverKey || !Number.isInteger(iterations)) throw new Error('invalid SCRAM credential');
  return { salt: Buffer.from(salt, 'base64'), storedKey: Buffer.from(storedKey, 'base64'), serverKey: Buffer.from(serverKey, 'base64'), iterations };
}

// ---------------------------------------------------------------------------------------
// Messages (ScramMessages). saslname: any character but ',' and '=', which are written =2C
// and =3D. printable: %x21-7E except ','.

const SASLNAME = '(?:[^,=]|=2C|=3D)+';
const PRINTABLE = '[\\x21-\\x2B\\x2D-\\x7E]+';
const BASE64 = '[A-Za-z0-9+/]*={0,2}';
const EXTENSIONS = '(?:,[A-Za-z]+=[^,]*)*';
const CLIENT_FIRST = new RegExp(`^(?<gs2>n,(?:a=(?<authzid>${SASLNAME}))?,)(?<bare>(?:m=[^,]*,)?n=(?<saslname>${SASLNAME}),r=(?<nonce>${PRINTABLE})(?<extensions>${EXTENSIONS}))$`, 's');
const CLIENT_FINAL = new RegExp(`^(?<withoutProof>c=(?<channel>${BASE64}),r=(?<nonce>${PRINTABLE})${EXTENSIONS}),p=(?<proof>${BASE64})$`);

/** ScramFormatter.username: =2C → ',' and =3D → '='. */
function decodeSaslName(s: string): string {
  return s.replace(/=2C|=3D/g, (m) => (m === '=2C' ? ',' : '='));
}

/** Kafka's secureRandomString: base 36 of 130 random bits. */
function serverNonce(): string {
  return BigInt(`0x${crypto.randomBytes(17).toString('hex')}`).toString(36);
}

export type CredentialLookup = (user: string, mech: ScramMechanism) => ScramCredential | undefined;

/** ScramSaslServer: RECEIVE_CLIENT_FIRST_MESSAGE → RECEIVE_CLIENT_FINAL_MESSAGE → COMPLETE (or FAILED). */
export class ScramServer implements SaslServer {
  private state: 'first' | 'final' | 'complete' | 'failed' = 'first';
  private credential: ScramCredential | undefined;
  private gs2Header = '';
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';
  username: string | undefined;

  constructor(
    readonly mechanism: ScramMechanism,
    private readonly lookup: CredentialLookup,
    /** The server's part of the nonce (tests pin it to check RFC 7677's example). */
    private readonly makeNonce: () => string = serverNonce,
  ) {}

  get complete(): boolean {
    return this.state === 'complete';
  }

  async evaluate(token: Buffer): Promise<Buffer> {
    try {
      if (this.state === 'first') return this.first(token.toString('utf8'));
      if (this.state === 'final') return this.final(token.toString('utf8'));
      throw new SaslFailure(`Unexpected challenge in Sasl server state ${this.state === 'complete' ? 'COMPLETE' : 'FAILED'}`, true);
    } catch (err) {
      this.state = 'failed';
      this.credential = undefined;
      throw err;
    }
  }

  private first(message: string): Buffer {
    const m = CLIENT_FIRST.exec(message);
    if (!m?.groups) throw new SaslFailure(`Invalid SCRAM client first message format`);
    const g = m.groups;
    this.username = decodeSaslName(g.saslname);
    const ext = g.extensions.slice(1).split(',').filter(Boolean).map((e) => e.slice(0, e.indexOf('=')));
    // Delegation tokens (tokenauth=true) are not supported: no token is known.
    if (ext.includes('tokenauth')) throw new SaslFailure('Authentication failed: Invalid user credentials');
    const cred = this.lookup(this.username, this.mechanism);
    if (!cred) throw new SaslFailure('Authentication failed: Invalid user credentials');
    const authzid = g.authzid === undefined ? '' : decodeSaslName(g.authzid);
    if (authzid !== '' && authzid !== this.username) {
      throw new SaslFailure('Authentication failed: Client requested an authorization id that is different from username', true);
    }
    if (cred.iterations < MIN_ITERATIONS) throw new SaslFailure(`Iterations ${cred.iterations} is less than the minimum ${MIN_ITERATIONS} for ${this.mechanism}`);
    this.credential = cred;
    this.gs2Header = g.gs2;
    this.clientFirstBare = g.bare;
    this.nonce = g.nonce + this.makeNonce();
    this.serverFirst = `r=${this.nonce},s=${cred.salt.toString('base64')},i=${cred.iterations}`;
    this.state = 'final';
    return Buffer.from(this.serverFirst, 'utf8');
  }

  private final(message: string): Buffer {
    const m = CLIENT_FINAL.exec(message);
    if (!m?.groups) throw new SaslFailure('Invalid SCRAM client final message format');
    const g = m.groups;
    // Kafka 3.8.1-3.9 check endsWith, not equals: librdkafka before 2.6.1 (Debian's 2.0.2,
    // kcat, confluent-kafka) echoes its own nonce once more in front of the combined one
    // (librdkafka#4895). The fresh server nonce must still be there, so nothing can be replayed.
    if (!g.nonce.endsWith(this.nonce)) throw new SaslFailure('Invalid client nonce in the final client message.');
    if (Buffer.from(g.channel, 'base64').toString('utf8') !== this.gs2Header) throw new SaslFailure('Invalid channel binding in the final client message.');
    const cred = this.credential as ScramCredential;
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${g.withoutProof}`;
    const proof = Buffer.from(g.proof, 'base64');
    const clientSignature = hmac(this.mechanism, cred.storedKey, authMessage);
    if (proof.length !== clientSignature.length) throw new SaslFailure('Invalid client credentials');
    const computedStoredKey = hash(this.mechanism, xor(proof, clientSignature));
    if (!crypto.timingSafeEqual(computedStoredKey, cred.storedKey)) throw new SaslFailure('Invalid client credentials');
    const serverSignature = hmac(this.mechanism, cred.serverKey, authMessage);
    this.credential = undefined;
    this.state = 'complete';
    return Buffer.from(`v=${serverSignature.toString('base64')}`, 'utf8');
  }
}
