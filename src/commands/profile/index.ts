import { BaseCommand } from '../../cli/base.js';
import type { ListResult } from '../../cli/profiles.js';

export default class Profile extends BaseCommand {
  static override summary = 'Connection profiles: add, use, list, show, remove. Without an action: list them.';
  static override description =
    'A profile is a named cluster address with its client properties (security.protocol, sasl.*, ssl.*), kept in ' +
    'the kt config file with mode 0600. Commands use one with --profile NAME or KT_PROFILE=NAME, or the current ' +
    'profile (kt profile use). kt local start keeps a "local" profile pointing at the bundled broker.\n\n' +
    'JSON (--json): as kt profile list.';
  static override enableJsonFlag = true;
  static override examples = [
    'kt profile',
    'kt profile add prod -b kafka1:9093 --command-config client.properties',
    'kt profile use prod',
    'kt topics list --profile prod',
  ];

  async run(): Promise<ListResult> {
    await this.parse(Profile);
    const { printProfileList } = await import('../../cli/profiles.js');
    return printProfileList({ json: this.jsonEnabled(), log: (l) => this.log(l) });
  }
}
