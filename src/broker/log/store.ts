// The broker's storage: topics, their partition logs, committed offsets, cluster identity.
//
//   (a kernel lock, see dirLock.ts)  one broker per directory
//   <dataDir>/meta.json              cluster id + small broker key/values (atomic rewrite)
//   <dataDir>/topics.json            topics: name, id, partitions, config overrides (atomic rewrite)
//   <dataDir>/*.json.bak             their backups, written first (see metadataFile.ts)
//   <dataDir>/consumer-offsets.log   committed offsets (see offsetStore.ts)
//   <dataDir>/transaction-state.log  transactional ids and their transactions (see txn/stateLog.ts)
//   <dataDir>/topics/<topic>-<p>/    one partition log (see diskLog.ts)
//
// topics.json is the truth: it is written before partition directories are created and
// before they are removed, and at open any directory it does not list is deleted. When
// neither it nor its backup can be read, the topics are rebuilt from the partition
// directories (deleting nothing) rather than refusing to start or losing one. On a full
// disk, where topics.json cannot be rewritten, DeleteTopics removes the data first (that frees
// the space), then topics.json; a topics.json that could not be written after a change that
// stands is rewritten by maintain().
//
// Storage errors (docs/durability.md) become KAFKA_STORAGE_ERROR for the request that met
// them, and leave memory as the disk holds it. A partition whose write failed goes offline
// (partitionLog.ts); maintain() opens its files again when its retry is due. All partition
// logs share one budget of open segment files (filePool.ts).

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { KafkaError, type ErrorName } from '../../protocol/errors.js';
import {
  brokerDefaults,
  brokerNumber,
  logConfig,
  topicConfigDef,
  validateTopicConfigs,
  type BrokerDefaults,
  type LogConfig,
} from './config.js';
import { DiskPartitionLog } from './diskLog.js';
import { lockDir, type DirLock } from './dirLock.js';
import { FilePool } from './filePool.js';
import { isNoSpace } from './files.js';
import { readMetadataFile, writeMetadataFile } from './metadataFile.js';
import { MemoryPartitionLog } from './memoryLog.js';
import { collisionKey, partitionDirName, validateTopicName } from './names.js';
import { OffsetStoreImpl } from './offsetStore.js';
import type { OffsetStore, PartitionLog, TopicInfo } from './types.js';

export { validateTopicName };

export interface StoreOptions {
  dataDir?: string;
  memory?: boolean;
  log?: (msg: string) => void;
  /** Broker configs by Kafka name (`num.partitions`, `log.retention.ms`, ...); see brokerDefaults(). */
  defaults?: Record<string, string | number | boolean | undefined>;
  /** Clock for segment creation at open (tests). */
  now?: number;
}

export interface Store {
  readonly clusterId: string;
  readonly offsets: OffsetStore;
  /** Every broker config by name, with the given or Kafka's default value. */
  readonly defaults: BrokerDefaults;
  readonly memory: boolean;
  /** The data directory (absolute), undefined in memory. */
  readonly dataDir: string | undefined;
  listTopics(): TopicInfo[];
  getTopic(name: string): TopicInfo | undefined;
  getTopicById(id: Buffer): TopicInfo | undefined;
  /** Throws KafkaError (INVALID_TOPIC_EXCEPTION, TOPIC_ALREADY_EXISTS, INVALID_PARTITIONS, INVALID_CONFIG). */
  createTopic(name: string, partitions?: number, configs?: Record<string, string>, opts?: { validateOnly?: boolean }): TopicInfo;
  /** Removes the topic, its data and every group's committed offsets for it. */
  deleteTopic(name: string): void;
  createPartitions(name: string, newTotal: number, opts?: { validateOnly?: boolean }): TopicInfo;
  /** Sets (string) or removes (null) topic config overrides. */
  alterTopicConfigs(name: string, changes: Record<string, string | null>, opts?: { validateOnly?: boolean }): TopicInfo;
  /** The effective, parsed configs of a topic. */
  topicConfig(name: string): LogConfig | undefined;
  partition(topic: string, index: number): PartitionLog | undefined;
  getMeta(key: string): string | undefined;
  /** Durable before it returns; undefined removes the key. */
  setMeta(key: string, value: string | undefined): void;
  /** Retention, segment.ms rolls, flush.ms, compaction; call periodically. */
  maintain(now?: number): void;
  flush(): void;
  close(): void;
}

