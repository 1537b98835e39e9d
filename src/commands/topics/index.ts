import { Flags } from '@oclif/core';
import { KtCommand } from '../../cli/base.js';
import { UsageError } from '../../cli/errors.js';
import { alterFlow, createFlow, deleteFlow, describeFlow, listFlow } from '../../cli/topics.js';

export default class Topics extends KtCommand {
  static override summary = 'Manage topics (kafka-topics). Without an action: list topics.';
  static override description =
    'Subcommands: list, create, describe, alter, delete. The kafka-topics flag style works too, so tutorial ' +
    'lines run after swapping the script name: --create, --list, --describe, --alter, --delete with --topic. ' +
    '--describe prints the Apache TAB-separated layout. --topic is a name or regular expression for ' +
    '--list/--describe/--delete (exact name first), a name for --create/--alter.\n\n' +
    'JSON (--json): the shape of the matching subcommand (see kt topics list|create|describe|alter|delete --help).';
  static override enableJsonFlag = true;
  static override examples = [
    'kt topics',
    'kt topics --create --topic quickstart-events --partitions 3 --replication-factor 1 --bootstrap-server localhost:9092',
    'kt topics --describe --topic quickstart-events --bootstrap-server localhost:9092',
    'kt topics --list --exclude-internal',
    'kt topics --alter --topic quickstart-events --partitions 6',
    'kt topics --delete --topic quickstart-events --yes',
    'kt topics --create --if-not-exists --topic compacted --partitions 1 --config cleanup.policy=compact',
    'kt topics --alter --topic compacted --config retention.ms=3600000 --delete-config cleanup.policy',
    'kt topics --list --long',
    'kt topics --describe --topics-with-overrides',
    'kt topics --delete --if-exists --topic old-events --yes',
  ];
  static override flags = {
    create: Flags.boolean({ summary: 'Create a topic.', helpGroup: 'ACTION', exclusive: ['list', 'describe', 'alter', 'delete'] }),
    list: Flags.boolean({ summary: 'List topics.', helpGroup: 'ACTION', exclusive: ['create', 'describe', 'alter', 'delete'] }),
    describe: Flags.boolean({ summary: 'Describe topics (Apache layout).', helpGroup: 'ACTION', exclusive: ['create', 'list', 'alter', 'delete'] }),
    alter: Flags.boolean({ summary: 'Add partitions / change configs.', helpGroup: 'ACTION', exclusive: ['create', 'list', 'describe', 'delete'] }),
    delete: Flags.boolean({ summary: 'Delete topics.', helpGroup: 'ACTION', exclusive: ['create', 'list', 'describe', 'alter'] }),
    topic: Flags.string({ char: 't', summary: 'Topic name (or regex for --list/--describe/--delete).' }),
    partitions: Flags.integer({ summary: 'Partitions (--create, --alter).', min: 1 }),
    'replication-factor': Flags.integer({ summary: 'Replication factor (--create).', min: 1 }),
    config: Flags.string({ summary: 'Topic config KEY=VALUE (--create, --alter; repeatable).', multiple: true, multipleNonGreedy: true }),
    'delete-config': Flags.string({ summary: 'Remove a config override (--alter; repeatable).', multiple: true, multipleNonGreedy: true }),
    'if-exists': Flags.boolean({ summary: 'With --delete/--alter: no error when the topic is missing.' }),
    'if-not-exists': Flags.boolean({ summary: 'With --create: no error when the topic exists.' }),
    'exclude-internal': Flags.boolean({ summary: 'Leave out internal topics (--list, --describe).' }),
    'topics-with-overrides': Flags.boolean({ summary: '--describe: only topics with non-default configs.' }),
    'under-replicated-partitions': Flags.boolean({ summary: '--describe: only under-replicated partitions.' }),
    'unavailable-partitions': Flags.boolean({ summary: '--describe: only partitions without a leader.' }),
    long: Flags.boolean({ char: 'l', summary: '--list: show partitions and replication factor.' }),
    yes: Flags.boolean({ char: 'y', summary: 'Never prompt (delete confirmation, topic picker).' }),
  };

  async run() {
    const { flags } = await this.parse(Topics);
    const conn = await this.connection(flags);
    const p = { json: this.jsonEnabled(), log: (l: string) => this.log(l) };
    if (flags.create) {
      if (!flags.topic) throw new UsageError('--create needs --topic NAME');
      return createFlow(conn, p, {
        names: [flags.topic],
        partitions: flags.partitions,
        replicationFactor: flags['replication-factor'],
        config: flags.config,
        ifNotExists: flags['if-not-exists'],
        yes: flags.yes,
      });
    }
    if (flags.describe) {
      return describeFlow(conn, p, {
        names: [],
        pattern: flags.topic,
        excludeInternal: flags['exclude-internal'],
        topicsWithOverrides: flags['topics-with-overrides'],
        underReplicated: flags['under-replicated-partitions'],
        unavailable: flags['unavailable-partitions'],
        apache: true,
      });
    }
    if (flags.alter) {
      return alterFlow(conn, p, { name: flags.topic, partitions: flags.partitions, config: flags.config, deleteConfig: flags['delete-config'], yes: flags.yes });
    }
    if (flags.delete) {
      if (!flags.topic) throw new UsageError('--delete needs --topic NAME');
      return deleteFlow(conn, p, { names: [], pattern: flags.topic, ifExists: flags['if-exists'], yes: flags.yes });
    }
    return listFlow(conn, p, { excludeInternal: flags['exclude-internal'], long: flags.long, pattern: flags.topic });
  }
}
