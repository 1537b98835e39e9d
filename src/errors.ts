// Errors and exit codes shared by every layer (PRODUCT.md §3), and the redaction of secrets
// from anything printed. Imports nothing, so client/, format/ and protocol/ users may throw
// these without reaching up into cli/.
//
// A command throws a KtError (or a subclass); the base command (cli/base.ts) prints it as one
// line `kt: error: <message>` on stderr and exits with its code; cli/errors.ts classifies
// anything else that reaches the top.

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
