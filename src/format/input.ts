// Producer input: splitting a byte stream into records, and Apache LineMessageReader's
// properties (`kafka-console-producer --property ...`).
//
// Splitting works on bytes (a value is never decoded and re-encoded): records end at the
// delimiter (default `\n`; with `\n` a trailing `\r` is stripped). A last record without a
// delimiter is still a record; the empty tail after a final delimiter is not.
//
// With parse.headers / parse.key a line is  headers<headers.delimiter>key<key.separator>value
// and headers are  k1<headers.key.separator>v1<headers.separator>k2...  (Apache's layout).

import { UsageError } from '../errors.js';
import { pieceBytes, unescapePiece } from './escapes.js';
import type { Header, Piece, ProduceRecord } from './record.js';

export class RecordSplitter {
  private readonly delim: Buffer;
  private readonly stripCR: boolean;
  private pending: Buffer[] = [];
  private pendingLength = 0;

  constructor(delimiter: Buffer = Buffer.from('\n'), stripCR?: boolean) {
    if (delimiter.length === 0) throw new UsageError('--delimiter must not be empty');
    this.delim = delimiter;
    this.stripCR = stripCR ?? (delimiter.length === 1 && delimiter[0] === 0x0a);
  }

  /** Feed a chunk; returns the records it completed. */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    this.scan(chunk, (b, s, e) => out.push(s === 0 && e === b.length ? b : b.subarray(s, e)));
    return out;
  }

  /** End of input: the last record, if any bytes are left. */
  end(): Buffer[] {
    const out: Buffer[] = [];
    this.scanEnd((b, s, e) => out.push(s === 0 && e === b.length ? b : b.subarray(s, e)));
    return out;
  }

  /**
   * Feed a chunk; calls `each(buf, start, end)` for every record it completes, the record
   * being `buf[start, end)` (no Buffer is made per record: the producer's fast path copies
   * the bytes straight into a record batch). `buf` is valid during the call only, and the
   * caller may reuse `chunk` once scan returns (an unfinished record is copied).
   */
  scan(chunk: Buffer, each: (buf: Buffer, start: number, end: number) => void): void {
    if (chunk.length === 0) return;
    const d = this.delim;
    let start = 0;
    if (this.pendingLength > 0 && d.length > 1) {
      // A delimiter may straddle the pending bytes and this chunk.
      const all = Buffer.concat(this.pending, this.pendingLength);
      const tail = all.subarray(Math.max(0, all.length - (d.length - 1)));
      const window = Buffer.concat([tail, chunk.subarray(0, d.length - 1)]);
      const i = window.indexOf(d);
      if (i !== -1 && i < tail.length) {
        this.emit(all, 0, all.length - tail.length + i, each);
        this.pending = [];
        this.pendingLength = 0;
        start = i + d.length - tail.length;
      } else {
        this.pending = [all];
      }
    }
    const single = d.length === 1 ? d[0] : -1;
    for (;;) {
      const i = single >= 0 ? chunk.indexOf(single, start) : chunk.indexOf(d, start);
      if (i === -1) break;
      if (this.pendingLength > 0) {
        this.pending.push(chunk.subarray(start, i));
        const joined = Buffer.concat(this.pending, this.pendingLength + i - start);
        this.pending = [];
        this.pendingLength = 0;
        this.emit(joined, 0, joined.length, each);
      } else {
        this.emit(chunk, start, i, each);
      }
      start = i + d.length;
    }
    if (start < chunk.length) {
      // a copy: the caller may reuse `chunk` for its next read
      this.pending.push(Buffer.from(chunk.subarray(start)));
      this.pendingLength += chunk.length - start;
    }
  }

  /** End of input: `each` gets the last record, if any bytes are left. */
  scanEnd(each: (buf: Buffer, start: number, end: number) => void): void {
    if (this.pendingLength === 0) {
      this.pending = [];
      return;
    }
    const last = Buffer.concat(this.pending, this.pendingLength);
    this.pending = [];
    this.pendingLength = 0;
    this.emit(last, 0, last.length, each);
  }

  private emit(buf: Buffer, start: number, end: number, each: (buf: Buffer, start: number, end: number) => void): void {
    if (this.stripCR && end > start && buf[end - 1] === 0x0d) end--;
    each(buf, start, end);
  }
}

// ---------------------------------------------------------------------------------------

export interface LineReaderOptions {
  parseKey: boolean;
  // text, or bytes when an escape (\xHH) made them invalid UTF-8
  keySeparator: Piece;
  parseHeaders: boolean;
  headersDelimiter: Piece;
  headersSeparator: Piece;
  headersKeySeparator: Piece;
  nullMarker: Piece | null;
  ignoreError: boolean;
}

export const DEFAULT_LINE_READER: LineReaderOptions = {
  parseKey: false,
  keySeparator: '\t',
  parseHeaders: false,
  headersDelimiter: '\t',
  headersSeparator: ',',
  headersKeySeparator: ':',
  nullMarker: null,
  ignoreError: false,
};

export const PRODUCER_PROPERTIES = [
  'parse.key',
  'key.separator',
  'parse.headers',
  'headers.delimiter',
  'headers.separator',
  'headers.key.separator',
  'null.marker',
  'ignore.error',
];

function bool(key: string, v: string): boolean {
  const s = v.trim().toLowerCase();
  if (s === 'true') return true;
  if (s === 'false') return false;
  throw new UsageError(`--property ${key} expects true or false, got '${v}'`);
}

