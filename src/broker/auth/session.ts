// The SASL state of one connection on a SASL_PLAINTEXT / SASL_SSL listener, after Kafka's
// SaslServerAuthenticator. The connection (connection.ts) feeds it every frame until the
// state is COMPLETE; from then on requests go to the handlers as on any listener.
//
//   HANDSHAKE_OR_VERSIONS_REQUEST   first request
//     ApiVersions          answered by the ApiVersions handler → HANDSHAKE_REQUEST
//                          (an unsupported version is answered with error 35; state unchanged)
//     SaslHandshake        see below
//     anything else        closed without a response ("Unexpected Kafka request of type X
//                          during SASL handshake."); a frame that is not a Kafka request at
//                          all is closed too (Kafka would try GSSAPI, which is not offered)
//   HANDSHAKE_REQUEST       after ApiVersions
//     SaslHandshake v0/v1  mechanism enabled → error 0 + enabled list → AUTHENTICATE
//                          otherwise → UNSUPPORTED_SASL_MECHANISM (33) + enabled list, close
//     anything else        closed without a response (a second ApiVersions too)
//   AUTHENTICATE
//     after Handshake v1:  SaslAuthenticate requests carry the tokens. Success → error 0,
//                          the server token, sessionLifetimeMs 0 (no KIP-368 re-authentication);
//                          when the mechanism completes → COMPLETE. Failure →
//                          SASL_AUTHENTICATION_FAILED (58) with Kafka's message, then close.
//                          Any other request → its error response with ILLEGAL_SASL_STATE (34)
//                          where this broker can build one (ApiVersions, SaslHandshake), then
//                          close (other requests: closed without a response).
//     after Handshake v0:  the legacy framing kafka-python uses: each frame is a raw SASL token
//                          (size-prefixed, no request header), each answer a raw size-prefixed
//                          token (PLAIN answers an empty one: 4 zero bytes). Failure → close,
//                          no response (nothing in this framing can carry an error).
//   COMPLETE                normal dispatch; SaslHandshake/SaslAuthenticate now get
//                          ILLEGAL_SASL_STATE from their handlers (as Kafka's KafkaApis).
//   FAILED                  the connection is closing.
//
// Failures are answered after Kafka's connection.failed.authentication.delay.ms (100 ms).
// A connection that has not reached COMPLETE within the broker's authenticationTimeoutMs is
// closed (connection.ts), whatever state it is in; until then, at max.connections it is the
// first to make room for a new connection.

import type { CredentialStore } from './credentials.js';
import { invalidCredentialsMessage, SaslFailure, type SaslMechanismName, type SaslServer } from './mechanism.js';
import { PlainServer } from './plain.js';
import { ScramServer } from './scram.js';

export type SaslState = 'HANDSHAKE_OR_VERSIONS_REQUEST' | 'HANDSHAKE_REQUEST' | 'AUTHENTICATE' | 'COMPLETE' | 'FAILED';

/** What a SASL listener needs: the enabled mechanisms and the credentials they check. */
export interface SaslConfig {
  mechanisms: SaslMechanismName[];
  credentials: CredentialStore;
  /** Where `credentials` are saved (none for a memory broker). */
  credentialsFile?: string;
  /** Kafka's connection.failed.authentication.delay.ms (default 100). */
  failedAuthenticationDelayMs: number;
}

export const SASL_HANDSHAKE_KEY = 17;
export const SASL_AUTHENTICATE_KEY = 36;
export const API_VERSIONS_KEY = 18;

/** Kafka's sasl.server.max.receive.size: the largest frame before authentication. */
export const SASL_MAX_RECEIVE_SIZE = 524288;

export interface HandshakeResult {
  response: { errorCode: number; mechanisms: string[] };
  /** Set when the connection must close after the response (unsupported mechanism). */
  failure?: string;
}

export interface AuthenticateResult {
  response: { errorCode: number; errorMessage: string | null; authBytes: Buffer; sessionLifetimeMs: number };
  failure?: string;
}

export interface TokenResult {
  token?: Buffer;
  failure?: string;
}

const ERR = { NONE: 0, UNSUPPORTED_SASL_MECHANISM: 33, ILLEGAL_SASL_STATE: 34, SASL_AUTHENTICATION_FAILED: 58 };

