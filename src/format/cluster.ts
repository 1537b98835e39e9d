// Input grammars and output layouts of the cluster-admin tools: kt cluster (kafka-cluster,
// kafka-broker-api-versions), kt offsets (kafka-get-offsets), kt configs (kafka-configs) and
// kt delete-records (kafka-delete-records). Pure functions: the work is in src/client/admin.ts
// and src/client/cluster.ts.

import { UsageError } from '../errors.js';
import { parseOffset } from './offset.js';
import { parseTopicPartitions } from './partitions.js';
import { renderTable } from './table.js';
import { API_NAMES, apiName, CLIENT_API_KEYS } from '../protocol/apiNames.js';
import type { ApiVersionRange, BrokerApiVersions, BrokerNode, ClusterDescription, ConfigResourceType, DeleteTarget, DeletedRecords, PartitionFilter, PartitionOffset, PartitionSelector, ResourceConfigs, TimeSpec } from '../client/clusterModel.js';

// ---------------------------------------------------------------------------------------
// kt cluster

/** Apache's Node.toString(): `host:port (id: N rack: R)`. */
/**
 * A broker as Kafka 4.x's Node prints it. isFenced is always false: a fenced broker is not in
 * Metadata, so kt never lists one.
 */
export function nodeString(b: BrokerNode): string {
  return `${b.host}:${b.port} (id: ${b.nodeId} rack: ${b.rack ?? 'null'} isFenced: false)`;
}

export function clusterText(c: ClusterDescription, head?: (s: string) => string): string {
  const table = renderTable(
    ['ID', 'HOST', 'PORT', 'RACK', 'CONTROLLER'],
    c.brokers.map((b) => [b.nodeId, b.host, b.port, b.rack, b.controller ? 'yes' : '']),
    { head, alignRight: [0, 2] },
  );
  return `Cluster ID: ${c.clusterId ?? '-'}\nController: ${c.controller ?? 'none'}\n\n${table}`;
}

/** One API as NodeApiVersions.apiVersionToText prints it. */
export function apiVersionText(a: ApiVersionRange, clientRange?: { min: number; max: number }): string {
  const versions = a.minVersion === a.maxVersion ? `${a.minVersion}` : `${a.minVersion} to ${a.maxVersion}`;
  const prefix = API_NAMES[a.apiKey] !== undefined ? `${API_NAMES[a.apiKey]}(${a.apiKey})` : `UNKNOWN(${a.apiKey})`;
  if (!clientRange) return `${prefix}: ${versions}`;
  if (clientRange.max < a.minVersion) return `${prefix}: ${versions} [unusable: node too new]`;
  if (a.maxVersion < clientRange.min) return `${prefix}: ${versions} [unusable: node too old]`;
  return `${prefix}: ${versions} [usable: ${Math.min(clientRange.max, a.maxVersion)}]`;
}

/**
 * kafka-broker-api-versions: per broker `<node> -> (` then one API per line (TAB-indented,
 * comma-separated, by key): every API of Kafka's client protocol (CLIENT_API_KEYS), UNSUPPORTED
 * where the broker lacks it, and any other API the broker advertises, `)`; or
 * `<node> -> ERROR: <message>`. `[usable: N]` is kt's own highest version (absent for APIs kt
 * never sends), where Apache's tool prints the Java client's.
 */
