import { Flags } from '@oclif/core';
import { KtCommand } from '../../cli/base.js';
import { UsageError } from '../../cli/errors.js';
import { alterConfigsCommand, describeConfigsCommand, entityFlags, quotaConfigsCommand, type AlterResult, type DescribeResult, type QuotaResult } from '../../cli/configs.js';

export default class Configs extends KtCommand {
  static override summary = 'Topic and broker configs and client quotas (kafka-configs): describe and alter.';
  static override description =
    'Subcommands: describe, alter. The kafka-configs flag style works too, so tutorial lines run after ' +
    'swapping the script name: --describe [--all] or --alter with --add-config/--delete-config, and ' +
    '--entity-type topics|brokers --entity-name X (or --topic T, --broker N, --broker-defaults). ' +
    'Client quotas: --entity-type users|clients|ips with --entity-name X or --entity-default (users and ' +
    'clients together for a user\'s client; or --user U, --client C, --ip I, --user-defaults, ' +
    '--client-defaults, --ip-defaults), sent as Describe/AlterClientQuotas. ' +
    '--describe prints kafka-configs\' lines.\n\n' +
    'JSON (--json): the shape of kt configs describe or kt configs alter; for quotas ' +
    '{"quotas":[{"entity":[{"type":"user","name":"alice"}],"values":{"producer_byte_rate":1024}}]} or ' +
    '{"entity":[…],"set":{},"deleted":[]} (a null name is the default entity).';
  static override enableJsonFlag = true;
  static override examples = [
    'kt configs --describe --entity-type topics --entity-name orders',
    'kt configs --describe --topic orders --all',
    'kt configs --alter --entity-type topics --entity-name orders --add-config retention.ms=86400000',
    'kt configs --alter --topic orders --delete-config retention.ms',
    'kt configs --alter --entity-type users --entity-name alice --add-config producer_byte_rate=1048576,consumer_byte_rate=2097152',
    'kt configs --describe --entity-type users --entity-name alice --entity-type clients --entity-name app-1',
    'kt configs --alter --entity-type clients --entity-default --delete-config request_percentage',
  ];
  static override flags = {
    describe: Flags.boolean({ summary: 'Describe configs.', helpGroup: 'ACTION', exclusive: ['alter'] }),
    alter: Flags.boolean({ summary: 'Set or remove configs.', helpGroup: 'ACTION', exclusive: ['describe'] }),
    ...entityFlags,
    'entity-type': Flags.string({ summary: 'kafka-configs style: topics, brokers, users, clients or ips (users and clients together: a user\'s client).', helpValue: 'TYPE', multiple: true, multipleNonGreedy: true }),
    'entity-name': Flags.string({ summary: 'kafka-configs style: the topic, broker id, user, client id or ip (one per --entity-type).', helpValue: 'NAME', multiple: true, multipleNonGreedy: true }),
    'entity-default': Flags.boolean({ summary: 'kafka-configs style: the broker defaults, or the default user, client or ip.' }),
    user: Flags.string({ summary: 'Client quotas of this user (--entity-type users --entity-name U).', helpValue: 'USER' }),
    client: Flags.string({ summary: 'Client quotas of this client id (--entity-type clients --entity-name C).', helpValue: 'CLIENT_ID' }),
    ip: Flags.string({ summary: 'Connection quota of this IP (--entity-type ips --entity-name I).', helpValue: 'IP' }),
    'user-defaults': Flags.boolean({ summary: 'Client quotas of the default user.' }),
    'client-defaults': Flags.boolean({ summary: 'Client quotas of the default client id.' }),
    'ip-defaults': Flags.boolean({ summary: 'Connection quota of the default IP.' }),
    all: Flags.boolean({ summary: '--describe: every config, not only the ones set.' }),
    'add-config': Flags.string({ summary: '--alter: configs to set, k1=v1,k2=[v1,v2].', multiple: true, multipleNonGreedy: true, helpValue: 'K=V[,K=V]' }),
    'add-config-file': Flags.string({ summary: '--alter: a properties file of configs to set.', helpValue: 'FILE' }),
    'delete-config': Flags.string({ summary: '--alter: config overrides to remove, k1,k2.', multiple: true, multipleNonGreedy: true, helpValue: 'K[,K]' }),
  };

  async run(): Promise<DescribeResult | AlterResult | QuotaResult> {
    const { flags, raw } = await this.parse(Configs);
    if (!flags.describe && !flags.alter) throw new UsageError('pass --describe or --alter', 'or use kt configs describe|alter');
    const { quotaEntity } = await import('../../format/quotas.js');
    // Apache pairs --entity-name and --entity-default with the --entity-type values in command-line order
    const names = raw.flatMap((t) => (t.type !== 'flag' ? [] : t.flag === 'entity-name' ? [t.input] : t.flag === 'entity-default' ? [''] : []));
    const quota = quotaEntity({
      types: flags['entity-type'] ?? [],
      names,
      user: flags.user,
      client: flags.client,
      ip: flags.ip,
      userDefaults: flags['user-defaults'],
      clientDefaults: flags['client-defaults'],
      ipDefaults: flags['ip-defaults'],
      alter: flags.alter,
    });
    const conn = await this.connection(flags);
    const p = { json: this.jsonEnabled(), log: (l: string) => this.log(l) };
    const add = flags['add-config'];
    const addFile = flags['add-config-file'];
    const del = flags['delete-config'];
    if (quota) return quotaConfigsCommand(conn, quota, { ...p, alter: flags.alter, add, addFile, del });
    if ((flags['entity-type']?.length ?? 0) > 1) throw new UsageError("Only 'users' and 'clients' entity types may be specified together");
    if ((flags['entity-name']?.length ?? 0) > 1) throw new UsageError('More entity names specified than entity types');
    const entity = { ...flags, 'entity-type': flags['entity-type']?.[0], 'entity-name': flags['entity-name']?.[0] };
    if (flags.describe) return describeConfigsCommand(conn, entity, { ...p, all: flags.all, apache: true });
    return alterConfigsCommand(conn, entity, { ...p, add, addFile, del });
  }
}
