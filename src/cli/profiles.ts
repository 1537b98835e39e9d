// The work behind `kt profile add|use|list|show|remove`: building a profile from flags,
// a --command-config file and prompts; listing and showing profiles with every secret
// redacted. The file itself (format, 0600 writes, the `local` profile) is config.ts.

import {
  activeProfile, configPath, getProfile, permissionWarning, profileNames, readConfig, redactProperties,
  securityProtocol, type KtConfig, type Profile,
} from './config.js';
import { UsageError } from './errors.js';
import { canPrompt, diag, out } from './output.js';
import { parseKeyValues, parseJaasConfig, readPropertiesFile, registerPropertySecrets, type Properties } from './properties.js';

type Env = Record<string, string | undefined>;

export interface AddInput {
  bootstrap?: string;
  commandConfig?: string;
  X?: string[];
  username?: string;
  /** the password, read by the command from stdin (--password-stdin) */
  password?: string;
  /** never prompt (--yes) */
  yes?: boolean;
}

const LOGIN_MODULES: Record<string, string> = {
  PLAIN: 'org.apache.kafka.common.security.plain.PlainLoginModule',
  'SCRAM-SHA-256': 'org.apache.kafka.common.security.scram.ScramLoginModule',
  'SCRAM-SHA-512': 'org.apache.kafka.common.security.scram.ScramLoginModule',
};

const jaasQuote = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** `sasl.jaas.config` for a mechanism, as the Java client writes it. */
export function jaasConfig(mechanism: string, username: string, password: string): string {
  const module = LOGIN_MODULES[mechanism.toUpperCase()];
  if (!module) throw new UsageError(`sasl.mechanism must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, got '${mechanism}'`);
  return `${module} required username=${jaasQuote(username)} password=${jaasQuote(password)};`;
}

/**
 * A profile from the flags. Missing input is prompted for in a terminal (bootstrap servers;
 * username and password for SASL) and is a usage error (exit 2) without one.
 */
export async function buildProfile(input: AddInput): Promise<Profile> {
  const { parseBrokerList } = await import('./connection.js');
  const interactive = canPrompt({ yes: input.yes });
  const props: Properties = {};
  if (input.commandConfig) Object.assign(props, readPropertiesFile(input.commandConfig));
  const inline = parseKeyValues(input.X, '-X');
  registerPropertySecrets(inline);
  Object.assign(props, inline);

  // bootstrap: the flag, bootstrap.servers from the properties, or a prompt
  let bootstrap = input.bootstrap ?? props['bootstrap.servers'];
  delete props['bootstrap.servers'];
  if (bootstrap === undefined) {
    if (!interactive) throw new UsageError('missing --bootstrap-server', 'kt profile add NAME --bootstrap-server HOST:PORT (kt prompts for it only in a terminal)');
    const { askText } = await import('./prompt.js');
    bootstrap = await askText('Bootstrap servers (HOST:PORT[,HOST:PORT...])', {
      validate: (v) => {
        try {
          parseBrokerList(v, 'the address');
          return true;
        } catch (err) {
          return (err as Error).message;
        }
      },
    });
  }
  bootstrap = parseBrokerList(bootstrap, '--bootstrap-server').join(',');

  // SASL: username and password go into sasl.jaas.config (the Java client's form)
  const protocol = (props['security.protocol'] ?? 'PLAINTEXT').toUpperCase();
  const sasl = protocol.startsWith('SASL_');
  if ((input.username !== undefined || input.password !== undefined) && !sasl) {
    throw new UsageError('--username and --password-stdin need SASL', 'add -X security.protocol=SASL_SSL (or SASL_PLAINTEXT) and -X sasl.mechanism=PLAIN|SCRAM-SHA-256|SCRAM-SHA-512');
  }
  if (sasl) {
    const mechanism = (props['sasl.mechanism'] ?? props['sasl.mechanisms'] ?? 'PLAIN').toUpperCase();
    const jaas = props['sasl.jaas.config'] ? parseJaasConfig(props['sasl.jaas.config']) : {};
    const hasPassword = jaas.password !== undefined || props['sasl.password'] !== undefined;
    if (!hasPassword || input.username !== undefined || input.password !== undefined) {
      let username = input.username ?? jaas.username ?? props['sasl.username'];
      let password = input.password ?? (input.username === undefined ? jaas.password ?? props['sasl.password'] : undefined);
      const { askText, askPassword } = await import('./prompt.js');
      if (username === undefined) {
        if (!interactive) throw new UsageError(`missing the SASL username for ${protocol}`, 'pass --username USER (kt prompts for it only in a terminal)');
        username = await askText(`SASL username (${mechanism})`);
      }
      if (password === undefined) {
        if (!interactive) throw new UsageError(`missing the SASL password for ${protocol}`, 'pipe it to --password-stdin (kt prompts for it only in a terminal)');
        password = await askPassword(`Password for ${username}`);
      }
      props['sasl.mechanism'] = mechanism;
      delete props['sasl.mechanisms'];
      delete props['sasl.username'];
      delete props['sasl.password'];
      props['sasl.jaas.config'] = jaasConfig(mechanism, username, password);
      registerPropertySecrets(props);
    }
  }

  // What kt would do with these properties when connecting: unknown protocol or mechanism,
  // unreadable PEM files and bad values fail now rather than at the first connection.
  const { securityFromProperties } = await import('../client/security.js');
  securityFromProperties(props);

  return { bootstrap, properties: props };
}

