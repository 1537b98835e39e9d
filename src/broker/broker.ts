// The broker: one node (id 0) that owns the storage, the group coordinator, the TCP
// listener and the table of API handlers. Handlers are thin; state lives here and in the
// store and coordinator.

import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { CREDENTIALS_FILE, CredentialStore, saslConfig, securityProtocol, tlsServerOptions, type BrokerSaslOptions, type BrokerTlsOptions, type SaslConfig, type SecurityProtocol } from './auth/index.js';
import { Connection } from './connection.js';
import { GroupCoordinator } from './groups/coordinator.js';
import { HANDLERS } from './handlers/index.js';
import { defaultAdvertisedHost } from './hosts.js';
import type { Handler } from './handlers/types.js';
import { brokerBoolean, brokerNumber } from './log/config.js';
import { openStore, type Store } from './log/store.js';
import { brokerLog } from './logLine.js';
import type { TopicInfo } from './log/types.js';
import { MemoryPool } from './memoryPool.js';
import { ConsumerOffsetsTopic } from './offsetsTopic.js';
import { CONSUMER_OFFSETS_TOPIC } from '../protocol/consumerOffsets.js';
import { TransactionCoordinator } from './txn/coordinator.js';

export interface BrokerOptions {
  /** Port to listen on; 0 picks a free one. Default 9092. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1 (never all interfaces unless asked). */
  host?: string;
  /**
   * Host name given to clients in Metadata (Kafka's advertised.listeners); default: the bound
   * host, or this machine's host name when bound to every interface (0.0.0.0, ::).
   */
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
  /**
   * Broker configs by Kafka name, the defaults of topics without an override:
   * `{ 'log.flush.interval.messages': 1, 'log.retention.ms': 3600000 }` (see log/config.ts).
   */
  configs?: Record<string, string | number | boolean>;
  /** Kafka's socket.request.max.bytes (default 100 MiB): a larger request closes its connection. */
  maxFrameBytes?: number;
  // Limits on what clients can make the broker hold (docs/durability.md).
  /** Kafka's max.connections (default 1000): connections beyond it are closed at once, with a log line. */
  maxConnections?: number;
  /**
   * Requests a connection may have received but not yet answered (default 100). At the limit,
   * or when they hold socket.request.max.bytes, the broker stops reading from that socket
   * until they are handled: back-pressure on the client, not an error.
   */
  maxInFlightRequests?: number;
  /**
   * Bytes of requests still arriving, all connections together (default 256 MiB, at least
   * maxFrameBytes). When a request needs more, the partial request that has gone longest
   * without receiving a byte is closed to make room.
   */
  receiveMemoryBytes?: number;
  /** A request must arrive whole within this long of its first byte (default 60000). */
  frameTimeoutMs?: number;
  /**
   * Array entries (topics, partitions, names...) one request may hold, all arrays together
   * (default 100000). A request with more closes its connection as soon as the count is read.
   */
  maxRequestElements?: number;
  /**
   * Topics one Metadata request may auto-create (default 100); the other unknown topics it
   * names get LEADER_NOT_AVAILABLE, so the client asks again.
   */
  autoCreateTopicsPerRequest?: number;
  /**
   * Kafka's connections.max.idle.ms (default 600000; also settable as that broker config): a
   * connection with no request in progress and no bytes moving for this long is closed.
   */
  connectionsMaxIdleMs?: number;
  /**
   * A connection that has not authenticated within this long of connecting is closed (default
   * 10000); on listeners without SASL, one that has not sent a whole request. At
   * maxConnections the oldest such connection is closed to admit a new one.
   */
  authenticationTimeoutMs?: number;
  /** Kafka's fetch.max.bytes (default 55 MiB): caps a Fetch request's max_bytes. */
  fetchMaxBytes?: number;
  /**
   * Bytes of record data all Fetch responses together may hold while they are assembled and
   * written (default 256 MiB). A fetch that finds the budget used up waits without holding data.
   */
  fetchMemoryBytes?: number;
  /** Kafka's group.min.session.timeout.ms (default 6000; also settable as that broker config). */
  groupMinSessionTimeoutMs?: number;
  /** Kafka's group.max.session.timeout.ms (default 1800000; also settable as that broker config). */
  groupMaxSessionTimeoutMs?: number;
  /**
   * Kafka's group.initial.rebalance.delay.ms (default 3000, as Kafka; also settable as that
   * broker config): a new (empty) group waits this long for more members before its first
   * rebalance, longer while members keep arriving, up to the rebalance timeout. 0: no wait.
   */
  groupInitialRebalanceDelayMs?: number;
  /** group.consumer.session.timeout.ms: consumer-protocol (KIP-848) members (default 45000). */
  groupConsumerSessionTimeoutMs?: number;
  /** group.consumer.heartbeat.interval.ms: consumer-protocol members (default 5000). */
  groupConsumerHeartbeatIntervalMs?: number;
  /**
   * SASL on the listener (SASL_PLAINTEXT, or SASL_SSL with `tls`): PLAIN, SCRAM-SHA-256,
   * SCRAM-SHA-512. Before a client authenticates only ApiVersions, SaslHandshake and
   * SaslAuthenticate are accepted (docs/security.md).
   */
  sasl?: BrokerSaslOptions;
  /** TLS on the listener (SSL, or SASL_SSL with `sasl`): PEM certificate and key (text or paths). */
  tls?: BrokerTlsOptions;
  /**
   * Where log lines go (default: nowhere). Lines arrive escaped (no control characters: a
   * client cannot forge one); an exception thrown here drops the line and nothing else.
   */
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
  maxConnections: number;
  maxInFlightRequests: number;
  fetchMaxBytes: number;
  fetchMemoryBytes: number;
  receiveMemoryBytes: number;
  frameTimeoutMs: number;
  maxRequestElements: number;
  autoCreateTopicsPerRequest: number;
  connectionsMaxIdleMs: number;
  authenticationTimeoutMs: number;
  /** The listener's security protocol, by Kafka's name. */
  securityProtocol: SecurityProtocol;
}

