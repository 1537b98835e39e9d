import { Flags } from '@oclif/core';
import { KtCommand } from '../../cli/base.js';
import { listFlow } from '../../cli/groups.js';

export default class GroupsList extends KtCommand {
  static override summary = 'List consumer groups with their type, state, protocol and member count.';
  static override description =
    'Lists every consumer group of the cluster, sorted: its type (classic, or consumer for the KIP-848 consumer group protocol), ' +
    'its state (Empty, Stable, PreparingRebalance, CompletingRebalance; Assigning, Reconciling for consumer groups), ' +
    'the assignment protocol (a consumer group: its server-side assignor) and how many members it has. ' +
    '--state keeps only groups in the given states (comma-separated or repeated, case-insensitive).\n\n' +
    'JSON (--json): {"groups":[{"group":"billing","type":"classic","protocolType":"consumer","state":"Stable","protocol":"RoundRobinAssigner","members":2}]}';
  static override aliases = ['groups ls'];
  static override enableJsonFlag = true;
  static override examples = [
    'kt groups list',
    'kt groups list --state stable',
    'kt groups list --state Empty,Dead --json',
    'kt groups list -b localhost:9092',
  ];
  static override flags = {
    state: Flags.string({ summary: 'Only groups in these states (S[,S...]).', multiple: true, multipleNonGreedy: true, helpValue: 'STATE' }),
  };

  async run() {
    const { flags } = await this.parse(GroupsList);
    const conn = await this.connection(flags);
    return listFlow(conn, { json: this.jsonEnabled(), log: (l) => this.log(l), write: (t) => process.stdout.write(t) }, { states: flags.state });
  }
}
