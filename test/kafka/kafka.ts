// The Apache Kafka 4.4 harness: resolves the broker and tool jars with Maven into a cache
// outside the checkout, formats KRaft storage and runs `kafka.Kafka` with `java` directly
// (one combined broker+controller node, or three combined nodes with a controller quorum
// of 3), and runs the real Apache command-line tools (ConsoleConsumer, TopicCommand, ...).
//
// Every JVM is started in its own process group, under `setpriv --pdeathsig KILL` when
// available (it dies with the node process that started it), and is killed as a group by
// stop() and when the test process exits. Only 127.0.0.1 ports are used.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';

export const KAFKA_VERSION = '4.4.0';
const HERE = path.dirname(fileURLToPath(import.meta.url));
/** test/kafka/pom.xml in the source tree (this file runs from dist/test/kafka). */
export const POM = path.resolve(HERE, '..', '..', '..', 'test', 'kafka', 'pom.xml');

/** Where the jars live: $KT_KAFKA_LIBS, else ~/.cache/kt-test/kafka-4.4.0/libs. */
export function kafkaLibsDir(): string {
  return process.env.KT_KAFKA_LIBS || path.join(os.homedir(), '.cache', 'kt-test', `kafka-${KAFKA_VERSION}`, 'libs');
}

function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((d) => d && fs.existsSync(path.join(d, cmd)));
}

/**
 * What the Apache tests need and this machine lacks, as a sentence; '' when nothing is
 * missing. (Maven is needed only while the jars are not cached yet.)
 */
export function apacheMissing(): string {
  const missing: string[] = [];
  if (!onPath('java')) missing.push('java (a Java 17+ runtime, e.g. apt-get install openjdk-17-jre-headless)');
  if (!libsReady(kafkaLibsDir()) && !onPath('mvn')) missing.push(`mvn (Maven, to resolve Apache Kafka ${KAFKA_VERSION} into ${kafkaLibsDir()}; e.g. apt-get install maven)`);
  return missing.join(' and ');
}

/** The cache is keyed by the pom's content: editing test/kafka/pom.xml resolves again. */
function pomStamp(): string {
  return crypto.createHash('sha256').update(fs.readFileSync(POM)).digest('hex').slice(0, 16);
}

function libsReady(dir: string): boolean {
  try {
    return fs.readFileSync(path.join(dir, '.complete'), 'utf8').trim() === pomStamp();
  } catch {
    return false;
  }
}

/**
 * The directory holding the Apache Kafka jars, resolving them with Maven the first time
 * (into a temporary directory renamed into place, so a half-done resolve is never used).
 */
