// The one backslash-escape rule for text given on the command line: --format templates,
// --delimiter, --payload-delimiter and the separator properties (key.separator,
// line.separator, headers.*, null.marker, null.literal).
//
//   \n \t \r \0 \\    newline, tab, carriage return, NUL, a backslash
//   \xHH              the one byte HH (as kcat): '\xff' is the byte ff, not U+00FF
// All other text is written as its UTF-8 bytes. Any other backslash sequence, a lone
// trailing backslash or a \x without two hex digits is a usage error naming the flag.

import { UsageError } from '../errors.js';
import type { Piece } from './record.js';

/** For help texts and error messages. */
export const ESCAPES = '\\n \\t \\r \\0 \\\\ \\xHH (one byte)';

const SIMPLE: Record<string, number> = { n: 0x0a, t: 0x09, r: 0x0d, '0': 0x00, '\\': 0x5c };

/** The escape starting at text[i] (a backslash): its byte and the index after it. */
export function scanEscape(text: string, i: number, what: string): { byte: number; end: number } {
  const n = text[i + 1];
  if (n === undefined) throw new UsageError(`${what} ends with a lone '\\' escape; escapes: ${ESCAPES}`);
  if (n in SIMPLE) return { byte: SIMPLE[n], end: i + 2 };
  if (n === 'x') {
    const hex = text.slice(i + 2, i + 4);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new UsageError(`bad escape '\\x${hex}' in ${what}: \\x takes two hex digits; escapes: ${ESCAPES}`);
    return { byte: parseInt(hex, 16), end: i + 4 };
  }
  throw new UsageError(`unknown escape '\\${n}' in ${what}; escapes: ${ESCAPES}`);
}

/** Decode `text` (escapes + UTF-8) to bytes. `what` names the flag in errors. */
export function unescapeBytes(text: string, what: string): Buffer {
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = text.indexOf('\\'); i !== -1; i = text.indexOf('\\', start)) {
    if (i > start) parts.push(Buffer.from(text.slice(start, i), 'utf8'));
    const e = scanEscape(text, i, what);
    parts.push(Buffer.of(e.byte));
    start = e.end;
  }
  if (start === 0) return Buffer.from(text, 'utf8');
  if (start < text.length) parts.push(Buffer.from(text.slice(start), 'utf8'));
  return Buffer.concat(parts);
}

/** Bytes as an output piece: text when they are valid UTF-8 (cheaper to join), else the bytes. */
export function bytesToPiece(b: Buffer): Piece {
  const s = b.toString('utf8');
  return Buffer.byteLength(s, 'utf8') === b.length && Buffer.from(s, 'utf8').equals(b) ? s : b;
}

/** Decode `text` to an output piece (see bytesToPiece). */
export function unescapePiece(text: string, what: string): Piece {
  return bytesToPiece(unescapeBytes(text, what));
}

/** A piece's bytes. */
export function pieceBytes(p: Piece): Buffer {
  return typeof p === 'string' ? Buffer.from(p, 'utf8') : p;
}
