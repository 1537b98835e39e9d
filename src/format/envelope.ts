// The JSON envelope: `kt consume --output json` writes one object a line, and
// `kt produce --input json` reads the same lines back, byte for byte.
//
//   {"topic":"t","partition":0,"offset":42,"timestamp":1700000000000,
//    "key":"k","value":"v","headers":{"h1":"v1","h2":["a","b"]}}
//
// - key/value are encoded with --key-encoding/--value-encoding (utf8 default, base64, hex,
//   json). When the chosen encoding is not utf8 the record carries "keyEncoding" /
//   "valueEncoding". In utf8 (or json) mode a key/value that is not valid UTF-8 (or not
//   JSON) falls back to base64 (or utf8) and says so in "keyEncoding"/"valueEncoding".
//   json embeds only JSON that JSON.parse reads faithfully: re-serialised, it is the same
//   text but for whitespace between tokens. Numbers it would round or rewrite (big integers,
//   1.0, 1e2, -0, 1E400), repeated object keys and the text null (JSON null is "no value")
//   stay text ("valueEncoding":"utf8").
// - headers: an object; a repeated header name has an array of values (in order); a null
//   header value is JSON null. When any header value is not valid UTF-8, all header values
//   of that record are base64 and the record carries "headersEncoding":"base64".
// - null key/value: JSON null.
// - timestampType: present only when the broker stamped it (LogAppendTime).
//
// Reading (produce): topic/offset are ignored; partition and timestamp are used when
// present; a non-string JSON value with no valueEncoding is sent as its JSON text.

import { isUtf8 } from 'node:buffer';
import { UsageError } from '../errors.js';
import type { ConsumedRecord, Header, ProduceRecord } from './record.js';

export type Encoding = 'utf8' | 'base64' | 'hex' | 'json';
export const ENCODINGS: readonly Encoding[] = ['utf8', 'base64', 'hex', 'json'];

export interface EnvelopeOptions {
  keyEncoding: Encoding;
  valueEncoding: Encoding;
}

interface Encoded {
  value: unknown;
  /** the encoding actually used */
  encoding: Encoding;
}

export function encodeBytes(buf: Buffer | null, want: Encoding): Encoded {
  if (buf === null) return { value: null, encoding: want };
  switch (want) {
    case 'base64':
      return { value: buf.toString('base64'), encoding: 'base64' };
    case 'hex':
      return { value: buf.toString('hex'), encoding: 'hex' };
    case 'json': {
      if (!isUtf8(buf)) return { value: buf.toString('base64'), encoding: 'base64' };
      const text = buf.toString('utf8');
      const parsed = faithfulJson(text);
      return parsed ? { value: parsed.value, encoding: 'json' } : { value: text, encoding: 'utf8' };
    }
    case 'utf8':
      if (!isUtf8(buf)) return { value: buf.toString('base64'), encoding: 'base64' };
      return { value: buf.toString('utf8'), encoding: 'utf8' };
  }
}

/** The text without the whitespace between JSON tokens (strings kept as they are). */
function withoutWhitespace(text: string): string {
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      out += text.slice(from, i);
      from = i + 1;
    }
  }
  return out + text.slice(from);
}

/** The value of a JSON text that JSON.parse reads without changing it, else undefined. */
function faithfulJson(text: string): { value: unknown } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  // a value that is the text null stays text: JSON null is the envelope's "no value"
  if (value === null) return undefined;
  return JSON.stringify(value) === withoutWhitespace(text) ? { value } : undefined;
}

/** One JSON line (without the newline). */
export function encodeEnvelope(r: ConsumedRecord, o: EnvelopeOptions): string {
  const key = encodeBytes(r.key, o.keyEncoding);
  const value = encodeBytes(r.value, o.valueEncoding);
  const headersBinary = r.headers.some(([, v]) => v !== null && !isUtf8(v));
  const headers: Record<string, string | null | Array<string | null>> = Object.create(null);
  for (const [k, v] of r.headers) {
    const text = v === null ? null : v.toString(headersBinary ? 'base64' : 'utf8');
    const prev = headers[k];
    if (prev === undefined) headers[k] = text;
    else if (Array.isArray(prev)) prev.push(text);
    else headers[k] = [prev, text];
  }
  const env: Record<string, unknown> = {
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
  };
  if (r.timestampType === 1) env.timestampType = 'LogAppendTime';
  env.key = key.value;
  env.value = value.value;
  env.headers = headers;
  if (r.key !== null && key.encoding !== 'utf8') env.keyEncoding = key.encoding;
  if (r.value !== null && value.encoding !== 'utf8') env.valueEncoding = value.encoding;
  if (headersBinary) env.headersEncoding = 'base64';
  return JSON.stringify(env);
}

