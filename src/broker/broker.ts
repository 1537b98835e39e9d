// The broker: one node (id 0) that owns the storage, the group coordinator, the TCP
// listener and the table of API handlers. Handlers are thin; state lives here and in the
// store and coordinator.

import net from 'node:net';
import { Connection } from './connection.js';
import { GroupCoordinator } from './groups/coordinator.js';
import { HANDLERS } from './handlers/index.js';
import type { Handler } from './handlers/types.js';
import { openStore, type Store } from './log/store.js';
import type { TopicInfo } from './log/types.js';

export interface BrokerOptions {
  /** Port to listen on; 0 picks a free one. Default 9092. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1 (never all interfaces unless asked). */
  host?: string;
  /** Host name given to clients in Metadata; default: the bound host. */
  advertisedHost?: string;
  /** Directory for topics, offsets and metadata. Required unless `memory`. */
  dataDir?: string;
  /** Keep everything in memory (tests). */
  memory?: boolean;
  nodeId?: number;
  /** Kafka's auto.create.topics.enable (default true). */
  autoCreateTopics?: boolean;
  /** Kafka's num.partitions for auto-created topics (default 1). */
  numPartitions?: number;
  /** Kafka's socket.request.max.bytes (default 100 MiB). */
  maxFrameBytes?: number;
  /** Kafka's group.min.session.timeout.ms (default 6000). */
  groupMinSessionTimeoutMs?: number;
  /** Kafka's group.max.session.timeout.ms (default 1800000). */
  groupMaxSessionTimeoutMs?: number;
  /** Kafka's group.initial.rebalance.delay.ms (default 0 here; Kafka's is 3000). */
  groupInitialRebalanceDelayMs?: number;
  /** Where log lines go (default: nowhere). */
  log?: (line: string) => void;
}

export interface BrokerConfig {
  port: number;
  host: string;
  advertisedHost: string;
  nodeId: number;
  autoCreateTopics: boolean;
  numPartitions: number;
  maxFrameBytes: number;
}

/** Retention, segment.ms rolls and flush.ms are checked this often. */
const MAINTENANCE_INTERVAL_MS = 1_000;

export class Broker {
  readonly handlers: ReadonlyMap<number, Handler>;
  readonly startedAt = Date.now();
  private readonly connections = new Set<Connection>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private maintenance: NodeJS.Timeout | null = null;
  private lastOffsetExpiry = Date.now();
  private stopping: Promise<void> | null = null;

  private constructor(
    readonly config: BrokerConfig,
    readonly store: Store,
    readonly groups: GroupCoordinator,
    private readonly server: net.Server,
    private readonly logFn: (line: string) => void,
  ) {
    this.handlers = new Map(HANDLERS.map((h) => [h.api.key, h]));
  }

  static async start(opts: BrokerOptions = {}): Promise<Broker> {
    const log = opts.log ?? (() => {});
    if (!opts.memory && !opts.dataDir) throw new Error('startBroker: give dataDir or memory: true');
    const store = openStore({
      dataDir: opts.memory ? undefined : opts.dataDir,
      memory: opts.memory,
      log,
      defaults: { numPartitions: opts.numPartitions ?? 1 },
    });
    const groups = new GroupCoordinator(store.offsets, {
      minSessionTimeoutMs: opts.groupMinSessionTimeoutMs,
      maxSessionTimeoutMs: opts.groupMaxSessionTimeoutMs,
      initialRebalanceDelayMs: opts.groupInitialRebalanceDelayMs ?? 0,
      log,
    });
    const host = opts.host ?? '127.0.0.1';
    const server = net.createServer();
    const config: BrokerConfig = {
      port: opts.port ?? 9092,
      host,
      advertisedHost: opts.advertisedHost ?? host,
      nodeId: opts.nodeId ?? 0,
      autoCreateTopics: opts.autoCreateTopics ?? true,
      numPartitions: opts.numPartitions ?? 1,
      maxFrameBytes: opts.maxFrameBytes ?? 100 * 1024 * 1024,
    };
    const broker = new Broker(config, store, groups, server, log);
    server.on('connection', (socket) => broker.connections.add(new Connection(broker, socket)));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      groups.close();
      store.close();
      throw err;
    }
    const addr = server.address();
    if (addr && typeof addr === 'object') config.port = addr.port;
    broker.maintenance = setInterval(() => broker.maintain(), MAINTENANCE_INTERVAL_MS);
    broker.maintenance.unref();
    log(`broker listening on ${broker.bootstrap}`);
    return broker;
  }

  get port(): number {
    return this.config.port;
  }

  get host(): string {
    return this.config.host;
  }

  get bootstrap(): string {
    return `${this.config.advertisedHost}:${this.config.port}`;
  }

  get nodeId(): number {
    return this.config.nodeId;
  }

  log(line: string): void {
    this.logFn(line);
  }

  connectionClosed(c: Connection): void {
    this.connections.delete(c);
  }

  /**
   * The topic, creating it with the broker defaults when auto-creation applies.
   * Returns undefined for unknown topics that may not be created.
   */
  autoCreateTopic(name: string): TopicInfo | undefined {
    const existing = this.store.getTopic(name);
    if (existing || !this.config.autoCreateTopics) return existing;
    const t = this.store.createTopic(name, this.config.numPartitions, {});
    this.log(`auto-created topic ${name} with ${t.partitions} partition(s)`);
    return t;
  }

  /** Wakes fetches waiting on this partition. */
  notifyAppend(topic: string, partition: number): void {
    const key = `${topic}\u0000${partition}`;
    const set = this.waiters.get(key);
    if (!set) return;
    this.waiters.delete(key);
    for (const wake of set) wake();
  }

  /**
   * Resolves when one of the partitions gets new data, the timeout passes or the signal
   * aborts, whichever comes first.
   */
  waitForAppend(partitions: [string, number][], timeoutMs: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const keys = partitions.map(([t, p]) => `${t}\u0000${p}`);
      let timer: NodeJS.Timeout | null = null;
      const wake = (): void => {
        if (timer) clearTimeout(timer);
        signal.removeEventListener('abort', wake);
        for (const k of keys) {
          const set = this.waiters.get(k);
          set?.delete(wake);
          if (set && set.size === 0) this.waiters.delete(k);
        }
        resolve();
      };
      if (signal.aborted || timeoutMs <= 0) {
        resolve();
        return;
      }
      for (const k of keys) {
        let set = this.waiters.get(k);
        if (!set) this.waiters.set(k, (set = new Set()));
        set.add(wake);
      }
      timer = setTimeout(wake, timeoutMs);
      signal.addEventListener('abort', wake, { once: true });
    });
  }

  private maintain(): void {
    try {
      const now = Date.now();
      this.store.maintain(now);
      // committed offsets of long-empty groups (offsets.retention.minutes), checked each minute
      if (now - this.lastOffsetExpiry >= 60_000) {
        this.lastOffsetExpiry = now;
        this.groups.expireOffsets(now);
      }
    } catch (err) {
      this.log(`maintenance failed: ${(err as Error).message}`);
    }
  }

  /** Stops listening, closes every connection, flushes and closes the storage. */
  stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = (async () => {
        if (this.maintenance) clearInterval(this.maintenance);
        const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
        for (const c of [...this.connections]) c.close();
        await closed;
        this.groups.close();
        this.store.close();
        this.log('broker stopped');
      })();
    }
    return this.stopping;
  }
}
