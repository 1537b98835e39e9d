// DescribeClientQuotas v0-1: the entities with quotas that match a filter, as Kafka 4.4's
// ClientQuotasImage.describe selects them. Each component names an entity type and how to match
// it: 0 EXACT (the named entity), 1 DEFAULT (the type's default entity), 2 SPECIFIED (any
// entity of the type); an entity matches when it matches every component, and with strict when
// it also has no other types. A bad filter fails the whole request (entries null) with Kafka's
// message: INVALID_REQUEST for an empty type, a type given twice, a match string where the match
// type takes none (or none where it takes one), an unknown match type, ip combined with user or
// client-id; UNSUPPORTED_VERSION for a type other than user, client-id and ip. Success carries
// the error message "" (Kafka's generated default). Entries come in the order the entities were
// first given quotas and values by key (Kafka: its hash maps' order).
import { DescribeClientQuotas } from '../../protocol/apis/describeClientQuotas.js';
import { code, type ErrorName } from '../../protocol/errors.js';
import { quotasOf, type QuotaEntity } from '../quotas.js';
import { handler } from './types.js';

class FilterError extends Error {
  constructor(
    readonly error: ErrorName,
    message: string,
  ) {
    super(message);
  }
}

const EXACT = 0, DEFAULT = 1, SPECIFIED = 2;

interface Filter {
  /** type -> the name it must have (null: the default entity) */
  exact: Map<string, string | null>;
  /** types the entity must have, any name */
  any: Set<string>;
  strict: boolean;
}

function filterOf(components: readonly { entityType: string; matchType: number; match: string | null }[], strict: boolean): Filter {
  const exact = new Map<string, string | null>();
  const any = new Set<string>();
  const invalid = (message: string) => new FilterError('INVALID_REQUEST', message);
  for (const c of components) {
    const type = c.entityType;
    if (type === '') throw invalid('Invalid empty entity type.');
    if (exact.has(type) || any.has(type)) throw invalid(`Entity type ${type} cannot appear more than once in the filter.`);
    if (type !== 'ip' && type !== 'user' && type !== 'client-id') throw new FilterError('UNSUPPORTED_VERSION', `Unsupported entity type ${type}`);
    if (c.matchType === EXACT) {
      if (c.match === null) throw invalid('Request specified MATCH_TYPE_EXACT, but set match string to null.');
      exact.set(type, c.match);
    } else if (c.matchType === DEFAULT) {
      if (c.match !== null) throw invalid('Request specified MATCH_TYPE_DEFAULT, but also specified a match string.');
      exact.set(type, null);
    } else if (c.matchType === SPECIFIED) {
      if (c.match !== null) throw invalid('Request specified MATCH_TYPE_SPECIFIED, but also specified a match string.');
      any.add(type);
    } else {
      throw invalid(`Unknown match type ${c.matchType}`);
    }
  }
  const has = (t: string) => exact.has(t) || any.has(t);
  if (has('ip') && (has('user') || has('client-id'))) {
    throw invalid('Invalid entity filter component combination. IP filter component should not be used with user or clientId filter component.');
  }
  return { exact, any, strict };
}

function matches(entity: QuotaEntity, f: Filter): boolean {
  const names = new Map(entity);
  if (f.strict && names.size !== f.exact.size + f.any.size) return false;
  for (const [type, name] of f.exact) if (!names.has(type) || names.get(type) !== name) return false;
  for (const type of f.any) if (!names.has(type)) return false;
  return true;
}

export default handler(DescribeClientQuotas, (req, ctx) => {
  let filter: Filter;
  try {
    filter = filterOf(req.components, req.strict);
  } catch (err) {
    if (!(err instanceof FilterError)) throw err;
    return { throttleTimeMs: 0, errorCode: code(err.error), errorMessage: err.message, entries: null };
  }
  const entries = quotasOf(ctx.broker.store)
    .list()
    .filter((e) => matches(e.entity, filter))
    .map((e) => ({
      entity: e.entity.map(([entityType, entityName]) => ({ entityType, entityName })),
      values: [...e.values].map(([key, value]) => ({ key, value })),
    }));
  return { throttleTimeMs: 0, errorCode: 0, errorMessage: '', entries };
});
