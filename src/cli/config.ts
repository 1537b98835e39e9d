// Where kt keeps its files (PRODUCT.md §2) and the profiles in config.json.
//
// config.json (in $KT_CONFIG_DIR, else $XDG_CONFIG_HOME/kt, else ~/.config/kt):
//
//   { "current": "prod",
//     "profiles": {
//       "prod":  { "bootstrap": "kafka1:9093",
//                  "properties": { "security.protocol": "SASL_SSL", "sasl.mechanism": "SCRAM-SHA-512",
//                                  "sasl.jaas.config": "... username=\"app\" password=\"...\";" } },
//       "local": { "bootstrap": "127.0.0.1:9092", "properties": {}, "managedBy": "kt local start" } } }
//
// Profiles hold secrets (sasl.jaas.config passwords, ssl.key.password, ...), so kt writes the
// file with mode 0600 in a directory created with mode 0700, atomically (temporary file in the
// same directory, then rename). Keys kt does not know are kept as they are when it rewrites the
// file. `managedBy` marks a profile kt maintains itself (the `local` profile of kt local start).

import fs from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KtError, UsageError } from './errors.js';

export interface Profile {
  bootstrap?: string;
  properties?: Record<string, string>;
  /** Set when kt maintains the profile itself ("kt local start"). */
  managedBy?: string;
}

export interface KtConfig {
  current?: string;
  profiles?: Record<string, Profile>;
}

type Env = Record<string, string | undefined>;

export function configDir(env: Env = process.env): string {
  if (env.KT_CONFIG_DIR) return env.KT_CONFIG_DIR;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'kt');
  return join(homedir(), '.config', 'kt');
}

export function dataDir(env: Env = process.env): string {
  if (env.KT_DATA_DIR) return env.KT_DATA_DIR;
  if (env.XDG_DATA_HOME) return join(env.XDG_DATA_HOME, 'kt');
  return join(homedir(), '.local', 'share', 'kt');
}

export function configPath(env: Env = process.env): string {
  return join(configDir(env), 'config.json');
}

/** Reads config.json; a missing file is an empty config, a broken one is an error. */
export function readConfig(env: Env = process.env): KtConfig {
  const path = configPath(env);
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new KtError(`cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
    const cfg = parsed as KtConfig;
    if (cfg.profiles !== undefined && (typeof cfg.profiles !== 'object' || cfg.profiles === null || Array.isArray(cfg.profiles))) {
      throw new Error('"profiles" is not an object');
    }
    return cfg;
  } catch (err) {
    throw new KtError(`cannot parse ${path}: ${(err as Error).message}`, { hint: 'fix or remove the file' });
  }
}

// ---------------------------------------------------------------------------------------
// Writing

/** Mode bits kt gives the config file and its directory. */
export const CONFIG_FILE_MODE = 0o600;
export const CONFIG_DIR_MODE = 0o700;

/**
 * Writes config.json atomically with mode 0600 (the directory is created with mode 0700).
 * An existing directory keeps its mode; `permissionWarning` reports one others can read.
 */
export function writeConfig(cfg: KtConfig, env: Env = process.env): string {
  const dir = configDir(env);
  const path = configPath(env);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: CONFIG_DIR_MODE });
    const tmp = join(dir, `.config.json.${process.pid}.${Date.now()}.tmp`);
    const fd = fs.openSync(tmp, 'wx', CONFIG_FILE_MODE);
    try {
      fs.fchmodSync(fd, CONFIG_FILE_MODE); // whatever the umask
      fs.writeFileSync(fd, `${JSON.stringify(cfg, null, 2)}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    try {
      fs.renameSync(tmp, path);
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw err;
    }
  } catch (err) {
    if (err instanceof KtError) throw err;
    throw new KtError(`cannot write ${path}: ${(err as Error).message}`, { cause: err });
  }
  return path;
}

/** Read, change and write config.json. `change` returns the value handed back to the caller. */
export function updateConfig<T>(change: (cfg: KtConfig) => T, env: Env = process.env): T {
  const cfg = readConfig(env);
  const result = change(cfg);
  writeConfig(cfg, env);
  return result;
}

/**
 * A warning when config.json or its directory can be read by other users (kt keeps secrets
 * there), else undefined. kt fixes the file's mode whenever it writes it.
 */
