// Shared test helpers: temp directories, the in-process broker, and the CLI as a real
// process.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { CreateTopics } from '../src/protocol/apis/createTopics.js';
import { WireClient } from '../src/client/wireClient.js';
import { startBroker, type Broker, type BrokerOptions } from '../src/index.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const KT = path.join(REPO, 'bin', 'run.js');

export function tempDir(prefix = 'kt-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A broker on a free port; memory unless dataDir is given. */
export function testBroker(opts: BrokerOptions = {}): Promise<Broker> {
  // no initial rebalance delay unless a test asks (group tests join many groups); the
  // delay's own tests set it
  const delay = opts.groupInitialRebalanceDelayMs === undefined && opts.configs?.['group.initial.rebalance.delay.ms'] === undefined ? { groupInitialRebalanceDelayMs: 0 } : {};
  return startBroker({ port: 0, memory: !opts.dataDir, ...delay, ...opts });
}

/**
 * A broker (or Apache node) shared by all the tests of one file, stopped after them. Awaited
 * at the top of the file: `const broker = await forTheFile(testBroker()); const B = broker.bootstrap;`.
 */
export async function forTheFile<T extends { stop(): Promise<void> }>(starting: Promise<T>): Promise<T> {
  const started = await starting;
  after(() => started.stop());
  return started;
}

/** Runs `fn` against a fresh test broker over one wire connection; closes both after. */
export async function withWireBroker(fn: (b: Broker, c: WireClient) => Promise<void>, opts: BrokerOptions = {}): Promise<void> {
  const broker = await testBroker(opts);
  const c = await WireClient.connect('127.0.0.1', broker.port);
  try {
    await fn(broker, c);
  } finally {
    c.close();
    await broker.stop();
  }
}

/** CreateTopics v7 over the wire; asserts it succeeded and returns the topic id. */
export async function createTopicWire(c: WireClient, name: string, partitions = 1, configs: { name: string; value: string }[] = []): Promise<Buffer> {
  const r = await c.request(CreateTopics, 7, { topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs }], timeoutMs: 5000 });
  assert.equal(r.topics[0].errorCode, 0);
  return r.topics[0].topicId;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  ms: number;
  out: string;
}

export interface RunOptions {
  stdin?: string | Buffer;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}

/** Isolated config/data dirs: a test never touches ~/.config or starts a daemon by accident. */
export function isolatedEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-cli-'));
  const env: Record<string, string | undefined> = { ...process.env };
  for (const k of ['KT_PROFILE', 'KT_BOOTSTRAP_SERVERS', 'FORCE_COLOR', 'KAFKAJS_LOG_LEVEL']) delete env[k];
  return { ...env, KT_CONFIG_DIR: path.join(base, 'config'), KT_DATA_DIR: path.join(base, 'data'), KT_LOCAL_PORT: '1', NO_COLOR: '1', ...extra };
}

export function kt(args: string[], o: RunOptions = {}): Promise<RunResult> {
  return run(process.execPath, [KT, ...args], o);
}

export function run(cmd: string, args: string[], o: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const started = Date.now();
    const child = spawn(cmd, args, { env: (o.env ?? isolatedEnv()) as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    // a guard against a hung process, not a timing check: generous, so a loaded machine never trips it
    const killer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      const stdout = Buffer.concat(out);
      resolvePromise({ code, signal, stdout, stderr: Buffer.concat(err).toString(), ms: Date.now() - started, out: stdout.toString() });
    });
    child.stdin.on('error', () => undefined);
    if (o.stdin !== undefined) child.stdin.end(o.stdin);
    else child.stdin.end();
  });
}

/** True when a command exists on PATH. */
export function have(cmd: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((d) => fs.existsSync(path.join(d, cmd)));
}

/**
 * For tests that need a third-party peer: in CI the peer must be there (fail loudly);
 * locally the test is skipped with a printed reason.
 */
export function requirePeer(cmd: string): string | false {
  if (have(cmd)) return false;
  if (process.env.CI) throw new Error(`${cmd} is required in CI (install it in .ci/run)`);
  return `${cmd} is not installed`;
}

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A running kt process whose output is read as it comes. */
export class Live {
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: Array<() => void> = [];
  constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (d: Buffer) => {
      this.stdout += d.toString();
      this.wake();
    });
    child.stderr!.on('data', (d: Buffer) => {
      this.stderr += d.toString();
      this.wake();
    });
    this.exited = new Promise((r) => child.on('close', (code, signal) => r({ code, signal })));
    void this.exited.then(() => this.wake());
  }
  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
  /** Resolves when `check` is true of the output so far; fails if the process ends first. */
  async until(what: string, check: () => boolean): Promise<void> {
    let ended = false;
    void this.exited.then(() => (ended = true));
    while (!check()) {
      if (ended) throw new Error(`kt ended before ${what}:\nstdout: ${this.stdout}\nstderr: ${this.stderr}`);
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }
}

/** kt as a running process (stdin ignored), its output read as it comes: wait on what it prints. */
export function spawnKt(args: string[], env: Record<string, string | undefined> = isolatedEnv()): Live {
  return new Live(spawn(process.execPath, [KT, ...args], { env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] }));
}
