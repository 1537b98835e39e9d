// The topic configs the broker knows, as one table in Kafka's own names, types and defaults
// (after LogConfig.java / ServerLogConfigs.java). Each topic config has a broker-level
// synonym (`retention.ms` ← `log.retention.ms`) that supplies the default for topics without
// an override. Every value DescribeConfigs reports is the one in effect: a config the broker
// cannot act on (preallocation, index sizing, recompression) accepts only the value that
// describes what it does (`only`), and refuses the others as a policy violation.

export type ConfigType = 'BOOLEAN' | 'STRING' | 'INT' | 'SHORT' | 'LONG' | 'DOUBLE' | 'LIST';

export interface ConfigDef {
  name: string;
  type: ConfigType;
  /** Kafka's default, as the string DescribeConfigs returns. */
  default: string;
  /** The broker config that supplies this topic config's default (topic configs only). */
  synonym?: string;
  /**
   * The synonym has no default of its own in Kafka (null): the value comes from another
   * broker config (log.retention.ms from log.retention.hours, ...), so DescribeConfigs lists
   * no DEFAULT_CONFIG synonym for it.
   */
  derivedDefault?: true;
  min?: number;
  max?: number;
  /** Allowed values (for LIST: allowed items). */
  values?: readonly string[];
  /**
   * The one value the broker supports (what it does): other values are refused, so no value
   * that is not in effect is ever reported.
   */
  only?: string;
  doc: string;
}

const LONG_MAX = '9223372036854775807';
const INT_MAX = 2147483647;

