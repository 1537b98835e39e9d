// AlterUserScramCredentials v0: deletes and upserts SCRAM credentials, one result per user,
// as Kafka's ScramControlManager.alterCredentials decides them:
//   - a user named twice in one request (two deletions, a deletion and an upsertion, ...):
//     DUPLICATE_RESOURCE "A user credential cannot be altered twice in the same request"
//   - an empty name: UNACCEPTABLE_CREDENTIAL "Username must not be empty"
//   - a mechanism other than 1 (SCRAM-SHA-256) or 2 (SCRAM-SHA-512): UNSUPPORTED_SASL_MECHANISM
//   - iterations outside 4096..16384: UNACCEPTABLE_CREDENTIAL "Too few/many iterations"
//   - deleting a credential that does not exist: RESOURCE_NOT_FOUND
// Results: successful deletions, then successful upsertions, then the failures. The successful
// changes are applied together and the credentials file saved once (credentials.ts) before the
// answer; a SASL listener authenticates with the new credentials from the next handshake on.
import { AlterUserScramCredentials } from '../../protocol/apis/alterUserScramCredentials.js';
import { code, type ErrorName } from '../../protocol/errors.js';
import { credentialFromSaltedPassword, MAX_ITERATIONS, MIN_ITERATIONS, type ScramMechanism } from '../auth/scram.js';
import { handler } from './types.js';

/** Kafka's ScramMechanism types by index: 0 UNKNOWN, 1 SCRAM-SHA-256, 2 SCRAM-SHA-512. */
export const SCRAM_MECHANISM_TYPES: readonly (ScramMechanism | 'UNKNOWN')[] = ['UNKNOWN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];

function mechanismOf(type: number): ScramMechanism | null {
  return type === 1 || type === 2 ? (SCRAM_MECHANISM_TYPES[type] as ScramMechanism) : null;
}

interface Failure {
  error: ErrorName;
  message: string;
}

function validate(name: string, type: number): Failure | null {
  if (name === '') return { error: 'UNACCEPTABLE_CREDENTIAL', message: 'Username must not be empty' };
  if (!mechanismOf(type)) return { error: 'UNSUPPORTED_SASL_MECHANISM', message: 'Unknown SCRAM mechanism' };
  return null;
}

const TWICE: Failure = { error: 'DUPLICATE_RESOURCE', message: 'A user credential cannot be altered twice in the same request' };

export default handler(AlterUserScramCredentials, (req, ctx) => {
  const { credentials, credentialsFile } = ctx.broker;
  const deletions = new Map<string, ScramMechanism>();
  const upsertions = new Map<string, (typeof req.upsertions)[number]>();
  const failures = new Map<string, Failure>();
  for (const d of req.deletions) {
    if (failures.has(d.name)) continue;
    if (deletions.delete(d.name)) {
      failures.set(d.name, TWICE);
      continue;
    }
    const bad = validate(d.name, d.mechanism);
    const mech = mechanismOf(d.mechanism)!;
    if (bad) failures.set(d.name, bad);
    else if (!credentials.get(d.name, mech)) failures.set(d.name, { error: 'RESOURCE_NOT_FOUND', message: 'Attempt to delete a user credential that does not exist' });
    else deletions.set(d.name, mech);
  }
  for (const u of req.upsertions) {
    if (failures.has(u.name)) continue;
    if (deletions.delete(u.name) || upsertions.delete(u.name)) {
      failures.set(u.name, TWICE);
      continue;
    }
    const bad =
      validate(u.name, u.mechanism) ??
      (u.iterations < MIN_ITERATIONS
        ? { error: 'UNACCEPTABLE_CREDENTIAL' as const, message: 'Too few iterations' }
        : u.iterations > MAX_ITERATIONS
          ? { error: 'UNACCEPTABLE_CREDENTIAL' as const, message: 'Too many iterations' }
          : null);
    if (bad) failures.set(u.name, bad);
    else upsertions.set(u.name, u);
  }
  for (const [name, mech] of deletions) credentials.deleteCredential(name, mech);
  for (const [name, u] of upsertions) {
    const mech = mechanismOf(u.mechanism)!;
    credentials.set(name, mech, credentialFromSaltedPassword(mech, Buffer.from(u.salt ?? []), Buffer.from(u.saltedPassword ?? []), u.iterations));
  }
  if (credentialsFile && deletions.size + upsertions.size > 0) credentials.save(credentialsFile);
  const ok = (user: string) => ({ user, errorCode: 0, errorMessage: null });
  return {
    throttleTimeMs: 0,
    results: [
      ...[...deletions.keys()].map(ok),
      ...[...upsertions.keys()].map(ok),
      ...[...failures].map(([user, f]) => ({ user, errorCode: code(f.error), errorMessage: f.message })),
    ],
  };
});