interface TopicState {
  info: TopicInfo;
  config: LogConfig;
  logs: (DiskPartitionLog | MemoryPartitionLog)[];
}

interface TopicsFile {
  version: 1;
  /** An entry without an id (written by hand or by another tool) gets one when loaded. */
  topics: { name: string; id?: string; partitions: number; configs: Record<string, string> }[];
}

interface MetaFile {
  version: 1;
  clusterId: string;
  values: Record<string, string>;
}

/** Partitions per topic this broker accepts: each is a directory and open files. */
export const MAX_PARTITIONS = 10000;

function fail(name: ErrorName, message: string): never {
  throw new KafkaError(name, message);
}

/** A random topic id as Kafka's Uuid.randomUuid(): not zero, not the metadata topic's, no leading '-'. */
function newTopicId(): Buffer {
  for (;;) {
    const id = randomBytes(16);
    const small = id.readBigUInt64BE(0) === 0n && id.readBigUInt64BE(8) <= 1n;
    if (!small && !id.toString('base64url').startsWith('-')) return id;
  }
}

function freeze(name: string, id: Buffer, partitions: number, configs: Record<string, string>): TopicInfo {
  return Object.freeze({ name, id, partitions, configs: Object.freeze({ ...configs }) as Record<string, string> });
}

class StoreImpl implements Store {
  readonly memory: boolean;
  readonly defaults: BrokerDefaults;
  readonly offsets: OffsetStoreImpl;
  clusterId: string;
  private readonly topics = new Map<string, TopicState>();
  private readonly byId = new Map<string, TopicState>();
  private meta: MetaFile;
  private readonly dir: string | undefined;
  private readonly log: (msg: string) => void;
  /** Open segment files of all partitions, budgeted (filePool.ts). */
  private readonly files = new FilePool();
  /** topics.json lags behind a change that stands (its write failed); maintain() retries. */
  private topicsFileStale = false;

  get dataDir(): string | undefined {
    return this.dir;
  }
  private caseInsensitive = false;
  private closed = false;
  private dirLock: DirLock | undefined;

  constructor(opts: StoreOptions) {
    this.log = opts.log ?? (() => {});
    this.defaults = brokerDefaults(opts.defaults);
    this.memory = opts.memory === true || opts.dataDir === undefined;
    this.dir = this.memory ? undefined : path.resolve(opts.dataDir as string);
    if (!this.dir) {
      this.meta = { version: 1, clusterId: randomBytes(16).toString('base64url'), values: {} };
      this.clusterId = this.meta.clusterId;
      this.offsets = new OffsetStoreImpl(undefined, this.log);
      return;
    }
    const dir = this.dir;
    fs.mkdirSync(path.join(dir, 'topics'), { recursive: true });
    this.dirLock = lockDir(dir);
    try {
      this.caseInsensitive = this.probeCaseInsensitive(dir);
      this.meta = this.loadMeta(dir);
      this.clusterId = this.meta.clusterId;
      this.loadTopics(dir, opts.now ?? Date.now());
      this.offsets = new OffsetStoreImpl(path.join(dir, 'consumer-offsets.log'), this.log);
    } catch (e) {
      this.closeLogs();
      this.dirLock.release();
      throw e;
    }
  }