export const TOPIC_CONFIGS: readonly ConfigDef[] = [
  { name: 'cleanup.policy', type: 'LIST', default: 'delete', synonym: 'log.cleanup.policy', values: ['compact', 'delete'],
    doc: 'delete: drop old segments by retention.ms / retention.bytes; compact: keep the latest value per key.' },
  { name: 'compression.type', type: 'STRING', default: 'producer', synonym: 'compression.type',
    values: ['producer', 'uncompressed', 'none', 'gzip', 'snappy', 'lz4', 'zstd'], only: 'producer',
    doc: 'Final compression of the topic: batches are stored as the producer sent them (producer is the only value supported).' },
  { name: 'delete.retention.ms', type: 'LONG', default: '86400000', synonym: 'log.cleaner.delete.retention.ms', min: 0,
    doc: 'How long delete tombstones are kept on compacted topics (counted from the last write to their segment).' },
  { name: 'file.delete.delay.ms', type: 'LONG', default: '0', synonym: 'log.segment.delete.delay.ms', min: 0, only: '0',
    doc: 'Delay before a deleted segment file is removed: segments are removed at once here (Kafka: 60000).' },
  { name: 'flush.messages', type: 'LONG', default: LONG_MAX, synonym: 'log.flush.interval.messages', min: 1,
    doc: 'Fsync after this many messages; 1 makes every append durable before it is acknowledged.' },
  { name: 'flush.ms', type: 'LONG', default: LONG_MAX, synonym: 'log.flush.interval.ms', derivedDefault: true, min: 0,
    doc: 'Fsync when data has been unflushed for this long (checked by periodic maintenance).' },
  { name: 'index.interval.bytes', type: 'INT', default: '4096', synonym: 'log.index.interval.bytes', min: 0,
    doc: 'Bytes of batches between two offset index entries.' },
  { name: 'max.compaction.lag.ms', type: 'LONG', default: LONG_MAX, synonym: 'log.cleaner.max.compaction.lag.ms', min: 1,
    doc: 'Compact a log whose oldest uncompacted segment is older than this, whatever its dirty ratio.' },
  { name: 'max.message.bytes', type: 'INT', default: '1048588', synonym: 'message.max.bytes', min: 0,
    doc: 'Largest record batch the topic accepts.' },
  { name: 'message.timestamp.after.max.ms', type: 'LONG', default: '3600000', synonym: 'log.message.timestamp.after.max.ms', min: 0,
    doc: 'How far ahead of the broker clock a CreateTime timestamp may be (Kafka 4: one hour); a batch past it gets INVALID_TIMESTAMP.' },
  { name: 'message.timestamp.before.max.ms', type: 'LONG', default: LONG_MAX, synonym: 'log.message.timestamp.before.max.ms', min: 0,
    doc: 'How far behind the broker clock a CreateTime timestamp may be; a batch past it gets INVALID_TIMESTAMP.' },
  { name: 'message.timestamp.type', type: 'STRING', default: 'CreateTime', synonym: 'log.message.timestamp.type', values: ['CreateTime', 'LogAppendTime'],
    doc: 'CreateTime keeps the producer timestamp; LogAppendTime stamps batches with the broker time.' },
  { name: 'min.cleanable.dirty.ratio', type: 'DOUBLE', default: '0.5', synonym: 'log.cleaner.min.cleanable.ratio', min: 0, max: 1,
    doc: 'Dirty ratio above which a compacted log is cleaned.' },
  { name: 'min.compaction.lag.ms', type: 'LONG', default: '0', synonym: 'log.cleaner.min.compaction.lag.ms', min: 0,
    doc: 'Minimum time a message stays uncompacted (segments with newer timestamps are not cleaned).' },
  { name: 'min.insync.replicas', type: 'INT', default: '1', synonym: 'min.insync.replicas', min: 1, only: '1',
    doc: 'Replicas that must acknowledge an acks=all produce (always met on one node when 1).' },
  { name: 'preallocate', type: 'BOOLEAN', default: 'false', synonym: 'log.preallocate', only: 'false',
    doc: 'Preallocate segment files (not supported: false).' },
  { name: 'retention.bytes', type: 'LONG', default: '-1', synonym: 'log.retention.bytes',
    doc: 'Delete the oldest segments while the partition is larger than this; -1: no size limit.' },
  { name: 'retention.ms', type: 'LONG', default: '604800000', synonym: 'log.retention.ms', derivedDefault: true, min: -1,
    doc: 'Delete segments whose newest record is older than this; -1: keep forever.' },
  { name: 'segment.bytes', type: 'INT', default: '1073741824', synonym: 'log.segment.bytes', min: 14,
    doc: 'Roll to a new segment file when the active one would exceed this size.' },
  { name: 'segment.index.bytes', type: 'INT', default: '10485760', synonym: 'log.index.size.max.bytes', min: 4, only: '10485760',
    doc: 'Maximum offset index size (only the default is supported).' },
  { name: 'segment.jitter.ms', type: 'LONG', default: '0', synonym: 'log.roll.jitter.ms', derivedDefault: true, min: 0, only: '0',
    doc: 'Random jitter subtracted from segment.ms (not supported: 0).' },
  { name: 'segment.ms', type: 'LONG', default: '604800000', synonym: 'log.roll.ms', derivedDefault: true, min: 1,
    doc: 'Roll to a new segment when the active one is older than this.' },
  { name: 'unclean.leader.election.enable', type: 'BOOLEAN', default: 'false', synonym: 'unclean.leader.election.enable',
    doc: 'Allow out-of-sync replicas to become leader (one node has no other replica: either value holds).' },
];

