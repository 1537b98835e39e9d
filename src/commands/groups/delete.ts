import { Args, Flags } from '@oclif/core';
import { KtCommand } from '../../cli/base.js';
import { UsageError } from '../../cli/errors.js';
import { deleteFlow, type DeleteResult } from '../../cli/groups.js';

export default class GroupsDelete extends KtCommand {
  static override summary = 'Delete consumer groups and their committed offsets.';
  static override description =
    'Deletes groups that have no active members, with everything they committed, and prints ' +
    'kafka-consumer-groups\' line "Deletion of requested consumer groups (\'g\') was successful.". In a terminal ' +
    'kt asks first unless --yes; without a terminal to ask it refuses unless --yes (exit 2); declining is exit 1. A group with members (NON_EMPTY_GROUP) or an ' +
    'unknown group is reported and the exit code is 1; the others are still deleted.\n\n' +
    'JSON (--json): {"deleted":["old-billing"],"failed":[{"group":"billing","error":"NON_EMPTY_GROUP","message":"The group is not empty."}]}';
  static override enableJsonFlag = true;
  static override strict = false;
  static override examples = [
    'kt groups delete old-billing --yes',
    'kt groups delete tmp-1 tmp-2 --yes --json',
    'kt groups delete --all-groups --yes',
  ];
  static override args = {
    group: Args.string({ description: 'Consumer group(s).', required: false }),
  };
  static override flags = {
    group: Flags.string({ char: 'g', summary: 'Group to delete (instead of the arguments; repeatable).', multiple: true, multipleNonGreedy: true }),
    'all-groups': Flags.boolean({ summary: 'Delete every group (those with members are refused).' }),
    yes: Flags.boolean({ char: 'y', summary: 'Do not ask for confirmation.' }),
  };

  async run(): Promise<DeleteResult> {
    const { flags, argv } = await this.parse(GroupsDelete);
    const groups = [...(argv as string[]), ...(flags.group ?? [])];
    if (groups.length && flags['all-groups']) throw new UsageError('name groups or pass --all-groups, not both');
    const conn = await this.connection(flags);
    return deleteFlow(conn, { json: this.jsonEnabled(), log: (l) => this.log(l), write: (t) => process.stdout.write(t) }, {
      groups,
      allGroups: flags['all-groups'],
      yes: flags.yes,
    });
  }
}
