import { Flags } from '@oclif/core';
import { KtCommand } from '../../cli/base.js';
import { UsageError } from '../../cli/errors.js';
import { resetFlags, resetFlow, resetOptionsFrom } from '../../cli/groupReset.js';
import { deleteFlow, deleteOffsetsFlow, describeFlow, listFlow } from '../../cli/groups.js';

/** Apache's `--state` and `--type` take an optional value; oclif's flags do not, so a bare one becomes `--state=`. */
export function withOptionalStateValue(argv: string[]): string[] {
  return argv.map((a, i) => ((a === '--state' || a === '--type') && (i + 1 >= argv.length || argv[i + 1].startsWith('-')) ? `${a}=` : a));
}

export default class Groups extends KtCommand {
  static override summary = 'Manage consumer groups (kafka-consumer-groups). Without an action: list groups.';
  static override description =
    'Subcommands: list, describe, reset-offsets, delete, delete-offsets. The kafka-consumer-groups flag style works ' +
    'too, so tutorial lines run after swapping the script name: --list [--state [S]] [--type [T]], --describe --group G ' +
    '[--members | --state | --offsets] [--verbose] or --all-groups, --reset-offsets --group G --topic T ' +
    '--to-earliest [--execute|--dry-run|--export], --delete --group G, --delete-offsets --group G --topic T. ' +
    'In this style kt prints Apache\'s exact text layouts (the subcommands print tables).\n\n' +
    'JSON (--json): the shape of the matching subcommand (see kt groups list|describe|reset-offsets|delete|delete-offsets --help).';
  static override enableJsonFlag = true;
  static override examples = [
    'kt groups',
    'kt groups --list --bootstrap-server localhost:9092',
    'kt groups --list --type consumer --state   # KIP-848 groups only, with their state',
    'kt groups --describe --group my-group --bootstrap-server localhost:9092',
    'kt groups --describe --group my-group --members --verbose',
    'kt groups --describe --all-groups --state',
    'kt groups --reset-offsets --group my-group --topic my-topic --to-earliest --execute',
    'kt groups --reset-offsets --group my-group --all-topics --shift-by -5 --dry-run',
    'kt groups --delete --group my-group --yes',
    'kt groups --delete-offsets --group my-group --topic my-topic:0',
  ];
  static override flags = {
    list: Flags.boolean({ summary: 'List groups.', helpGroup: 'ACTION', exclusive: ['describe', 'delete', 'reset-offsets', 'delete-offsets'] }),
    describe: Flags.boolean({ summary: 'Describe groups (offsets and lag; --members; --state).', helpGroup: 'ACTION', exclusive: ['list', 'delete', 'reset-offsets', 'delete-offsets'] }),
    'reset-offsets': Flags.boolean({ summary: 'Reset a group\'s offsets (dry run unless --execute).', helpGroup: 'ACTION', exclusive: ['list', 'describe', 'delete', 'delete-offsets'] }),
    delete: Flags.boolean({ summary: 'Delete groups.', helpGroup: 'ACTION', exclusive: ['list', 'describe', 'reset-offsets', 'delete-offsets'] }),
    'delete-offsets': Flags.boolean({ summary: 'Delete a group\'s offsets for topics.', helpGroup: 'ACTION', exclusive: ['list', 'describe', 'reset-offsets', 'delete'] }),
    group: Flags.string({ char: 'g', summary: 'Consumer group (repeatable).', multiple: true, multipleNonGreedy: true }),
    'all-groups': Flags.boolean({ summary: 'Every group (--describe, --reset-offsets, --delete).' }),
    topic: Flags.string({ char: 't', summary: 'Topic or topic:partition[,partition...] (--reset-offsets, --delete-offsets; repeatable).', multiple: true, multipleNonGreedy: true, helpValue: 'T[:P,P]' }),
    members: Flags.boolean({ summary: '--describe: the members.' }),
    offsets: Flags.boolean({ summary: '--describe: offsets and lag (the default view).' }),
    verbose: Flags.boolean({ summary: '--describe: LEADER-EPOCH (offsets), GROUP-EPOCH and TARGET-ASSIGNMENT-EPOCH (--state), members\' epochs and assignments (--members).' }),
    state: Flags.string({ summary: '--describe: the state view; --list: show (or filter by) state.', helpValue: '[S,S]' }),
    type: Flags.string({ summary: '--list: show (or filter by) the group type: classic, consumer (KIP-848).', helpValue: '[T,T]' }),
    ...resetFlags,
    yes: Flags.boolean({ char: 'y', summary: 'Never prompt (delete confirmation, group picker).' }),
  };

  async run() {
    const { flags } = await this.parse(Groups, withOptionalStateValue(this.argv));
    const p = { json: this.jsonEnabled(), log: (l: string) => this.log(l), write: (t: string) => void process.stdout.write(t) };
    const groups = flags.group ?? [];
    const state = flags.state;
    if (flags.describe) {
      const views = [flags.members, flags.offsets, state !== undefined].filter(Boolean).length;
      if (views > 1) throw new UsageError('--describe takes at most one of --members, --offsets, --state');
      if (state) throw new UsageError('--describe does not take a value for --state');
      if (!groups.length && !flags['all-groups']) throw new UsageError('--describe takes one of --group, --all-groups');
      const conn = await this.connection(flags);
      return describeFlow(conn, p, {
        groups,
        allGroups: flags['all-groups'],
        view: flags.members ? 'members' : state !== undefined ? 'state' : 'offsets',
        verbose: flags.verbose,
        apache: true,
        yes: flags.yes,
      });
    }
    if (flags['reset-offsets']) {
      const options = await resetOptionsFrom(flags, groups, true);
      return resetFlow(await this.connection(flags), p, options);
    }
    if (flags.delete) {
      if (flags.topic) throw new UsageError('The consumer does not support topic-specific offset deletion from a consumer group.', 'use --delete-offsets');
      if (!groups.length && !flags['all-groups']) throw new UsageError('--delete takes one of --group, --all-groups');
      return deleteFlow(await this.connection(flags), p, { groups, allGroups: flags['all-groups'], yes: flags.yes });
    }
    if (flags['delete-offsets']) {
      if (groups.length !== 1 || !flags.topic) throw new UsageError('--delete-offsets takes one --group and --topic');
      return deleteOffsetsFlow(await this.connection(flags), p, { group: groups[0], topics: flags.topic, apache: true });
    }
    // as kafka-consumer-groups: options of --describe are not taken without it
    const describeOnly = (['members', 'offsets', 'verbose'] as const).filter((f) => flags[f]);
    if (describeOnly.length) throw new UsageError(`--${describeOnly[0]} applies to --describe`, 'kt groups --describe --group G --members');
    const conn = await this.connection(flags);
    const type = flags.type;
    if (flags.list || state !== undefined || type !== undefined) {
      return listFlow(conn, p, {
        states: state ? [state] : [],
        showState: state !== undefined,
        types: type ? type.split(',').map((t) => t.trim().toLowerCase()).filter((t) => t !== '') : [],
        showType: type !== undefined,
        apache: true,
      });
    }
    return listFlow(conn, p, { apache: false });
  }
}
