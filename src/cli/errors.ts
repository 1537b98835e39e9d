// What reaches the top of a command, classified (PRODUCT.md §3): the exit code and the one
// line printed for it. oclif parse errors are usage errors (exit 2). The error types
// themselves live in src/errors.ts, which every layer may import; they are re-exported here
// for the commands.

import { EXIT, ExitSignal, KtError, redact } from '../errors.js';

export { EXIT, ExitSignal, KtError, UsageError, clearSecrets, fileProblem, redact, registerSecret } from '../errors.js';

// ---------------------------------------------------------------------------------------

interface OclifLikeError {
  oclif?: { exit?: number };
  code?: string;
  message?: string;
  name?: string;
}

/** Exit code for any error that reached the top. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof KtError || err instanceof ExitSignal) return err.exitCode;
  const e = err as OclifLikeError;
  if (e && e.code === 'EEXIT' && typeof e.oclif?.exit === 'number') return e.oclif.exit;
  if (isParseError(err)) return EXIT.USAGE;
  return EXIT.ERROR;
}

/** oclif parser errors (unknown flag, missing value, bad option, unexpected args...). */
export function isParseError(err: unknown): boolean {
  const e = err as OclifLikeError & { parse?: unknown; constructor?: { name?: string } };
  if (!e || typeof e !== 'object') return false;
  if ('parse' in e && e.parse !== undefined) return true;
  const name = e.constructor?.name ?? '';
  if (/^(CLIParseError|NonExistentFlagsError|RequiredArgsError|UnexpectedArgsError|FailedFlagValidationError|ArgInvalidOptionError|FlagInvalidOptionError|InvalidArgsSpecError)$/.test(name)) return true;
  // "command xyz not found"
  if (/command .* not found/i.test(e.message ?? '')) return true;
  return false;
}

/** Strip ANSI codes and oclif's decorations, keep one line. */
export function oneLine(message: string): string {
  // eslint-disable-next-line no-control-regex
  const plain = message.replace(/\u001b\[[0-9;]*m/g, '');
  const lines = plain.split('\n').map((l) => l.trim()).filter((l) => l.length > 0 && !/^See more help with/.test(l));
  return lines.join(' ').replace(/\s+/g, ' ').trim();
}

/** The one line printed for an error (without the `kt: error: ` prefix). */
export function describeError(err: unknown): string {
  if (err instanceof KtError) {
    const msg = oneLine(err.message);
    return redact(err.hint ? `${msg} — ${err.hint}` : msg);
  }
  const e = err as OclifLikeError;
  let msg = oneLine(String(e?.message ?? err));
  if (isParseError(err)) {
    if (/Nonexistent flag/i.test(msg)) msg = msg.replace(/^Nonexistent flags?:\s*/i, 'unknown flag ');
    return redact(`${msg} — see kt --help`);
  }
  return redact(msg);
}

/** Stack for --debug, redacted. */
export function debugStack(err: unknown): string {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur && depth < 5; depth++) {
    const e = cur as Error;
    parts.push(depth === 0 ? String(e.stack ?? e) : `Caused by: ${String(e.stack ?? e)}`);
    cur = (e as { cause?: unknown }).cause ?? (e as { originalError?: unknown }).originalError;
  }
  return redact(parts.join('\n'));
}
