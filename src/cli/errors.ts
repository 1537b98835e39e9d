// Errors and exit codes shared by every command (PRODUCT.md §3).
//
// A command throws a KtError (or a subclass); the base command prints it as one line
// `kt: error: <message>` on stderr and exits with its code. Anything else that reaches the
// top is classified here (oclif parse errors are usage errors, exit 2).

export const EXIT = {
  OK: 0,
  /** Kafka or the broker reported an error, or the broker is unreachable. */
  ERROR: 1,
  /** Unknown flag, bad value, missing required input without a TTY. */
  USAGE: 2,
  /** `consume --timeout-ms` fired before `--max-messages` was reached. */
  TIMEOUT: 3,
  /** Interrupted (Ctrl-C) after a clean shutdown. */
  INTERRUPTED: 130,
} as const;

export class KtError extends Error {
  readonly exitCode: number;
  readonly hint?: string;
  constructor(message: string, opts: { exitCode?: number; hint?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'KtError';
    this.exitCode = opts.exitCode ?? EXIT.ERROR;
    this.hint = opts.hint;
  }
}

/** A usage error: bad flag value, missing input without a TTY. Exit 2. */
export class UsageError extends KtError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: EXIT.USAGE, hint });
    this.name = 'UsageError';
  }
}

/** Thrown to end a command with a given exit code after it printed what it had to. */
export class ExitSignal extends Error {
  readonly exitCode: number;
  constructor(exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'ExitSignal';
    this.exitCode = exitCode;
  }
}

/** Why a file could not be read, in kt's words (no raw `EISDIR: illegal operation...`). */
export function fileProblem(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'it is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    default:
      return String(e?.message ?? err).replace(/^E[A-Z]+: /, '');
  }
}

// ---------------------------------------------------------------------------------------
// Secrets never appear in output. Known secret values are registered when properties are
// read; patterns catch the common `password=...` shapes in anything else we print.

const secrets = new Set<string>();

export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 1) secrets.add(value);
}

export function clearSecrets(): void {
  secrets.clear();
}

const SECRET_PATTERNS: Array<[RegExp, string]> = [
  // sasl.jaas.config style: password="..."  or password='...'
  [/(password\s*=\s*)"[^"]*"/gi, '$1"***"'],
  [/(password\s*=\s*)'[^']*'/gi, "$1'***'"],
  // properties style: sasl.password=..., ssl.key.password=..., password: ...
  [/((?:^|[\s,;{(])[\w.-]*password["']?\s*[=:]\s*)(?!["'*])[^\s,;})]+/gi, '$1***'],
  // URLs with credentials: scheme://user:pass@host
  [/(\w+:\/\/[^:/\s@]+:)[^@\s]+@/g, '$1***@'],
];

export function redact(text: string): string {
  let out = text;
  // Longest first so a secret that contains another is replaced whole.
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (s.length < 3) continue; // too short to replace safely; patterns still apply
    out = out.split(s).join('***');
  }
  for (const [re, rep] of SECRET_PATTERNS) out = out.replace(re, rep);
  return out;
}

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