export function apiVersionsText(brokers: BrokerApiVersions[], client: ReadonlyMap<number, { min: number; max: number }>): string {
  const out: string[] = [];
  for (const b of brokers) {
    if (b.error !== null) {
      out.push(`${nodeString(b)} -> ERROR: ${b.error}`);
      continue;
    }
    const byKey = new Map<number, string>();
    for (const a of b.apis) byKey.set(a.apiKey, apiVersionText(a, client.get(a.apiKey)));
    for (const key of CLIENT_API_KEYS) if (!byKey.has(key)) byKey.set(key, `${apiName(key)}(${key}): UNSUPPORTED`);
    const lines = [...byKey.entries()].sort((x, y) => x[0] - y[0]).map(([, t]) => t);
    out.push(`${nodeString(b)} -> (\n\t${lines.join(',\n\t')}\n)`);
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------
// kt offsets

export const TIME_GRAMMAR =
  'latest or -1, earliest or -2, max-timestamp or -3, earliest-local or -4, latest-tiered or -5, ' +
  'earliest-pending-upload or -6, a timestamp in ms since the epoch, an ISO-8601 date/time ' +
  '(2024-05-01T12:00:00Z), or -<duration> before now (-15m, -1h, -2d)';

/** `--time` of kafka-get-offsets, plus ISO-8601 and durations before now. */
export function parseTimeSpec(input: string, now: number = Date.now()): TimeSpec {
  const s = input.trim().toLowerCase();
  if (s === 'latest' || s === '-1') return { kind: 'latest' };
  if (s === 'earliest' || s === '-2') return { kind: 'earliest' };
  if (s === 'max-timestamp' || s === '-3') return { kind: 'max-timestamp' };
  if (s === 'earliest-local' || s === '-4') return { kind: 'earliest-local' };
  if (s === 'latest-tiered' || s === '-5') return { kind: 'latest-tiered' };
  if (s === 'earliest-pending-upload' || s === '-6') return { kind: 'earliest-pending-upload' };
  if (/^-\d+$/.test(s)) throw new UsageError(`invalid --time '${input}': ${s} is not supported; expected ${TIME_GRAMMAR}`);
  try {
    const spec = parseOffset(`@${s.startsWith('-') ? s : input.trim()}`, now);
    if (spec.kind === 'timestamp') return { kind: 'timestamp', ms: spec.ms };
  } catch {
    // fall through
  }
  throw new UsageError(`invalid --time '${input}'; expected ${TIME_GRAMMAR}`);
}

/**
 * kt's positional form: `TOPIC`, `TOPIC:P` or `TOPIC:P,P,...` (topic names cannot contain
 * `:`). The topic is a name; kt offsets also accepts a regex where no topic has that name.
 */
export function parseTopicPartitionArg(arg: string, what = 'argument'): PartitionSelector {
  const { topic, partitions } = parseTopicPartitions(arg, what);
  return { topic, regex: false, partitions: partitions && { kind: 'set', partitions } };
}

/**
 * kafka-get-offsets --topic-partitions: comma-separated `TOPIC_REGEX[:PARTITIONS]` where
 * PARTITIONS is `N`, `N-M` (M exclusive), `N-` or `-M`; an empty topic matches every topic.
 */
export function parseApacheTopicPartitions(text: string): PartitionSelector[] {
  return text.split(',').map((rule) => {
    const m = /^([^:,]*)(?::(?:([0-9]*)|(?:([0-9]*)-([0-9]*))))?$/.exec(rule.trim());
    if (!m) throw new UsageError(`invalid --topic-partitions rule '${rule}'; expected TOPIC[:N|N-M|N-|-M]`);
    const topic = m[1] === '' ? '.*' : m[1];
    let partitions: PartitionFilter | null = null;
    if (m[2] !== undefined && m[2] !== '') partitions = { kind: 'set', partitions: [Number(m[2])] };
    else if (m[3] !== undefined || m[4] !== undefined) {
      if ((m[3] ?? '') === '' && (m[4] ?? '') === '') throw new UsageError(`invalid --topic-partitions rule '${rule}': empty range`);
      partitions = { kind: 'range', from: m[3] ? Number(m[3]) : 0, to: m[4] ? Number(m[4]) : null };
    } else if (m[2] === '') {
      throw new UsageError(`invalid --topic-partitions rule '${rule}': missing partition after ':'`);
    }
    return { topic, regex: true, partitions };
  });
}

/** kafka-get-offsets output: `topic:partition:offset`, partitions without an offset left out. */
export function offsetLines(rows: PartitionOffset[]): string {
  return rows
    .filter((r) => r.offset !== null)
    .map((r) => `${r.topic}:${r.partition}:${r.offset}`)
    .join('\n');
}

export function offsetsTable(rows: PartitionOffset[], head?: (s: string) => string): string {
  return renderTable(
    ['TOPIC', 'PARTITION', 'EARLIEST', 'LATEST', 'MESSAGES', 'OFFSET'],
    rows.map((r) => [r.topic, r.partition, r.earliest, r.latest, Math.max(0, r.latest - r.earliest), r.offset]),
    { head, alignRight: [1, 2, 3, 4, 5] },
  );
}

// ---------------------------------------------------------------------------------------
// kt delete-records

/** `--before N|end|latest|-1`. */
export function parseBefore(input: string): number {
  const s = input.trim().toLowerCase();
  if (s === 'end' || s === 'latest' || s === 'high-watermark' || s === '-1') return -1;
  if (/^\d+$/.test(s) && Number.isSafeInteger(Number(s))) return Number(s);
  throw new UsageError(`invalid --before '${input}'; expected an offset (N) or end (-1: delete everything)`);
}

/** kafka-delete-records --offset-json-file: {"partitions":[{"topic","partition","offset"}],"version":1}. */
export function parseOffsetJson(text: string, file = 'offset JSON'): DeleteTarget[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  const parts = (doc as { partitions?: unknown })?.partitions;
  if (!Array.isArray(parts) || parts.length === 0) throw new UsageError(`${file} has no "partitions" array`, 'expected {"partitions":[{"topic":"t","partition":0,"offset":5}],"version":1}');
  const seen = new Set<string>();
  const out: DeleteTarget[] = [];
  for (const p of parts as Array<Record<string, unknown>>) {
    const topic = p?.topic;
    const partition = p?.partition;
    const offset = p?.offset;
    if (typeof topic !== 'string' || topic === '' || !Number.isInteger(partition) || (partition as number) < 0 || !Number.isInteger(offset) || (offset as number) < -1) {
      throw new UsageError(`${file}: each partition needs "topic" (string), "partition" (>= 0) and "offset" (>= -1), got ${JSON.stringify(p)}`);
    }
    const k = `${topic}-${partition}`;
    if (seen.has(k)) throw new UsageError(`${file} contains duplicate topic partitions: ${k}`);
    seen.add(k);
    out.push({ topic, partition: partition as number, offset: offset as number });
  }
  return out;
}

/** kafka-delete-records output. */
export function deleteRecordsText(results: DeletedRecords[]): string {
  const lines = ['Executing records delete operation', 'Records delete operation completed:'];
  for (const r of results) {
    lines.push(r.error === null ? `partition: ${r.topic}-${r.partition}\tlow_watermark: ${r.lowWatermark}` : `partition: ${r.topic}-${r.partition}\terror: ${r.error}`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------
// kt configs

/**
 * kafka-configs --add-config: `k1=v1,k2=[a,b],k3=` — commas inside square brackets belong to
 * the value, the brackets are dropped, keys and values are trimmed (Apache's parsing).
 */
export function parseAddConfig(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (text.trim() === '') return out;
  const outside = '(?=[^\\]]*(?:\\[|$))';
  const items = text.split(new RegExp(`,${outside}`));
  // as Java's String.split, which Apache's parsing uses: empty items at the end are dropped
  while (items.length > 1 && items[items.length - 1] === '') items.pop();
  for (const item of items) {
    const pair = item.split(new RegExp(`\\s*=\\s*${outside}`));
    if (pair.length !== 2) {
      throw new UsageError(`invalid --add-config '${item}': configs must be KEY=VALUE or KEY=[V1,V2] to group values that contain commas`);
    }
    const key = pair[0].trim();
    if (!/^[$a-zA-Z0-9._-]+$/.test(key)) throw new UsageError(`invalid character in config key '${key}'`);
    out[key] = pair[1].replace(/[[\]]/g, '').trim();
  }
  return out;
}

/** kafka-configs --delete-config: `k1,k2` (and repeated flags). */
export function parseDeleteConfig(values: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const v of values ?? []) {
    for (const k of v.split(',').map((s) => s.trim()).filter(Boolean)) if (!out.includes(k)) out.push(k);
  }
  return out;
}

function entityLabel(r: ResourceConfigs): string {
  return r.type === 'topic' ? `topic ${r.name}` : `broker ${r.name}`;
}

/** kafka-configs --describe: a header line per entity, then `  k=v sensitive=… synonyms={…}`. */
export function configsApacheText(resources: ResourceConfigs[], all: boolean): string {
  const lines: string[] = [];
  for (const r of resources) {
    if (r.type === 'broker' && r.name === '') lines.push('Default configs for brokers in the cluster are:');
    else lines.push(`${all ? 'All' : 'Dynamic'} configs for ${entityLabel(r)} are:`);
    for (const c of r.configs) {
      const synonyms = `{${c.synonyms.map((s) => `${s.source}:${s.name}=${s.value}`).join(', ')}}`;
      lines.push(`  ${c.name}=${c.value} sensitive=${c.sensitive} synonyms=${synonyms}`);
    }
  }
  return lines.join('\n');
}

export function configsTable(resources: ResourceConfigs[], head?: (s: string) => string): string {
  const blocks: string[] = [];
  for (const r of resources) {
    const title = r.type === 'broker' && r.name === '' ? 'Broker defaults' : entityLabel(r).replace(/^./, (c) => c.toUpperCase());
    const body = r.configs.length
      ? renderTable(['NAME', 'VALUE', 'SOURCE', 'SENSITIVE'], r.configs.map((c) => [c.name, c.sensitive ? '***' : c.value, c.source, c.sensitive ? 'yes' : 'no']), { head })
      : '(no configs set)';
    blocks.push(`${title}\n${body}`);
  }
  return blocks.join('\n\n');
}

export interface EntityFlags {
  topic?: string;
  broker?: string;
  'broker-defaults'?: boolean;
  'entity-type'?: string;
  'entity-name'?: string;
  'entity-default'?: boolean;
}

/**
 * The resource of kt configs: --topic T | --broker N | --broker-defaults, or kafka-configs'
 * --entity-type topics|brokers with --entity-name X or --entity-default. name null: every
 * entity of the type (describe only).
 */
export function resolveEntity(f: EntityFlags): { type: ConfigResourceType; name: string | null } {
  const given = [f.topic !== undefined, f.broker !== undefined, Boolean(f['broker-defaults']), f['entity-type'] !== undefined].filter(Boolean).length;
  if ((f['entity-name'] !== undefined || f['entity-default']) && f['entity-type'] === undefined) {
    throw new UsageError('--entity-name and --entity-default need --entity-type');
  }
  if (given === 0) throw new UsageError('name what to configure', 'pass --topic T, --broker N or --broker-defaults (or --entity-type topics|brokers --entity-name X)');
  if (given > 1) throw new UsageError('give only one of --topic, --broker, --broker-defaults, --entity-type');
  const brokerId = (id: string): string => {
    if (!/^\d+$/.test(id.trim())) throw new UsageError(`the broker must be a broker id (an integer), found: ${id}`);
    return String(Number(id.trim()));
  };
  if (f.topic !== undefined) return { type: 'topic', name: f.topic };
  if (f.broker !== undefined) return { type: 'broker', name: brokerId(f.broker) };
  if (f['broker-defaults']) return { type: 'broker', name: '' };
  const t = f['entity-type']!.trim().toLowerCase();
  if (f['entity-name'] !== undefined && f['entity-default']) throw new UsageError('--entity-name and --entity-default cannot be used together');
  if (t === 'topics' || t === 'topic') {
    if (f['entity-default']) throw new UsageError('--entity-default is not allowed for topics');
    return { type: 'topic', name: f['entity-name'] ?? null };
  }
  if (t === 'brokers' || t === 'broker') {
    if (f['entity-default']) return { type: 'broker', name: '' };
    return { type: 'broker', name: f['entity-name'] === undefined ? null : brokerId(f['entity-name']) };
  }
  throw new UsageError(`--entity-type ${f['entity-type']} is not supported by kt`, 'use topics or brokers');
}