/**
 * Strict base64 (standard or URL-safe alphabet, padding optional): Buffer.from(x, 'base64')
 * ignores what it cannot decode, so "x" would silently become an empty value.
 */
export function isBase64(v: string): boolean {
  const m = /^([A-Za-z0-9+/_-]*)(={0,2})$/.exec(v);
  if (!m) return false;
  const body = m[1].length;
  if (m[2].length > 0) return (body + m[2].length) % 4 === 0 && body % 4 === 4 - m[2].length;
  return body % 4 !== 1;
}

function isWellFormed(v: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(v);
}

function decodeBytes(v: unknown, encoding: unknown, what: string): Buffer | null {
  if (v === null || v === undefined) return null;
  const enc = encoding ?? 'utf8';
  if (enc === 'json') return Buffer.from(JSON.stringify(v), 'utf8');
  if (typeof v !== 'string') {
    if (enc === 'utf8') return Buffer.from(JSON.stringify(v), 'utf8');
    throw new Error(`${what} must be a string for encoding ${String(enc)}`);
  }
  switch (enc) {
    case 'utf8':
      // A lone surrogate (\ud800) has no UTF-8 form: Buffer.from would write U+FFFD instead.
      if (!isWellFormed(v)) throw new Error(`${what} is not valid UTF-16 text (a lone surrogate); use base64 encoding for bytes`);
      return Buffer.from(v, 'utf8');
    case 'base64':
      if (!isBase64(v)) throw new Error(`${what} is not valid base64 ('${v.length > 20 ? `${v.slice(0, 20)}…` : v}')`);
      return Buffer.from(v, 'base64');
    case 'hex':
      if (!/^([0-9a-fA-F]{2})*$/.test(v)) throw new Error(`${what} is not valid hex`);
      return Buffer.from(v, 'hex');
    default:
      throw new Error(`unknown ${what}Encoding '${String(enc)}' (expected utf8, base64, hex or json)`);
  }
}

/**
 * Parse one envelope line. Throws a plain Error with a short reason (the caller adds the
 * line number and decides between skip and fail).
 */
export function decodeEnvelope(line: string): ProduceRecord {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch (err) {
    throw new Error(`not JSON: ${(err as Error).message}`);
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new Error('not a JSON object');
  const o = obj as Record<string, unknown>;
  const rec: ProduceRecord = {
    key: decodeBytes(o.key, o.keyEncoding, 'key'),
    value: decodeBytes(o.value, o.valueEncoding, 'value'),
    headers: [],
  };
  if (o.headers !== undefined && o.headers !== null) {
    const hEnc = o.headersEncoding ?? 'utf8';
    const add = (k: string, v: unknown) => {
      if (v !== null && typeof v !== 'string') throw new Error(`header '${k}' must be a string, an array of strings, or null`);
      rec.headers.push([k, decodeBytes(v, hEnc, `header '${k}'`)] as Header);
    };
    if (Array.isArray(o.headers)) {
      // also accept [{"key":"k","value":"v"}] (kaf/rpk style)
      for (const h of o.headers) {
        if (!h || typeof h !== 'object' || typeof (h as { key?: unknown }).key !== 'string') throw new Error('headers array entries must be {"key","value"}');
        add((h as { key: string }).key, (h as { value?: unknown }).value ?? null);
      }
    } else if (typeof o.headers === 'object') {
      for (const [k, v] of Object.entries(o.headers as Record<string, unknown>)) {
        if (Array.isArray(v)) for (const item of v) add(k, item);
        else add(k, v);
      }
    } else {
      throw new Error('headers must be an object');
    }
  }
  if (o.partition !== undefined && o.partition !== null) {
    if (!Number.isInteger(o.partition) || (o.partition as number) < 0) throw new Error('partition must be a non-negative integer');
    rec.partition = o.partition as number;
  }
  if (o.timestamp !== undefined && o.timestamp !== null) {
    const ts = typeof o.timestamp === 'string' && /^\d+$/.test(o.timestamp) ? Number(o.timestamp) : o.timestamp;
    if (typeof ts === 'number' && Number.isInteger(ts) && ts >= 0) rec.timestamp = ts;
    else if (typeof ts === 'string' && !Number.isNaN(Date.parse(ts))) rec.timestamp = Date.parse(ts);
    else throw new Error('timestamp must be ms since epoch or an ISO-8601 date');
  }
  return rec;
}

export function parseEncoding(value: string, flag: string): Encoding {
  if ((ENCODINGS as readonly string[]).includes(value)) return value as Encoding;
  throw new UsageError(`${flag} must be one of ${ENCODINGS.join(', ')}, got '${value}'`);
}
