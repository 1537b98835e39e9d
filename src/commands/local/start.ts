import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base.js';
import { KtError, UsageError } from '../../cli/errors.js';
import { brokerDefaults } from '../../broker/log/config.js';
import { advertisedHostProblem, exposureWarning, hostPort } from '../../local/host.js';
import { localPaths, type LocalPaths } from '../../local/paths.js';
import { SASL_MECHANISMS, SECURITY_PROTOCOLS, type SaslMechanismName, type SecurityProtocol } from '../../broker/auth/index.js';
import {
  existingFile,
  isSasl,
  isTls,
  knownUsers,
  parseUsers,
  selfSignedCaPath,
  type LocalSecurity,
  type LocalTls,
} from '../../local/security.js';
import { registerSecret } from '../../cli/errors.js';
import { escapeLogLine } from '../../broker/logLine.js';

interface SecurityFlags {
  'security-protocol'?: string;
  'sasl-mechanism'?: string[];
  user?: string[];
  'tls-cert'?: string;
  'tls-key'?: string;
  'tls-ca'?: string;
  'tls-client-auth'?: string;
  'tls-self-signed'?: boolean;
}

const SECURITY_FLAGS = ['security-protocol', 'sasl-mechanism', 'user', 'tls-cert', 'tls-key', 'tls-ca', 'tls-client-auth', 'tls-self-signed'] as const;

export function hasSecurityFlags(flags: SecurityFlags): boolean {
  return SECURITY_FLAGS.some((f) => flags[f] !== undefined && flags[f] !== false);
}

/**
 * The listener security for this start: the remembered one, changed by the flags given.
 * --security-protocol says it outright; otherwise SASL is on when mechanisms or users are given
 * (or were remembered), TLS when a certificate or --tls-self-signed is (or was).
 * Returns the users to (re)write, whose passwords are registered as secrets.
 */