export function parseProducerProperties(props: Record<string, string>): LineReaderOptions {
  const o: LineReaderOptions = { ...DEFAULT_LINE_READER };
  for (const [key, value] of Object.entries(props)) {
    const sep = () => {
      const s = unescapePiece(value, `--property ${key}`);
      if (s.length === 0) throw new UsageError(`--property ${key} must not be empty`);
      return s;
    };
    switch (key) {
      case 'parse.key': o.parseKey = bool(key, value); break;
      case 'key.separator': o.keySeparator = sep(); break;
      case 'parse.headers': o.parseHeaders = bool(key, value); break;
      case 'headers.delimiter': o.headersDelimiter = sep(); break;
      case 'headers.separator': o.headersSeparator = sep(); break;
      case 'headers.key.separator': o.headersKeySeparator = sep(); break;
      case 'null.marker': o.nullMarker = value === '' ? null : unescapePiece(value, `--property ${key}`); break;
      case 'ignore.error': o.ignoreError = bool(key, value); break;
      default:
        if (/serializer$/.test(key)) throw new UsageError(`--property ${key} is a Java class and is not supported; use --input json with keyEncoding/valueEncoding`);
        throw new UsageError(`unknown --property '${key}'; produce accepts: ${PRODUCER_PROPERTIES.join(', ')}`);
    }
  }
  // Apache's checks: the null marker must differ from the separators it would be confused with.
  if (o.nullMarker !== null) {
    const marker = pieceBytes(o.nullMarker);
    const same = (p: Piece) => marker.equals(pieceBytes(p));
    if (o.parseKey && same(o.keySeparator)) throw new UsageError(`null.marker and key.separator must differ ('${o.nullMarker}')`);
    if (o.parseHeaders && [o.headersDelimiter, o.headersSeparator, o.headersKeySeparator].some(same)) {
      throw new UsageError(`null.marker must differ from the headers delimiter and separators ('${o.nullMarker}')`);
    }
  }
  return o;
}

/** A line that Apache's reader rejects; with ignore.error the reader falls back instead. */
/** A line kt cannot read; `skippable` when ignore.error would have let it through. */
export class LineParseError extends Error {
  constructor(
    message: string,
    readonly skippable = true,
  ) {
    super(message);
  }
}

/**
 * Parse one line as Apache's LineMessageReader does (on bytes). `lineNumber` is 1-based
 * and only used in messages.
 */
export function parseLine(line: Buffer, lineNumber: number, o: LineReaderOptions): ProduceRecord {
  const nullMarker = o.nullMarker === null ? null : pieceBytes(o.nullMarker);
  const isNull = (b: Buffer) => nullMarker !== null && b.equals(nullMarker);
  let pos = 0;
  let headersPart: Buffer | null = null;
  let key: Buffer | null = null;

  const find = (sep: Piece, name: string): number => {
    const i = line.indexOf(sep, pos);
    if (i === -1 && !o.ignoreError) throw new LineParseError(`No ${name} found on line number ${lineNumber}: '${preview(line)}'`);
    return i;
  };

  if (o.parseHeaders) {
    const i = find(o.headersDelimiter, 'headers delimiter');
    if (i !== -1) {
      headersPart = line.subarray(pos, i);
      pos = i + byteLength(o.headersDelimiter);
    }
  }
  if (o.parseKey) {
    const i = find(o.keySeparator, 'key separator');
    if (i !== -1) {
      const k = line.subarray(pos, i);
      key = isNull(k) ? null : k;
      pos = i + byteLength(o.keySeparator);
    }
  }
  const v = line.subarray(pos);
  const value = isNull(v) ? null : v;
  const headers: Header[] = [];
  if (headersPart !== null && !isNull(headersPart)) {
    for (const pair of splitBytes(headersPart, pieceBytes(o.headersSeparator))) {
      const i = pair.indexOf(o.headersKeySeparator);
      if (i === -1) {
        if (o.ignoreError) {
          headers.push([pair.toString('utf8'), null]);
          continue;
        }
        throw new LineParseError(`No header key separator found in pair '${pair.toString('utf8')}' on line number ${lineNumber}`);
      }
      const hk = pair.subarray(0, i);
      if (isNull(hk)) {
        throw new LineParseError(`Header keys should not be equal to the null marker '${o.nullMarker}' as they can't be null`, false);
      }
      const hv = pair.subarray(i + byteLength(o.headersKeySeparator));
      headers.push([hk.toString('utf8'), isNull(hv) ? null : Buffer.from(hv)]);
    }
  }
  return { key, value, headers };
}

function byteLength(p: Piece): number {
  return typeof p === 'string' ? Buffer.byteLength(p, 'utf8') : p.length;
}

/** `b` split at every `sep` (non-empty), like String.prototype.split. */
function splitBytes(b: Buffer, sep: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = b.indexOf(sep); i !== -1; i = b.indexOf(sep, start)) {
    out.push(b.subarray(start, i));
    start = i + sep.length;
  }
  out.push(b.subarray(start));
  return out;
}

function preview(line: Buffer): string {
  const s = line.subarray(0, 80).toString('utf8');
  return line.length > 80 ? `${s}...` : s;
}

/** `--header k=v` / `k:v`: split at the first `=` or `:`, whichever comes first. */
export function parseHeaderFlag(text: string): Header {
  const eq = text.indexOf('=');
  const colon = text.indexOf(':');
  const cut = eq === -1 ? colon : colon === -1 ? eq : Math.min(eq, colon);
  if (cut <= 0) throw new UsageError(`--header expects KEY=VALUE or KEY:VALUE, got '${text}'`);
  return [text.slice(0, cut), Buffer.from(text.slice(cut + 1), 'utf8')];
}
