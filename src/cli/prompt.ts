// Interactive prompts (@inquirer/prompts, loaded only when a prompt is shown). Callers
// check canPrompt() first; without a TTY kt never waits on a prompt.

import { KtError, UsageError } from './errors.js';
import { canPrompt } from './output.js';

/** A searchable list: type to filter, arrows to move, Enter to choose. */
export async function pickOne(names: string[], message: string): Promise<string> {
  const { search } = await import('@inquirer/prompts');
  return search<string>({
    message,
    pageSize: 15,
    source: (term) => {
      const t = (term ?? '').toLowerCase();
      return names.filter((n) => n.toLowerCase().includes(t)).map((n) => ({ name: n, value: n }));
    },
  });
}

export async function pickTopic(names: string[], message = 'Topic'): Promise<string> {
  if (names.length === 0) throw new UsageError('no topics in the cluster; pass --topic NAME');
  return pickOne(names, message);
}

export async function pickGroup(names: string[], message = 'Consumer group'): Promise<string> {
  if (names.length === 0) throw new KtError('there are no consumer groups in the cluster');
  return pickOne(names, message);
}

export async function askText(message: string, opts: { validate?: (value: string) => string | true; default?: string } = {}): Promise<string> {
  const { input } = await import('@inquirer/prompts');
  return input({ message, required: true, default: opts.default, validate: opts.validate });
}

/** A password: echoed as `*`, never kept anywhere but the return value. */
export async function askPassword(message: string): Promise<string> {
  const { password } = await import('@inquirer/prompts');
  return password({ message, mask: '*', validate: (v) => (v.length > 0 ? true : 'a password is required') });
}

export async function confirmAction(message: string): Promise<boolean> {
  const { confirm } = await import('@inquirer/prompts');
  return confirm({ message, default: false });
}

/**
 * The topic to work on: the flag when given; a picker in a TTY; else a usage error.
 * `list` is only called when a prompt is shown.
 */
export async function requireTopic(
  given: string | undefined,
  list: () => Promise<string[]>,
  opts: { yes?: boolean; flag?: string } = {},
): Promise<string> {
  if (given) return given;
  const flag = opts.flag ?? '--topic';
  if (!canPrompt({ yes: opts.yes })) throw new UsageError(`missing ${flag}`, `pass ${flag} NAME (kt prompts for it only in a terminal)`);
  return pickTopic(await list());
}

/** In a TTY (unless --yes) ask; without a TTY go ahead (scripts pass --yes or run without a TTY). */
export async function confirmOrYes(message: string, yes: boolean | undefined): Promise<boolean> {
  if (yes || !canPrompt({})) return true;
  return confirmAction(message);
}
