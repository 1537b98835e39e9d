// Shared by DescribeConfigs, AlterConfigs, IncrementalAlterConfigs and CreateTopics:
// resource types, config sources and types as Kafka numbers them.
import type { ConfigDef, ConfigSource } from '../log/config.js';

export const RESOURCE_TOPIC = 2;
export const RESOURCE_BROKER = 4;

const SOURCES: Record<ConfigSource, number> = {
  TOPIC_CONFIG: 1, // DYNAMIC_TOPIC_CONFIG
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
};

export function sourceNumber(s: ConfigSource): number {
  return SOURCES[s];
}

const TYPES: Record<ConfigDef['type'], number> = { BOOLEAN: 1, STRING: 2, INT: 3, SHORT: 4, LONG: 5, DOUBLE: 6, LIST: 7 };

export function typeNumber(t: ConfigDef['type']): number {
  return TYPES[t];
}

const resourceKey = (r: { resourceType: number; resourceName: string }): string => `${r.resourceType}:${r.resourceName}`;

/** How often each resource is named in an AlterConfigs or IncrementalAlterConfigs request. */
export function resourceCounts(resources: ReadonlyArray<{ resourceType: number; resourceName: string }>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of resources) counts.set(resourceKey(r), (counts.get(resourceKey(r)) ?? 0) + 1);
  return counts;
}

/**
 * Kafka's message for a resource of an alter-configs request whose shape is wrong, or null,
 * checked before anything else as ConfigAdminManager.preprocess does: the resource named twice
 * in the request, a config named twice, a null value (IncrementalAlterConfigs: for any
 * operation but DELETE).
 */
export function alterShapeProblem(
  res: { resourceType: number; resourceName: string; configs: ReadonlyArray<{ name: string; value: string | null; configOperation?: number }> },
  counts: Map<string, number>,
): string | null {
  if ((counts.get(resourceKey(res)) ?? 0) > 1) return 'Each resource must appear at most once.';
  if (new Set(res.configs.map((c) => c.name)).size !== res.configs.length) return 'Error due to duplicate config keys';
  const nulls = res.configs.filter((c) => c.value === null && c.configOperation !== 1).map((c) => c.name);
  return nulls.length > 0 ? `Null value not supported for : ${nulls.join(', ')}` : null;
}
