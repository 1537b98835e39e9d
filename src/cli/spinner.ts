// A tiny progress indicator on stderr for waits over ~1 s (PRODUCT.md §3: progress on
// stderr, nothing decorative on stdout). Shown only when stderr is a terminal (not with
// TERM=dumb or CI); it draws nothing for waits shorter than `delayMs`, redraws one line in
// place, and erases it when the work ends, so the output around it is untouched.

import type { Writable } from 'node:stream';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const ASCII_FRAMES = ['|', '/', '-', '\\'];

export interface SpinnerOptions {
  /** nothing is drawn before this many ms (default 1000) */
  delayMs?: number;
  /** ms between frames (default 100) */
  intervalMs?: number;
  stream?: Writable & { isTTY?: boolean; columns?: number };
  env?: Record<string, string | undefined>;
  /** draw even when the stream is not a terminal (tests) */
  force?: boolean;
}

export interface Spinner {
  /** Change the text (e.g. "resetting 120/400 partitions"). */
  update(text: string): void;
  /** Erase the line and stop. Safe to call twice. */
  stop(): void;
}

/** Whether a spinner would draw on this stream. */
export function spinnerEnabled(stream: { isTTY?: boolean }, env: Record<string, string | undefined> = process.env): boolean {
  if (!stream.isTTY) return false;
  if (env.TERM === 'dumb') return false;
  if (env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI !== 'false') return false;
  return true;
}

const NOOP: Spinner = { update: () => undefined, stop: () => undefined };

export function startSpinner(text: string, opts: SpinnerOptions = {}): Spinner {
  const stream = opts.stream ?? process.stderr;
  const env = opts.env ?? process.env;
  if (!opts.force && !spinnerEnabled(stream, env)) return NOOP;
  const frames = /UTF-?8/i.test(`${env.LC_ALL ?? ''}${env.LC_CTYPE ?? ''}${env.LANG ?? ''}`) ? FRAMES : ASCII_FRAMES;
  let label = text;
  let frame = 0;
  let drawn = false;
  let stopped = false;
  let ticker: NodeJS.Timeout | undefined;
  const draw = (): void => {
    const width = Math.max(20, (stream.columns ?? 80) - 1);
    const line = `${frames[frame++ % frames.length]} ${label}`;
    stream.write(`\r${line.length > width ? `${line.slice(0, width - 1)}…` : line}\u001b[K`);
    drawn = true;
  };
  const starter = setTimeout(() => {
    if (stopped) return;
    draw();
    ticker = setInterval(draw, opts.intervalMs ?? 100);
    ticker.unref();
  }, opts.delayMs ?? 1000);
  starter.unref();
  return {
    update(t: string): void {
      label = t;
    },
    stop(): void {
      if (stopped) return;
      stopped = true;
      clearTimeout(starter);
      if (ticker) clearInterval(ticker);
      if (drawn) stream.write('\r\u001b[K');
    },
  };
}

/** Run `work` with a spinner that appears only if it takes longer than the delay. */
export async function withSpinner<T>(text: string, work: Promise<T> | (() => Promise<T>), opts: SpinnerOptions = {}): Promise<T> {
  const s = startSpinner(text, opts);
  try {
    return await (typeof work === 'function' ? work() : work);
  } finally {
    s.stop();
  }
}
