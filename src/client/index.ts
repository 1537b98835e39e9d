// The client's connection: creates the kafkajs client (loaded lazily by gateway.ts, the one
// module that touches kafkajs, so `kt --version` and `--help` never load it) from a resolved
// connection, silences its logs unless --debug, tunes timeouts so an unreachable broker fails
// within 10 s, and turns kafkajs errors into one clear line (errors.ts).

import { redact } from '../errors.js';
import { loadKafkaJS, type Kafka, type KafkaConfig, type KafkaJS, type logCreator } from './gateway.js';
import { securityFromProperties, type Properties } from './security.js';
import { connectError, toKtError } from './errors.js';

export type { KafkaJS } from './gateway.js';

/**
 * How the client tells the user what it is doing. The CLI supplies one (cli/output.ts:
 * lines on stderr, a spinner for waits); the client never prints on its own.
 */
export interface ClientReporter {
  /** one line for the user: a warning, or a kafkajs log line with --debug */
  line(text: string): void;
  /** a wait began (the CLI shows a spinner after ~1 s); `stop()` when it ends */
  waiting(text: string): { stop(): void };
}

/** Without a reporter: lines on stderr, waits not shown. */
const STDERR_REPORTER: ClientReporter = {
  line: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  waiting: () => ({ stop: () => undefined }),
};

/** What the client needs to connect (cli/base.ts's Connection is one). */
export interface ClientConnection {
  brokers: string[];
  properties: Properties;
  /** where the addresses came from (flag, env, profile, local); not used to connect */
  source?: string;
  /** kafkajs's logs through the reporter */
  debug: boolean;
  reporter?: ClientReporter;
}

export interface KafkaHandle {
  kafka: Kafka;
  kafkajs: KafkaJS;
  brokers: string[];
  /** The client id kafkajs puts in every request header. */
  clientId: string;
  debug: boolean;
  /** wraps any kafkajs error as a KtError naming the brokers */
  fail(err: unknown): Error;
  /** runs `connect` with a wall-clock limit (an unreachable broker fails in < 10 s) */
  connectWithin<T>(what: Promise<T>): Promise<T>;
}

/** Time kt waits for a TCP connect to one broker. */
export const CONNECTION_TIMEOUT_MS = 2500;
/** Wall-clock limit for the whole connect phase, retries included. */
export const CONNECT_DEADLINE_MS = 8000;

const debugLogCreator = (report: ClientReporter): logCreator => () => ({ namespace, level, label, log }) => {
  const { message, timestamp: _t, logger: _l, ...extra } = log as Record<string, unknown>;
  const more = Object.keys(extra).length ? ` ${JSON.stringify(extra)}` : '';
  report.line(redact(`kafkajs ${label} [${namespace}] ${String(message)}${more}`));
  void level;
};

export async function openKafka(conn: ClientConnection, opts: { clientId?: string } = {}): Promise<KafkaHandle> {
  const report = conn.reporter ?? STDERR_REPORTER;
  const security = securityFromProperties(conn.properties);
  for (const key of security.ignored) report.line(`kt: warning: client property '${key}' is not used by kt`);
  const kafkajs = await loadKafkaJS();
  const config: KafkaConfig = {
    brokers: conn.brokers,
    clientId: security.clientId ?? opts.clientId ?? 'kt',
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    authenticationTimeout: 5000,
    requestTimeout: security.requestTimeout ?? 30000,
    // Cluster-level retries (connect, metadata): few and short, so a dead broker fails fast.
    retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 1500, factor: 0.2, multiplier: 2 },
    logLevel: conn.debug ? kafkajs.logLevel.DEBUG : kafkajs.logLevel.NOTHING,
    logCreator: conn.debug ? debugLogCreator(report) : () => () => undefined,
  };
  if (security.ssl !== undefined) config.ssl = security.ssl as KafkaConfig['ssl'];
  if (security.sasl) config.sasl = security.sasl as KafkaConfig['sasl'];
  const kafka = new kafkajs.Kafka(config);
  const handle: KafkaHandle = {
    kafka,
    kafkajs,
    brokers: conn.brokers,
    clientId: config.clientId ?? 'kt',
    debug: conn.debug,
    fail: (err) => toKtError(err, conn.brokers),
    connectWithin: async <T>(what: Promise<T>): Promise<T> => {
      let timer: NodeJS.Timeout | undefined;
      const spinner = report.waiting(`connecting to ${conn.brokers.join(',')}`);
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(connectError(conn.brokers, 'timed out')), CONNECT_DEADLINE_MS);
      });
      try {
        return await Promise.race([what, deadline]);
      } catch (err) {
        throw toKtError(err, conn.brokers);
      } finally {
        clearTimeout(timer);
        spinner.stop();
      }
    },
  };
  return handle;
}
