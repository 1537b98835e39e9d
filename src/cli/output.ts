// Terminal facts, colour, and stream helpers (PRODUCT.md §3).

import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { Chalk, type ChalkInstance } from 'chalk';
import type { ClientReporter } from '../client/index.js';
import { startSpinner } from './spinner.js';
import { sleep } from '../sleep.js';

type Env = Record<string, string | undefined>;

export interface ColorOptions {
  isTTY: boolean;
  env?: Env;
  /** false when --no-color was given, true for --color, undefined when neither. */
  flag?: boolean;
}

/** Colour level: TTY only; NO_COLOR and --no-color turn it off; FORCE_COLOR turns it on. */
export function colorLevel({ isTTY, env = process.env, flag }: ColorOptions): 0 | 1 | 2 | 3 {
  if (flag === false) return 0;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    if (force === '2') return 2;
    if (force === '3') return 3;
    return 1;
  }
  if (flag === true) return 1;
  if (!isTTY) return 0;
  if (env.TERM === 'dumb') return 0;
  return env.COLORTERM === 'truecolor' ? 3 : 2;
}

let colorFlag: boolean | undefined;
export function setColorFlag(flag: boolean | undefined): void {
  colorFlag = flag;
  stdoutChalk = undefined;
  stderrChalk = undefined;
}

let stdoutChalk: ChalkInstance | undefined;
let stderrChalk: ChalkInstance | undefined;

/** chalk for text written to stdout. */
export function out(): ChalkInstance {
  stdoutChalk ??= new Chalk({ level: colorLevel({ isTTY: Boolean(process.stdout.isTTY), flag: colorFlag }) });
  return stdoutChalk;
}

/** chalk for text written to stderr. */
export function err(): ChalkInstance {
  stderrChalk ??= new Chalk({ level: colorLevel({ isTTY: Boolean(process.stderr.isTTY), flag: colorFlag }) });
  return stderrChalk;
}

/**
 * A person can answer a prompt: stdin and stderr are terminals (prompts are drawn on
 * stderr, so `kt ... > file` still asks), and neither --yes nor CI says otherwise.
 */
export function canPrompt(opts: { yes?: boolean; env?: Env; stdinTTY?: boolean; stderrTTY?: boolean } = {}): boolean {
  const env = opts.env ?? process.env;
  const stdinTTY = opts.stdinTTY ?? Boolean(process.stdin.isTTY);
  const stderrTTY = opts.stderrTTY ?? Boolean(process.stderr.isTTY);
  if (opts.yes) return false;
  if (env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI !== 'false') return false;
  return stdinTTY && stderrTTY;
}

/** One line on stderr. */
export function diag(line: string): void {
  process.stderr.write(line.endsWith('\n') ? line : `${line}\n`);
}

/** The client's reporter for a command: lines on stderr, a spinner for waits (client/index.ts). */
export const cliReporter: ClientReporter = { line: diag, waiting: (text) => startSpinner(text) };

/** Write and wait for the stream to accept more (back-pressure). */
export async function writeAll(stream: Writable, chunk: string | Uint8Array): Promise<void> {
  if (!stream.write(chunk)) await once(stream, 'drain');
}

/** Wait until everything written to stdout/stderr has been handed to the OS. */
export async function drainStdio(): Promise<void> {
  // Data on stdout is never dropped: wait as long as the reader needs (or until the pipe
  // breaks). stderr gets a bounded wait.
  for (const s of [process.stdout, process.stderr]) {
    while (s.writableLength > 0 && !s.destroyed && !s.writableFinished) {
      const waits: Array<Promise<unknown>> = [once(s, 'drain'), once(s, 'error'), once(s, 'close')];
      if (s === process.stderr) waits.push(sleep(2000));
      await Promise.race(waits).catch(() => undefined);
      if (s === process.stderr) break;
    }
  }
}
