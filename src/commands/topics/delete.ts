import { Flags } from '@oclif/core';
import { KtCommand } from '../../cli/base.js';
import { deleteFlow, type DeleteResult } from '../../cli/topics.js';

export default class TopicsDelete extends KtCommand {
  static override summary = 'Delete topics and their data.';
  static override description =
    'Deletes the named topics. In a terminal kt asks for confirmation unless --yes; without a terminal to ' +
    'ask it refuses unless --yes (exit 2). Declining is exit 1. --topic takes a name or a regular expression (as kafka-topics --delete).\n\n' +
    'JSON (--json): {"deleted":["t"],"missing":[]}';
  static override enableJsonFlag = true;
  static override strict = false;
  static override examples = [
    'kt topics delete myTestTopic --yes',
    'kt topics delete old-a old-b --if-exists --yes',
    'kt topics delete --topic "tmp-.*" --yes',
  ];
  static override flags = {
    topic: Flags.string({ char: 't', summary: 'Topic name or regular expression.', helpValue: 'REGEX' }),
    'if-exists': Flags.boolean({ summary: 'Do nothing for topics that do not exist.' }),
    yes: Flags.boolean({ char: 'y', summary: 'Do not ask for confirmation.' }),
  };

  async run(): Promise<DeleteResult> {
    const { flags, argv } = await this.parse(TopicsDelete);
    const conn = await this.connection(flags);
    return deleteFlow(conn, { json: this.jsonEnabled(), log: (l) => this.log(l) }, {
      names: argv as string[],
      pattern: flags.topic,
      ifExists: flags['if-exists'],
      yes: flags.yes,
    });
  }
}
