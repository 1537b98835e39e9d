// The shapes of what kt's cluster-admin calls return (kt cluster, offsets, configs,
// delete-records; also their --json documents) and the rules that select partitions. Owned
// by the client (admin.ts and cluster.ts fill them); format/cluster.ts lays them out.

import { UsageError } from '../errors.js';


export interface BrokerNode {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface ClusterDescription {
  clusterId: string | null;
  controller: number | null;
  brokers: Array<BrokerNode & { controller: boolean }>;
}

export interface ApiVersionRange {
  apiKey: number;
  name: string;
  minVersion: number;
  maxVersion: number;
  /** the highest version kt can use with this broker; null when kt does not use the API */
  usable: number | null;
}

export interface BrokerApiVersions extends BrokerNode {
  error: string | null;
  apis: ApiVersionRange[];
}

export interface PartitionOffset {
  topic: string;
  partition: number;
  /** the offset for the requested time; null when no record is at or after it */
  offset: number | null;
  earliest: number;
  latest: number;
}

export interface DeletedRecords {
  topic: string;
  partition: number;
  lowWatermark: number | null;
  error: string | null;
}

export type ConfigResourceType = 'topic' | 'broker';

export interface ConfigSynonym {
  name: string;
  value: string | null;
  source: string;
}

export interface ConfigEntry {
  name: string;
  value: string | null;
  source: string;
  sensitive: boolean;
  readOnly: boolean;
  synonyms: ConfigSynonym[];
}

export interface ResourceConfigs {
  type: ConfigResourceType;
  /** topic name, broker id, or "" for the cluster-wide broker defaults */
  name: string;
  configs: ConfigEntry[];
}

export type TimeSpec =
  | { kind: 'latest' }
  | { kind: 'earliest' }
  | { kind: 'max-timestamp' }
  /** ListOffsets -4/-5/-6 (KIP-405, KIP-1005, KIP-1023): the local log start, the last tiered and the first not yet uploaded offset */
  | { kind: 'earliest-local' }
  | { kind: 'latest-tiered' }
  | { kind: 'earliest-pending-upload' }
  | { kind: 'timestamp'; ms: number };

export interface DeleteTarget {
  topic: string;
  /** null: every partition of the topic */
  partition: number | null;
  /** delete records before this offset; -1 = the high watermark (everything) */
  offset: number;
}

/** A selection of partitions: a topic (name, or a regex when `regex`), and which partitions. */
export interface PartitionSelector {
  topic: string;
  regex: boolean;
  /** null: every partition */
  partitions: PartitionFilter | null;
}

export type PartitionFilter = { kind: 'set'; partitions: number[] } | { kind: 'range'; from: number; to: number | null };

export function partitionMatches(f: PartitionFilter | null, p: number): boolean {
  if (f === null) return true;
  if (f.kind === 'set') return f.partitions.includes(p);
  return p >= f.from && (f.to === null || p < f.to);
}

/** Does a topic name match a selector (regexes match the whole name, as Java's matches()). */
export function topicMatches(sel: PartitionSelector, name: string): boolean {
  if (!sel.regex) return sel.topic === name;
  try {
    return new RegExp(`^(?:${sel.topic})$`).test(name);
  } catch {
    throw new UsageError(`invalid topic regular expression '${sel.topic}'`);
  }
}

/** Kafka's ConfigEntry.ConfigSource, by wire number. */
export const CONFIG_SOURCES: readonly string[] = [
  'UNKNOWN',
  'DYNAMIC_TOPIC_CONFIG',
  'DYNAMIC_BROKER_CONFIG',
  'DYNAMIC_DEFAULT_BROKER_CONFIG',
  'STATIC_BROKER_CONFIG',
  'DEFAULT_CONFIG',
  'DYNAMIC_BROKER_LOGGER_CONFIG',
  'CLIENT_METRICS_CONFIG',
  'GROUP_CONFIG',
];

export function configSourceName(n: number): string {
  return CONFIG_SOURCES[n] ?? 'UNKNOWN';
}

/** The source of the configs set on a resource (what kafka-configs --describe shows without --all). */
export function dynamicSource(r: { type: ConfigResourceType; name: string }): string {
  if (r.type === 'topic') return 'DYNAMIC_TOPIC_CONFIG';
  return r.name === '' ? 'DYNAMIC_DEFAULT_BROKER_CONFIG' : 'DYNAMIC_BROKER_CONFIG';
}
