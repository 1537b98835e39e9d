// The `--offset` grammar of `kt consume` (PRODUCT.md §4). Strict: anything outside the
// grammar is a usage error that lists the grammar — never a silent 0 (kcat's `-o foo`).
//
//   earliest | beginning      the first offset of each partition
//   latest | end              the end of each partition (only new records)
//   N                         absolute offset N (needs --partition)
//   -N                        N records before the end of each partition
//   +N                        N records after the start of each partition
//   @<ms>                     the first record at or after a timestamp (ms since epoch)
//   @<ISO-8601>               same, e.g. @2024-05-01T12:00:00Z or @2024-05-01
//   @-<duration>              same, relative to now: @-30s @-15m @-1h @-2d @-1w @-1h30m

import { UsageError } from '../errors.js';

export type OffsetSpec =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'absolute'; offset: number }
  | { kind: 'fromEnd'; count: number }
  | { kind: 'fromStart'; count: number }
  | { kind: 'timestamp'; ms: number };

export const OFFSET_GRAMMAR =
  'earliest|beginning, latest|end, N (needs --partition), -N (N before the end), +N (N after the start), ' +
  '@<ms since epoch>, @<ISO-8601> (e.g. @2024-05-01T12:00:00Z), @-<duration> (e.g. @-30s, @-15m, @-1h, @-2d)';

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

function bad(input: string, why?: string): UsageError {
  return new UsageError(`invalid --offset '${input}'${why ? ` (${why})` : ''}; expected one of: ${OFFSET_GRAMMAR}`);
}

function safeInt(digits: string, input: string): number {
  const n = Number(digits);
  if (!Number.isSafeInteger(n)) throw bad(input, 'number too large');
  return n;
}

/** Parse a duration such as `30s`, `15m`, `1h30m`, `2d`, `500ms` into milliseconds. */
export function parseDuration(text: string): number | null {
  if (!/^(\d+(ms|s|m|h|d|w))+$/.test(text)) return null;
  let total = 0;
  for (const m of text.matchAll(/(\d+)(ms|s|m|h|d|w)/g)) total += Number(m[1]) * DURATION_UNITS[m[2]];
  return Number.isSafeInteger(total) ? total : null;
}

const ISO_RE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

export function parseOffset(input: string, now: number = Date.now()): OffsetSpec {
  const s = input.trim();
  switch (s.toLowerCase()) {
    case 'earliest':
    case 'beginning':
    case 'start':
    case 'oldest':
      return { kind: 'earliest' };
    case 'latest':
    case 'end':
    case 'newest':
      return { kind: 'latest' };
  }
  if (/^\d+$/.test(s)) return { kind: 'absolute', offset: safeInt(s, input) };
  if (/^-\d+$/.test(s)) return { kind: 'fromEnd', count: safeInt(s.slice(1), input) };
  if (/^\+\d+$/.test(s)) return { kind: 'fromStart', count: safeInt(s.slice(1), input) };
  if (s.startsWith('@')) {
    const t = s.slice(1);
    if (/^\d+$/.test(t)) return { kind: 'timestamp', ms: safeInt(t, input) };
    if (t.startsWith('-')) {
      const d = parseDuration(t.slice(1));
      if (d === null) throw bad(input, `bad duration '${t.slice(1)}'`);
      return { kind: 'timestamp', ms: Math.max(0, now - d) };
    }
    if (ISO_RE.test(t)) {
      const ms = Date.parse(t.replace(' ', 'T'));
      if (Number.isNaN(ms)) throw bad(input, `bad date '${t}'`);
      return { kind: 'timestamp', ms };
    }
    throw bad(input, `bad timestamp '${t}'`);
  }
  throw bad(input);
}

/** Offsets of a partition needed to place a start position. */
export interface PartitionBounds {
  /** log start offset (low watermark) */
  low: number;
  /** log end offset (high watermark) */
  high: number;
  /** for timestamp specs: the offset ListOffsets returned (-1 or undefined: none) */
  timestampOffset?: number;
}

/** Where consumption starts for one partition, always inside [low, high]. */
export function resolveStartOffset(spec: OffsetSpec, b: PartitionBounds): number {
  const clamp = (n: number) => Math.min(Math.max(n, b.low), b.high);
  switch (spec.kind) {
    case 'earliest':
      return b.low;
    case 'latest':
      return b.high;
    case 'absolute':
      return clamp(spec.offset);
    case 'fromEnd':
      return clamp(b.high - spec.count);
    case 'fromStart':
      return clamp(b.low + spec.count);
    case 'timestamp':
      return b.timestampOffset === undefined || b.timestampOffset < 0 ? b.high : clamp(b.timestampOffset);
  }
}

