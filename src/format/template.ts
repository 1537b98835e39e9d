// `--format` templates (kcat/rpk style), parsed once into tokens; each record is rendered
// by walking the tokens. Unknown tokens and escapes are usage errors naming them.
//
//   %t topic   %p partition   %o offset   %k key   %v value   %K key length   %V value length
//   %T timestamp (ms)   %d timestamp (ISO-8601)   %h headers k=v,...   %% a percent sign
//   escapes: as escapes.ts (\n \t \r \0 \\, \xHH is one byte)
// A null key or value renders as empty text; its length as -1 (as kcat).

import { UsageError } from '../errors.js';
import { bytesToPiece, scanEscape } from './escapes.js';
import type { ConsumedRecord, Piece } from './record.js';

export type Field = 't' | 'p' | 'o' | 'k' | 'v' | 'K' | 'V' | 'T' | 'd' | 'h';
export type Token = { lit: Piece } | { field: Field };

const FIELDS = new Set<string>(['t', 'p', 'o', 'k', 'v', 'K', 'V', 'T', 'd', 'h']);
export const TEMPLATE_TOKENS = '%t topic, %p partition, %o offset, %k key, %v value, %K key length, %V value length, %T timestamp ms, %d ISO-8601 timestamp, %h headers, %%';

export function parseTemplate(template: string): Token[] {
  const tokens: Token[] = [];
  // literal text since the last field; `bytes` holds what came before it since an escape
  let lit = '';
  let bytes: Buffer[] = [];
  const flush = () => {
    if (bytes.length > 0) tokens.push({ lit: bytesToPiece(Buffer.concat([...bytes, Buffer.from(lit, 'utf8')])) });
    else if (lit) tokens.push({ lit });
    lit = '';
    bytes = [];
  };
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === '%') {
      const n = template[i + 1];
      if (n === undefined) throw new UsageError(`--format ends with a lone '%'; tokens: ${TEMPLATE_TOKENS}`);
      i++;
      if (n === '%') {
        lit += '%';
        continue;
      }
      if (!FIELDS.has(n)) throw new UsageError(`unknown --format token '%${n}'; tokens: ${TEMPLATE_TOKENS}`);
      flush();
      tokens.push({ field: n as Field });
    } else if (c === '\\') {
      const e = scanEscape(template, i, '--format');
      bytes.push(Buffer.from(lit, 'utf8'), Buffer.of(e.byte));
      lit = '';
      i = e.end - 1;
    } else {
      lit += c;
    }
  }
  flush();
  return tokens;
}

export function formatHeaders(headers: ConsumedRecord['headers'], pairSep = '=', listSep = ','): Piece[] {
  const out: Piece[] = [];
  headers.forEach(([k, v], i) => {
    if (i > 0) out.push(listSep);
    out.push(k + pairSep);
    if (v !== null) out.push(v);
  });
  return out;
}

/** Render one record, appending pieces to `out`. */
export function renderTemplate(tokens: readonly Token[], r: ConsumedRecord, out: Piece[]): void {
  for (const tok of tokens) {
    if ('lit' in tok) {
      out.push(tok.lit);
      continue;
    }
    switch (tok.field) {
      case 't': out.push(r.topic); break;
      case 'p': out.push(String(r.partition)); break;
      case 'o': out.push(String(r.offset)); break;
      case 'k': if (r.key) out.push(r.key); break;
      case 'v': if (r.value) out.push(r.value); break;
      case 'K': out.push(String(r.key ? r.key.length : -1)); break;
      case 'V': out.push(String(r.value ? r.value.length : -1)); break;
      case 'T': out.push(String(r.timestamp)); break;
      case 'd': out.push(r.timestamp >= 0 ? new Date(r.timestamp).toISOString() : ''); break;
      case 'h': for (const p of formatHeaders(r.headers)) out.push(p); break;
    }
  }
}
