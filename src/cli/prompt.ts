// Interactive prompts (inquirer's @inquirer/search, input, password and confirm, each loaded
// only when its prompt is shown). Callers check canPrompt() first; without a TTY kt never
// waits on a prompt. Prompts are drawn on stderr (stdout may be a file or a pipe), and Ctrl-C
// in one ends kt quietly with exit 130.

import { EXIT, ExitSignal, KtError, UsageError } from './errors.js';
import { canPrompt } from './output.js';

/** Where prompts are drawn. */
const CONTEXT = { output: process.stderr };

/** Runs a prompt; Ctrl-C (inquirer's ExitPromptError) becomes a quiet exit 130. */
export async function prompted<T>(ask: () => Promise<T>): Promise<T> {
  try {
    return await ask();
  } catch (err) {
    if (isPromptExit(err)) throw new ExitSignal(EXIT.INTERRUPTED);
    throw err;
  }
}

/** inquirer's "User force closed the prompt" (Ctrl-C, or its input closed). */
export function isPromptExit(err: unknown): boolean {
  const name = (err as { name?: string } | null)?.name;
  return name === 'ExitPromptError' || name === 'AbortPromptError';
}

/** A searchable list: type to filter, arrows to move, Enter to choose. */
export async function pickOne(names: string[], message: string, o: { allowNew?: string } = {}): Promise<string> {
  const { default: search } = await import('@inquirer/search');
  return prompted(() =>
    search<string>(
      {
        message,
        pageSize: 15,
        source: (term) => {
          const t = (term ?? '').toLowerCase();
          const found = names.filter((n) => n.toLowerCase().includes(t)).map((n) => ({ name: n, value: n }));
          // a name that is not in the list, typed in full, can be chosen as a new one
          const typed = (term ?? '').trim();
          if (o.allowNew && typed && !names.includes(typed)) found.push({ name: `${typed} (${o.allowNew})`, value: typed });
          return found;
        },
      },
      CONTEXT,
    ),
  );
}

export async function pickTopic(names: string[], message = 'Topic', o: { allowNew?: boolean } = {}): Promise<string> {
  if (o.allowNew) {
    const { validateTopicName } = await import('./topicName.js');
    if (names.length === 0) return askText('Topic (new)', { validate: (v) => validateTopicName(v.trim()) ?? true }).then((v) => v.trim());
    const chosen = await pickOne(names, `${message} (or type a new name)`, { allowNew: 'new topic' });
    const problem = validateTopicName(chosen);
    if (problem) throw new UsageError(problem);
    return chosen;
  }
  if (names.length === 0) throw new UsageError('no topics in the cluster; pass --topic NAME');
  return pickOne(names, message);
}

export async function pickGroup(names: string[], message = 'Consumer group'): Promise<string> {
  if (names.length === 0) throw new KtError('there are no consumer groups in the cluster');
  return pickOne(names, message);
}

export async function askText(message: string, opts: { validate?: (value: string) => string | true; default?: string } = {}): Promise<string> {
  const { default: input } = await import('@inquirer/input');
  return prompted(() => input({ message, required: true, default: opts.default, validate: opts.validate }, CONTEXT));
}

/** A password: echoed as `*`, never kept anywhere but the return value. */
export async function askPassword(message: string): Promise<string> {
  const { default: password } = await import('@inquirer/password');
  return prompted(() => password({ message, mask: '*', validate: (v) => (v.length > 0 ? true : 'a password is required') }, CONTEXT));
}

export async function confirmAction(message: string): Promise<boolean> {
  const { default: confirm } = await import('@inquirer/confirm');
  return prompted(() => confirm({ message, default: false }, CONTEXT));
}

/**
 * The topic to work on: the flag when given; a picker in a TTY; else a usage error.
 * `list` is only called when a prompt is shown.
 */
export async function requireTopic(
  given: string | undefined,
  list: () => Promise<string[]>,
  opts: { yes?: boolean; flag?: string; allowNew?: boolean } = {},
): Promise<string> {
  if (given) return given;
  const flag = opts.flag ?? '--topic';
  if (!canPrompt({ yes: opts.yes })) throw new UsageError(`missing ${flag}`, `pass ${flag} NAME (kt prompts for it only in a terminal)`);
  return pickTopic(await list(), 'Topic', { allowNew: opts.allowNew });
}

/**
 * The one confirmation rule for destructive actions: --yes goes ahead; when a person can
 * answer (stdin and stderr are terminals, CI unset) kt asks, and a "no" ends the command with
 * exit 1 (`kt: error: aborted; nothing <done>`); otherwise kt refuses with exit 2 and a hint
 * to pass --yes. `action` words the refusal: "delete topic orders".
 */
export async function confirmOrRefuse(question: string, o: { yes?: boolean; action: string; nothing: string }): Promise<void> {
  if (o.yes) return;
  if (!canPrompt({})) {
    throw new UsageError(`refusing to ${o.action} without --yes`, 'kt asks only when stdin and stderr are a terminal; pass --yes to go ahead');
  }
  if (!(await confirmAction(question))) throw new KtError(`aborted; nothing ${o.nothing}`, { exitCode: EXIT.ERROR });
}
