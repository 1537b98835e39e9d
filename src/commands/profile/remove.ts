import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base.js';
import { UsageError } from '../../cli/errors.js';

export default class ProfileRemove extends BaseCommand {
  static override summary = 'Remove profiles (and their secrets) from the config file.';
  static override description =
    'Deletes the named profiles. Removing the current profile clears "current", so kt falls back to the bundled ' +
    'local broker. A terminal asks for confirmation unless --yes; without a terminal to ask kt refuses unless --yes (exit 2); declining is exit 1. An ' +
    'unknown name is an error (exit 1) unless --if-exists. kt local start re-creates the "local" profile ' +
    'the next time it runs.\n\n' +
    'JSON (--json): {"removed":["prod"],"missing":[],"current":null}';
  static override enableJsonFlag = true;
  static override strict = false;
  static override aliases = ['profile rm', 'profile delete'];
  static override examples = ['kt profile remove old-cluster', 'kt profile remove staging test --yes', 'kt profile rm tmp --if-exists --yes'];
  static override args = {
    name: Args.string({ description: 'Profile name(s).', required: true }),
  };
  static override flags = {
    'if-exists': Flags.boolean({ summary: 'Do nothing for profiles that do not exist.' }),
    yes: Flags.boolean({ char: 'y', summary: 'Do not ask for confirmation.' }),
  };

  async run(): Promise<{ removed: string[]; missing: string[]; current: string | null }> {
    const { argv, flags } = await this.parse(ProfileRemove);
    const names = [...new Set(argv as string[])];
    if (!names.length) throw new UsageError('name the profile(s) to remove');
    const { readConfig, updateConfig, getProfile } = await import('../../cli/config.js');
    const cfg = readConfig();
    const missing = names.filter((n) => !cfg.profiles?.[n]);
    if (missing.length && !flags['if-exists']) getProfile(cfg, missing[0]); // throws with the known names
    const toRemove = names.filter((n) => cfg.profiles?.[n]);
    if (toRemove.length) {
      const { confirmOrRefuse } = await import('../../cli/prompt.js');
      const what = toRemove.length === 1 ? `profile ${toRemove[0]}` : `${toRemove.length} profiles (${toRemove.join(', ')})`;
      await confirmOrRefuse(`Remove ${what}?`, { yes: flags.yes, action: `remove ${what}`, nothing: 'removed' });
    }
    const current = toRemove.length
      ? updateConfig((c) => {
        for (const n of toRemove) delete c.profiles?.[n];
        if (c.current && toRemove.includes(c.current)) delete c.current;
        return c.current ?? null;
      })
      : cfg.current ?? null;
    if (!this.jsonEnabled()) for (const n of toRemove) this.log(`Removed profile ${n}.`);
    return { removed: toRemove, missing, current };
  }
}
