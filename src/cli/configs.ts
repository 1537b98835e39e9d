// The work of kt configs (kafka-configs) shared by `kt configs describe|alter` and the
// kafka-configs style `kt configs --describe|--alter`: the entity flags, then flags → a
// client call → printed result. Heavy modules load inside the functions.

import { Flags } from '@oclif/core';
import type { Connection } from './base.js';
import { KtError, UsageError, registerSecret } from './errors.js';
import { out } from './output.js';
import type { EntityFlags } from '../format/cluster.js';
import type { ResourceConfigs } from '../client/clusterModel.js';

export const entityFlags = {
  topic: Flags.string({ char: 't', summary: 'The topic.', helpValue: 'TOPIC' }),
  broker: Flags.string({ summary: 'The broker id.', helpValue: 'ID' }),
  'broker-defaults': Flags.boolean({ summary: 'The cluster-wide broker defaults.' }),
  'entity-type': Flags.string({ summary: 'kafka-configs style: topics or brokers.', helpValue: 'TYPE' }),
  'entity-name': Flags.string({ summary: 'kafka-configs style: the topic name or broker id.', helpValue: 'NAME' }),
  'entity-default': Flags.boolean({ summary: 'kafka-configs style: the broker defaults.' }),
};

export interface DescribeResult {
  resources: ResourceConfigs[];
}

export interface AlterResult {
  type: 'topic' | 'broker';
  name: string;
  set: Record<string, string>;
  deleted: string[];
}

/** `kt configs describe` and `kt configs --describe`: resolve the entity, describe, print. */
export async function describeConfigsCommand(conn: Connection, entity: EntityFlags, o: { all?: boolean; apache?: boolean; json: boolean; log(l: string): void }): Promise<DescribeResult> {
  const fmt = await import('../format/cluster.js');
  const target = fmt.resolveEntity(entity);
  const [{ openKafka }, admin] = await Promise.all([import('../client/index.js'), import('../client/admin.js')]);
  const h = await openKafka(conn, { clientId: 'kt-admin' });
  const resources = await admin.withSession(h, async (s) => {
    let refs: Array<{ type: 'topic' | 'broker'; name: string }>;
    if (target.name !== null) refs = [{ type: target.type, name: target.name }];
    else if (target.type === 'topic') {
      const meta = await s.metadata(null);
      refs = meta.topics.filter((t) => t.errorCode === 0).map((t) => ({ type: 'topic' as const, name: t.name })).sort((a, b) => (a.name < b.name ? -1 : 1));
    } else {
      const meta = await s.metadata([]);
      refs = [...meta.brokers.map((b) => ({ type: 'broker' as const, name: String(b.nodeId) })).sort((a, b) => Number(a.name) - Number(b.name)), { type: 'broker' as const, name: '' }];
    }
    return admin.describeConfigs(s, refs, { all: o.all });
  });
  if (!o.json) {
    const text = o.apache ? fmt.configsApacheText(resources, Boolean(o.all)) : fmt.configsTable(resources, out().bold);
    if (text) o.log(text);
  }
  return { resources };
}

/** `kt configs alter` and `kt configs --alter`: parse the changes, alter, print. */
export async function alterConfigsCommand(
  conn: Connection,
  entity: EntityFlags,
  o: { add?: string[]; addFile?: string; del?: string[]; json: boolean; log(l: string): void },
): Promise<AlterResult> {
  const fmt = await import('../format/cluster.js');
  const target = fmt.resolveEntity(entity);
  if (target.name === null) throw new UsageError('--alter needs one entity', 'pass --topic T, --broker N, --broker-defaults or --entity-name X');
  const set: Record<string, string> = {};
  if (o.addFile !== undefined) {
    const { readPropertiesFile } = await import('./properties.js');
    Object.assign(set, readPropertiesFile(o.addFile));
  }
  for (const a of o.add ?? []) Object.assign(set, fmt.parseAddConfig(a));
  const del = fmt.parseDeleteConfig(o.del);
  if (Object.keys(set).length === 0 && del.length === 0) {
    throw new UsageError('nothing to alter', 'pass --add-config K=V, --add-config-file FILE or --delete-config K');
  }
  const both = del.filter((k) => k in set);
  if (both.length) throw new UsageError(`config ${both.join(',')} is both added and deleted`);
  const { isSecretProperty } = await import('./properties.js');
  for (const [k, v] of Object.entries(set)) if (isSecretProperty(k)) registerSecret(v);
  const [{ openKafka }, admin] = await Promise.all([import('../client/index.js'), import('../client/admin.js')]);
  const h = await openKafka(conn, { clientId: 'kt-admin' });
  const ref = { type: target.type, name: target.name };
  await admin.withSession(h, (s) => admin.alterConfigs(s, ref, { set, delete: del }));
  if (!o.json) {
    o.log(target.name === '' ? 'Completed updating default config for brokers in the cluster.' : `Completed updating config for ${target.type} ${target.name}.`);
  }
  const shown = Object.fromEntries(Object.entries(set).map(([k, v]) => [k, isSecretProperty(k) ? '***' : v]));
  return { type: target.type, name: target.name, set: shown, deleted: del };
}

