// Client quotas (kafka-configs --entity-type users|clients|ips): DescribeClientQuotas,
// AlterClientQuotas and DescribeUserScramCredentials, encoded with kt's protocol schemas and
// sent through the gateway (admin.ts's AdminSession.send); kafkajs has no quota API.

import { KtError } from '../errors.js';
import { AlterClientQuotas, DescribeClientQuotas, DescribeUserScramCredentials } from '../protocol/apis/index.js';
import { kafkaErrorText, type AdminSession } from './admin.js';

export interface QuotaFilterComponent {
  entityType: string;
  /** 0 exact name, 1 the default entity, 2 any entity of the type */
  matchType: number;
  match: string | null;
}

export interface QuotaEntity {
  entity: Array<{ entityType: string; entityName: string | null }>;
  values: Array<{ key: string; value: number }>;
}

/** The entities with only these types that match the components (Apache's strict filter), as the broker lists them. */
export async function describeClientQuotas(s: AdminSession, components: QuotaFilterComponent[]): Promise<QuotaEntity[]> {
  const r = await s.send(s.seed, DescribeClientQuotas, { components, strict: true });
  if (r.errorCode !== 0) throw new KtError(kafkaErrorText(r.errorCode, r.errorMessage));
  return (r.entries ?? []).map((e) => ({
    entity: e.entity.map((x) => ({ entityType: x.entityType, entityName: x.entityName ?? null })),
    values: e.values.map((v) => ({ key: v.key, value: v.value })),
  }));
}

/** Sets (a number) or removes (null) quota values of one entity. */
export async function alterClientQuotas(s: AdminSession, entity: QuotaEntity['entity'], ops: Array<{ key: string; value: number | null }>): Promise<void> {
  const r = await s.send(s.seed, AlterClientQuotas, {
    entries: [{ entity, ops: ops.map((o) => ({ key: o.key, value: o.value ?? 0, remove: o.value === null })) }],
    validateOnly: false,
  });
  for (const e of r.entries) if (e.errorCode !== 0) throw new KtError(kafkaErrorText(e.errorCode, e.errorMessage));
}

/**
 * The users with SCRAM credentials among `users` (every one when empty), as Apache's
 * DescribeUserScramCredentialsResult.users() lists them (users without one, RESOURCE_NOT_FOUND,
 * left out); a broker without the API has none.
 */
export async function describeScramUsers(s: AdminSession, users: string[]): Promise<Array<{ user: string; infos: Array<{ mechanism: number; iterations: number }> }>> {
  if (!s.supports(s.seed, DescribeUserScramCredentials)) return [];
  const r = await s.send(s.seed, DescribeUserScramCredentials, { users: users.length ? users.map((name) => ({ name })) : null });
  if (r.errorCode !== 0) throw new KtError(kafkaErrorText(r.errorCode, r.errorMessage));
  return r.results.filter((x) => x.errorCode !== 91).map((x) => ({ user: x.user, infos: x.credentialInfos.map((c) => ({ mechanism: c.mechanism, iterations: c.iterations })) }));
}