/** Broker-only configs (no topic-level form). Topic configs' synonyms are added below. */
const BROKER_ONLY: readonly ConfigDef[] = [
  { name: 'num.partitions', type: 'INT', default: '1', min: 1, doc: 'Partitions of auto-created topics and of CreateTopics with -1.' },
  { name: 'default.replication.factor', type: 'SHORT', default: '1', min: 1, max: 1, doc: 'Replication factor of auto-created topics (one node).' },
  { name: 'auto.create.topics.enable', type: 'BOOLEAN', default: 'true', doc: 'Create an unknown topic when a Metadata request names it and allows auto-creation (Produce never creates one).' },
  { name: 'delete.topic.enable', type: 'BOOLEAN', default: 'true', doc: 'Allow DeleteTopics.' },
  { name: 'offsets.topic.num.partitions', type: 'INT', default: '50', min: 1, doc: 'Partitions of the internal __consumer_offsets topic, when it is created.' },
  { name: 'offsets.topic.segment.bytes', type: 'INT', default: '104857600', min: 14, doc: 'segment.bytes of the internal __consumer_offsets topic.' },
  { name: 'offsets.retention.minutes', type: 'INT', default: '10080', min: 1, doc: 'How long committed offsets of an empty group are kept.' },
  { name: 'group.initial.rebalance.delay.ms', type: 'INT', default: '3000', min: 0, doc: 'Wait for more members before the first rebalance.' },
  { name: 'group.min.session.timeout.ms', type: 'INT', default: '6000', min: 0, doc: 'Smallest session timeout a member may ask for.' },
  { name: 'group.max.session.timeout.ms', type: 'INT', default: '1800000', min: 0, doc: 'Largest session timeout a member may ask for.' },
  { name: 'transaction.max.timeout.ms', type: 'INT', default: '900000', min: 1, doc: 'Largest transaction timeout a transactional producer may ask for (InitProducerId).' },
  { name: 'transactional.id.expiration.ms', type: 'INT', default: '604800000', min: 1, doc: 'A transactional id without a transaction for this long is forgotten.' },
  { name: 'producer.id.expiration.ms', type: 'INT', default: '86400000', min: 1, doc: 'A partition forgets the sequence numbers of a producer id idle for this long.' },
  { name: 'connections.max.idle.ms', type: 'LONG', default: '600000', min: 1, doc: 'A connection with no request in progress and no bytes moving for this long is closed.' },
];

export const BROKER_CONFIGS: readonly ConfigDef[] = [
  ...BROKER_ONLY,
  ...TOPIC_CONFIGS.filter((d) => d.synonym).map((d) => ({ ...d, name: d.synonym as string, synonym: undefined })),
];

const topicDefs = new Map(TOPIC_CONFIGS.map((d) => [d.name, d]));
const brokerDefs = new Map(BROKER_CONFIGS.map((d) => [d.name, d]));

export function topicConfigDef(name: string): ConfigDef | undefined {
  return topicDefs.get(name);
}

export function brokerConfigDef(name: string): ConfigDef | undefined {
  return brokerDefs.get(name);
}

/** Why `raw` is not a valid value for `def`, or null. Messages follow Kafka's ConfigException. */
export function validateConfigValue(def: ConfigDef, raw: string): string | null {
  const v = raw.trim();
  const bad = (why: string) => `Invalid value ${raw} for configuration ${def.name}: ${why}`;
  switch (def.type) {
    case 'BOOLEAN':
      if (!/^(true|false)$/i.test(v)) return bad('Expected value to be either true or false');
      return null;
    case 'INT':
    case 'SHORT':
    case 'LONG': {
      if (!/^[+-]?\d+$/.test(v)) return bad(`Not a number of type ${def.type}`);
      const n = BigInt(v);
      const bits = def.type === 'LONG' ? 63n : def.type === 'INT' ? 31n : 15n;
      if (n < -(1n << bits) || n >= 1n << bits) return bad(`Not a number of type ${def.type}`);
      if (def.min !== undefined && n < BigInt(def.min)) return bad(`Value must be at least ${def.min}`);
      if (def.max !== undefined && n > BigInt(def.max)) return bad(`Value must be no more than ${def.max}`);
      return null;
    }
    case 'DOUBLE': {
      const n = Number(v);
      if (v === '' || !Number.isFinite(n)) return bad('Not a number of type DOUBLE');
      if (def.min !== undefined && n < def.min) return bad(`Value must be at least ${def.min}`);
      if (def.max !== undefined && n > def.max) return bad(`Value must be no more than ${def.max}`);
      return null;
    }
    case 'LIST': {
      const items = v.split(',').map((s) => s.trim());
      if (def.values && items.some((i) => !def.values?.includes(i))) {
        return bad(`String must be one of: ${def.values.join(', ')}`);
      }
      return null;
    }
    case 'STRING':
      if (def.values && !def.values.includes(v)) return bad(`String must be one of: ${def.values.join(', ')}`);
      return null;
  }
}

