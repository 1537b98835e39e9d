// kt's help class: oclif's, except that every example line is shown as a shell command with
// `$ ` (oclif marks only lines that start with the bin name, so pipelines such as
// `printf … | kt produce …` lost their `$` and examples looked mixed).

import { CommandHelp, Help } from '@oclif/core';

type Formatter = { formatIfCommand(example: string): string };
const base = CommandHelp.prototype as unknown as Formatter;

export class KtCommandHelp extends CommandHelp {}

(KtCommandHelp.prototype as unknown as Formatter).formatIfCommand = function (this: CommandHelp, example: string): string {
  const formatted = base.formatIfCommand.call(this, example);
  // eslint-disable-next-line no-control-regex
  const plain = formatted.replace(/\u001b\[[0-9;]*m/g, '');
  if (plain.startsWith('$ ') || plain.trim() === '') return formatted;
  return `$ ${formatted}`;
};

export default class KtHelp extends Help {
  protected override CommandHelpClass = KtCommandHelp;
}
