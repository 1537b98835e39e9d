// Apache DefaultMessageFormatter (`kafka-console-consumer --property ...`).
//
// Field order when enabled, joined by key.separator (default TAB), then line.separator:
//   CreateTime:<ms> | LogAppendTime:<ms> | NO_TIMESTAMP   (print.timestamp)
//   Partition:<p>                                         (print.partition)
//   Offset:<o>                                            (print.offset)
//   k1:v1,k2:v2 | NO_HEADERS                              (print.headers, headers.separator)
//   key                                                   (print.key)
//   value                                                 (print.value, default true)
// A null key, value or header value prints null.literal (default `null`).
// Separators and null.literal take kt's escapes (escapes.ts: \t \n \r \0 \\, \xHH one byte;
// Apache takes them literally, but a literal backslash-t separator is never what anyone wants).

import { UsageError } from '../errors.js';
import { unescapePiece } from './escapes.js';
import type { ConsumedRecord, Piece } from './record.js';

export interface ApachePrintOptions {
  printTimestamp: boolean;
  printPartition: boolean;
  printOffset: boolean;
  printHeaders: boolean;
  printKey: boolean;
  printValue: boolean;
  keySeparator: Piece;
  lineSeparator: Piece;
  headersSeparator: Piece;
  nullLiteral: Piece;
}

export const DEFAULT_PRINT_OPTIONS: ApachePrintOptions = {
  printTimestamp: false,
  printPartition: false,
  printOffset: false,
  printHeaders: false,
  printKey: false,
  printValue: true,
  keySeparator: '\t',
  lineSeparator: '\n',
  headersSeparator: ',',
  nullLiteral: 'null',
};

const BOOLEANS: Record<string, keyof ApachePrintOptions> = {
  'print.timestamp': 'printTimestamp',
  'print.partition': 'printPartition',
  'print.offset': 'printOffset',
  'print.headers': 'printHeaders',
  'print.key': 'printKey',
  'print.value': 'printValue',
};

const STRINGS: Record<string, keyof ApachePrintOptions> = {
  'key.separator': 'keySeparator',
  'line.separator': 'lineSeparator',
  'headers.separator': 'headersSeparator',
  'null.literal': 'nullLiteral',
};

export const CONSUMER_PROPERTIES = [...Object.keys(BOOLEANS), ...Object.keys(STRINGS)];

function parseBool(key: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  // Java's Boolean.parseBoolean: "true" (any case) is true, everything else false. kt is
  // strict instead, so a typo is not silently false.
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new UsageError(`--property ${key} expects true or false, got '${value}'`);
}

export function parsePrintProperties(props: Record<string, string>): ApachePrintOptions {
  const opts: ApachePrintOptions = { ...DEFAULT_PRINT_OPTIONS };
  for (const [key, value] of Object.entries(props)) {
    if (key in BOOLEANS) {
      (opts as unknown as Record<string, unknown>)[BOOLEANS[key]] = parseBool(key, value);
    } else if (key in STRINGS) {
      (opts as unknown as Record<string, unknown>)[STRINGS[key]] = unescapePiece(value, `--property ${key}`);
    } else if (/deserializer$/.test(key)) {
      throw new UsageError(`--property ${key} is a Java class and is not supported; use --output json with --key-encoding/--value-encoding, or --format`);
    } else {
      throw new UsageError(`unknown --property '${key}'; consume accepts: ${CONSUMER_PROPERTIES.join(', ')}`);
    }
  }
  return opts;
}

/** True when the output is the Apache default (value + newline only): the fast path. */
export function isValueOnly(o: ApachePrintOptions): boolean {
  return o.printValue && !o.printTimestamp && !o.printPartition && !o.printOffset && !o.printHeaders && !o.printKey;
}

export function renderApache(o: ApachePrintOptions, r: ConsumedRecord, out: Piece[]): void {
  // `pending` = a separator is owed before the next field (Apache writes the separator
  // after a field only when a later field is enabled; same result).
  let first = true;
  const sep = () => {
    if (!first) out.push(o.keySeparator);
    first = false;
  };
  if (o.printTimestamp) {
    sep();
    if (r.timestampType === -1 || r.timestamp < 0) out.push('NO_TIMESTAMP');
    else out.push(`${r.timestampType === 1 ? 'LogAppendTime' : 'CreateTime'}:${r.timestamp}`);
  }
  if (o.printPartition) {
    sep();
    out.push(`Partition:${r.partition}`);
  }
  if (o.printOffset) {
    sep();
    out.push(`Offset:${r.offset}`);
  }
  if (o.printHeaders) {
    sep();
    if (r.headers.length === 0) out.push('NO_HEADERS');
    r.headers.forEach(([k, v], i) => {
      if (i > 0) out.push(o.headersSeparator);
      out.push(`${k}:`);
      out.push(v === null ? o.nullLiteral : v);
    });
  }
  if (o.printKey) {
    sep();
    out.push(r.key === null ? o.nullLiteral : r.key);
  }
  if (o.printValue) {
    sep();
    out.push(r.value === null ? o.nullLiteral : r.value);
  }
  out.push(o.lineSeparator);
}