/** Kafka's ApiKeys names in messages: Metadata → METADATA, SaslHandshake → SASL_HANDSHAKE. */
export function kafkaApiName(camel: string): string {
  return camel.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

export class SaslSession {
  state: SaslState = 'HANDSHAKE_OR_VERSIONS_REQUEST';
  /** SaslHandshake v0: the tokens that follow are raw frames. */
  legacy = false;
  private server: SaslServer | undefined;
  /** The authenticated user (Kafka's principal User:<name>). */
  principal: string | undefined;

  constructor(private readonly config: SaslConfig) {}

  get complete(): boolean {
    return this.state === 'COMPLETE';
  }

  get mechanism(): SaslMechanismName | undefined {
    return this.server?.mechanism;
  }

  get username(): string | undefined {
    return this.server?.username;
  }

  /** The next frame is a raw SASL token (after SaslHandshake v0), not a Kafka request. */
  get expectsRawToken(): boolean {
    return this.state === 'AUTHENTICATE' && this.legacy;
  }

  /**
   * Whether a request with this API key may be handled now. `null`: go ahead (ApiVersions to
   * its handler, SaslHandshake to handshake(), SaslAuthenticate to authenticate()). Otherwise the
   * reason to close, and whether Kafka answers it with an ILLEGAL_SASL_STATE error first.
   */
  admit(apiKey: number, apiName: string): { reason: string; errorResponse: boolean } | null {
    const type = kafkaApiName(apiName);
    switch (this.state) {
      case 'HANDSHAKE_OR_VERSIONS_REQUEST':
        if (apiKey === API_VERSIONS_KEY || apiKey === SASL_HANDSHAKE_KEY) return null;
        return { reason: `Unexpected Kafka request of type ${type} during SASL handshake.`, errorResponse: false };
      case 'HANDSHAKE_REQUEST':
        if (apiKey === SASL_HANDSHAKE_KEY) return null;
        if (apiKey === API_VERSIONS_KEY) return { reason: `Unexpected ApiVersions request received during SASL authentication state ${this.state}`, errorResponse: false };
        return { reason: `Unexpected Kafka request of type ${type} during SASL handshake.`, errorResponse: false };
      case 'AUTHENTICATE':
        if (apiKey === SASL_AUTHENTICATE_KEY) return null;
        this.state = 'FAILED';
        return { reason: `Unexpected Kafka request of type ${type} during SASL authentication.`, errorResponse: true };
      default:
        return { reason: `request in SASL state ${this.state}`, errorResponse: false };
    }
  }

  /** ApiVersions was answered. */
  versionsAnswered(): void {
    if (this.state === 'HANDSHAKE_OR_VERSIONS_REQUEST') this.state = 'HANDSHAKE_REQUEST';
  }

  handshake(mechanism: string, version: number): HandshakeResult {
    const enabled = [...this.config.mechanisms];
    this.legacy = version === 0;
    const m = enabled.find((e) => e === mechanism);
    if (!m) {
      this.state = 'FAILED';
      return {
        response: { errorCode: ERR.UNSUPPORTED_SASL_MECHANISM, mechanisms: enabled },
        failure: `Unsupported SASL mechanism ${mechanism} (enabled: ${enabled.join(', ')})`,
      };
    }
    const lookup = (user: string, mech: 'SCRAM-SHA-256' | 'SCRAM-SHA-512') => this.config.credentials.get(user, mech);
    this.server = m === 'PLAIN' ? new PlainServer(lookup) : new ScramServer(m, lookup);
    this.state = 'AUTHENTICATE';
    return { response: { errorCode: ERR.NONE, mechanisms: enabled } };
  }

  /** One SaslAuthenticate request (after SaslHandshake v1). */
  async authenticate(authBytes: Buffer): Promise<AuthenticateResult> {
    const server = this.server as SaslServer;
    try {
      const token = await server.evaluate(authBytes);
      if (server.complete) this.succeed();
      return { response: { errorCode: ERR.NONE, errorMessage: null, authBytes: token, sessionLifetimeMs: 0 } };
    } catch (err) {
      const { client, log } = this.fail(err);
      return { response: { errorCode: ERR.SASL_AUTHENTICATION_FAILED, errorMessage: client, authBytes: Buffer.alloc(0), sessionLifetimeMs: 0 }, failure: log };
    }
  }

  /** One raw token (after SaslHandshake v0). */
  async rawToken(token: Buffer): Promise<TokenResult> {
    const server = this.server as SaslServer;
    try {
      const out = await server.evaluate(token);
      if (server.complete) this.succeed();
      return { token: out };
    } catch (err) {
      return { failure: this.fail(err).log };
    }
  }

  private succeed(): void {
    this.state = 'COMPLETE';
    this.principal = this.server?.username;
  }

  /** The message for the client and the line for the broker log (user named, no secret). */
  private fail(err: unknown): { client: string; log: string } {
    this.state = 'FAILED';
    const mech = this.server?.mechanism ?? 'PLAIN';
    const user = this.server?.username;
    const who = user === undefined ? '' : ` for user ${JSON.stringify(user)}`;
    if (err instanceof SaslFailure) {
      const client = err.toClient ? err.message : invalidCredentialsMessage(mech);
      return { client, log: `Failed authentication${who} with SASL mechanism ${mech} (${err.message})` };
    }
    return { client: invalidCredentialsMessage(mech), log: `Failed authentication${who} with SASL mechanism ${mech} (${(err as Error)?.message ?? String(err)})` };
  }
}

export const SASL_ERRORS = ERR;