export function permissionWarning(env: Env = process.env): string | undefined {
  const path = configPath(env);
  const dir = configDir(env);
  try {
    const mode = fs.statSync(path).mode & 0o777;
    if (mode & 0o077) {
      return `${path} can be read by other users (mode ${mode.toString(8).padStart(4, '0')}) and holds profile secrets — chmod 600 ${path}`;
    }
    const dmode = fs.statSync(dir).mode & 0o777;
    if (dmode & 0o022) return `${dir} can be written by other users (mode ${dmode.toString(8).padStart(4, '0')}) — chmod 700 ${dir}`;
  } catch {
    // no file: nothing to warn about
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------
// Profiles

const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function checkProfileName(name: string): string {
  if (!PROFILE_NAME.test(name)) {
    throw new UsageError(`bad profile name '${name}'`, 'use letters, digits, ".", "_" and "-" (up to 64, starting with a letter or digit)');
  }
  return name;
}

export function profileNames(cfg: KtConfig): string[] {
  return Object.keys(cfg.profiles ?? {}).sort();
}

/** The profile kt would use now, and why: --profile, KT_PROFILE, or the current one. */
export function activeProfile(cfg: KtConfig, env: Env = process.env, flag?: string): { name: string; source: 'flag' | 'env' | 'current' } | undefined {
  if (flag) return { name: flag, source: 'flag' };
  if (env.KT_PROFILE) return { name: env.KT_PROFILE, source: 'env' };
  if (cfg.current) return { name: cfg.current, source: 'current' };
  return undefined;
}

/** What to say when a profile does not exist: the message and a hint naming the known ones. */
export function missingProfile(cfg: KtConfig, name: string, env: Env = process.env): { message: string; hint: string } {
  const known = profileNames(cfg);
  return {
    message: `no profile named '${name}' in ${configPath(env)}`,
    hint: known.length ? `known profiles: ${known.join(', ')}` : 'create one with kt profile add NAME --bootstrap-server HOST:PORT',
  };
}

/** The named profile; a missing one is an error (exit 1) for the profile commands. */
export function getProfile(cfg: KtConfig, name: string, env: Env = process.env): Profile {
  const p = cfg.profiles?.[name];
  if (!p) {
    const { message, hint } = missingProfile(cfg, name, env);
    throw new KtError(message, { hint });
  }
  return p;
}

/** security.protocol of a profile, as kt would connect (PLAINTEXT when unset). */
export function securityProtocol(p: Profile): string {
  return (p.properties?.['security.protocol'] ?? 'PLAINTEXT').toUpperCase();
}

/** Properties whose values are secrets (as properties.ts, kept here so config has no extra imports). */
function isSecretKey(key: string): boolean {
  return /password|secret|jaas|token|credential/i.test(key);
}

/**
 * A property value fit to print: a JAAS config keeps its module and username with the
 * password replaced by ***; any other secret property is *** as a whole.
 */
export function redactProperty(key: string, value: string): string {
  if (!isSecretKey(key)) return value;
  if (/jaas/i.test(key)) {
    return value.replace(/\b(password|secret|token)(\s*=\s*)(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s;]+)/gi, '$1$2"***"');
  }
  return '***';
}

export function redactProperties(props: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props ?? {})) out[k] = redactProperty(k, v);
  return out;
}

// ---------------------------------------------------------------------------------------
// The `local` profile offered by `kt local start`

export const LOCAL_PROFILE = 'local';
export const LOCAL_MANAGER = 'kt local start';

export interface LocalProfileResult {
  /** created: new profile; updated: its address changed; unchanged; kept: a user's own `local` profile, left alone; failed: could not write */
  action: 'created' | 'updated' | 'unchanged' | 'kept' | 'failed';
  /** One line for stderr when there is something to say (created, updated, kept, failed). */
  message?: string;
}

/** `0.0.0.0:9092` → `127.0.0.1:9092` (a client cannot connect to the wildcard address). */
function connectable(address: string): string {
  return address.replace(/^0\.0\.0\.0:/, '127.0.0.1:').replace(/^\[::\]:/, '[::1]:').replace(/^:::/, '[::1]:');
}

/**
 * Called by `kt local start` with the address it printed: creates (or updates) a profile
 * named `local` pointing at the bundled broker, like rpk's "Created rpk-container profile".
 * `properties` are the client properties the broker needs (security.protocol, sasl.*,
 * ssl.ca.location when it runs with SASL or TLS); none for a plaintext broker.
 *
 * - No `local` profile: create `{ bootstrap, properties, managedBy: "kt local start" }`.
 * - A `local` profile that kt created (managedBy): update it when the address or properties changed.
 * - A `local` profile the user made (no managedBy): never touched, whatever it points at.
 * - The current profile is never changed: with nothing configured kt already uses (and starts)
 *   the local broker; `kt profile use local` or `--profile local` opts in explicitly.
 * Never throws: a config file kt cannot read or write is reported in `message`.
 */
export function rememberLocalProfile(address: string, opts: { properties?: Record<string, string>; env?: Env } = {}): LocalProfileResult {
  const env = opts.env ?? process.env;
  const bootstrap = connectable(address.trim());
  const properties = { ...(opts.properties ?? {}) };
  const same = (p: Profile): boolean =>
    p.bootstrap === bootstrap && JSON.stringify(Object.entries(p.properties ?? {}).sort()) === JSON.stringify(Object.entries(properties).sort());
  try {
    const cfg = readConfig(env);
    const existing = cfg.profiles?.[LOCAL_PROFILE];
    if (existing && existing.managedBy !== LOCAL_MANAGER) {
      if (same(existing)) return { action: 'unchanged' };
      return { action: 'kept', message: `kt: profile '${LOCAL_PROFILE}' (${existing.bootstrap ?? 'no address'}) is yours; left unchanged` };
    }
    if (existing && same(existing)) return { action: 'unchanged' };
    cfg.profiles ??= {};
    cfg.profiles[LOCAL_PROFILE] = { ...existing, bootstrap, properties, managedBy: LOCAL_MANAGER };
    writeConfig(cfg, env);
    return existing
      ? { action: 'updated', message: `kt: updated profile '${LOCAL_PROFILE}' to ${bootstrap}` }
      : { action: 'created', message: `kt: created profile '${LOCAL_PROFILE}' for ${bootstrap} (use it: --profile local, or kt profile use local)` };
  } catch (err) {
    return { action: 'failed', message: `kt: warning: could not save profile '${LOCAL_PROFILE}': ${(err as Error).message}` };
  }
}
