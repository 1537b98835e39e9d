// The local broker as a background process shared by every kt command: started detached
// on demand, found again through the kernel lock on the data directory (whose holder names
// its pid) and local.json (its address), stopped with SIGTERM (which makes it flush, fsync
// and close).

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { dirLockHolder } from '../broker/log/dirLock.js';
import { connectHost, hostPort } from './host.js';
import { openPrivate } from './logFile.js';
import { DEFAULT_LOCAL_HOST, ensurePrivateDir, localPaths, localPort, type LocalPaths } from './paths.js';
import type { LocalSecurity } from './security.js';
import { sleep } from '../sleep.js';

export interface LocalBrokerInfo {
  /** host:port of the running local broker, as clients should use it. */
  bootstrap: string;
  /** True when this call started it (the caller prints the one-line notice). */
  started: boolean;
}

/** What local.json holds. `pid` is absent once the broker has stopped. */
export interface LocalState {
  pid?: number;
  /** The interface it binds (not remembered for the next start: that binds 127.0.0.1 unless told). */
  host: string;
  /** The host it gives clients in Metadata. */
  advertisedHost?: string;
  port: number;
  /** The port was chosen with kt local start --port: it wins over KT_LOCAL_PORT (paths.ts, localPort). */
  portChosen?: boolean;
  memory?: boolean;
  startedAt?: number;
  /** Broker configs by Kafka name (`kt local start --config`), remembered like the port. */
  configs?: Record<string, string>;
  /** The listener's security (kt local start --security-protocol, --sasl-mechanism, --tls-*), remembered. */
  security?: LocalSecurity;
}

export interface StartOptions {
  port?: number;
  /** Interface to bind; default 127.0.0.1 (never the last start's: see host.ts). */
  host?: string;
  advertisedHost?: string;
  dataDir?: string;
  memory?: boolean;
  /** Broker configs by Kafka name; default: the ones remembered from the last start. */
  configs?: Record<string, string>;
  /** Listener security; default: the one remembered from the last start. */
  security?: LocalSecurity;
}