export function kafkaLibs(): string {
  const dir = kafkaLibsDir();
  if (libsReady(dir)) return dir;
  const missing = apacheMissing();
  if (missing) throw new Error(`Apache Kafka tests need ${missing}`);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const tmp = fs.mkdtempSync(`${dir}.tmp-`);
  const r = spawnSync('mvn', ['-q', '-B', '-f', POM, 'dependency:copy-dependencies', `-DoutputDirectory=${tmp}`], { encoding: 'utf8' });
  if (r.status !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new Error(`mvn could not resolve Apache Kafka ${KAFKA_VERSION} (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  }
  fs.writeFileSync(path.join(tmp, '.complete'), `${pomStamp()}\n`);
  fs.rmSync(dir, { recursive: true, force: true });
  try {
    fs.renameSync(tmp, dir);
  } catch (e) {
    // another process won the race
    fs.rmSync(tmp, { recursive: true, force: true });
    if (!libsReady(dir)) throw e;
  }
  return dir;
}

/** A Kafka Uuid (16 random bytes, URL-safe base64 without padding, never starting with '-'). */
export function kafkaUuid(): string {
  for (;;) {
    const s = crypto.randomBytes(16).toString('base64url');
    if (!s.startsWith('-')) return s;
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

// --- process groups that die with us ---------------------------------------------------

const live = new Set<ChildProcess>();
let exitHook = false;
function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}
function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const c of live) killGroup(c);
    });
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(sig, () => {
        for (const c of live) killGroup(c);
        process.kill(process.pid, sig);
      });
    }
  }
}

const PDEATHSIG = onPath('setpriv') && spawnSync('setpriv', ['--pdeathsig', 'KILL', 'true']).status === 0;

/** Spawns `java args` in its own process group, dying with this process. */
function spawnJava(args: string[], opts: { cwd?: string; stdout?: number | 'pipe' | 'ignore'; stdin?: 'pipe' | 'ignore' } = {}): ChildProcess {
  const [cmd, argv] = PDEATHSIG ? ['setpriv', ['--pdeathsig', 'KILL', 'java', ...args]] : ['java', args];
  const out = opts.stdout ?? 'pipe';
  const child = spawn(cmd, argv as string[], { cwd: opts.cwd, detached: true, stdio: [opts.stdin ?? 'pipe', out, out] });
  track(child);
  return child;
}

const SRC = path.dirname(POM);
const TOOL_JVM = [`-Dlog4j2.configurationFile=${path.join(SRC, 'tools-log4j2.properties')}`, '-Xmx384m', '-Xss1m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:-UsePerfData', '-Xshare:auto'];
const BROKER_JVM = [`-Dlog4j2.configurationFile=${path.join(SRC, 'broker-log4j2.properties')}`, '-Xmx384m', '-Xms128m', '-XX:+UseSerialGC', '-XX:-UsePerfData', '-Djava.awt.headless=true'];

// --- the real Apache tools -------------------------------------------------------------

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Class names of the Apache tools in kafka-tools / kafka_2.13 4.4. */
export const TOOLS = {
  consoleConsumer: 'org.apache.kafka.tools.consumer.ConsoleConsumer',
  consoleProducer: 'org.apache.kafka.tools.ConsoleProducer',
  topics: 'org.apache.kafka.tools.TopicCommand',
  consumerGroups: 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
  getOffsets: 'org.apache.kafka.tools.GetOffsetShell',
  configs: 'org.apache.kafka.tools.ConfigCommand',
  deleteRecords: 'org.apache.kafka.tools.DeleteRecordsCommand',
  storage: 'kafka.tools.StorageTool',
  acls: 'org.apache.kafka.tools.AclCommand',
  logDirs: 'org.apache.kafka.tools.LogDirsCommand',
  transactions: 'org.apache.kafka.tools.TransactionsCommand',
  leaderElection: 'org.apache.kafka.tools.LeaderElectionCommand',
  reassignPartitions: 'org.apache.kafka.tools.reassign.ReassignPartitionsCommand',
  producerPerf: 'org.apache.kafka.tools.ProducerPerformance',
  brokerApiVersions: 'org.apache.kafka.tools.BrokerApiVersionsCommand',
  consumerPerf: 'org.apache.kafka.tools.ConsumerPerformance',
} as const;

/** The argv (after `java`) that runs one Apache tool with the harness's small-JVM flags. */
export function toolArgs(className: string, args: string[]): string[] {
  return [...TOOL_JVM, '-cp', path.join(kafkaLibs(), '*'), className, ...args];
}

/**
 * Runs one Apache tool (`java -cp libs/* <className> args...`) to completion, with stdin
 * (closed when not given) and a hard timeout that kills its process group.
 */
export function runTool(className: string, args: string[], o: { stdin?: string | Buffer; timeoutMs?: number } = {}): Promise<ToolResult> {
  const libs = kafkaLibs();
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawnJava([...TOOL_JVM, '-cp', path.join(libs, '*'), className, ...args]);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    const killer = setTimeout(() => killGroup(child), o.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), ms: Date.now() - started });
    });
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(o.stdin ?? '');
  });
}

// --- brokers ---------------------------------------------------------------------------

export interface NodeSpec {
  id: number;
  port: number;
  controllerPort: number;
  dir: string;
  dirId: string;
}

export interface StartOptions {
  /** extra server.properties lines (key → value), applied to every node */
  props?: Record<string, string | number | boolean>;
  /** extra listeners, e.g. { SASL_PLAINTEXT: port } */
  listeners?: Record<string, number>;
  /** called once per node before formatting (e.g. to add SCRAM credentials) */
  formatArgs?: string[];
  /** how long to wait for the node(s) to answer; default 180 s */
  readyTimeoutMs?: number;
}

export interface KafkaCluster {
  /** 127.0.0.1:port,... of every node's PLAINTEXT listener */
  bootstrap: string;
  nodes: NodeSpec[];
  /** the bootstrap address of node i (0-based) */
  nodeBootstrap(i: number): string;
  /** kills node i (SIGKILL of its process group unless graceful) and waits for it to exit */
  stopNode(i: number, o?: { graceful?: boolean }): Promise<void>;
  /** starts node i again on the same ports and storage; waits until the cluster sees it */
  startNode(i: number): Promise<void>;
  running(i: number): boolean;
  /** process ids of the running nodes' JVMs */
  pids(): number[];
  /** stops every node and removes the temp dir */
  stop(): Promise<void>;
  /** the last lines of node i's server log (for failure messages) */
  logTail(i: number, lines?: number): string;
  dir: string;
}