export const DEFAULT_LIMITS = {
  maxFrameBytes: 100 * 1024 * 1024,
  maxConnections: 1000,
  maxInFlightRequests: 100,
  fetchMaxBytes: 57_671_680,
  fetchMemoryBytes: 256 * 1024 * 1024,
  receiveMemoryBytes: 256 * 1024 * 1024,
  frameTimeoutMs: 60_000,
  maxRequestElements: 100_000,
  autoCreateTopicsPerRequest: 100,
  authenticationTimeoutMs: 10_000,
} as const;

/**
 * Lines about refused, evicted or timed-out connections and failed TLS handshakes are logged
 * at most this often per kind, with a count (a connection flood must not flood the log).
 */
const FLOOD_LOG_INTERVAL_MS = 10_000;

/** A TLS client that has not finished its handshake by then is dropped. */
const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

/** Retention, segment.ms rolls, flush.ms and compaction are checked this often. */
const MAINTENANCE_INTERVAL_MS = 1_000;

export class Broker {
  readonly handlers: ReadonlyMap<number, Handler>;
  readonly startedAt = Date.now();
  private readonly connections = new Set<Connection>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private maintenance: NodeJS.Timeout | null = null;
  private lastOffsetExpiry = Date.now();
  private stopping: Promise<void> | null = null;
  private readonly floodLog = new Map<string, { count: number; lastLog: number }>();
  /** Connections' idle, authentication and frame timeouts are checked this often. */
  private sweep: NodeJS.Timeout | null = null;
  /** Record bytes held by Fetch responses being assembled or written (fetchMemoryBytes). */
  readonly fetchMemory: MemoryPool;
  /** Bytes of requests still arriving, on all connections (receiveMemoryBytes). */
  readonly receiveMemory: MemoryPool;
  /** Producer ids, transactional ids and their transactions (txn/coordinator.ts). */
  txn!: TransactionCoordinator;
  /** The internal __consumer_offsets topic (offsetsTopic.ts). */
  readonly offsetsTopic: ConsumerOffsetsTopic;

