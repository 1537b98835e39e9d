import { Flags } from '@oclif/core';
import { KtCommand } from '../../cli/base.js';
import { listFlow, type ListResult } from '../../cli/topics.js';

export default class TopicsList extends KtCommand {
  static override summary = 'List topics.';
  static override description =
    'Lists the topic names of the cluster, sorted, one per line (as kafka-topics --list). ' +
    'With --long, a table with partition count and replication factor.\n\n' +
    'JSON (--json): {"topics":[{"name":"t","internal":false,"partitions":3,"replicationFactor":1}]}';
  static override aliases = ['topics ls'];
  static override enableJsonFlag = true;
  static override examples = [
    'kt topics list',
    'kt topics list --long --exclude-internal',
    'kt topics list --topic "orders.*" --json',
    'kt topics list -b localhost:9092',
  ];
  static override flags = {
    'exclude-internal': Flags.boolean({ summary: 'Leave out internal topics (__consumer_offsets, ...).' }),
    long: Flags.boolean({ char: 'l', summary: 'Show partitions and replication factor.' }),
    topic: Flags.string({ char: 't', summary: 'Only topics matching this name or regular expression.', helpValue: 'REGEX' }),
  };

  async run(): Promise<ListResult> {
    const { flags } = await this.parse(TopicsList);
    const conn = await this.connection(flags);
    return listFlow(conn, { json: this.jsonEnabled(), log: (l) => this.log(l) }, {
      excludeInternal: flags['exclude-internal'],
      long: flags.long,
      pattern: flags.topic,
    });
  }
}