function propsText(spec: NodeSpec, quorum: string, o: StartOptions, n: number): string {
  const listeners: Record<string, number> = { PLAINTEXT: spec.port, ...(o.listeners ?? {}) };
  const names = Object.keys(listeners);
  // listener names are security protocol names (PLAINTEXT, SASL_PLAINTEXT, SSL, SASL_SSL)
  const map = ['CONTROLLER:PLAINTEXT', ...names.map((l) => `${l}:${l}`)];
  const rf = Math.min(3, n);
  const base: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': spec.id,
    listeners: [...names.map((l) => `${l}://127.0.0.1:${listeners[l]}`), `CONTROLLER://127.0.0.1:${spec.controllerPort}`].join(','),
    'advertised.listeners': names.map((l) => `${l}://127.0.0.1:${listeners[l]}`).join(','),
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': map.join(','),
    'controller.quorum.bootstrap.servers': quorum,
    'log.dirs': path.join(spec.dir, 'data'),
    'num.partitions': 1,
    'default.replication.factor': 1,
    'offsets.topic.replication.factor': rf,
    'offsets.topic.num.partitions': n === 1 ? 5 : 10,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': Math.min(2, rf),
    'transaction.state.log.num.partitions': 5,
    'share.coordinator.state.topic.replication.factor': rf,
    'share.coordinator.state.topic.min.isr': Math.min(2, rf),
    'num.network.threads': 2,
    'num.io.threads': 2,
    'background.threads': 2,
    'num.recovery.threads.per.data.dir': 1,
    'auto.create.topics.enable': true,
    'delete.topic.enable': true,
    // a dead broker is fenced within seconds rather than the default 9 s / 18 s
    'broker.session.timeout.ms': 6000,
    'broker.heartbeat.interval.ms': 1000,
    'controlled.shutdown.enable': true,
  };
  return Object.entries({ ...base, ...(o.props ?? {}) })
    .map(([k, v]) => `${k}=${v}`)
    .join('\n') + '\n';
}

async function waitReady(bootstrap: string, brokers: number, timeoutMs: number, alive: () => string | null): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const dead = alive();
    if (dead) throw new Error(dead);
    const kafka = new Kafka({ brokers: bootstrap.split(','), clientId: 'kt-harness', logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 2000, requestTimeout: 5000 });
    const admin = kafka.admin();
    try {
      await admin.connect();
      const d = await admin.describeCluster();
      if (d.brokers.length >= brokers && d.controller !== null && d.controller >= 0) {
        await admin.disconnect();
        return;
      }
      last = `${d.brokers.length}/${brokers} brokers registered`;
    } catch (e) {
      last = (e as Error).message;
    }
    await admin.disconnect().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`Apache Kafka at ${bootstrap} did not answer within ${timeoutMs} ms: ${last}`);
}

/**
 * Starts n combined broker+controller nodes (a controller quorum of n) on free 127.0.0.1
 * ports in a temp dir; resolves once every broker is registered and answers.
 */
export async function startKafkaCluster(n: number, o: StartOptions = {}): Promise<KafkaCluster> {
  // The ports were free when chosen, but another process may take one before Kafka binds it
  // (they are ephemeral ports, which outgoing connections use too): start again on new ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startKafkaClusterOnce(n, o);
    } catch (e) {
      if (attempt === 3 || !/Address already in use/.test((e as Error).message)) throw e;
    }
  }
}

