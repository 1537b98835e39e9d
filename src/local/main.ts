// Entry point of the local broker process (started detached by `kt local start` and the
// embedded default, or in the foreground). Holds the kernel lock on its data directory for
// its whole life (so `kt local stop` finds it and no second broker starts there), records
// itself in local.json once it listens; on SIGTERM/SIGINT stops gracefully (flush, fsync,
// close) before exiting.

import fs from 'node:fs';
import path from 'node:path';
import { Broker } from '../broker/broker.js';
import { defaultAdvertisedHost } from '../broker/hosts.js';
import { DirInUseError, dirLockHolder, lockDir, type DirLock } from '../broker/log/dirLock.js';
import { escapeLogLine } from '../broker/logLine.js';
import { readState, writeState } from './daemon.js';
import { exposureWarning } from './host.js';
import { LogFile, streamLog } from './logFile.js';
import { ensurePrivateDir, localPaths, type LocalPaths } from './paths.js';
import { brokerSecurity, parseSecurityArgs, type LocalSecurity } from './security.js';

export interface RunOptions {
  port: number;
  /** The port was chosen with kt local start --port (remembered in local.json). */
  portChosen?: boolean;
  host: string;
  /** Host name in Metadata; default: the host, or the machine's name for 0.0.0.0. */
  advertisedHost?: string;
  root: string;
  memory: boolean;
  /** Broker configs by Kafka name (server.properties), e.g. log.retention.ms. */
  configs: Record<string, string>;
  /** Listener security; users come from credentials.json in the data directory. */
  security?: LocalSecurity;
  log: (line: string) => void;
  /** Called once the broker answers requests and local.json says so. */
  onReady?: () => void;
}

/** Runs the broker until a signal stops it. Resolves once it is stopped. */
export async function runLocalBroker(opts: RunOptions): Promise<void> {
  const p = localPaths(opts.root);
  process.umask(0o077); // every file the broker writes is its owner's only
  ensurePrivateDir(p.root);
  const lock = await lockDataDir(p);
  try {
    await serve(opts, p);
  } finally {
    lock.release();
  }
}

/** One broker per data directory, in memory or not (the store locks broker/ besides). */
async function lockDataDir(p: LocalPaths): Promise<DirLock> {
  try {
    return lockDir(p.root);
  } catch (err) {
    if (!(err instanceof DirInUseError)) throw err;
    const holder = await dirLockHolder(p.root);
    throw new Error(`a local broker already runs on ${p.root}${holder?.pid ? ` (pid ${holder.pid})` : ''}`);
  }
}

/** Broker configs `kt local start` sets unless --config gives them (STATIC_BROKER_CONFIG). */
export const LOCAL_CONFIGS: Readonly<Record<string, string>> = { 'group.initial.rebalance.delay.ms': '0' };

async function serve(opts: RunOptions, p: LocalPaths): Promise<void> {
  const security = opts.security && opts.security.protocol !== 'PLAINTEXT' ? opts.security : undefined;
  const advertisedHost = opts.advertisedHost ?? defaultAdvertisedHost(opts.host);
  const sec = brokerSecurity(security, p, opts.host, advertisedHost);
  if (sec.note) opts.log(sec.note);
  const broker = await Broker.start({
    port: opts.port,
    host: opts.host,
    advertisedHost,
    dataDir: opts.memory ? undefined : p.brokerData,
    memory: opts.memory,
    // Kafka's 3 s initial rebalance delay off, as Kafka's own config/server.properties has it
    // for development: a consumer on a local broker gets its partitions at once (--config
    // group.initial.rebalance.delay.ms=3000 restores it); DescribeConfigs reports it as set
    configs: { ...LOCAL_CONFIGS, ...opts.configs },
    sasl: sec.sasl,
    tls: sec.tls,
    log: opts.log,
  });
  const warning = exposureWarning(opts.host, broker.port, security);
  if (warning) opts.log(`warning: ${warning}`);
  const configs = Object.keys(opts.configs).length > 0 ? opts.configs : undefined;
  writeState(p, {
    pid: process.pid,
    host: opts.host,
    advertisedHost,
    port: broker.port,
    portChosen: opts.portChosen || undefined,
    memory: opts.memory,
    startedAt: broker.startedAt,
    configs,
    security,
  });
  opts.onReady?.();

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (why: string): void => {
      if (stopping) return;
      stopping = true;
      opts.log(`${why}: stopping`);
      // not running from now on (daemon.ts, runningBroker): the port, configs and security stay
      // for the next start
      const st = readState(p);
      if (st?.pid === process.pid) writeState(p, { host: st.host, port: st.port, portChosen: st.portChosen, configs: st.configs, security: st.security });
      broker
        .stop()
        .catch((err: Error) => opts.log(`stop failed: ${err.message}`))
        .finally(resolve);
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGHUP', () => stop('SIGHUP'));
  });
}

/** The daemon's arguments (see startLocalBroker in daemon.ts); `statusFd` is its status pipe. */
function parseArgs(argv: string[]): RunOptions & { statusFd?: number } {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const configs: Record<string, string> = {};
  argv.forEach((a, i) => {
    if (a !== '--config') return;
    const kv = argv[i + 1] ?? '';
    const eq = kv.indexOf('=');
    if (eq > 0) configs[kv.slice(0, eq)] = kv.slice(eq + 1);
  });
  // kt local start names local.log; run by hand (or by tests), the lines go to stdout
  const file = get('--log-file');
  const logFile = file ? new LogFile(file) : undefined;
  const write = logFile ? (line: string) => logFile.write(line) : streamLog(process.stdout);
  return {
    configs,
    port: Number(get('--port') ?? 9092),
    portChosen: argv.includes('--port-chosen'),
    host: get('--host') ?? '127.0.0.1',
    advertisedHost: get('--advertised-host'),
    root: get('--data-dir') ?? localPaths().root,
    memory: argv.includes('--memory'),
    security: parseSecurityArgs(argv),
    log: (line) => write(escapeLogLine(line)),
    statusFd: get('--status-fd') === undefined ? undefined : Number(get('--status-fd')),
  };
}

// Started as a script (detached daemon). Its start-up outcome goes to the status pipe that
// `kt local start` reads: one JSON line, {"ready":true} or {"error":"..."}.
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const opts = parseArgs(process.argv.slice(2));
  const report = (status: { ready: true } | { error: string }): void => {
    if (opts.statusFd === undefined) return;
    try {
      fs.writeSync(opts.statusFd, `${JSON.stringify(status)}\n`);
      fs.closeSync(opts.statusFd);
    } catch {
      // kt local start has gone: nobody to tell
    }
    opts.statusFd = undefined;
  };
  process.on('uncaughtException', (err) => {
    opts.log(`uncaught exception: ${err.stack ?? err.message}`);
  });
  runLocalBroker({ ...opts, onReady: () => report({ ready: true }) }).then(
    () => process.exit(0),
    (err: Error) => {
      opts.log(`failed: ${err.message}`);
      report({ error: err.message });
      process.exit(1);
    },
  );
}
