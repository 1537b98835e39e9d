import { Args, Flags } from '@oclif/core';
import { KtCommand } from '../../cli/base.js';
import { UsageError } from '../../cli/errors.js';
import { describeFlow } from '../../cli/groups.js';

export default class GroupsDescribe extends KtCommand {
  static override summary = 'Describe consumer groups: committed offsets, log-end offsets and lag per partition, members, state.';
  static override description =
    'The offsets view (default) has kafka-consumer-groups\' columns GROUP TOPIC PARTITION CURRENT-OFFSET ' +
    'LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID, one row per assigned or committed partition, and the group\'s ' +
    'total lag; LAG is LOG-END-OFFSET minus CURRENT-OFFSET ("-" without a committed offset). Groups without ' +
    'active members show their committed offsets and lag too. --members lists the members (--verbose adds their ' +
    'partitions and, in a KIP-848 consumer group, CURRENT-EPOCH, TARGET-EPOCH and TARGET-ASSIGNMENT), --state the coordinator, assignment strategy, state and member count. --apache prints ' +
    'kafka-consumer-groups\' exact text layout instead of a table. An unknown group is an error (exit 1).\n\n' +
    'JSON (--json), the same for every view: {"groups":[{"group":"billing","state":"Stable","protocolType":"consumer",' +
    '"protocol":"RoundRobinAssigner","coordinator":{"id":0,"host":"127.0.0.1","port":9092},' +
    '"members":[{"consumerId":"kt-1f0c…","groupInstanceId":null,"clientId":"kt","host":"/127.0.0.1",' +
    '"assignment":[{"topic":"orders","partition":0}]}],"offsets":[{"group":"billing","topic":"orders","partition":0,' +
    '"currentOffset":40,"logEndOffset":42,"lag":2,"leaderEpoch":null,"consumerId":"kt-1f0c…","host":"/127.0.0.1",' +
    '"clientId":"kt"}],"totalLag":2}]}. A KIP-848 consumer group ("type":"consumer") also has "groupEpoch" and ' +
    '"targetAssignmentEpoch", and its members "memberEpoch", "targetAssignment" and "upgraded" (false: a classic-protocol member).';
  static override enableJsonFlag = true;
  static override strict = false;
  static override examples = [
    'kt groups describe billing',
    'kt groups describe billing payments --members --verbose',
    'kt groups describe --all-groups --state',
    'kt groups describe billing --json | jq \'.groups[0].totalLag\'',
    'kt groups describe billing --apache',
  ];
  static override args = {
    group: Args.string({ description: 'Consumer group(s).', required: false }),
  };
  static override flags = {
    group: Flags.string({ char: 'g', summary: 'Group to describe (instead of the arguments; repeatable).', multiple: true, multipleNonGreedy: true }),
    'all-groups': Flags.boolean({ summary: 'Describe every group.' }),
    offsets: Flags.boolean({ summary: 'The offsets view (the default).', exclusive: ['members', 'state'] }),
    members: Flags.boolean({ summary: 'List the members: consumer id, host, client id, partition count.', exclusive: ['offsets', 'state'] }),
    state: Flags.boolean({ summary: 'Coordinator, assignment strategy, state and member count.', exclusive: ['offsets', 'members'] }),
    verbose: Flags.boolean({ char: 'v', summary: 'With --members: each member\'s partitions (KIP-848 groups: epochs, target assignment); with --apache, kafka-consumer-groups\' --verbose columns.' }),
    apache: Flags.boolean({ summary: 'Print the kafka-consumer-groups --describe text layout.' }),
    yes: Flags.boolean({ char: 'y', summary: 'Never prompt (group picker).' }),
  };

  async run() {
    const { flags, argv } = await this.parse(GroupsDescribe);
    const groups = [...(argv as string[]), ...(flags.group ?? [])];
    if (groups.length && flags['all-groups']) throw new UsageError('name groups or pass --all-groups, not both');
    const conn = await this.connection(flags);
    return describeFlow(conn, { json: this.jsonEnabled(), log: (l) => this.log(l), write: (t) => process.stdout.write(t) }, {
      groups,
      allGroups: flags['all-groups'],
      view: flags.members ? 'members' : flags.state ? 'state' : 'offsets',
      verbose: flags.verbose,
      apache: flags.apache,
      yes: flags.yes,
    });
  }
}