async function startKafkaClusterOnce(n: number, o: StartOptions): Promise<KafkaCluster> {
  const libs = kafkaLibs();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-apache-'));
  const nodes: NodeSpec[] = [];
  for (let i = 0; i < n; i++) {
    const ndir = path.join(dir, `node-${i + 1}`);
    fs.mkdirSync(ndir);
    nodes.push({ id: i + 1, port: await freePort(), controllerPort: await freePort(), dir: ndir, dirId: kafkaUuid() });
  }
  const quorum = nodes.map((s) => `127.0.0.1:${s.controllerPort}`).join(',');
  const initial = nodes.map((s) => `${s.id}@127.0.0.1:${s.controllerPort}:${s.dirId}`).join(',');
  const clusterId = kafkaUuid();
  const cp = path.join(libs, '*');
  // Format every node's storage (in parallel: each is a JVM start).
  await Promise.all(
    nodes.map(async (s) => {
      const props = path.join(s.dir, 'server.properties');
      fs.writeFileSync(props, propsText(s, quorum, o, n));
      const args = ['format', '-t', clusterId, '-c', props, ...(n === 1 ? ['--standalone'] : ['--initial-controllers', initial]), ...(o.formatArgs ?? [])];
      const r = await runTool(TOOLS.storage, args);
      if (r.code !== 0) throw new Error(`StorageTool format failed for node ${s.id}: ${r.stdout}${r.stderr}`);
      if (n > 1) {
        // the formatted meta.properties must carry the directory id the quorum names
        const meta = fs.readFileSync(path.join(s.dir, 'data', 'meta.properties'), 'utf8');
        const m = /directory\.id=(\S+)/.exec(meta);
        if (!m || m[1] !== s.dirId) {
          fs.writeFileSync(path.join(s.dir, 'data', 'meta.properties'), meta.replace(/directory\.id=\S+/, `directory.id=${s.dirId}`));
        }
      }
    }),
  );
  const procs: Array<ChildProcess | null> = nodes.map(() => null);
  const exits: Array<Promise<void> | null> = nodes.map(() => null);
  const launch = (i: number) => {
    const s = nodes[i];
    const log = fs.openSync(path.join(s.dir, 'server.log'), 'a');
    const child = spawnJava([...BROKER_JVM, `-Dkafka.logs.dir=${s.dir}`, '-cp', cp, 'kafka.Kafka', path.join(s.dir, 'server.properties')], { stdout: log, stdin: 'ignore' });
    fs.closeSync(log);
    procs[i] = child;
    exits[i] = new Promise((r) => child.once('exit', () => r()));
    child.once('exit', () => {
      if (procs[i] === child) procs[i] = null;
    });
  };
  const logTail = (i: number, lines = 40) => {
    try {
      return fs.readFileSync(path.join(nodes[i].dir, 'server.log'), 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };
  const deadCheck = (which: number[]) => () => {
    for (const i of which) if (procs[i] === null) return `Apache Kafka node ${nodes[i].id} exited during start-up:\n${logTail(i)}`;
    return null;
  };
  const bootstrap = nodes.map((s) => `127.0.0.1:${s.port}`).join(',');
  const stopNode = async (i: number, so: { graceful?: boolean } = {}) => {
    const child = procs[i];
    if (!child) return;
    const exited = exits[i]!;
    if (so.graceful) {
      killGroup(child, 'SIGTERM');
      const t = setTimeout(() => killGroup(child), 60_000);
      await exited;
      clearTimeout(t);
    } else {
      killGroup(child);
      await exited;
    }
  };
  const stop = async () => {
    await Promise.all(nodes.map((_, i) => stopNode(i)));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < n; i++) launch(i);
  try {
    await waitReady(bootstrap, n, o.readyTimeoutMs ?? 180_000, deadCheck(nodes.map((_, i) => i)));
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    bootstrap,
    nodes,
    dir,
    nodeBootstrap: (i) => `127.0.0.1:${nodes[i].port}`,
    stopNode,
    startNode: async (i) => {
      if (procs[i]) return;
      launch(i);
      await waitReady(`127.0.0.1:${nodes[i].port}`, n, o.readyTimeoutMs ?? 180_000, deadCheck([i]));
    },
    running: (i) => procs[i] !== null,
    pids: () => procs.flatMap((p) => (p?.pid !== undefined ? [p.pid] : [])),
    stop,
    logTail,
  };
}

export interface KafkaNode {
  bootstrap: string;
  stop(): Promise<void>;
  cluster: KafkaCluster;
}

/** One combined broker+controller Apache Kafka node on free 127.0.0.1 ports. */
export async function startKafka(o: StartOptions = {}): Promise<KafkaNode> {
  const cluster = await startKafkaCluster(1, o);
  return { bootstrap: cluster.bootstrap, stop: () => cluster.stop(), cluster };
}

/** Java's version line, for messages. */
export function javaVersion(): string {
  try {
    return execFileSync('java', ['-version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0];
  } catch (e) {
    return String((e as { stderr?: string }).stderr ?? e).split('\n')[0];
  }
}