  /** meta.json, else its backup; a new cluster id for a new directory. */
  private loadMeta(dir: string): MetaFile {
    const file = path.join(dir, 'meta.json');
    const read = readMetadataFile<MetaFile>(file, checkMeta, this.log);
    if (read.value) return read.value;
    if (read.problem) {
      throw new Error(
        `${file} is ${read.problem}. It holds the cluster id and the next producer id block. To start with a new cluster id, ` +
          `move ${file} and ${file}.bak away (producer ids then start from 0 again: restart idempotent and transactional producers)`,
      );
    }
    const meta: MetaFile = { version: 1, clusterId: randomBytes(16).toString('base64url'), values: {} };
    writeMetadataFile(file, JSON.stringify(meta, null, 2));
    return meta;
  }

  /** macOS and Windows file systems may fold case: "Orders" and "orders" would share files. */
  private probeCaseInsensitive(dir: string): boolean {
    const probe = path.join(dir, '.case-probe');
    fs.writeFileSync(probe, '');
    try {
      return fs.existsSync(path.join(dir, '.CASE-PROBE'));
    } finally {
      fs.rmSync(probe, { force: true });
    }
  }

  private loadTopics(dir: string, now: number): void {
    const read = readMetadataFile<TopicsFile>(path.join(dir, 'topics.json'), checkTopics, this.log);
    const partitionDirs = fs.readdirSync(path.join(dir, 'topics'));
    const problem = read.value === undefined ? read.problem : undefined;
    const rebuilt = read.value === undefined;
    const topics = read.value === undefined ? this.rebuildTopics(partitionDirs, problem) : read.value.topics;
    const known = new Set<string>();
    const withoutId = topics.filter((t) => t.id === undefined);
    for (const t of topics) {
      const state = this.addTopic(freeze(t.name, t.id === undefined ? newTopicId() : Buffer.from(t.id, 'hex'), t.partitions, t.configs));
      for (let p = 0; p < t.partitions; p++) {
        known.add(partitionDirName(t.name, p));
        state.logs.push(this.openLog(state, p, false, now));
      }
    }
    if (rebuilt) {
      if (topics.length > 0 || problem) this.saveTopics();
      return;
    }
    if (withoutId.length > 0) {
      this.log(`gave ${withoutId.map((t) => t.name).join(', ')} a topic id (topics.json had none for them)`);
      this.saveTopics();
    }
    for (const d of partitionDirs) {
      if (known.has(d)) continue;
      fs.rmSync(path.join(dir, 'topics', d), { recursive: true, force: true });
      this.log(`removed ${d}: not a partition of any topic (deleted topic)`);
    }
  }

  /**
   * Topics from their partition directories (<topic>-<n>), for when topics.json and its
   * backup are both lost. Ids are new; config overrides are unknown, so each gets
   * retention.ms=-1 until someone looks: nothing is deleted by a default it never had.
   */
  private rebuildTopics(partitionDirs: string[], problem: string | undefined): TopicsFile['topics'] {
    const counts = new Map<string, number>();
    for (const d of partitionDirs) {
      const m = /^(.+)-(\d+)$/.exec(d);
      if (!m || validateTopicName(m[1]) || Number(m[2]) >= MAX_PARTITIONS) {
        this.log(`left ${d} alone: not a partition directory`);
        continue;
      }
      counts.set(m[1], Math.max(counts.get(m[1]) ?? 0, Number(m[2]) + 1));
    }
    if (problem) this.log(`topics.json is ${problem}`);
    return [...counts].map(([name, partitions]) => {
      this.log(
        `rebuilt topic ${name} (${partitions} partition(s)) from its partition directories: its config overrides are lost, ` +
          'so it now has retention.ms=-1 (nothing is deleted); review it with kt configs describe --topic and set what it had',
      );
      return { name, id: newTopicId().toString('hex'), partitions, configs: { 'retention.ms': '-1' } };
    });
  }

  private addTopic(info: TopicInfo): TopicState {
    const state: TopicState = { info, config: logConfig(info.configs, this.defaults), logs: [] };
    this.topics.set(info.name, state);
    this.byId.set(info.id.toString('hex'), state);
    return state;
  }

