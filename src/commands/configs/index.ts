import { Flags } from '@oclif/core';
import { KtCommand } from '../../cli/base.js';
import { UsageError } from '../../cli/errors.js';
import { alterConfigsCommand, describeConfigsCommand, entityFlags, type AlterResult, type DescribeResult } from '../../cli/configs.js';

export default class Configs extends KtCommand {
  static override summary = 'Topic and broker configs (kafka-configs): describe and alter.';
  static override description =
    'Subcommands: describe, alter. The kafka-configs flag style works too, so tutorial lines run after ' +
    'swapping the script name: --describe [--all] or --alter with --add-config/--delete-config, and ' +
    '--entity-type topics|brokers --entity-name X (or --topic T, --broker N, --broker-defaults). ' +
    '--describe prints kafka-configs\' lines.\n\n' +
    'JSON (--json): the shape of kt configs describe or kt configs alter.';
  static override enableJsonFlag = true;
  static override examples = [
    'kt configs --describe --entity-type topics --entity-name orders',
    'kt configs --describe --topic orders --all',
    'kt configs --alter --entity-type topics --entity-name orders --add-config retention.ms=86400000',
    'kt configs --alter --topic orders --delete-config retention.ms',
  ];
  static override flags = {
    describe: Flags.boolean({ summary: 'Describe configs.', helpGroup: 'ACTION', exclusive: ['alter'] }),
    alter: Flags.boolean({ summary: 'Set or remove configs.', helpGroup: 'ACTION', exclusive: ['describe'] }),
    ...entityFlags,
    all: Flags.boolean({ summary: '--describe: every config, not only the ones set.' }),
    'add-config': Flags.string({ summary: '--alter: configs to set, k1=v1,k2=[v1,v2].', multiple: true, multipleNonGreedy: true, helpValue: 'K=V[,K=V]' }),
    'add-config-file': Flags.string({ summary: '--alter: a properties file of configs to set.', helpValue: 'FILE' }),
    'delete-config': Flags.string({ summary: '--alter: config overrides to remove, k1,k2.', multiple: true, multipleNonGreedy: true, helpValue: 'K[,K]' }),
  };

  async run(): Promise<DescribeResult | AlterResult> {
    const { flags } = await this.parse(Configs);
    if (!flags.describe && !flags.alter) throw new UsageError('pass --describe or --alter', 'or use kt configs describe|alter');
    const conn = await this.connection(flags);
    const p = { json: this.jsonEnabled(), log: (l: string) => this.log(l) };
    if (flags.describe) return describeConfigsCommand(conn, flags, { ...p, all: flags.all, apache: true });
    return alterConfigsCommand(conn, flags, { ...p, add: flags['add-config'], addFile: flags['add-config-file'], del: flags['delete-config'] });
  }
}
