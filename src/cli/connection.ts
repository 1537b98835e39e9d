// Connection resolution (PRODUCT.md §2). First that applies wins:
//   1. --bootstrap-server/-b (aliases --broker-list, --brokers)
//   2. --local (the bundled local broker)
//   3. --profile NAME, then env KT_PROFILE
//   4. env KT_BOOTSTRAP_SERVERS
//   5. the current profile in config.json
//   6. nothing configured: the local broker (the embedded default)
// Security properties: the profile's (when a profile applies), then --command-config, then -X.

import { missingProfile, readConfig, type KtConfig } from './config.js';
import { UsageError, KtError } from './errors.js';
import { parseKeyValues, readPropertiesFile, registerPropertySecrets, type Properties } from './properties.js';

export type ConnectionSource = 'flag' | 'local' | 'profile' | 'env' | 'config' | 'default';

export interface ConnectionFlags {
  'bootstrap-server'?: string;
  local?: boolean;
  profile?: string;
  'command-config'?: string;
  X?: string[];
}

export interface ResolvedConnection {
  /** Broker addresses, or null when the local broker must be located/started. */
  brokers: string[] | null;
  source: ConnectionSource;
  profile?: string;
  properties: Properties;
}

type Env = Record<string, string | undefined>;

export function parseBrokerList(list: string, what: string): string[] {
  const brokers = list.split(',').map((s) => s.trim()).filter(Boolean);
  if (brokers.length === 0) throw new UsageError(`${what} is empty`, 'expected HOST:PORT[,HOST:PORT...]');
  for (const b of brokers) {
    // host:port, [v6]:port
    if (!/^(\[[0-9a-fA-F:.]+\]|[^:\s]+):\d{1,5}$/.test(b)) {
      throw new UsageError(`bad broker address '${b}' in ${what}`, 'expected HOST:PORT[,HOST:PORT...]');
    }
    const port = Number(b.slice(b.lastIndexOf(':') + 1));
    if (port < 1 || port > 65535) throw new UsageError(`bad broker address '${b}' in ${what}: port ${port} is not between 1 and 65535`, 'expected HOST:PORT[,HOST:PORT...]');
  }
  return brokers;
}

/** Pure resolution (no I/O besides reading config.json and --command-config). */
export function resolveConnection(flags: ConnectionFlags, env: Env = process.env, config?: KtConfig): ResolvedConnection {
  const extra: Properties = {};
  if (flags['command-config']) Object.assign(extra, readPropertiesFile(flags['command-config']));
  const inline = parseKeyValues(flags.X, '-X');
  registerPropertySecrets(inline);
  Object.assign(extra, inline);

  const withProfile = (name: string, source: ConnectionSource, cfg: KtConfig): ResolvedConnection => {
    const profile = cfg.profiles?.[name];
    if (!profile) {
      // --profile NAME / KT_PROFILE naming nothing: a bad value, a usage error (exit 2)
      const { message, hint } = missingProfile(cfg, name, env);
      throw new UsageError(message, hint);
    }
    const props = { ...(profile.properties ?? {}) };
    registerPropertySecrets(props);
    if (!profile.bootstrap) throw new KtError(`profile '${name}' has no bootstrap address`);
    return { brokers: parseBrokerList(profile.bootstrap, `profile '${name}'`), source, profile: name, properties: { ...props, ...extra } };
  };

  if (flags['bootstrap-server'] !== undefined) {
    return { brokers: parseBrokerList(flags['bootstrap-server'], '--bootstrap-server'), source: 'flag', properties: extra };
  }
  if (flags.local) return { brokers: null, source: 'local', properties: extra };
  if (flags.profile) return withProfile(flags.profile, 'profile', config ?? readConfig(env));
  if (env.KT_PROFILE) return withProfile(env.KT_PROFILE, 'profile', config ?? readConfig(env));
  if (env.KT_BOOTSTRAP_SERVERS) {
    return { brokers: parseBrokerList(env.KT_BOOTSTRAP_SERVERS, 'KT_BOOTSTRAP_SERVERS'), source: 'env', properties: extra };
  }
  const cfg = config ?? readConfig(env);
  if (cfg.current) return withProfile(cfg.current, 'config', cfg);
  return { brokers: null, source: 'default', properties: extra };
}

export interface LocalBrokerLocator {
  (): Promise<{ bootstrap: string; started: boolean }>;
}

/**
 * Turn a resolution into broker addresses, starting the local broker when needed.
 * `notify` receives the one-line notice when kt started the broker.
 */
export async function locateBrokers(
  resolved: ResolvedConnection,
  notify: (line: string) => void,
  ensure?: LocalBrokerLocator,
): Promise<string[]> {
  if (resolved.brokers) return resolved.brokers;
  const ensureLocal = ensure ?? (await import('../local/daemon.js')).ensureLocalBroker;
  let info: { bootstrap: string; started: boolean };
  try {
    info = await ensureLocal();
  } catch (err) {
    throw new KtError(`cannot start the local broker: ${(err as Error).message}`, {
      hint: resolved.source === 'default' ? 'or point kt at a cluster with --bootstrap-server HOST:PORT' : undefined,
      cause: err,
    });
  }
  if (info.started) notify(`kt: started local broker on ${info.bootstrap} (stop: kt local stop)`);
  return parseBrokerList(info.bootstrap, 'local broker address');
}
