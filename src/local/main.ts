// Entry point of the local broker process (started detached by `kt local start` and the
// embedded default, or in the foreground). Records itself in local.json once it listens; on
// SIGTERM/SIGINT stops gracefully (flush, fsync, close) before exiting.

import fs from 'node:fs';
import path from 'node:path';
import { Broker } from '../broker/broker.js';
import { readState, writeState } from './daemon.js';
import { localPaths } from './paths.js';
import { brokerSecurity, parseSecurityArgs, type LocalSecurity } from './security.js';

export interface RunOptions {
  port: number;
  host: string;
  root: string;
  memory: boolean;
  /** Broker configs by Kafka name (server.properties), e.g. log.retention.ms. */
  configs: Record<string, string>;
  /** Listener security; users come from credentials.json in the data directory. */
  security?: LocalSecurity;
  log: (line: string) => void;
}

/** Runs the broker until a signal stops it. Resolves once it is stopped. */
export async function runLocalBroker(opts: RunOptions): Promise<void> {
  const p = localPaths(opts.root);
  fs.mkdirSync(p.root, { recursive: true });
  const security = opts.security && opts.security.protocol !== 'PLAINTEXT' ? opts.security : undefined;
  const sec = brokerSecurity(security, p, opts.host);
  if (sec.note) opts.log(sec.note);
  // The store locks its data directory, so two brokers never open the same data.
  const broker = await Broker.start({
    port: opts.port,
    host: opts.host,
    dataDir: opts.memory ? undefined : p.brokerData,
    memory: opts.memory,
    configs: opts.configs,
    sasl: sec.sasl,
    tls: sec.tls,
    log: opts.log,
  });
  const configs = Object.keys(opts.configs).length > 0 ? opts.configs : undefined;
  writeState(p, { pid: process.pid, host: opts.host, port: broker.port, memory: opts.memory, startedAt: broker.startedAt, configs, security });

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (why: string): void => {
      if (stopping) return;
      stopping = true;
      opts.log(`${why}: stopping`);
      broker
        .stop()
        .catch((err: Error) => opts.log(`stop failed: ${err.message}`))
        .finally(() => {
          const st = readState(p);
          if (st?.pid === process.pid) writeState(p, { host: st.host, port: st.port, configs: st.configs, security: st.security });
          resolve();
        });
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGHUP', () => stop('SIGHUP'));
  });
}

function parseArgs(argv: string[]): RunOptions {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const stamp = (line: string): void => {
    process.stdout.write(`[${new Date().toISOString()}] ${line}\n`);
  };
  const configs: Record<string, string> = {};
  argv.forEach((a, i) => {
    if (a !== '--config') return;
    const kv = argv[i + 1] ?? '';
    const eq = kv.indexOf('=');
    if (eq > 0) configs[kv.slice(0, eq)] = kv.slice(eq + 1);
  });
  return {
    configs,
    port: Number(get('--port') ?? 9092),
    host: get('--host') ?? '127.0.0.1',
    root: get('--data-dir') ?? localPaths().root,
    memory: argv.includes('--memory'),
    security: parseSecurityArgs(argv),
    log: stamp,
  };
}

// Started as a script (detached daemon).
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const opts = parseArgs(process.argv.slice(2));
  runLocalBroker(opts).then(
    () => process.exit(0),
    (err: Error) => {
      opts.log(`failed: ${err.message}`);
      process.exit(1);
    },
  );
  process.on('uncaughtException', (err) => {
    opts.log(`uncaught exception: ${err.stack ?? err.message}`);
  });
}
