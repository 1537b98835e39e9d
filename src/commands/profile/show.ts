import { Args } from '@oclif/core';
import { BaseCommand } from '../../cli/base.js';
import type { ShowResult } from '../../cli/profiles.js';

export default class ProfileShow extends BaseCommand {
  static override summary = 'Show a profile as Java client properties, with secrets redacted.';
  static override description =
    'Prints bootstrap.servers and the profile\'s client properties, one KEY=VALUE a line. Passwords are replaced ' +
    'by ***: in sasl.jaas.config only the password (module and username stay), any other secret property ' +
    '(ssl.key.password, sasl.password, ...) as a whole. Without a name: the profile in effect (KT_PROFILE, else ' +
    'the current one).\n\n' +
    'JSON (--json): {"name":"prod","current":true,"bootstrap":"kafka1:9093","properties":{"security.protocol":' +
    '"SASL_SSL","sasl.mechanism":"SCRAM-SHA-512","sasl.jaas.config":"org.apache.kafka.common.security.scram.' +
    'ScramLoginModule required username=\\"app\\" password=\\"***\\";"},"managedBy":null,' +
    '"path":"/home/me/.config/kt/config.json"}';
  static override enableJsonFlag = true;
  static override examples = ['kt profile show', 'kt profile show prod', 'kt profile show prod --json'];
  static override args = {
    name: Args.string({ description: 'Profile name (default: the one in effect).', required: false }),
  };

  async run(): Promise<ShowResult> {
    const { args } = await this.parse(ProfileShow);
    const { showProfile, propertiesText } = await import('../../cli/profiles.js');
    const result = showProfile(args.name);
    if (!this.jsonEnabled()) this.log(propertiesText(result));
    return result;
  }
}
