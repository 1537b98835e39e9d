// kafka-configs' client quotas (--entity-type users|clients|ips): which entities the flags
// name, the checks Apache 4.4's ConfigCommand makes before it asks the broker, and the lines
// it prints. Pure functions; the requests are in src/client/quotas.ts.
//
// Apache prints entities and quota values in the iteration order of Java HashMaps (the admin
// client's DescribeClientQuotas result), so byte-for-byte output needs that order: javaHashOrder
// reproduces it from Java's String.hashCode and HashMap's bucket layout.

import { UsageError } from '../errors.js';

/** An entity type as kafka-configs spells it. */
export type QuotaEntityType = 'users' | 'clients' | 'ips';

/** One component of an entity: a name, '' for the type's default entity, null for any (describe only). */
export interface QuotaComponent {
  type: QuotaEntityType;
  name: string | null;
}

/** A described entity: the wire's entity type (user, client-id, ip) to name (null: default). */
export interface QuotaEntry {
  entity: Array<{ entityType: string; entityName: string | null }>;
  values: Array<{ key: string; value: number }>;
}

/** The wire name of an entity type (Kafka's ClientQuotaEntity constants). */
export const WIRE_TYPE: Record<QuotaEntityType, string> = { users: 'user', clients: 'client-id', ips: 'ip' };

/** QuotaConfig.isClientOrUserQuotaConfig. */
export const CLIENT_QUOTA_CONFIGS = ['producer_byte_rate', 'consumer_byte_rate', 'request_percentage', 'controller_mutation_rate'];
/** DynamicConfig.Ip.names. */
export const IP_QUOTA_CONFIGS = ['connection_creation_rate'];

export function isQuotaEntityType(t: string): t is QuotaEntityType {
  return t === 'users' || t === 'clients' || t === 'ips';
}

// ---------------------------------------------------------------------------------------
// Java's orders and numbers

/** Java's String.hashCode (UTF-16 code units, int32 arithmetic). */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** The power of two Java's HashMap.tableSizeFor gives. */
function tableSizeFor(n: number): number {
  let c = 1;
  while (c < n) c *= 2;
  return c;
}

/**
 * The order a java.util.HashMap built with `initialCapacity` (a table of tableSizeFor of it,
 * grown past 0.75 full) iterates keys with these hashes, inserted in the given order: by bucket
 * (spread hash & (capacity - 1)), then by insertion within a bucket.
 */
export function javaHashOrder<T>(items: readonly T[], hash: (t: T) => number, initialCapacity = 16): T[] {
  let cap = tableSizeFor(Math.max(initialCapacity, 1));
  while (items.length > Math.floor(cap * 0.75)) cap *= 2;
  const bucket = (t: T) => {
    const h = hash(t);
    return (h ^ (h >>> 16)) & (cap - 1);
  };
  return items.map((t, i) => ({ t, i, b: bucket(t) })).sort((x, y) => x.b - y.b || x.i - y.i).map((x) => x.t);
}

/** The capacity `new HashSet<>(collection)` starts with. */
export function hashSetCapacity(size: number): number {
  return Math.max(Math.floor(size / 0.75) + 1, 16);
}

/** Java's Double.toString: `1024.0`, `12.5`, `1.048576E7`, `1.0E-4`. */
export function javaDouble(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (!Number.isFinite(d)) return d > 0 ? 'Infinity' : '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(d);
  const sign = d < 0 ? '-' : '';
  if (abs >= 1e-3 && abs < 1e7) {
    const s = abs.toString();
    // toString of numbers in this range is plain decimal, never exponential
    return sign + (s.includes('.') ? s : `${s}.0`);
  }
  const [mant, exp] = abs.toExponential().split('e');
  return `${sign}${mant.includes('.') ? mant : `${mant}.0`}E${Number(exp)}`;
}

// ---------------------------------------------------------------------------------------
// The entities the flags name

/** kafka-configs' entity flags in the order Apache reads them. */
export interface QuotaFlags {
  /** --entity-type values, in order */
  types: string[];
  /** --entity-name values and --entity-default ('') in command-line order */
  names: string[];
  /** the shorthands given: --client/--user/--ip X, --client-defaults/--user-defaults/--ip-defaults */
  client?: string;
  user?: string;
  ip?: string;
  clientDefaults?: boolean;
  userDefaults?: boolean;
  ipDefaults?: boolean;
  alter: boolean;
}

/** Java's InetAddress-free check of DynamicConfig.Ip.isValidIpEntity for literal addresses and host names. */
export function isValidIpEntity(ip: string): boolean {
  if (/^(\d{1,3})(\.\d{1,3}){3}$/.test(ip)) return ip.split('.').every((p) => Number(p) <= 255);
  if (ip.includes(':')) return /^[0-9a-fA-F:.]+$/.test(ip);
  return false;
}

