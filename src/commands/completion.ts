import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base.js';
import { UsageError } from '../cli/errors.js';

/**
 * Wall-clock budget of the hidden name lookup, counted from process start (node and oclif
 * start-up included): after it, it gives up and prints nothing.
 */
export const COMPLETE_BUDGET_MS = 1200;

export default class Completion extends BaseCommand {
  static override summary = 'Print a shell completion script for bash or zsh.';
  static override description =
    'The script completes commands, subcommands, flags and flag values (choices, files), and topic, group and ' +
    'profile names. Names come from the cluster the command line points at (--bootstrap-server, --profile, ' +
    '--local, KT_PROFILE, the current profile, or the local broker when it is already running; completion never ' +
    'starts it) and from the config file; an unreachable cluster costs at most about a second and offers nothing.\n\n' +
    'bash: add eval "$(kt completion bash)" to ~/.bashrc. zsh: add eval "$(kt completion zsh)" to ~/.zshrc after ' +
    'compinit, or save the script as _kt in a directory of $fpath.';
  static override examples = [
    'eval "$(kt completion bash)"',
    'eval "$(kt completion zsh)"',
    'kt completion bash > ~/.local/share/bash-completion/completions/kt',
    'kt completion zsh > "${fpath[1]}/_kt"',
  ];
  static override usage = 'completion bash|zsh';
  static override strict = false;
  static override args = {
    // checked in run(): after `--complete KIND --` come the words of the line being completed
    shell: Args.string({ description: 'Shell to print the script for: bash or zsh.', required: false }),
  };
  static override flags = {
    complete: Flags.string({ hidden: true, options: ['topics', 'groups', 'profiles'], summary: 'Print names for the completion scripts.' }),
    line: Flags.string({ hidden: true, summary: 'With --complete: the command line being completed, as one string (bash).' }),
  };

  async run(): Promise<void> {
    const { args, flags, argv } = await this.parse(Completion);
    if (flags.complete) {
      // `kt completion --complete KIND -- WORDS...` (zsh) or `--line LINE` (bash): the command
      // line being completed
      const { completeNames, shellWords } = await import('../cli/completeNames.js');
      const words = flags.line !== undefined ? shellWords(flags.line) : (argv as string[]);
      // KT_COMPLETE_BUDGET_MS: a slower network (or a loaded test machine) may need more time
      const budget = Number(process.env.KT_COMPLETE_BUDGET_MS) > 0 ? Number(process.env.KT_COMPLETE_BUDGET_MS) : COMPLETE_BUDGET_MS;
      const left = Math.max(250, budget - Math.round(process.uptime() * 1000));
      const names = await completeNames(flags.complete as 'topics' | 'groups' | 'profiles', words, left);
      if (names.length) process.stdout.write(`${names.join('\n')}\n`);
      return;
    }
    if (!args.shell) throw new UsageError('missing shell', 'kt completion bash, or kt completion zsh');
    if (args.shell !== 'bash' && args.shell !== 'zsh') throw new UsageError(`unknown shell '${args.shell}'`, 'kt completion bash, or kt completion zsh');
    if ((argv as string[]).length > 1) throw new UsageError(`unexpected argument '${(argv as string[])[1]}'`, 'kt completion bash|zsh');
    const { completionModel, bashScript, zshScript } = await import('../cli/completion.js');
    const model = completionModel(this.config);
    const self = { node: process.execPath, script: process.argv[1] ?? '' };
    process.stdout.write(args.shell === 'bash' ? bashScript(model, self) : zshScript(model, self));
  }
}