export function resolveSecurity(
  flags: SecurityFlags,
  remembered: LocalSecurity | undefined,
  p: LocalPaths,
): { security: LocalSecurity | undefined; users?: Record<string, string> } {
  if (!hasSecurityFlags(flags)) return { security: remembered };
  let users: Record<string, string> | undefined;
  if (flags.user) {
    for (const u of flags.user) if (u.includes(':')) registerSecret(u.slice(u.indexOf(':') + 1));
    try {
      users = parseUsers(flags.user);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  let mechanisms: SaslMechanismName[] | undefined;
  if (flags['sasl-mechanism']) {
    mechanisms = [];
    for (const m of flags['sasl-mechanism'].flatMap((v) => v.split(','))) {
      const up = m.trim().toUpperCase();
      if (!(SASL_MECHANISMS as readonly string[]).includes(up)) throw new UsageError(`--sasl-mechanism ${m}: expected ${SASL_MECHANISMS.join(', ')}`);
      if (!mechanisms.includes(up as SaslMechanismName)) mechanisms.push(up as SaslMechanismName);
    }
  }
  const tlsGiven = Boolean(flags['tls-cert'] || flags['tls-key'] || flags['tls-self-signed'] || flags['tls-ca'] || flags['tls-client-auth']);
  const saslGiven = Boolean(mechanisms || users);
  let protocol: SecurityProtocol;
  if (flags['security-protocol']) {
    const up = flags['security-protocol'].toUpperCase();
    if (!(SECURITY_PROTOCOLS as readonly string[]).includes(up)) throw new UsageError(`--security-protocol ${flags['security-protocol']}: expected ${SECURITY_PROTOCOLS.join(', ')}`);
    protocol = up as SecurityProtocol;
    if (saslGiven && !isSasl(protocol)) throw new UsageError(`--sasl-mechanism and --user need --security-protocol SASL_PLAINTEXT or SASL_SSL (not ${protocol})`);
    if (tlsGiven && !isTls(protocol)) throw new UsageError(`--tls-* flags need --security-protocol SSL or SASL_SSL (not ${protocol})`);
  } else {
    const sasl = saslGiven || isSasl(remembered?.protocol);
    const tls = tlsGiven || isTls(remembered?.protocol);
    protocol = sasl ? (tls ? 'SASL_SSL' : 'SASL_PLAINTEXT') : tls ? 'SSL' : 'PLAINTEXT';
  }
  if (protocol === 'PLAINTEXT') return { security: { protocol }, users };

  const security: LocalSecurity = { protocol };
  if (isSasl(protocol)) {
    security.saslMechanisms = mechanisms ?? remembered?.saslMechanisms ?? [...SASL_MECHANISMS];
    if (!users && knownUsers(p).length === 0) {
      throw new UsageError(`${protocol} needs at least one user`, 'add --user NAME:PASSWORD (repeatable)');
    }
  }
  if (isTls(protocol)) {
    if (flags['tls-self-signed'] && (flags['tls-cert'] || flags['tls-key'])) throw new UsageError('--tls-self-signed and --tls-cert/--tls-key exclude each other');
    if (Boolean(flags['tls-cert']) !== Boolean(flags['tls-key'])) throw new UsageError('--tls-cert and --tls-key go together');
    const before = remembered?.tls;
    let tls: LocalTls;
    try {
      if (flags['tls-cert'] && flags['tls-key']) {
        tls = { cert: existingFile(flags['tls-cert'], '--tls-cert'), key: existingFile(flags['tls-key'], '--tls-key') };
      } else if (flags['tls-self-signed'] || !before?.cert) {
        tls = { selfSigned: true };
      } else {
        tls = { cert: before.cert, key: before.key };
      }
      const ca = flags['tls-ca'] ? existingFile(flags['tls-ca'], '--tls-ca') : before?.ca;
      if (ca) tls.ca = ca;
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const clientAuth = (flags['tls-client-auth'] ?? before?.clientAuth) as LocalTls['clientAuth'];
    if (clientAuth && clientAuth !== 'none') {
      if (!tls.ca) throw new UsageError(`--tls-client-auth ${clientAuth} needs --tls-ca (the CA that client certificates chain to)`);
      tls.clientAuth = clientAuth;
    }
    security.tls = tls;
  }
  return { security, users };
}

/** "SASL_SSL (SCRAM-SHA-256; CA /…/tls/ca.pem)" for the start notice. */
export function describeSecurity(s: LocalSecurity | undefined, p: LocalPaths): string {
  if (!s || s.protocol === 'PLAINTEXT') return 'PLAINTEXT';
  const parts: string[] = [];
  if (isSasl(s.protocol)) parts.push((s.saslMechanisms ?? SASL_MECHANISMS).join(','));
  const ca = selfSignedCaPath(s, p);
  if (ca) parts.push(`trust ${ca}`);
  return parts.length ? `${s.protocol}: ${parts.join('; ')}` : s.protocol;
}

/** Client properties for the `local` profile: how to reach this listener (never a password). */
function clientProperties(s: LocalSecurity | undefined, p: LocalPaths): Record<string, string> {
  if (!s || s.protocol === 'PLAINTEXT') return {};
  const props: Record<string, string> = { 'security.protocol': s.protocol };
  if (isSasl(s.protocol)) props['sasl.mechanism'] = (s.saslMechanisms ?? SASL_MECHANISMS)[0];
  const ca = selfSignedCaPath(s, p);
  if (ca) props['ssl.ca.location'] = ca;
  return props;
}

/** Offers the running broker as the `local` profile (kt profile use local); a note on stderr. */
async function offerLocalProfile(bootstrap: string, s: LocalSecurity | undefined, p: LocalPaths): Promise<void> {
  const { rememberLocalProfile } = await import('../../cli/config.js');
  const note = rememberLocalProfile(bootstrap, { properties: clientProperties(s, p) });
  if (note.message) process.stderr.write(`${note.message}\n`);
}

/** KEY=VALUE flags → broker configs, checked against Kafka's broker config names and types. */
function brokerConfigs(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--config ${pair}: expected KEY=VALUE`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  try {
    brokerDefaults(out);
  } catch (err) {
    throw new UsageError(`--config: ${(err as Error).message}`);
  }
  return out;
}

export default class LocalStart extends BaseCommand {
  static override summary = 'Start the bundled Kafka-compatible broker.';
  static override description = `Starts kt's own Kafka broker (real Kafka wire protocol, data on disk) in the background and returns once it answers requests. Prints its bootstrap address on stdout. Idempotent: when it is already running, prints the address of the running broker.

Any Kafka client can use it: kafkajs, librdkafka (kcat, confluent-kafka), kafka-python, Java.

The broker binds 127.0.0.1 unless --host says otherwise for this start (not remembered: a broker kt starts on demand always binds 127.0.0.1). Bound to other interfaces without TLS and authentication it warns at each start; clients are sent to --advertised-host, by default the bound host, or this machine's name for 0.0.0.0.

Security (docs/security.md): --user NAME:PASSWORD turns on SASL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512; only SCRAM credentials are stored), --tls-self-signed or --tls-cert/--tls-key turn on TLS. The listener is PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, remembered like the port; --security-protocol PLAINTEXT turns security off again. Clients then connect with the Java properties security.protocol, sasl.mechanism, sasl.jaas.config and ssl.ca.location (kt: --command-config or -X).`;

  static override examples = [
    '<%= config.bin %> local start',
    '<%= config.bin %> local start --port 19092',
    '<%= config.bin %> local start --memory',
    '<%= config.bin %> local start --host 0.0.0.0 --user alice:alice-secret --tls-self-signed   # reachable from other machines, secured',
    '<%= config.bin %> local start --host 0.0.0.0 --advertised-host kafka.example.test   # clients are sent to kafka.example.test',
    '<%= config.bin %> local start --tls-self-signed --tls-client-auth required --tls-ca clients-ca.pem   # mutual TLS',
    '<%= config.bin %> local start --config log.flush.interval.messages=1 --config num.partitions=3',
    '<%= config.bin %> local start --foreground   # in containers and CI; Ctrl-C stops it',
    '<%= config.bin %> local start --sasl-mechanism SCRAM-SHA-256 --user alice:alice-secret   # SASL_PLAINTEXT',
    '<%= config.bin %> local start --user alice:alice-secret --tls-self-signed   # SASL_SSL, CA in <data-dir>/tls/ca.pem',
    '<%= config.bin %> local start --tls-cert server.pem --tls-key server-key.pem   # SSL',
    '<%= config.bin %> local start --security-protocol PLAINTEXT   # back to no security',
    'export KAFKA_BROKERS=$(<%= config.bin %> local start)',
  ];

  static override flags = {
    port: Flags.integer({ description: 'TCP port (remembered for later commands) [default: $KT_LOCAL_PORT or 9092]', min: 0, max: 65535 }),
    host: Flags.string({ description: 'interface to bind for this start (not remembered); 0.0.0.0 exposes the broker to the network [default: 127.0.0.1]', helpValue: 'HOST' }),
    'advertised-host': Flags.string({
      description: "host name clients are sent to in Metadata (Kafka's advertised.listeners) [default: the --host, or this machine's name for 0.0.0.0]",
      helpValue: 'HOST',
    }),
    'data-dir': Flags.string({ description: 'where the broker keeps its data [default: $KT_DATA_DIR or ~/.local/share/kt]' }),
    memory: Flags.boolean({ description: 'keep all data in memory (lost on stop)' }),
    config: Flags.string({
      description: "broker config KEY=VALUE by Kafka's server.properties name (repeatable; remembered): num.partitions, log.retention.ms, log.flush.interval.messages, auto.create.topics.enable, ...; group.initial.rebalance.delay.ms is 0 unless given (Kafka's default 3000)",
      multiple: true,
      multipleNonGreedy: true,
      helpValue: 'KEY=VALUE',
    }),
    foreground: Flags.boolean({ description: 'run in this process, logging to stderr, until Ctrl-C or SIGTERM' }),
    'security-protocol': Flags.string({
      description: 'listener security, Kafka names (remembered) [default: implied by the other security flags, else the last one, else PLAINTEXT]',
      helpValue: 'PLAINTEXT|SSL|SASL_PLAINTEXT|SASL_SSL',
      helpGroup: 'SECURITY',
    }),
    'sasl-mechanism': Flags.string({
      description: 'SASL mechanism to enable (repeatable; remembered) [default: PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512]',
      multiple: true,
      multipleNonGreedy: true,
      helpValue: 'PLAIN|SCRAM-SHA-256|SCRAM-SHA-512',
      helpGroup: 'SECURITY',
    }),
    user: Flags.string({
      description: 'SASL user (repeatable); replaces the users; only SCRAM credentials are kept (credentials.json, mode 0600)',
      multiple: true,
      multipleNonGreedy: true,
      helpValue: 'NAME:PASSWORD',
      helpGroup: 'SECURITY',
    }),
    'tls-cert': Flags.string({ description: 'TLS server certificate chain, PEM (remembered)', helpValue: 'FILE', helpGroup: 'SECURITY' }),
    'tls-key': Flags.string({ description: 'its private key, PEM, unencrypted (remembered)', helpValue: 'FILE', helpGroup: 'SECURITY' }),
    'tls-self-signed': Flags.boolean({ description: 'TLS with a CA and certificate kt makes in <data-dir>/tls (clients trust tls/ca.pem)', helpGroup: 'SECURITY' }),
    'tls-ca': Flags.string({ description: 'CA certificates (PEM) that client certificates must chain to', helpValue: 'FILE', helpGroup: 'SECURITY' }),
    'tls-client-auth': Flags.string({ description: "Kafka's ssl.client.auth", options: ['required', 'requested', 'none'], helpGroup: 'SECURITY' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(LocalStart);
    const root = flags['data-dir'] ?? localPaths().root;
    const configs = flags.config ? brokerConfigs(flags.config) : undefined;
    const advertised = flags['advertised-host'];
    const problem = advertised === undefined ? null : advertisedHostProblem(advertised);
    if (problem) throw new UsageError(`--advertised-host ${advertised} ${problem}`);
    const p = localPaths(root);
    const { readState, runningBroker, startLocalBroker, startPort } = await import('../../local/daemon.js');
    const running = await runningBroker(p);
    if (running) {
      const differs = <T>(given: T | undefined, now: T | undefined): boolean => given !== undefined && given !== now;
      let change: string | undefined;
      if (hasSecurityFlags(flags)) change = 'its security';
      else if (configs) change = 'its configs';
      else if (differs(flags.port, running.port) || differs(flags.host, running.host) || differs(advertised, running.advertisedHost)) change = 'its address';
      if (change) throw new KtError(`the local broker is already running on ${running.bootstrap}; stop it first to change ${change} (kt local stop)`);
      if (flags.foreground) throw new KtError(`the local broker is already running on ${running.bootstrap} (pid ${running.pid})`);
    }
    const { security, users } = resolveSecurity(flags, readState(p)?.security, p);
    if (users) {
      const { writeUsers } = await import('../../local/security.js');
      await writeUsers(p, users);
    }
    const warn = (host: string, port: number, s: LocalSecurity | undefined): void => {
      const warning = exposureWarning(host, port, s);
      if (warning) process.stderr.write(`kt: warning: ${warning}\n`);
    };
    if (flags.foreground) {
      const { runLocalBroker } = await import('../../local/main.js');
      const log = (await import('../../local/logFile.js')).streamLog(process.stderr);
      const { defaultAdvertisedHost } = await import('../../broker/hosts.js');
      const host = flags.host ?? '127.0.0.1';
      const before = readState(p);
      const { port, portChosen } = startPort(before, flags.port);
      const bootstrap = hostPort(advertised ?? defaultAdvertisedHost(host), port);
      process.stdout.write(`${bootstrap}\n`);
      process.stderr.write(`kt: local broker on ${bootstrap} (${describeSecurity(security, p)}); Ctrl-C stops it\n`);
      warn(host, port, security);
      await offerLocalProfile(bootstrap, security, p);
      await runLocalBroker({ port, portChosen, host, advertisedHost: advertised, root, memory: flags.memory, configs: configs ?? before?.configs ?? {}, security, log: (line) => log(escapeLogLine(line)) });
      return;
    }
    const info = await startLocalBroker({ port: flags.port, host: flags.host, advertisedHost: advertised, dataDir: root, memory: flags.memory, configs, security });
    const now = readState(p);
    process.stdout.write(`${info.bootstrap}\n`);
    process.stderr.write(
      info.started
        ? `kt: started local broker on ${info.bootstrap} (${describeSecurity(now?.security, p)}; pid ${info.pid}; stop: kt local stop)\n`
        : `kt: local broker already running on ${info.bootstrap} (${describeSecurity(now?.security, p)}; pid ${info.pid})\n`,
    );
    if (now) warn(now.host, now.port, now.security);
    await offerLocalProfile(info.bootstrap, now?.security, p);
  }
}