/**
 * The entity types and names (ConfigCommandOptions.entityTypes/entityNames) with
 * ConfigCommand.checkArgs' quota rules and messages; null when the flags name no quota entity.
 */
export function quotaEntity(f: QuotaFlags): { types: QuotaEntityType[]; names: string[] } | null {
  const shortTypes: string[] = [];
  const shortNames: string[] = [];
  for (const [v, t] of [[f.client, 'clients'], [f.user, 'users'], [f.ip, 'ips']] as const) {
    if (v !== undefined) {
      shortTypes.push(t);
      shortNames.push(v);
    }
  }
  for (const [v, t] of [[f.clientDefaults, 'clients'], [f.userDefaults, 'users'], [f.ipDefaults, 'ips']] as const) {
    if (v) {
      shortTypes.push(t);
      shortNames.push('');
    }
  }
  const types = [...f.types, ...shortTypes];
  if (!types.some(isQuotaEntityType)) return null;
  const names = [...f.names, ...shortNames];
  const dup = types.filter((t, i) => types.indexOf(t) !== i);
  if (dup.length) throw new UsageError(`Duplicate entity type(s) specified: ${[...new Set(dup)].join(',')}`);
  const bad = types.find((t) => !isQuotaEntityType(t) && !['topics', 'brokers', 'broker-loggers', 'client-metrics', 'groups'].includes(t));
  if (bad !== undefined) {
    throw new UsageError(`Invalid entity type ${bad}, the entity type must be one of broker-loggers, topics, clients, users, brokers, ips, client-metrics, groups with a --bootstrap-server or --bootstrap-controller argument`);
  }
  if (types.length > 1 && !(types.length === 2 && types.includes('users') && types.includes('clients'))) {
    throw new UsageError("Only 'users' and 'clients' entity types may be specified together");
  }
  if ((f.types.length || f.names.length) && shortTypes.length) {
    throw new UsageError('--entity-{type,name,default} should not be used in conjunction with specific entity flags');
  }
  if (types[0] === 'ips') {
    for (const n of names) if (n !== '' && !isValidIpEntity(n)) throw new UsageError(`The entity name for ips must be a valid IP or resolvable host, but it is: ${n}`);
  }
  if (f.alter) {
    if (names.length === 0) throw new UsageError('An entity-name or default entity must be specified with --alter of users, clients, brokers or ips');
    if (types.length !== names.length) throw new UsageError('An entity name must be specified for every entity type');
  }
  if (names.length > types.length) throw new UsageError('More entity names specified than entity types');
  return { types: types as QuotaEntityType[], names };
}

/** The filter components of DescribeClientQuotas (getAllClientQuotasConfigs): 0 exact, 1 default, 2 any. */
export function quotaFilter(types: QuotaEntityType[], names: string[]): Array<{ entityType: string; matchType: number; match: string | null }> {
  return types.map((t, i) => {
    const n = names[i];
    if (n === undefined) return { entityType: WIRE_TYPE[t], matchType: 2, match: null };
    if (n === '') return { entityType: WIRE_TYPE[t], matchType: 1, match: null };
    return { entityType: WIRE_TYPE[t], matchType: 0, match: n };
  });
}

// ---------------------------------------------------------------------------------------
// --alter

/**
 * ConfigCommand.alterConfig's checks of the names to add and delete for a quota entity
 * (SCRAM credentials are not quota configs: kt refuses them here).
 */