  private constructor(
    readonly config: BrokerConfig,
    readonly store: Store,
    readonly groups: GroupCoordinator,
    private readonly server: net.Server,
    private readonly logFn: (line: string) => void,
    /** SASL mechanisms and credentials, on SASL_PLAINTEXT and SASL_SSL listeners. */
    readonly sasl: SaslConfig | null,
    /**
     * SCRAM users (Describe/AlterUserScramCredentials): the SASL listener's store, or on a
     * listener without SASL the same file a SASL broker would keep, so users managed over the
     * wire are there when SASL is turned on. Saved to `credentialsFile` after each change.
     */
    readonly credentials: CredentialStore,
    readonly credentialsFile: string | undefined,
  ) {
    this.handlers = new Map(HANDLERS.map((h) => [h.api.key, h]));
    this.fetchMemory = new MemoryPool(config.fetchMemoryBytes);
    this.receiveMemory = new MemoryPool(config.receiveMemoryBytes);
    this.offsetsTopic = new ConsumerOffsetsTopic(store, logFn, (t, p) => this.notifyAppend(t, p));
    store.offsets.onChange = (changes) => this.offsetsTopic.write(changes);
    groups.onGroupStored = (groupId, value) => this.offsetsTopic.writeGroup(groupId, value);
  }