export type RunningBroker = LocalState & { pid: number; bootstrap: string };

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
  ensurePrivateDir(p.root);
  const tmp = `${p.state}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, p.state);
}

/** The address clients use: the advertised host (older local.json: the bound one). */
export function bootstrapOf(state: LocalState): string {
  return hostPort(state.advertisedHost ?? connectHost(state.host), state.port);
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

/** The port a command should use (paths.ts, localPort); a KT_LOCAL_PORT that is no port is an error. */
export function configuredPort(state: LocalState | undefined, env = process.env): number {
  let envPort: number | undefined;
  if (env.KT_LOCAL_PORT) {
    envPort = Number(env.KT_LOCAL_PORT);
    if (!Number.isInteger(envPort) || envPort < 0 || envPort > 65535) throw new Error(`KT_LOCAL_PORT is not a port: ${env.KT_LOCAL_PORT}`);
  }
  return localPort(state, envPort);
}

/**
 * The port a start binds (`given`: kt local start --port), and whether local.json remembers it
 * as chosen: given now, or chosen before and still the one in use.
 */
export function startPort(state: LocalState | undefined, given?: number): { port: number; portChosen: boolean } {
  const port = given ?? configuredPort(state);
  return { port, portChosen: given !== undefined || (state?.portChosen === true && port === state.port) };
}

/**
 * The running local broker, or undefined: the process holding the lock on the data directory,
 * when local.json names it. The daemon writes its pid there once it listens and takes it out
 * when it begins to stop (src/local/main.ts), so no connection is tried here: a call of kt
 * connects once, to produce or fetch. A pid alone proves nothing (a zombie, a pid reused
 * after a reboot); the kernel lock dies with its process.
 */
export async function runningBroker(p: LocalPaths = localPaths()): Promise<RunningBroker | undefined> {
  const holder = await dirLockHolder(p.root);
  const state = readState(p);
  if (!holder?.pid || !state || state.pid !== holder.pid) return undefined;
  return { ...state, pid: holder.pid, bootstrap: bootstrapOf(state) };
}

const mainScript = (): string => path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.js');

/**
 * Starts the broker as a detached process and waits until it answers; when it cannot start,
 * throws its reason (from its status pipe). Idempotent: returns the running one when there is one.
 */
export async function startLocalBroker(opts: StartOptions = {}): Promise<LocalBrokerInfo & { pid: number }> {
  const p = localPaths(opts.dataDir);
  const running = await runningBroker(p);
  if (running) return { bootstrap: running.bootstrap, started: false, pid: running.pid };

  const state = readState(p);
  const host = opts.host ?? DEFAULT_LOCAL_HOST;
  const { port, portChosen } = startPort(state, opts.port);
  if (port !== 0 && (await canConnect(connectHost(host), port))) {
    throw new Error(
      `port ${port} on ${host} is in use by another program (or by the local broker of another data directory: kt local stop --data-dir DIR); choose another port with KT_LOCAL_PORT or kt local start --port`,
    );
  }
  // loaded only when a broker is started: it pulls in the broker's auth code
  const { securityArgs } = await import('./security.js');
  ensurePrivateDir(p.root);
  const logFd = openPrivate(p.log);
  const args = [mainScript(), '--port', String(port), '--host', host, '--data-dir', p.root, '--log-file', p.log, '--status-fd', '3'];
  if (portChosen) args.push('--port-chosen');
  if (opts.advertisedHost) args.push('--advertised-host', opts.advertisedHost);
  if (opts.memory) args.push('--memory');
  for (const [k, v] of Object.entries(opts.configs ?? state?.configs ?? {})) args.push('--config', `${k}=${v}`);
  args.push(...securityArgs(opts.security ?? state?.security));
  // stdout and stderr go to local.log for what Node itself prints (a fatal error); the
  // broker writes its own lines there itself (logFile.ts).
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', logFd, logFd, 'pipe'], env: process.env });
  fs.closeSync(logFd);
  const status = await startupStatus(child);
  child.unref();
  if ('ready' in status) {
    const st = readState(p);
    return { bootstrap: st ? bootstrapOf(st) : hostPort(connectHost(host), port), started: true, pid: child.pid as number };
  }
  // Another kt may have started one at the same moment (its lock made this one give up):
  // that one is fine too, once it answers.
  const deadline = Date.now() + START_TIMEOUT_MS;
  while ((await dirLockHolder(p.root)) && Date.now() < deadline) {
    const other = await runningBroker(p);
    if (other) return { bootstrap: other.bootstrap, started: false, pid: other.pid };
    await sleep(50);
  }
  throw new Error(`the local broker could not start: ${status.error} (log: ${p.log})`);
}

/** What the starting daemon reports on its status pipe (fd 3), or how it ended without one. */
function startupStatus(child: ChildProcess): Promise<{ ready: true } | { error: string }> {
  const pipe = child.stdio[3] as Readable;
  return new Promise((resolve) => {
    let text = '';
    const finish = (status: { ready: true } | { error: string }): void => {
      clearTimeout(timer);
      pipe.destroy();
      resolve(status);
    };
    const exited = (): void => {
      const how = child.signalCode ? `signal ${child.signalCode}` : `code ${child.exitCode}`;
      finish({ error: `it exited during start-up (${how})` });
    };
    const timer = setTimeout(() => finish({ error: `it did not answer within ${START_TIMEOUT_MS / 1000}s` }), START_TIMEOUT_MS);
    pipe.on('data', (d: Buffer) => (text += d.toString()));
    pipe.on('error', () => {});
    pipe.on('end', () => {
      const status = parseStatus(text);
      if (status) finish(status);
      else if (child.exitCode !== null || child.signalCode !== null) exited();
      else child.once('exit', exited); // it died before it could say why
    });
  });
}

function parseStatus(text: string): { ready: true } | { error: string } | undefined {
  try {
    const v = JSON.parse(text) as { ready?: unknown; error?: unknown };
    if (v.ready === true) return { ready: true };
    if (typeof v.error === 'string') return { error: v.error };
  } catch {
    // nothing, or not all of it
  }
  return undefined;
}

/** The embedded default: the local broker's address, started when needed. */
export async function ensureLocalBroker(): Promise<LocalBrokerInfo> {
  const { bootstrap, started } = await startLocalBroker();
  return { bootstrap, started };
}

/** Stops the running local broker gracefully. Returns false when none was running. */
export async function stopLocalBroker(dataDirectory?: string): Promise<boolean> {
  const p = localPaths(dataDirectory);
  const holder = await dirLockHolder(p.root, STOP_TIMEOUT_MS);
  if (!holder) return false;
  if (!holder.pid) throw new Error(`the process holding the lock on ${p.root} did not identify itself as its broker within ${STOP_TIMEOUT_MS / 1000}s; nothing signalled`);
  process.kill(holder.pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (await dirLockHolder(p.root)) {
    if (Date.now() > deadline) throw new Error(`the local broker (pid ${holder.pid}) did not stop within ${STOP_TIMEOUT_MS / 1000}s`);
    await sleep(20);
  }
  return true;
}
