import { BaseCommand } from '../../cli/base.js';
import { diag, out } from '../../cli/output.js';
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
    const { flags } = await this.parse(ProfileList);
    this.applyGlobalFlags(flags);
    const { listProfiles } = await import('../../cli/profiles.js');
    const result = listProfiles();
    if (!this.jsonEnabled()) {
      if (result.profiles.length === 0) {
        diag(`kt: no profiles in ${result.path}; create one: kt profile add NAME --bootstrap-server HOST:PORT`);
      } else {
        const { renderTable } = await import('../../format/table.js');
        const rows = result.profiles.map((p) => [
          p.current ? '*' : '',
          p.name,
          p.bootstrap,
          p.saslMechanism ? `${p.securityProtocol} (${p.saslMechanism})` : p.securityProtocol,
        ]);
        this.log(renderTable(['CURRENT', 'NAME', 'BOOTSTRAP', 'SECURITY'], rows, { head: out().bold }));
      }
      if (result.active && result.active.source === 'env' && result.active.name !== result.current) {
        diag(`kt: note: KT_PROFILE=${result.active.name} is set and takes precedence over the current profile`);
      }
    }
    return result;
  }
}