  static async start(opts: BrokerOptions = {}): Promise<Broker> {
    const log = brokerLog(opts.log ?? (() => {}));
    if (!opts.memory && !opts.dataDir) throw new Error('startBroker: give dataDir or memory: true');
    // Security first: a bad certificate or an empty user list fails before anything is opened.
    const sasl = opts.sasl ? await saslConfig(opts.sasl, opts.memory ? undefined : opts.dataDir) : null;
    const credentialsFile = sasl ? sasl.credentialsFile : opts.memory ? undefined : path.join(opts.dataDir!, CREDENTIALS_FILE);
    const credentials = sasl ? sasl.credentials : credentialsFile ? CredentialStore.load(credentialsFile) : new CredentialStore();
    const tlsOptions = opts.tls ? tlsServerOptions(opts.tls) : null;
    let server: net.Server;
    try {
      server = tlsOptions ? tls.createServer({ ...tlsOptions, handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS }) : net.createServer();
    } catch (err) {
      throw new Error(`TLS: ${(err as Error).message}`);
    }
    const maxFrameBytes = opts.maxFrameBytes ?? DEFAULT_LIMITS.maxFrameBytes;
    const receiveMemoryBytes = opts.receiveMemoryBytes ?? Math.max(DEFAULT_LIMITS.receiveMemoryBytes, maxFrameBytes);
    if (receiveMemoryBytes < maxFrameBytes) throw new Error(`startBroker: receiveMemoryBytes (${receiveMemoryBytes}) must be at least maxFrameBytes (${maxFrameBytes})`);
    const store = openStore({
      dataDir: opts.memory ? undefined : opts.dataDir,
      memory: opts.memory,
      log,
      // options with a Kafka broker config name are that config (DescribeConfigs shows them)
      defaults: {
        ...opts.configs,
        ...(opts.numPartitions === undefined ? {} : { 'num.partitions': opts.numPartitions }),
        ...(opts.autoCreateTopics === undefined ? {} : { 'auto.create.topics.enable': String(opts.autoCreateTopics) }),
        ...(opts.connectionsMaxIdleMs === undefined ? {} : { 'connections.max.idle.ms': opts.connectionsMaxIdleMs }),
        ...(opts.groupMinSessionTimeoutMs === undefined ? {} : { 'group.min.session.timeout.ms': opts.groupMinSessionTimeoutMs }),
        ...(opts.groupMaxSessionTimeoutMs === undefined ? {} : { 'group.max.session.timeout.ms': opts.groupMaxSessionTimeoutMs }),
        ...(opts.groupInitialRebalanceDelayMs === undefined ? {} : { 'group.initial.rebalance.delay.ms': opts.groupInitialRebalanceDelayMs }),
      },
    });
    // the group coordinator acts on the broker configs DescribeConfigs reports
    const groups = new GroupCoordinator(store.offsets, {
      minSessionTimeoutMs: brokerNumber(store.defaults, 'group.min.session.timeout.ms'),
      maxSessionTimeoutMs: brokerNumber(store.defaults, 'group.max.session.timeout.ms'),
      initialRebalanceDelayMs: brokerNumber(store.defaults, 'group.initial.rebalance.delay.ms'),
      offsetsRetentionMs: brokerNumber(store.defaults, 'offsets.retention.minutes') * 60_000,
      consumerSessionTimeoutMs: opts.groupConsumerSessionTimeoutMs,
      consumerHeartbeatIntervalMs: opts.groupConsumerHeartbeatIntervalMs,
      topics: {
        get: (name) => store.getTopic(name),
        byId: (id) => store.getTopicById(id),
        names: () => store.listTopics().map((t) => t.name),
      },
      log,
    });
    const host = opts.host ?? '127.0.0.1';
    const config: BrokerConfig = {
      port: opts.port ?? 9092,
      host,
      advertisedHost: opts.advertisedHost ?? defaultAdvertisedHost(host),
      nodeId: opts.nodeId ?? 0,
      autoCreateTopics: brokerBoolean(store.defaults, 'auto.create.topics.enable'),
      numPartitions: brokerNumber(store.defaults, 'num.partitions'),
      maxFrameBytes,
      maxConnections: opts.maxConnections ?? DEFAULT_LIMITS.maxConnections,
      maxInFlightRequests: opts.maxInFlightRequests ?? DEFAULT_LIMITS.maxInFlightRequests,
      fetchMaxBytes: opts.fetchMaxBytes ?? DEFAULT_LIMITS.fetchMaxBytes,
      fetchMemoryBytes: opts.fetchMemoryBytes ?? DEFAULT_LIMITS.fetchMemoryBytes,
      receiveMemoryBytes,
      frameTimeoutMs: opts.frameTimeoutMs ?? DEFAULT_LIMITS.frameTimeoutMs,
      maxRequestElements: opts.maxRequestElements ?? DEFAULT_LIMITS.maxRequestElements,
      autoCreateTopicsPerRequest: opts.autoCreateTopicsPerRequest ?? DEFAULT_LIMITS.autoCreateTopicsPerRequest,
      connectionsMaxIdleMs: brokerNumber(store.defaults, 'connections.max.idle.ms'),
      authenticationTimeoutMs: opts.authenticationTimeoutMs ?? DEFAULT_LIMITS.authenticationTimeoutMs,
      securityProtocol: securityProtocol(sasl !== null, tlsOptions !== null),
    };
    const broker = new Broker(config, store, groups, server, log, sasl, credentials, credentialsFile);
    try {
      broker.txn = new TransactionCoordinator({ store, groups, log, onAppend: (t, p) => broker.notifyAppend(t, p) });
    } catch (err) {
      groups.close();
      store.close();
      throw err;
    }
    if (tlsOptions) {
      server.on('secureConnection', (socket: tls.TLSSocket) => broker.accept(socket));
      server.on('tlsClientError', (err: Error, socket: tls.TLSSocket) => broker.tlsFailed(err, socket));
    } else {
      server.on('connection', (socket: net.Socket) => broker.accept(socket));
    }
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      broker.txn.close();
      groups.close();
      store.close();
      throw err;
    }
    const addr = server.address();
    if (addr && typeof addr === 'object') config.port = addr.port;
    broker.maintenance = setInterval(() => broker.maintain(), MAINTENANCE_INTERVAL_MS);
    broker.maintenance.unref();
    // a few checks per shortest timeout, at most once a second
    const shortest = Math.min(config.connectionsMaxIdleMs, config.authenticationTimeoutMs, config.frameTimeoutMs);
    broker.sweep = setInterval(() => broker.expireConnections(), Math.max(20, Math.min(1000, shortest / 4)));
    broker.sweep.unref();
    const mechs = sasl ? `, SASL mechanisms ${sasl.mechanisms.join(',')}, ${sasl.credentials.size} user(s)` : '';
    const advertised = config.advertisedHost === host ? '' : `, advertised as ${broker.bootstrap}`;
    log(`broker listening on ${host}:${config.port}${advertised} (${config.securityProtocol}${mechs})`);
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