/** validateConfigValue, then `only`: a valid value the broker cannot act on is refused. */
function checkConfigValue(def: ConfigDef, raw: string): string | null {
  const err = validateConfigValue(def, raw);
  if (err || def.only === undefined) return err;
  const v = raw.trim();
  const same = def.type === 'BOOLEAN' ? v.toLowerCase() === def.only : def.type === 'LONG' || def.type === 'INT' || def.type === 'SHORT' ? BigInt(v) === BigInt(def.only) : v === def.only;
  return same ? null : `Invalid value ${raw} for configuration ${def.name}: the bundled broker supports only ${def.only}`;
}

/** Validates topic config overrides (CreateTopics, AlterConfigs): error message or null. */
export function validateTopicConfigs(configs: Record<string, string>): string | null {
  for (const [name, value] of Object.entries(configs)) {
    const def = topicDefs.get(name);
    if (!def) return `Unknown topic config name: ${name}`;
    if (typeof value !== 'string') return `Invalid value ${String(value)} for configuration ${name}: expected a string`;
    const err = checkConfigValue(def, value);
    if (err) return err;
  }
  return null;
}

/** Broker-level settings by broker name, every known one present (Kafka default if not set). */
export type BrokerDefaults = Readonly<Record<string, string>>;

/**
 * Resolves broker-level defaults from options. Accepts broker names (`log.retention.ms`,
 * `num.partitions`), their camelCase forms (`numPartitions`) and, for convenience, topic
 * names (`retention.ms` → `log.retention.ms`).
 * Throws on an unknown name or an invalid value.
 */
