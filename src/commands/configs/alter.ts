import { Flags } from '@oclif/core';
import { KtCommand } from '../../cli/base.js';
import { alterConfigsCommand, entityFlags, type AlterResult } from '../../cli/configs.js';

export default class ConfigsAlter extends KtCommand {
  static override summary = 'Set or remove configs of a topic or broker (kafka-configs --alter).';
  static override description =
    'Sets the configs of --add-config and removes the overrides named by --delete-config; every other ' +
    'override is kept (Kafka\'s IncrementalAlterConfigs; with a broker that lacks it, kt sends AlterConfigs ' +
    'with the current overrides merged in). --add-config takes k1=v1,k2=v2; a value with commas goes in ' +
    'square brackets (quoted for the shell): \'cleanup.policy=[compact,delete]\'. Prints "Completed updating config for topic T." as ' +
    'kafka-configs does. Removing a config that is not set is an error (exit 2). Values of secret-looking ' +
    'keys (password, secret, ...) are shown as ***.\n\n' +
    'JSON (--json): {"type":"topic","name":"orders","set":{"retention.ms":"3600000"},"deleted":["cleanup.policy"]}';
  static override enableJsonFlag = true;
  static override examples = [
    'kt configs alter --topic orders --add-config retention.ms=3600000',
    "kt configs alter --topic orders --add-config 'retention.ms=3600000,cleanup.policy=[compact,delete]'",
    'kt configs alter --topic orders --delete-config retention.ms',
    'kt configs alter --entity-type topics --entity-name orders --add-config-file overrides.properties',
  ];
  static override flags = {
    ...entityFlags,
    'add-config': Flags.string({ summary: 'Configs to set: k1=v1,k2=[v1,v2] (repeatable).', multiple: true, multipleNonGreedy: true, helpValue: 'K=V[,K=V]' }),
    'add-config-file': Flags.string({ summary: 'A properties file of configs to set.', helpValue: 'FILE' }),
    'delete-config': Flags.string({ summary: 'Config overrides to remove: k1,k2 (repeatable).', multiple: true, multipleNonGreedy: true, helpValue: 'K[,K]' }),
  };

  async run(): Promise<AlterResult> {
    const { flags } = await this.parse(ConfigsAlter);
    const conn = await this.connection(flags);
    return alterConfigsCommand(conn, flags, { add: flags['add-config'], addFile: flags['add-config-file'], del: flags['delete-config'], json: this.jsonEnabled(), log: (l) => this.log(l) });
  }
}