  get securityProtocol(): SecurityProtocol {
    return this.config.securityProtocol;
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

  get connectionCount(): number {
    return this.connections.size;
  }

  /**
   * A new connection. At max.connections the oldest connection that has not yet sent a request
   * (on a SASL listener: not authenticated) makes room for it, so silent connections cannot
   * lock real clients out; when every connection is established, the new one is refused: closed
   * at once (as Kafka treats max.connections.per.ip), so a flood costs no more than accepting.
   */
  private accept(socket: net.Socket): void {
    if (this.connections.size >= this.config.maxConnections) {
      const unproven = [...this.connections].find((c) => !c.established);
      if (!unproven) {
        socket.on('error', () => {});
        socket.destroy();
        this.logFlood('refused', `refused connection from ${socket.remoteAddress ?? 'unknown'}: ${this.connections.size} connections open, max.connections is ${this.config.maxConnections}`);
        return;
      }
      unproven.close();
      const what = this.sasl ? 'is not authenticated' : 'has not sent a request';
      this.logFlood('evicted', `closed the oldest connection that ${what} (${unproven.clientHost}) to make room for one from /${socket.remoteAddress ?? 'unknown'}: max.connections is ${this.config.maxConnections}`);
    }
    this.connections.add(new Connection(this, socket));
  }

  /** Logs a line of this kind at most every FLOOD_LOG_INTERVAL_MS, counting the ones left out. */
  logFlood(kind: string, line: string): void {
    const now = Date.now();
    const seen = this.floodLog.get(kind) ?? { count: 0, lastLog: 0 };
    if (now - seen.lastLog < FLOOD_LOG_INTERVAL_MS) {
      seen.count++;
      this.floodLog.set(kind, seen);
      return;
    }
    this.log(seen.count > 0 ? `${line} (${seen.count} more like it since the last report)` : line);
    this.floodLog.set(kind, { count: 0, lastLog: now });
  }

  /** A TLS handshake that failed: logged (rate-limited like refusals), the socket is gone. */
  private tlsFailed(err: Error, socket: tls.TLSSocket): void {
    const from = socket.remoteAddress ?? 'unknown';
    socket.destroy();
    // A peer that hangs up before the handshake (a port probe, `kt local status`) is no failure.
    if ((err as NodeJS.ErrnoException).code === 'ECONNRESET') return;
    const reason = (err as NodeJS.ErrnoException).code ?? err.message;
    this.logFlood('tls', `TLS handshake failed with /${from}: ${reason}`);
  }

  /** Closes the connections whose idle, authentication or frame timeout has passed. */
  private expireConnections(): void {
    const now = Date.now();
    for (const c of [...this.connections]) c.expire(now);
  }

  /**
   * Takes `bytes` of receive memory for `requester`'s partial request. When the budget is used
   * up, the partial request that has gone longest without a byte (a client that stalled, most
   * likely) is closed to make room, until it fits. False only when nothing else can be closed.
   */
  reserveReceiveMemory(requester: Connection, bytes: number): boolean {
    while (!this.receiveMemory.take(bytes)) {
      let victim: Connection | undefined;
      for (const c of this.connections) {
        if (c !== requester && c.receiveMemoryHeld > 0 && (!victim || c.lastByteAt < victim.lastByteAt)) victim = c;
      }
      if (!victim) return false;
      victim.close(`receive memory (receiveMemoryBytes ${this.config.receiveMemoryBytes}) used up: closing the request that has waited longest for its bytes`);
    }
    return true;
  }

  /**
   * The topic, creating it with the broker defaults when auto-creation applies.
   * Returns undefined for unknown topics that may not be created.
   */
  autoCreateTopic(name: string): TopicInfo | undefined {
    const existing = this.store.getTopic(name);
    if (existing || !this.config.autoCreateTopics) return existing;
    // created as Kafka's AutoTopicCreationManager creates it: internal, with its own settings
    if (name === CONSUMER_OFFSETS_TOPIC) return this.offsetsTopic.ensure();
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
      this.txn.maintain(now);
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
        if (this.sweep) clearInterval(this.sweep);
        const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
        for (const c of [...this.connections]) c.close();
        await closed;
        this.groups.close();
        this.txn.close();
        this.store.close();
        this.log('broker stopped');
      })();
    }
    return this.stopping;
  }
}
