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
