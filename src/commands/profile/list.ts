import { BaseCommand } from '../../cli/base.js';
import type { ListResult } from '../../cli/profiles.js';

export default class ProfileList extends BaseCommand {
  static override summary = 'List the connection profiles: name, bootstrap servers, security protocol, which is current.';
  static override description =
    'Reads the kt config file and prints one row per profile; "*" marks the current one. Secrets are never ' +
    'printed (kt profile show redacts them too). When KT_PROFILE is set it wins over the current profile; the ' +
    'list says so on stderr.\n\n' +
    'JSON (--json): {"path":"/home/me/.config/kt/config.json","current":"prod","active":{"name":"prod",' +
    '"source":"current"},"profiles":[{"name":"prod","bootstrap":"kafka1:9093","securityProtocol":"SASL_SSL",' +
    '"saslMechanism":"SCRAM-SHA-512","current":true,"managedBy":null}]}';
  static override enableJsonFlag = true;
  static override aliases = ['profile ls'];
  static override examples = ['kt profile list', 'kt profile list --json'];

  async run(): Promise<ListResult> {
    await this.parse(ProfileList);
    const { printProfileList } = await import('../../cli/profiles.js');
    return printProfileList({ json: this.jsonEnabled(), log: (l) => this.log(l) });
  }
}
