import { Args, Flags } from '@oclif/core';
import { KtCommand } from '../../cli/base.js';
import { deleteOffsetsFlow, type DeleteOffsetsResult } from '../../cli/groups.js';

export default class GroupsDeleteOffsets extends KtCommand {
  static override summary = 'Delete a group\'s committed offsets for topics or partitions it no longer consumes.';
  static override description =
    'Removes the committed offsets of the given topics (all partitions) or partitions (--topic T:0,1). Kafka ' +
    'refuses partitions of topics the group\'s active members still subscribe to (GROUP_SUBSCRIBED_TO_TOPIC); ' +
    'they are listed with their error and the exit code is 1. Prints a TOPIC PARTITION STATUS table (--apache: ' +
    'kafka-consumer-groups\' layout and success line).\n\n' +
    'JSON (--json): {"group":"billing","partitions":[{"topic":"orders","partition":0,"error":null},' +
    '{"topic":"payments","partition":0,"error":"GROUP_SUBSCRIBED_TO_TOPIC"}]} (error is Kafka\'s error name, null on success)';
  static override enableJsonFlag = true;
  static override examples = [
    'kt groups delete-offsets billing --topic old-orders',
    'kt groups delete-offsets billing --topic orders:0,1 --topic payments',
    'kt groups delete-offsets billing -t old-orders --json',
  ];
  static override args = {
    group: Args.string({ description: 'The consumer group.', required: false }),
  };
  static override flags = {
    group: Flags.string({ char: 'g', summary: 'The consumer group (instead of the argument).' }),
    topic: Flags.string({ char: 't', summary: 'Topic, or topic:partition[,partition...] (repeatable).', multiple: true, multipleNonGreedy: true, helpValue: 'T[:P,P]', required: true }),
    apache: Flags.boolean({ summary: 'Print kafka-consumer-groups\' text layout.' }),
  };

  async run(): Promise<DeleteOffsetsResult> {
    const { flags, args } = await this.parse(GroupsDeleteOffsets);
    const conn = await this.connection(flags);
    return deleteOffsetsFlow(conn, { json: this.jsonEnabled(), log: (l) => this.log(l), write: (t) => process.stdout.write(t) }, {
      group: args.group ?? flags.group,
      topics: flags.topic,
      apache: flags.apache,
    });
  }
}
