import { Args, Flags } from '@oclif/core';
import { KtCommand } from '../../cli/base.js';
import { resetFlags, resetFlow, resetOptionsFrom, type ResetResult } from '../../cli/groupReset.js';

export default class GroupsResetOffsets extends KtCommand {
  static override summary = 'Plan, and with --execute commit, new offsets for an inactive consumer group.';
  static override description =
    'Exactly one scenario: --to-earliest, --to-latest, --to-current, --to-offset N, --shift-by ±N, ' +
    '--to-datetime YYYY-MM-DDTHH:mm:SS.sss (UTC unless a zone is given), --by-duration PnDTnHnMnS (now minus it), ' +
    '--from-file CSV. Scope: --topic T or T:P,P (repeatable) or --all-topics (what the group committed); ' +
    '--from-file brings its own. Prints the plan (GROUP TOPIC PARTITION NEW-OFFSET) and changes nothing unless ' +
    '--execute (without --execute or --dry-run, Apache\'s WARN line goes to stderr). --export prints the plan as ' +
    'CSV that --from-file reads back. Targets outside the log are clamped to the log start or end with a warning. ' +
    'The group must have no active members: a Stable or rebalancing group is refused (exit 1). A group that does ' +
    'not exist yet is created with the new offsets.\n\n' +
    'JSON (--json): {"executed":false,"offsets":[{"group":"billing","topic":"orders","partition":0,"currentOffset":42,"newOffset":0}]}';
  static override enableJsonFlag = true;
  static override strict = false;
  static override examples = [
    'kt groups reset-offsets billing --topic orders --to-earliest',
    'kt groups reset-offsets billing --topic orders --to-earliest --execute',
    'kt groups reset-offsets billing --topic orders:0,1 --shift-by -5 --execute',
    'kt groups reset-offsets billing --all-topics --to-datetime 2024-05-01T12:00:00.000 --execute',
    'kt groups reset-offsets billing --topic orders --by-duration PT15M --execute',
    'kt groups reset-offsets billing --all-topics --to-current --export > plan.csv',
    'kt groups reset-offsets billing --from-file plan.csv --execute',
    'kt groups reset-offsets billing --topic orders:0 --to-offset 1000 --dry-run --apache',
    'kt groups reset-offsets --all-groups --all-topics --to-latest --execute',
  ];
  static override args = {
    group: Args.string({ description: 'Consumer group(s).', required: false }),
  };
  static override flags = {
    group: Flags.string({ char: 'g', summary: 'Group to reset (instead of the arguments; repeatable).', multiple: true, multipleNonGreedy: true }),
    'all-groups': Flags.boolean({ summary: 'Reset every group.' }),
    topic: Flags.string({ char: 't', summary: 'Topic, or topic:partition[,partition...] (repeatable).', multiple: true, multipleNonGreedy: true, helpValue: 'T[:P,P]' }),
    ...resetFlags,
    apache: Flags.boolean({ summary: 'Print the plan in kafka-consumer-groups\' text layout.' }),
  };

  async run(): Promise<ResetResult> {
    const { flags, argv } = await this.parse(GroupsResetOffsets);
    const options = await resetOptionsFrom(flags, [...(argv as string[]), ...(flags.group ?? [])], flags.apache);
    const conn = await this.connection(flags);
    return resetFlow(conn, { json: this.jsonEnabled(), log: (l) => this.log(l), write: (t) => process.stdout.write(t) }, options);
  }
}
