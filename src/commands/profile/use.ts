import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base.js';
import { UsageError } from '../../cli/errors.js';
import { canPrompt, diag } from '../../cli/output.js';

export default class ProfileUse extends BaseCommand {
  static override summary = 'Make a profile the current one (the default connection of every command).';
  static override description =
    'Sets "current" in the kt config file. Commands then connect with that profile unless --bootstrap-server, ' +
    '--local, --profile, KT_PROFILE or KT_BOOTSTRAP_SERVERS say otherwise. --none clears it, so kt falls back to ' +
    'the bundled local broker. Without a name, a terminal shows a picker.\n\n' +
    'JSON (--json): {"current":"prod","previous":null}';
  static override enableJsonFlag = true;
  static override examples = ['kt profile use prod', 'kt profile use local', 'kt profile use --none'];
  static override args = {
    name: Args.string({ description: 'Profile name (picked in a terminal when absent).', required: false }),
  };
  static override flags = {
    none: Flags.boolean({ summary: 'Clear the current profile (back to the local broker).' }),
    yes: Flags.boolean({ char: 'y', summary: 'Never prompt.' }),
  };

  async run(): Promise<{ current: string | null; previous: string | null }> {
    const { args, flags } = await this.parse(ProfileUse);
    const { readConfig, updateConfig, getProfile, profileNames } = await import('../../cli/config.js');
    if (args.name && flags.none) throw new UsageError('name a profile or pass --none, not both');
    let name = args.name;
    if (!name && !flags.none) {
      if (!canPrompt({ yes: flags.yes })) throw new UsageError('missing profile name', 'kt profile use NAME, or --none (kt prompts for it only in a terminal)');
      const names = profileNames(readConfig());
      if (!names.length) throw new UsageError('there are no profiles', 'create one with kt profile add NAME --bootstrap-server HOST:PORT');
      const { pickOne } = await import('../../cli/prompt.js');
      name = await pickOne(names, 'Profile');
    }
    const previous = updateConfig((cfg) => {
      const prev = cfg.current ?? null;
      if (name) {
        getProfile(cfg, name);
        cfg.current = name;
      } else {
        delete cfg.current;
      }
      return prev;
    });
    if (!this.jsonEnabled()) {
      if (name) {
        const p = readConfig().profiles?.[name];
        this.log(`Switched to profile ${name}${p?.bootstrap ? ` (${p.bootstrap})` : ''}.`);
      } else {
        this.log('No current profile: kt connects to the bundled local broker by default.');
      }
    }
    if (process.env.KT_PROFILE) diag(`kt: note: KT_PROFILE=${process.env.KT_PROFILE} is set and takes precedence in this shell`);
    return { current: name ?? null, previous };
  }
}