// ---------------------------------------------------------------------------------------
// Client quotas: kafka-configs --entity-type users|clients|ips (only the kafka-configs style)

export interface QuotaResult {
  /** --describe: the entities and their quotas; type is the wire's entity type, name null = default */
  quotas?: Array<{ entity: Array<{ type: string; name: string | null }>; values: Record<string, number> }>;
  /** --alter: the entity, what was set and removed */
  entity?: Array<{ type: string; name: string | null }>;
  set?: Record<string, number>;
  deleted?: string[];
}

/** `kt configs --describe|--alter` of client quotas, printing what kafka-configs 4.4 prints. */
export async function quotaConfigsCommand(
  conn: Connection,
  q: { types: import('../format/quotas.js').QuotaEntityType[]; names: string[] },
  o: { alter: boolean; add?: string[]; addFile?: string; del?: string[]; json: boolean; log(l: string): void },
): Promise<QuotaResult> {
  const [fmt, qf] = await Promise.all([import('../format/cluster.js'), import('../format/quotas.js')]);
  let set: Record<string, string> = {};
  let del: string[] = [];
  if (o.alter) {
    if (o.add?.length && o.addFile !== undefined) throw new UsageError('Only one of --add-config or --add-config-file must be specified');
    if (!o.add?.length && o.addFile === undefined && !o.del?.length) throw new UsageError('At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter');
    if (o.addFile !== undefined) {
      const { readPropertiesFile } = await import('./properties.js');
      set = readPropertiesFile(o.addFile);
    }
    for (const a of o.add ?? []) Object.assign(set, fmt.parseAddConfig(a));
    del = (o.del ?? []).flatMap((d) => d.split(',')).map((k) => k.trim());
    qf.checkQuotaAlter(q.types, q.names, set, del);
  }
  const [{ openKafka }, admin, client] = await Promise.all([import('../client/index.js'), import('../client/admin.js'), import('../client/quotas.js')]);
  const h = await openKafka(conn, { clientId: 'kt-admin' });
  const filter = () => {
    if (q.names.length > q.types.length) throw new UsageError('More entity names specified than entity types');
    return qf.quotaFilter(q.types, q.names);
  };
  if (o.alter) {
    const entity = q.types.map((t, i) => ({ entityType: qf.WIRE_TYPE[t], entityName: q.names[i] === '' ? null : q.names[i] }));
    const ops = await admin.withSession(h, async (s) => {
      const current = (await client.describeClientQuotas(s, filter()))[0]?.values ?? [];
      const missing = del.filter((k) => !current.some((v) => v.key === k));
      if (missing.length) throw new KtError(`Invalid config(s): ${missing.join(',')}`);
      const ops = qf.quotaOps(set, del);
      await client.alterClientQuotas(s, entity, ops);
      return ops;
    });
    if (!o.json) o.log(qf.quotaAlteredText(q.types, q.names));
    return {
      entity: entity.map((e) => ({ type: e.entityType, name: e.entityName })),
      set: Object.fromEntries(ops.filter((x) => x.value !== null).map((x) => [x.key, x.value as number])),
      deleted: del,
    };
  }
  const { entries, scram } = await admin.withSession(h, async (s) => {
    const entries = await client.describeClientQuotas(s, filter());
    // kafka-configs adds users' SCRAM credentials unless clients or a default entity are named
    const scram = q.types[0] !== 'ips' && !q.types.includes('clients') && !q.names.includes('') ? await client.describeScramUsers(s, q.names) : [];
    return { entries, scram };
  });
  if (!o.json) {
    for (const l of qf.quotaDescribeLines(entries)) o.log(l);
    for (const u of scram) o.log(qf.scramDescribeLine(u.user, u.infos));
  }
  return {
    quotas: entries.map((e) => ({ entity: e.entity.map((x) => ({ type: x.entityType, name: x.entityName })), values: Object.fromEntries(e.values.map((v) => [v.key, v.value])) })),
  };
}
