// AlterClientQuotas v0-1: sets and removes client quotas, one result per entity, as Kafka 4.4's
// ClientQuotaControlManager decides them (all INVALID_REQUEST, with Kafka's messages):
//   - an entity with no types, a type other than user, client-id or ip, an empty name
//   - ip together with user or client-id; an ip name that is neither an address nor resolvable
//   - a key the entity's types do not have (user/client-id: producer_byte_rate,
//     consumer_byte_rate, request_percentage, controller_mutation_rate; ip:
//     connection_creation_rate), a value not above 0, a fraction or too large a value for an
//     integral quota (the byte rates are LONGs, connection_creation_rate an INT)
//   - an entity named twice in a request ("Ignoring duplicate entity"; its first entry's
//     changes are kept), a key twice in one entry (the same answer: Kafka's second check
//     overwrites its first)
// Removing a key the entity does not have is not checked and changes nothing. A type given
// twice in one entity counts once (its last name), as Kafka reads the entity into a map. The
// changes of every valid entry are applied and saved together before the answer, unless
// validateOnly. Results come in request order (Kafka: its hash map's order).
import dns from 'node:dns/promises';
import net from 'node:net';
import { AlterClientQuotas } from '../../protocol/apis/alterClientQuotas.js';
import { code } from '../../protocol/errors.js';
import { entityKey, javaHashMapOrder, quotasOf, type QuotaChange, type QuotaEntity } from '../quotas.js';
import { handler } from './types.js';

const USER_AND_CLIENT_KEYS: ReadonlyMap<string, 'LONG' | 'DOUBLE'> = new Map([
  ['producer_byte_rate', 'LONG'],
  ['consumer_byte_rate', 'LONG'],
  ['request_percentage', 'DOUBLE'],
  ['controller_mutation_rate', 'DOUBLE'],
]);
const IP_KEYS: ReadonlyMap<string, 'INT'> = new Map([['connection_creation_rate', 'INT']]);

/** Kafka's ClientQuotaEntity.toString: `ClientQuotaEntity(entries={user=a, client-id=null})`. */
export function entityString(entity: QuotaEntity): string {
  return `ClientQuotaEntity(entries={${entity.map(([t, n]) => `${t}=${n}`).join(', ')}})`;
}

/** The entity Kafka reads from a request's list: a map (the last name of a type wins), in its order. */
export function entityOf(list: readonly { entityType: string; entityName: string | null }[]): QuotaEntity {
  const names = new Map<string, string | null>();
  for (const e of list) names.set(e.entityType, e.entityName);
  return javaHashMapOrder(list.map((e) => e.entityType), list.length).map((t) => [t, names.get(t)!] as const);
}

async function resolvable(host: string): Promise<boolean> {
  if (net.isIP(host)) return true;
  try {
    await dns.lookup(host);
    return true;
  } catch {
    return false;
  }
}

/** Why the entity cannot have quotas (null: it can), and the keys it can have. */
async function checkEntity(entity: QuotaEntity): Promise<{ error: string } | { keys: ReadonlyMap<string, string> }> {
  if (entity.length === 0) return { error: 'Invalid empty client quota entity' };
  for (const [type, name] of entity) {
    if (type !== 'user' && type !== 'client-id' && type !== 'ip') return { error: `Unhandled client quota entity type: ${type}` };
    if (name === '') return { error: `Empty ${type} not supported` };
  }
  const ip = entity.find(([t]) => t === 'ip');
  if (!ip) return { keys: USER_AND_CLIENT_KEYS };
  // Kafka's message, its missing space included
  if (entity.length > 1) return { error: 'Invalid quota entity combination, IP entity shouldnot be combined with User or ClientId' };
  if (ip[1] !== null && !(await resolvable(ip[1]))) return { error: `${ip[1]} is not a valid IP or resolvable host.` };
  return { keys: IP_KEYS };
}

function checkValue(keys: ReadonlyMap<string, string>, key: string, value: number): string | null {
  const type = keys.get(key);
  if (type === undefined) return `Invalid configuration key ${key}`;
  if (value <= 0) return `Quota ${key} must be greater than 0`;
  if (type === 'DOUBLE') return null;
  if (type === 'INT' && value > 2147483647) return `Proposed value for ${key} is too large for an INT.`;
  if (type === 'LONG' && value > 2 ** 63) return `Proposed value for ${key} is too large for a LONG.`;
  if (Math.abs(value % 1) > 1e-6) return `${key} cannot be a fractional value.`;
  return null;
}

export default handler(AlterClientQuotas, async (req, ctx) => {
  const quotas = quotasOf(ctx.broker.store);
  const results = new Map<string, { entity: QuotaEntity; error: string | null }>();
  const changes: QuotaChange[] = [];
  for (const entry of req.entries) {
    const entity = entityOf(entry.entity);
    const key = entityKey(entity);
    const ops = new Map<string, number | null>();
    for (const op of entry.ops) {
      if (ops.has(op.key)) results.set(key, { entity, error: `Duplicate quota key ${op.key} not updating quota for this entity ${entityString(entity)}` });
      else ops.set(op.key, op.remove ? null : op.value);
    }
    if (results.has(key)) {
      results.set(key, { entity, error: `Ignoring duplicate entity ${entityString(entity)}` });
      continue;
    }
    const checked = await checkEntity(entity);
    if ('error' in checked) {
      results.set(key, { entity, error: checked.error });
      continue;
    }
    const current = quotas.get(entity);
    const mine: QuotaChange[] = [];
    let error: string | null = null;
    for (const k of javaHashMapOrder([...ops.keys()], entry.ops.length)) {
      const value = ops.get(k)!;
      if (value === null) {
        if (current.has(k)) mine.push({ entity, key: k, value: null });
        continue;
      }
      error = checkValue(checked.keys, k, value);
      if (error) break;
      if (current.get(k) !== value) mine.push({ entity, key: k, value });
    }
    results.set(key, { entity, error });
    if (!error) changes.push(...mine);
  }
  if (!req.validateOnly) quotas.apply(changes);
  return {
    throttleTimeMs: 0,
    entries: [...results.values()].map((r) => ({
      errorCode: r.error === null ? 0 : code('INVALID_REQUEST'),
      errorMessage: r.error,
      entity: r.entity.map(([entityType, entityName]) => ({ entityType, entityName })),
    })),
  };
});
