import { Args, Flags } from '@oclif/core';
import { KtCommand } from '../../cli/base.js';
import { createFlow, type CreateResult } from '../../cli/topics.js';

export default class TopicsCreate extends KtCommand {
  static override summary = 'Create topics.';
  static override description =
    'Creates one or more topics and prints "Created topic NAME." for each (as kafka-topics --create). ' +
    'Without --partitions/--replication-factor the broker defaults apply. A replication factor above the ' +
    'number of brokers fails with Kafka\'s INVALID_REPLICATION_FACTOR. In a terminal, a missing name is asked for.\n\n' +
    'JSON (--json): {"created":[{"name":"t","partitions":3,"replicationFactor":1,"configs":{}}],"existing":[]}';
  static override enableJsonFlag = true;
  static override strict = false;
  static override examples = [
    'kt topics create myTestTopic',
    'kt topics create orders --partitions 3 --replication-factor 1',
    'kt topics create events --config retention.ms=86400000 --config cleanup.policy=delete',
    'kt topics create orders payments --if-not-exists --json',
  ];
  static override args = {
    name: Args.string({ description: 'Topic name(s).', required: false }),
  };
  static override flags = {
    topic: Flags.string({ char: 't', summary: 'Topic name (instead of the argument).', multiple: true, multipleNonGreedy: true }),
    partitions: Flags.integer({ char: 'p', summary: 'Number of partitions (broker default when omitted).', min: 1 }),
    'replication-factor': Flags.integer({ char: 'r', summary: 'Replication factor (broker default when omitted).', min: 1 }),
    config: Flags.string({ char: 'c', summary: 'Topic config KEY=VALUE (repeatable).', multiple: true, multipleNonGreedy: true, helpValue: 'KEY=VALUE' }),
    'if-not-exists': Flags.boolean({ summary: 'Do nothing for topics that already exist.' }),
    yes: Flags.boolean({ char: 'y', summary: 'Never prompt.' }),
  };

  async run(): Promise<CreateResult> {
    const { flags, argv } = await this.parse(TopicsCreate);
    const names = [...(argv as string[]), ...(flags.topic ?? [])];
    const conn = await this.connection(flags);
    return createFlow(conn, { json: this.jsonEnabled(), log: (l) => this.log(l) }, {
      names,
      partitions: flags.partitions,
      replicationFactor: flags['replication-factor'],
      config: flags.config,
      ifNotExists: flags['if-not-exists'],
      yes: flags.yes,
    });
  }
}
