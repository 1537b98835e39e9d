// The local broker as a background process shared by every kt command: started detached
// on demand, found again through local.json in the data directory, stopped with SIGTERM
// (which makes it flush, fsync and close).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LOCAL_HOST, DEFAULT_LOCAL_PORT, localPaths, type LocalPaths } from './paths.js';
import type { LocalSecurity } from './security.js';

export interface LocalBrokerInfo {
  /** host:port of the running local broker. */
  bootstrap: string;
  /** True when this call started it (the caller prints the one-line notice). */
  started: boolean;
}

/** What local.json holds. `pid` is absent once the broker has stopped. */
export interface LocalState {
  pid?: number;
  host: string;
  port: number;
  memory?: boolean;
  startedAt?: number;
  /** Broker configs by Kafka name (`kt local start --config`), remembered like the port. */
  configs?: Record<string, string>;
  /** The listener's security (kt local start --security-protocol, --sasl-mechanism, --tls-*), remembered. */
  security?: LocalSecurity;
}

export interface StartOptions {
  port?: number;
  host?: string;
  dataDir?: string;
  memory?: boolean;
  /** Broker configs by Kafka name; default: the ones remembered from the last start. */
  configs?: Record<string, string>;
  /** Listener security; default: the one remembered from the last start. */
  security?: LocalSecurity;
}

const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 15_000;

export function readState(p: LocalPaths = localPaths()): LocalState | undefined {
  try {
    return JSON.parse(fs.readFileSync(p.state, 'utf8')) as LocalState;
  } catch {
    return undefined;
  }
}

export function writeState(p: LocalPaths, state: LocalState): void {
  fs.mkdirSync(p.root, { recursive: true });
  const tmp = `${p.state}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  fs.renameSync(tmp, p.state);
}

export function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when something accepts TCP connections on host:port. */
export function canConnect(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** The port a command should use: KT_LOCAL_PORT, else the one `kt local start --port` chose, else 9092. */
export function configuredPort(state: LocalState | undefined, env = process.env): number {
  if (env.KT_LOCAL_PORT) {
    const n = Number(env.KT_LOCAL_PORT);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`KT_LOCAL_PORT is not a port: ${env.KT_LOCAL_PORT}`);
    return n;
  }
  return state?.port ?? DEFAULT_LOCAL_PORT;
}

/** The running local broker, or undefined. */
export async function runningBroker(p: LocalPaths = localPaths()): Promise<(LocalState & { pid: number }) | undefined> {
  const state = readState(p);
  if (!state?.pid || !isAlive(state.pid)) return undefined;
  if (!(await canConnect(state.host, state.port))) return undefined;
  return state as LocalState & { pid: number };
}

const mainScript = (): string => path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.js');

/**
 * Starts the broker as a detached process and waits until it answers.
 * Idempotent: returns the running one when there is one.
 */
export async function startLocalBroker(opts: StartOptions = {}): Promise<LocalBrokerInfo & { pid: number }> {
  const p = localPaths(opts.dataDir);
  const running = await runningBroker(p);
  if (running) return { bootstrap: `${running.host}:${running.port}`, started: false, pid: running.pid };

  const state = readState(p);
  const host = opts.host ?? state?.host ?? DEFAULT_LOCAL_HOST;
  const port = opts.port ?? configuredPort(state);
  if (await canConnect(host, port)) {
    throw new Error(
      `port ${port} on ${host} is in use by another program; choose another with KT_LOCAL_PORT or kt local start --port`,
    );
  }
  // loaded only when a broker is started: it pulls in the broker's auth code
  const { securityArgs } = await import('./security.js');
  fs.mkdirSync(p.root, { recursive: true });
  const logFd = fs.openSync(p.log, 'a');
  const args = [mainScript(), '--port', String(port), '--host', host, '--data-dir', p.root];
  if (opts.memory) args.push('--memory');
  for (const [k, v] of Object.entries(opts.configs ?? state?.configs ?? {})) args.push('--config', `${k}=${v}`);
  args.push(...securityArgs(opts.security ?? state?.security));
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: process.env,
  });
  fs.closeSync(logFd);
  child.unref();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const st = readState(p);
    if (st?.pid === child.pid && (await canConnect(host, port, 500))) {
      return { bootstrap: `${host}:${port}`, started: true, pid: child.pid as number };
    }
    const code = await Promise.race([exited, sleep(15).then(() => undefined)]);
    if (code !== undefined) {
      // Another kt may have started it at the same moment: that one is fine too.
      const other = await runningBroker(p);
      if (other) return { bootstrap: `${other.host}:${other.port}`, started: false, pid: other.pid };
      throw new Error(`the local broker exited during start-up (code ${code}); see ${p.log}`);
    }
    if (Date.now() > deadline) throw new Error(`the local broker did not start within ${START_TIMEOUT_MS / 1000}s; see ${p.log}`);
  }
}

/** The embedded default: the local broker's address, started when needed. */
export async function ensureLocalBroker(): Promise<LocalBrokerInfo> {
  const { bootstrap, started } = await startLocalBroker();
  return { bootstrap, started };
}

/** Stops the running local broker gracefully. Returns false when none was running. */
export async function stopLocalBroker(dataDirectory?: string): Promise<boolean> {
  const p = localPaths(dataDirectory);
  const state = readState(p);
  if (!state?.pid || !isAlive(state.pid)) return false;
  process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isAlive(state.pid)) {
    if (Date.now() > deadline) throw new Error(`the local broker (pid ${state.pid}) did not stop within ${STOP_TIMEOUT_MS / 1000}s`);
    await sleep(20);
  }
  return true;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
