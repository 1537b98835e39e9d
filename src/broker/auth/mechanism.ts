// What a SASL mechanism is on the server side (javax.security.sasl.SaslServer as Kafka uses
// it): tokens in, tokens out, until complete. Failures are SaslFailure:
//   toClient = true   Kafka's SaslAuthenticationException: its message goes to the client
//   toClient = false  Kafka's SaslException: the message stays in the broker log and the client
//                     gets "Authentication failed during authentication due to invalid
//                     credentials with SASL mechanism <M>" (it may tell whether a user exists)

export type SaslMechanismName = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
export const SASL_MECHANISMS: readonly SaslMechanismName[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];

export function isSaslMechanism(name: string): name is SaslMechanismName {
  return (SASL_MECHANISMS as readonly string[]).includes(name);
}

export interface SaslServer {
  readonly mechanism: SaslMechanismName;
  /** Set once the client named itself (for log lines; never a secret). */
  readonly username: string | undefined;
  readonly complete: boolean;
  /** The response to one client token; throws SaslFailure. */
  evaluate(token: Buffer): Promise<Buffer>;
}

export class SaslFailure extends Error {
  constructor(
    message: string,
    readonly toClient = false,
  ) {
    super(message);
    this.name = 'SaslFailure';
  }
}

/** The message Kafka's SaslServerAuthenticator sends for a SaslException. */
export function invalidCredentialsMessage(mechanism: SaslMechanismName): string {
  return `Authentication failed during authentication due to invalid credentials with SASL mechanism ${mechanism}`;
}
