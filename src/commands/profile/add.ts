import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base.js';
import { KtError } from '../../cli/errors.js';
import { diag } from '../../cli/output.js';

export interface AddResult {
  name: string;
  bootstrap: string;
  securityProtocol: string;
  replaced: boolean;
  current: boolean;
  path: string;
}

export default class ProfileAdd extends BaseCommand {
  static override summary = 'Save a connection profile: bootstrap servers and client properties, secrets included.';
  static override description =
    'Stores the cluster address and the Java client properties (security.protocol, sasl.*, ssl.*) under NAME in ' +
    'the kt config file ($KT_CONFIG_DIR/config.json, else $XDG_CONFIG_HOME/kt/config.json, else ' +
    '~/.config/kt/config.json), written with mode 0600 in a directory created with mode 0700. Properties come ' +
    'from --command-config FILE (bootstrap.servers there is used when --bootstrap-server is absent), then -X. ' +
    'For SASL, --username and a password build sasl.jaas.config (PlainLoginModule or ScramLoginModule, as the ' +
    'Java client wants it); the password is read from stdin with --password-stdin, or asked for (hidden) in a ' +
    'terminal, so it never appears in the shell history. Without a terminal a missing --bootstrap-server or ' +
    'password is a usage error (exit 2). Referenced PEM files must be readable now.\n\n' +
    'Use a profile with --profile NAME or KT_PROFILE=NAME, or make it the default with --use (kt profile use).\n\n' +
    'JSON (--json): {"name":"prod","bootstrap":"kafka1:9093","securityProtocol":"SASL_SSL","replaced":false,' +
    '"current":true,"path":"/home/me/.config/kt/config.json"}';
  static override enableJsonFlag = true;
  static override examples = [
    'kt profile add dev --bootstrap-server localhost:9092 --use',
    'kt profile add prod -b kafka1:9093,kafka2:9093 --command-config client.properties',
    "printf '%s' \"$KAFKA_PASSWORD\" | kt profile add prod -b kafka1:9093 -X security.protocol=SASL_SSL -X sasl.mechanism=SCRAM-SHA-512 --username app --password-stdin",
    'kt profile add tls -b kafka:9093 -X security.protocol=SSL -X ssl.ca.location=/etc/kafka/ca.pem',
  ];
  static override args = {
    name: Args.string({ description: 'Profile name (letters, digits, ".", "_", "-").', required: true }),
  };
  static override flags = {
    'bootstrap-server': Flags.string({ char: 'b', aliases: ['broker-list', 'brokers'], summary: 'Kafka brokers (HOST:PORT[,HOST:PORT...]); prompted for in a terminal.', helpValue: 'HOST:PORT' }),
    'command-config': Flags.string({ summary: 'Java client properties file to copy into the profile.', helpValue: 'FILE' }),
    'command-property': Flags.string({ char: 'X', summary: 'Client property KEY=VALUE (repeatable).', helpValue: 'KEY=VALUE', multiple: true, multipleNonGreedy: true }),
    username: Flags.string({ summary: 'SASL username (builds sasl.jaas.config with the password).', helpValue: 'USER' }),
    'password-stdin': Flags.boolean({ summary: 'Read the SASL password from stdin (one trailing newline is dropped).' }),
    use: Flags.boolean({ summary: 'Make it the current profile.' }),
    force: Flags.boolean({ char: 'f', summary: 'Replace a profile of the same name.' }),
    yes: Flags.boolean({ char: 'y', summary: 'Never prompt.' }),
  };

  async run(): Promise<AddResult> {
    const { args, flags } = await this.parse(ProfileAdd);
    const { checkProfileName, readConfig, updateConfig, configPath } = await import('../../cli/config.js');
    const name = checkProfileName(args.name);
    const before = readConfig();
    const replaced = Boolean(before.profiles?.[name]);
    if (replaced && !flags.force) throw new KtError(`profile '${name}' already exists`, { hint: 'pass --force to replace it' });
    const { buildProfile, readStdinSecret } = await import('../../cli/profiles.js');
    const password = flags['password-stdin'] ? await readStdinSecret() : undefined;
    const profile = await buildProfile({
      bootstrap: flags['bootstrap-server'],
      commandConfig: flags['command-config'],
      X: flags['command-property'],
      username: flags.username,
      password,
      yes: flags.yes,
    });
    const current = updateConfig((cfg) => {
      cfg.profiles ??= {};
      cfg.profiles[name] = profile;
      if (flags.use) cfg.current = name;
      return cfg.current === name;
    });
    const protocol = (profile.properties?.['security.protocol'] ?? 'PLAINTEXT').toUpperCase();
    if (!this.jsonEnabled()) {
      this.log(`${replaced ? 'Replaced' : 'Created'} profile ${name}.`);
      if (flags.use) this.log(`Switched to profile ${name}.`);
      else if (!current) diag(`kt: use it with --profile ${name}, or make it the default: kt profile use ${name}`);
    }
    return { name, bootstrap: profile.bootstrap!, securityProtocol: protocol, replaced, current, path: configPath() };
  }
}
