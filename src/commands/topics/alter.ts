import { Args, Flags } from '@oclif/core';
import { KtCommand } from '../../cli/base.js';
import { alterFlow } from '../../cli/topics.js';

export default class TopicsAlter extends KtCommand {
  static override summary = 'Add partitions to a topic or change its configs.';
  static override description =
    'Increases the partition count (it can never shrink), sets configs (--config) or removes overrides ' +
    '(--delete-config). In a terminal, a missing topic opens a picker.\n\n' +
    'JSON (--json): {"topic":"t","partitions":{"from":1,"to":3},"configs":{"set":{"retention.ms":"1000"},"deleted":[]}} ' +
    '(partitions/configs are null when unchanged)';
  static override enableJsonFlag = true;
  static override examples = [
    'kt topics alter orders --partitions 6',
    'kt topics alter orders --config retention.ms=3600000',
    'kt topics alter orders --delete-config retention.ms',
  ];
  static override args = {
    name: Args.string({ description: 'Topic name.', required: false }),
  };
  static override flags = {
    topic: Flags.string({ char: 't', summary: 'Topic name (instead of the argument).' }),
    partitions: Flags.integer({ char: 'p', summary: 'New partition count (increase only).', min: 1 }),
    config: Flags.string({ char: 'c', summary: 'Set a topic config KEY=VALUE (repeatable).', multiple: true, multipleNonGreedy: true, helpValue: 'KEY=VALUE' }),
    'delete-config': Flags.string({ summary: 'Remove a topic config override (repeatable).', multiple: true, multipleNonGreedy: true, helpValue: 'KEY' }),
    yes: Flags.boolean({ char: 'y', summary: 'Never prompt.' }),
  };

  async run() {
    const { flags, args } = await this.parse(TopicsAlter);
    const conn = await this.connection(flags);
    return alterFlow(conn, { json: this.jsonEnabled(), log: (l) => this.log(l) }, {
      name: args.name ?? flags.topic,
      partitions: flags.partitions,
      config: flags.config,
      deleteConfig: flags['delete-config'],
      yes: flags.yes,
    });
  }
}