export function checkQuotaAlter(types: QuotaEntityType[], names: string[], add: Record<string, string>, del: string[]): void {
  const addKeys = Object.keys(add);
  const addOrder = javaHashOrder(addKeys, javaStringHash);
  const isScram = (k: string) => k === 'SCRAM-SHA-256' || k === 'SCRAM-SHA-512';
  if (types[0] === 'ips') {
    const unknown = [...addOrder, ...del].filter((k) => !IP_QUOTA_CONFIGS.includes(k));
    if (unknown.length) throw new UsageError(`Only connection quota configs can be added for 'ips' using --bootstrap-server. Unexpected config names: ${unknown.join(', ')}`);
  } else {
    const unknownOf = (keys: string[], scramToo: boolean) => {
      const bad = keys.filter((k) => !CLIENT_QUOTA_CONFIGS.includes(k) && (scramToo || !isScram(k)));
      return javaHashOrder([...new Set(bad)], javaStringHash, hashSetCapacity(bad.length));
    };
    const clientRules = types[0] === 'clients' || types.length === 2;
    const unknownAdd = unknownOf(addKeys, clientRules);
    const unknownDel = unknownOf(del, clientRules);
    if (clientRules) {
      if (unknownAdd.length) throw new UsageError(`Only quota configs can be added for 'clients' using --bootstrap-server. Unexpected config names: ${unknownAdd.join(',')}`);
      if (unknownDel.length) throw new UsageError(`Only quota configs can be deleted for 'clients' using --bootstrap-server. Unexpected config names: ${unknownDel.join(',')}`);
    } else {
      if (unknownAdd.length) throw new UsageError(`Only quota and SCRAM credential configs can be added for 'users' using --bootstrap-server. Unexpected config names: ${unknownAdd.join(',')}`);
      if (unknownDel.length) throw new UsageError(`Only quota and SCRAM credential configs can be deleted for 'users' using --bootstrap-server. Unexpected config names: ${unknownDel.join(',')}`);
      if ([...addKeys, ...del].some(isScram)) {
        if (names.includes('')) throw new UsageError('The use of --entity-default or --user-defaults is not allowed with User SCRAM Credentials using --bootstrap-server.');
        if ([...addKeys, ...del].some((k) => CLIENT_QUOTA_CONFIGS.includes(k))) {
          throw new UsageError("Cannot alter both quota and SCRAM credential configs simultaneously for 'users' using --bootstrap-server.");
        }
        throw new UsageError('kt configs does not alter SCRAM credentials', 'use kafka-configs, or kt local start --user NAME:PASSWORD for the bundled broker');
      }
    }
  }
}

/**
 * The operations of AlterClientQuotas (values parsed as Java doubles; null removes), after the
 * deleted names were checked against the entity's current quotas.
 */
export function quotaOps(add: Record<string, string>, del: string[]): Array<{ key: string; value: number | null }> {
  const ops: Array<{ key: string; value: number | null }> = [];
  for (const k of javaHashOrder(Object.keys(add), javaStringHash)) {
    const v = add[k];
    const d = parseJavaDouble(v);
    if (d === null) throw new UsageError(`Cannot parse quota configuration value for ${k}: ${v}`);
    ops.push({ key: k, value: d });
  }
  for (const k of del) ops.push({ key: k, value: null });
  return ops;
}

/** Java's Double.parseDouble (trimmed; decimal and exponent forms, NaN, Infinity, a trailing d/f), or null. */
export function parseJavaDouble(v: string): number | null {
  const s = v.trim();
  if (/^[+-]?(NaN|Infinity)$/.test(s)) return Number(s.replace(/^\+/, ''));
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?$/.test(s)) return null;
  return Number(s.replace(/[dDfF]$/, ''));
}

/** The line after a successful --alter. */
export function quotaAlteredText(types: QuotaEntityType[], names: string[]): string {
  const type = types[0];
  return names[0] === '' ? `Completed updating default config for ${type} in the cluster.` : `Completed updating config for ${type.slice(0, -1)} ${names[0]}.`;
}

// ---------------------------------------------------------------------------------------
// --describe

/** The hash code Java gives a ClientQuotaEntity (Objects.hash of its HashMap of type to name). */
export function quotaEntityHash(entity: QuotaEntry['entity']): number {
  let sum = 0;
  for (const e of entity) sum = (sum + (javaStringHash(e.entityType) ^ (e.entityName === null ? 0 : javaStringHash(e.entityName)))) | 0;
  return (31 + sum) | 0;
}

/** One `Quota configs for … are …` line per entity, in the order kafka-configs prints them. */
export function quotaDescribeLines(entries: QuotaEntry[]): string[] {
  const label: Record<string, string> = { user: 'user-principal', 'client-id': 'client-id', ip: 'ip' };
  return javaHashOrder(entries, (e) => quotaEntityHash(e.entity), entries.length).map((e) => {
    const parts: string[] = [];
    for (const t of ['user', 'client-id', 'ip']) {
      const c = e.entity.find((x) => x.entityType === t);
      if (c) parts.push(c.entityName === null ? `the default ${label[t]}` : `${label[t]} '${c.entityName}'`);
    }
    const values = javaHashOrder(e.values, (v) => javaStringHash(v.key), e.values.length).map((v) => `${v.key}=${javaDouble(v.value)}`);
    return `Quota configs for ${parts.join(', ')} are ${values.join(', ')}`;
  });
}

/** ScramMechanism names by wire type. */
const MECHANISMS: Record<number, string> = { 1: 'SCRAM-SHA-256', 2: 'SCRAM-SHA-512' };

/** The SCRAM line kafka-configs adds for a user when describing users. */
export function scramDescribeLine(user: string, infos: Array<{ mechanism: number; iterations: number }>): string {
  return `SCRAM credential configs for user-principal '${user}' are ${infos.map((i) => `${MECHANISMS[i.mechanism] ?? 'UNKNOWN'}=iterations=${i.iterations}`).join(', ')}`;
}