export function brokerDefaults(overrides: Record<string, string | number | boolean | undefined> = {}): BrokerDefaults {
  const out: Record<string, string> = {};
  for (const d of BROKER_CONFIGS) out[d.name] = d.default;
  for (const [given, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    // camelCase (numPartitions) is accepted as the dotted Kafka name (num.partitions).
    const key = given.includes('.') ? given : given.replace(/[A-Z]/g, (c) => `.${c.toLowerCase()}`);
    const name = brokerDefs.has(key) ? key : topicDefs.get(key)?.synonym;
    const def = name === undefined ? undefined : brokerDefs.get(name);
    if (!def) throw new Error(`Unknown broker config name: ${given}`);
    const str = String(value);
    const err = checkConfigValue(def, str);
    if (err) throw new Error(err);
    out[def.name] = def.type === 'BOOLEAN' ? str.trim().toLowerCase() : str.trim();
  }
  return Object.freeze(out);
}

export type ConfigSource = 'TOPIC_CONFIG' | 'STATIC_BROKER_CONFIG' | 'DEFAULT_CONFIG';

export interface ResolvedConfig {
  name: string;
  value: string;
  source: ConfigSource;
  def: ConfigDef;
}

/** Effective value of a topic config: the topic's override, else the broker default, else Kafka's. */
export function resolveTopicConfig(
  name: string,
  topicConfigs: Record<string, string>,
  defaults: BrokerDefaults = brokerDefaults(),
): ResolvedConfig | undefined {
  const def = topicDefs.get(name);
  if (!def) return undefined;
  if (Object.prototype.hasOwnProperty.call(topicConfigs, name)) {
    return { name, value: topicConfigs[name].trim(), source: 'TOPIC_CONFIG', def };
  }
  const brokerValue = def.synonym === undefined ? undefined : defaults[def.synonym];
  if (brokerValue !== undefined && brokerValue !== def.default) {
    return { name, value: brokerValue, source: 'STATIC_BROKER_CONFIG', def };
  }
  return { name, value: def.default, source: 'DEFAULT_CONFIG', def };
}

/** Every topic config with its effective value and source (for DescribeConfigs). */
export function describeTopicConfigs(topicConfigs: Record<string, string>, defaults?: BrokerDefaults): ResolvedConfig[] {
  return TOPIC_CONFIGS.map((d) => resolveTopicConfig(d.name, topicConfigs, defaults) as ResolvedConfig);
}

/** Parsed, typed form of the configs the log acts on. */
export interface LogConfig {
  compact: boolean;
  delete: boolean;
  /** Negative: no time retention. */
  retentionMs: number;
  /** Negative: no size retention. */
  retentionBytes: number;
  segmentBytes: number;
  segmentMs: number;
  maxMessageBytes: number;
  logAppendTime: boolean;
  /** message.timestamp.before/after.max.ms (CreateTime only); Infinity: no bound. */
  timestampBeforeMaxMs: number;
  timestampAfterMaxMs: number;
  /** Infinity: never fsync by message count. */
  flushMessages: number;
  /** Infinity: never fsync by time. */
  flushMs: number;
  indexIntervalBytes: number;
  /** Compaction (cleanup.policy=compact): tombstone lifetime, cleanable lag window, dirty ratio. */
  deleteRetentionMs: number;
  minCompactionLagMs: number;
  /** Infinity: no forced compaction. */
  maxCompactionLagMs: number;
  minCleanableDirtyRatio: number;
  /** Broker-wide producer.id.expiration.ms: idle producer ids are forgotten by each partition. */
  producerIdExpirationMs: number;
}

/** Long.MAX (and anything past 2^53) means "never" for counters and intervals. */
function num(value: string): number {
  const n = Number(BigInt(value));
  return n >= Number.MAX_SAFE_INTEGER ? Infinity : n;
}

export function logConfig(topicConfigs: Record<string, string> = {}, defaults?: BrokerDefaults): LogConfig {
  const get = (name: string) => (resolveTopicConfig(name, topicConfigs, defaults) as ResolvedConfig).value;
  const policy = get('cleanup.policy').split(',').map((s) => s.trim());
  return {
    compact: policy.includes('compact'),
    delete: policy.includes('delete'),
    retentionMs: num(get('retention.ms')),
    retentionBytes: num(get('retention.bytes')),
    segmentBytes: Math.min(num(get('segment.bytes')), INT_MAX),
    segmentMs: num(get('segment.ms')),
    maxMessageBytes: num(get('max.message.bytes')),
    logAppendTime: get('message.timestamp.type') === 'LogAppendTime',
    timestampBeforeMaxMs: num(get('message.timestamp.before.max.ms')),
    timestampAfterMaxMs: num(get('message.timestamp.after.max.ms')),
    flushMessages: num(get('flush.messages')),
    flushMs: num(get('flush.ms')),
    indexIntervalBytes: num(get('index.interval.bytes')),
    deleteRetentionMs: num(get('delete.retention.ms')),
    minCompactionLagMs: num(get('min.compaction.lag.ms')),
    maxCompactionLagMs: num(get('max.compaction.lag.ms')),
    minCleanableDirtyRatio: Number(get('min.cleanable.dirty.ratio')),
    producerIdExpirationMs: num(defaults?.['producer.id.expiration.ms'] ?? brokerDefs.get('producer.id.expiration.ms')?.default ?? '86400000'),
  };
}

/** A broker-level setting as a number (e.g. `num.partitions`). */
export function brokerNumber(defaults: BrokerDefaults, name: string): number {
  return num(defaults[name] ?? brokerDefs.get(name)?.default ?? '0');
}

export function brokerBoolean(defaults: BrokerDefaults, name: string): boolean {
  return (defaults[name] ?? brokerDefs.get(name)?.default) === 'true';
}
