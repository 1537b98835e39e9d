// How `kt topics` prints: the Apache kafka-topics layouts and tables for people.

import type { PartitionDescription, TopicDescription, TopicSummary } from '../client/topics.js';
import { idList, renderTable } from './table.js';

export interface DescribeFilters {
  topicsWithOverrides?: boolean;
  underReplicated?: boolean;
  unavailable?: boolean;
}

export function isUnderReplicated(p: PartitionDescription): boolean {
  return p.isr.length < p.replicas.length;
}

export function isUnavailable(p: PartitionDescription): boolean {
  return p.leader === null || p.offlineReplicas.includes(p.leader);
}

export function configString(configs: Record<string, string>): string {
  return Object.entries(configs)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** Apply --topics-with-overrides / --under-replicated-partitions / --unavailable-partitions. */
export function filterDescriptions(topics: TopicDescription[], f: DescribeFilters): TopicDescription[] {
  let out = topics;
  if (f.topicsWithOverrides) out = out.filter((t) => Object.keys(t.configs).length > 0);
  if (f.underReplicated || f.unavailable) {
    out = out
      .map((t) => ({
        ...t,
        partitions: t.partitions.filter((p) => (f.underReplicated && isUnderReplicated(p)) || (f.unavailable && isUnavailable(p))),
      }))
      .filter((t) => t.partitions.length > 0);
  }
  return out;
}

/**
 * kafka-topics --describe (reference B1): a TAB-separated header line per topic, then one
 * line per partition starting with a TAB. TopicId as Apache 4.x prints it, when the broker has
 * topic ids (omitted for none, as Apache omits the zero id); Elr/LastKnownElr from
 * DescribeTopicPartitions, N/A (as Apache prints) when the broker does not have it.
 * The report filters print only matching partition lines (no header), --topics-with-overrides
 * only header lines — as Apache.
 */
const elrList = (ids: number[] | null | undefined): string => (ids ? idList(ids) : 'N/A');

export function apacheDescribe(topics: TopicDescription[], f: DescribeFilters = {}): string {
  const lines: string[] = [];
  const reportOnly = f.underReplicated || f.unavailable;
  for (const t of topics) {
    if (!reportOnly) {
      const id = t.topicId ? `\tTopicId: ${t.topicId}` : '';
      lines.push(`Topic: ${t.name}${id}\tPartitionCount: ${t.partitionCount}\tReplicationFactor: ${t.replicationFactor}\tConfigs: ${configString(t.configs)}`);
    }
    if (f.topicsWithOverrides) continue;
    for (const p of t.partitions) {
      lines.push(
        `\tTopic: ${t.name}\tPartition: ${p.partition}\tLeader: ${p.leader ?? 'none'}\tReplicas: ${idList(p.replicas)}\tIsr: ${idList(p.isr)}\tElr: ${elrList(p.elr)}\tLastKnownElr: ${elrList(p.lastKnownElr)}`,
      );
    }
  }
  return lines.join('\n');
}

/** `kt topics describe` for people: a summary table per topic and its partitions. */
export function describeTables(topics: TopicDescription[], head?: (s: string) => string): string {
  const blocks: string[] = [];
  for (const t of topics) {
    const summary = renderTable(
      ['TOPIC', 'PARTITIONS', 'REPLICATION-FACTOR', 'MESSAGES', 'CONFIGS'],
      [[t.name, t.partitionCount, t.replicationFactor, t.messageCount, configString(t.configs) || '-']],
      { head, alignRight: [1, 2, 3] },
    );
    const parts = renderTable(
      ['PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'LOW-WATERMARK', 'HIGH-WATERMARK', 'MESSAGES'],
      t.partitions.map((p) => [p.partition, p.leader ?? 'none', idList(p.replicas), idList(p.isr), p.lowWatermark, p.highWatermark, p.messageCount]),
      { head, alignRight: [0, 1, 4, 5, 6] },
    );
    blocks.push(`${summary}\n\n${parts}`);
  }
  return blocks.join('\n\n');
}

export function listTable(topics: TopicSummary[], head?: (s: string) => string): string {
  return renderTable(
    ['TOPIC', 'PARTITIONS', 'REPLICATION-FACTOR'],
    topics.map((t) => [t.name, t.partitions, t.replicationFactor]),
    { head, alignRight: [1, 2] },
  );
}