  private openLog(state: TopicState, partition: number, fresh: boolean, now = Date.now()): DiskPartitionLog | MemoryPartitionLog {
    const opts = { topic: state.info.name, partition, config: state.config, log: this.log, now };
    if (!this.dir) return new MemoryPartitionLog(opts);
    const dir = path.join(this.dir, 'topics', partitionDirName(state.info.name, partition));
    if (!fresh) return new DiskPartitionLog({ ...opts, dir, files: this.files });
    fs.rmSync(dir, { recursive: true, force: true }); // leftovers of a crash mid-delete
    try {
      return new DiskPartitionLog({ ...opts, dir, files: this.files });
    } catch (e) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  private saveTopics(): void {
    if (!this.dir) return;
    const file: TopicsFile = {
      version: 1,
      topics: [...this.topics.values()].map(({ info }) => ({
        name: info.name, id: info.id.toString('hex'), partitions: info.partitions, configs: { ...info.configs },
      })),
    };
    writeMetadataFile(path.join(this.dir, 'topics.json'), JSON.stringify(file, null, 2));
    this.topicsFileStale = false;
  }

  /** saveTopics() after a change that stands whatever the disk says: a failure is retried by maintain(). */
  private saveTopicsOrRetry(): void {
    try {
      this.saveTopics();
    } catch (e) {
      if (!this.topicsFileStale) this.log(`cannot write topics.json: ${(e as Error).message}; trying again every second`);
      this.topicsFileStale = true;
    }
  }

  private removeTopic(state: TopicState): void {
    this.topics.delete(state.info.name);
    this.byId.delete(state.info.id.toString('hex'));
  }

  private existing(name: string): TopicState {
    return this.topics.get(name) ?? fail('UNKNOWN_TOPIC_OR_PARTITION', `Topic ${name} does not exist`);
  }

  private checkOpen(): void {
    if (this.closed) throw new KafkaError('KAFKA_STORAGE_ERROR', 'The store is closed');
  }

  listTopics(): TopicInfo[] {
    return [...this.topics.values()].map((s) => s.info);
  }

  getTopic(name: string): TopicInfo | undefined {
    return this.topics.get(name)?.info;
  }

  getTopicById(id: Buffer): TopicInfo | undefined {
    return this.byId.get(id.toString('hex'))?.info;
  }

  topicConfig(name: string): LogConfig | undefined {
    return this.topics.get(name)?.config;
  }

  createTopic(name: string, partitions = -1, configs: Record<string, string> = {}, opts: { validateOnly?: boolean } = {}): TopicInfo {
    this.checkOpen();
    const invalid = validateTopicName(name);
    if (invalid) fail('INVALID_TOPIC_EXCEPTION', invalid);
    if (this.topics.has(name)) fail('TOPIC_ALREADY_EXISTS', `Topic '${name}' already exists.`);
    for (const other of this.topics.keys()) {
      if (collisionKey(other) === collisionKey(name)) fail('INVALID_TOPIC_EXCEPTION', `Topic '${name}' collides with existing topic: ${other}`);
      if (this.caseInsensitive && other.toLowerCase() === name.toLowerCase()) {
        fail('INVALID_TOPIC_EXCEPTION', `Topic '${name}' collides with existing topic ${other} on this case-insensitive file system`);
      }
    }
    const count = partitions === -1 ? brokerNumber(this.defaults, 'num.partitions') : partitions;
    if (!Number.isInteger(count) || count < 1) fail('INVALID_PARTITIONS', 'Number of partitions was set to an invalid non-positive value.');
    if (count > MAX_PARTITIONS) fail('INVALID_PARTITIONS', `Number of partitions must be at most ${MAX_PARTITIONS} on this broker.`);
    const configError = validateTopicConfigs(configs);
    if (configError) fail('INVALID_CONFIG', configError);
    const info = freeze(name, newTopicId(), count, configs);
    if (opts.validateOnly) return info;
    const state = this.addTopic(info);
    let saved = false;
    try {
      this.saveTopics();
      saved = true;
      for (let p = 0; p < count; p++) state.logs.push(this.openLog(state, p, true));
    } catch (e) {
      // e.g. EMFILE, a full disk: take the topic back, so that a restart does not meet it again
      this.removeTopic(state);
      this.dropLogs(state.logs);
      if (saved) this.saveTopicsOrRetry();
      throw this.storageError(`Cannot create the ${count} partition(s) of topic ${name}`, e);
    }
    return info;
  }

  private dropLogs(logs: (DiskPartitionLog | MemoryPartitionLog)[]): void {
    for (const l of logs) {
      try {
        l.delete();
      } catch (e) {
        this.log(`${l.name}: cannot remove: ${(e as Error).message}`);
      }
    }
  }

  private storageError(what: string, e: unknown): KafkaError {
    const err = e as NodeJS.ErrnoException;
    const hint = err.code === 'EMFILE' || err.code === 'ENFILE' ? ' (too many open files: raise the limit with ulimit -n)' : '';
    this.log(`${what}: ${err.message}${hint}`);
    return new KafkaError('KAFKA_STORAGE_ERROR', `${what}: ${err.message}${hint}`);
  }

  deleteTopic(name: string): void {
    this.checkOpen();
    const state = this.existing(name);
    this.removeTopic(state);
    let dataDeleted = false;
    try {
      this.saveTopics();
    } catch (e) {
      if (!isNoSpace(e)) {
        // nothing changed on disk (say, a read-only disk): the topic stays
        this.topics.set(name, state);
        this.byId.set(state.info.id.toString('hex'), state);
        throw this.storageError(`Cannot delete topic ${name}`, e);
      }
      // A full disk: the data goes first, which frees the space topics.json needs.
      this.log(`deleting topic ${name} on a full disk: its data first, then topics.json`);
      this.dropLogs(state.logs);
      dataDeleted = true;
      this.saveTopicsOrRetry();
    }
    if (!dataDeleted) this.dropLogs(state.logs);
    try {
      this.offsets.deleteTopic(name);
    } catch (e) {
      this.log(`cannot drop the committed offsets of deleted topic ${name}: ${(e as Error).message}`);
    }
  }

  createPartitions(name: string, newTotal: number, opts: { validateOnly?: boolean } = {}): TopicInfo {
    this.checkOpen();
    const state = this.existing(name);
    const current = state.info.partitions;
    if (!Number.isInteger(newTotal)) fail('INVALID_PARTITIONS', `Invalid partition count ${newTotal}.`);
    if (newTotal < current) fail('INVALID_PARTITIONS', `The topic ${name} currently has ${current} partition(s); ${newTotal} would not be an increase.`);
    if (newTotal === current) fail('INVALID_PARTITIONS', `Topic already has ${current} partition(s).`);
    if (newTotal > MAX_PARTITIONS) fail('INVALID_PARTITIONS', `Number of partitions must be at most ${MAX_PARTITIONS} on this broker.`);
    const info = freeze(name, state.info.id, newTotal, state.info.configs);
    if (opts.validateOnly) return info;
    const before = state.info;
    state.info = info;
    let saved = false;
    try {
      this.saveTopics();
      saved = true;
      for (let p = current; p < newTotal; p++) state.logs.push(this.openLog(state, p, true));
    } catch (e) {
      state.info = before;
      this.dropLogs(state.logs.splice(current));
      if (saved) this.saveTopicsOrRetry();
      throw this.storageError(`Cannot add partitions ${current}..${newTotal - 1} to topic ${name}`, e);
    }
    return info;
  }

  alterTopicConfigs(name: string, changes: Record<string, string | null>, opts: { validateOnly?: boolean } = {}): TopicInfo {
    this.checkOpen();
    const state = this.existing(name);
    const next: Record<string, string> = { ...state.info.configs };
    const set: Record<string, string> = {};
    for (const [key, value] of Object.entries(changes)) {
      if (!topicConfigDef(key)) fail('INVALID_CONFIG', `Unknown topic config name: ${key}`);
      if (value === null) delete next[key];
      else next[key] = set[key] = value;
    }
    const configError = validateTopicConfigs(set);
    if (configError) fail('INVALID_CONFIG', configError);
    const info = freeze(name, state.info.id, state.info.partitions, next);
    if (opts.validateOnly) return info;
    const before = state.info;
    state.info = info;
    try {
      this.saveTopics();
    } catch (e) {
      state.info = before;
      throw this.storageError(`Cannot change the configs of topic ${name}`, e);
    }
    state.config = logConfig(next, this.defaults);
    for (const l of state.logs) l.updateConfig(state.config);
    return info;
  }

  partition(topic: string, index: number): PartitionLog | undefined {
    return this.topics.get(topic)?.logs[index];
  }

  getMeta(key: string): string | undefined {
    return Object.prototype.hasOwnProperty.call(this.meta.values, key) ? this.meta.values[key] : undefined;
  }

  setMeta(key: string, value: string | undefined): void {
    this.checkOpen();
    const values = { ...this.meta.values };
    if (value === undefined) delete values[key];
    else values[key] = value;
    const next = { ...this.meta, values };
    if (this.dir) writeMetadataFile(path.join(this.dir, 'meta.json'), JSON.stringify(next, null, 2));
    this.meta = next;
  }

  maintain(now = Date.now()): void {
    if (this.closed) return;
    if (this.topicsFileStale) this.saveTopicsOrRetry();
    for (const state of this.topics.values()) {
      state.logs.forEach((l, p) => {
        try {
          if (l instanceof DiskPartitionLog && l.retryDue(now)) this.reopen(state, p, l, now);
          else l.maintain(now);
        } catch (e) {
          this.log(`${l.name}: maintenance failed: ${(e as Error).message}`);
        }
      });
    }
  }

  /** Brings an offline partition back: its files are opened again, as at a start (recovery). */
  private reopen(state: TopicState, p: number, offline: DiskPartitionLog, now: number): void {
    let log: DiskPartitionLog | MemoryPartitionLog;
    try {
      log = this.openLog(state, p, false, now);
    } catch (e) {
      offline.retryFailed(e as Error, now);
      return;
    }
    log.replaces(offline);
    state.logs[p] = log;
    this.log(`${log.name}: back online, offsets ${log.logStartOffset}..${log.logEndOffset}`);
  }

  flush(): void {
    for (const state of this.topics.values()) for (const l of state.logs) l.flush();
  }

  private closeLogs(): void {
    for (const state of this.topics.values()) {
      for (const l of state.logs) {
        try {
          l.close();
        } catch (e) {
          this.log(`${l.name}: close failed: ${(e as Error).message}`);
        }
      }
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.closeLogs();
    this.offsets.close();
    this.dirLock?.release();
  }
}

function checkMeta(m: MetaFile): string | null {
  if (typeof m.clusterId !== 'string' || m.clusterId === '') return 'no cluster id';
  if (typeof m.values !== 'object' || m.values === null || Object.values(m.values).some((v) => typeof v !== 'string')) return 'bad values';
  return null;
}

function checkTopics(f: TopicsFile): string | null {
  if (!Array.isArray(f.topics)) return 'no topic list';
  for (const t of f.topics) {
    const ok =
      typeof t?.name === 'string' && (t.id === undefined || (typeof t.id === 'string' && /^[0-9a-f]{32}$/.test(t.id))) &&
      Number.isInteger(t.partitions) && t.partitions > 0 && typeof t.configs === 'object' && t.configs !== null;
    if (!ok) return `bad entry ${JSON.stringify(t)?.slice(0, 80)}`;
  }
  return null;
}

/** Opens (or creates) the broker's storage on disk, or in memory with `memory: true`. */
export function openStore(opts: StoreOptions = {}): Store {
  if (!opts.memory && opts.dataDir === undefined) throw new Error('openStore: give dataDir or memory: true');
  return new StoreImpl(opts);
}