export interface ProfileRow {
  name: string;
  bootstrap: string | null;
  securityProtocol: string;
  saslMechanism: string | null;
  current: boolean;
  managedBy: string | null;
}

export function profileRow(cfg: KtConfig, name: string): ProfileRow {
  const p = cfg.profiles?.[name] ?? {};
  const props = p.properties ?? {};
  const protocol = securityProtocol(p);
  return {
    name,
    bootstrap: p.bootstrap ?? null,
    securityProtocol: protocol,
    saslMechanism: protocol.startsWith('SASL_') ? (props['sasl.mechanism'] ?? props['sasl.mechanisms'] ?? 'PLAIN').toUpperCase() : null,
    current: cfg.current === name,
    managedBy: p.managedBy ?? null,
  };
}

export interface ListResult {
  path: string;
  current: string | null;
  /** the profile commands use now (--profile/KT_PROFILE/current) */
  active: { name: string; source: 'flag' | 'env' | 'current' } | null;
  profiles: ProfileRow[];
}

export function listProfiles(env: Env = process.env): ListResult {
  const cfg = readConfig(env);
  const warning = permissionWarning(env);
  if (warning) diag(`kt: warning: ${warning}`);
  return {
    path: configPath(env),
    current: cfg.current ?? null,
    active: activeProfile(cfg, env) ?? null,
    profiles: profileNames(cfg).map((n) => profileRow(cfg, n)),
  };
}

export interface ShowResult {
  name: string;
  current: boolean;
  bootstrap: string | null;
  /** secrets replaced by *** */
  properties: Record<string, string>;
  managedBy: string | null;
  path: string;
}

/** A profile with every secret redacted: the profile named, else the one in effect. */
export function showProfile(name: string | undefined, env: Env = process.env): ShowResult {
  const cfg = readConfig(env);
  const warning = permissionWarning(env);
  if (warning) diag(`kt: warning: ${warning}`);
  const target = name ?? activeProfile(cfg, env)?.name;
  if (!target) throw new UsageError('no profile in use', profileNames(cfg).length ? 'name one: kt profile show NAME' : 'create one with kt profile add NAME --bootstrap-server HOST:PORT');
  const p = getProfile(cfg, target, env);
  return {
    name: target,
    current: cfg.current === target,
    bootstrap: p.bootstrap ?? null,
    properties: redactProperties(p.properties),
    managedBy: p.managedBy ?? null,
    path: configPath(env),
  };
}

/** Java client properties text (bootstrap.servers first), secrets already redacted. */
export function propertiesText(s: ShowResult): string {
  const lines = [`# profile ${s.name}${s.current ? ' (current)' : ''}${s.managedBy ? ` (kept up to date by ${s.managedBy})` : ''} in ${s.path}`];
  if (s.bootstrap) lines.push(`bootstrap.servers=${s.bootstrap}`);
  for (const k of Object.keys(s.properties).sort()) lines.push(`${k}=${s.properties[k]}`);
  return lines.join('\n');
}

/** Reads all of stdin (for --password-stdin); one trailing newline is dropped. */
export async function readStdinSecret(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('--password-stdin reads the password from a pipe', "e.g. printf '%s' \"$PASSWORD\" | kt profile add ... --password-stdin");
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (!text) throw new UsageError('--password-stdin: stdin was empty');
  return text;
}

/** `kt profile list` and `kt profile` without an action: the table (or nothing with --json) and the notes on stderr. */
export async function printProfileList(o: { json: boolean; log(line: string): void }): Promise<ListResult> {
  const result = listProfiles();
  if (!o.json) {
    if (result.profiles.length === 0) {
      diag(`kt: no profiles in ${result.path}; create one: kt profile add NAME --bootstrap-server HOST:PORT`);
    } else {
      const { renderTable } = await import('../format/table.js');
      const rows = result.profiles.map((p) => [
        p.current ? '*' : '',
        p.name,
        p.bootstrap,
        p.saslMechanism ? `${p.securityProtocol} (${p.saslMechanism})` : p.securityProtocol,
      ]);
      o.log(renderTable(['CURRENT', 'NAME', 'BOOTSTRAP', 'SECURITY'], rows, { head: out().bold }));
    }
    if (result.active && result.active.source === 'env' && result.active.name !== result.current) {
      diag(`kt: note: KT_PROFILE=${result.active.name} is set and takes precedence over the current profile`);
    }
  }
  return result;
}
