// Consume output: one renderer for every mode (Apache print properties, --format template,
// JSON envelope), turning the records of one fetch into one Buffer (one write per batch).

import { isValueOnly, renderApache, type ApachePrintOptions } from './apache.js';
import { pieceBytes } from './escapes.js';
import { encodeEnvelope, type EnvelopeOptions } from './envelope.js';
import { piecesToBuffer, type ConsumedRecord, type Piece } from './record.js';
import { renderTemplate, type Token } from './template.js';

export type RenderMode =
  | { kind: 'apache'; options: ApachePrintOptions }
  | { kind: 'template'; tokens: Token[] }
  | { kind: 'json'; options: EnvelopeOptions };

export type Renderer = (records: ConsumedRecord[]) => Buffer;

export function makeRenderer(mode: RenderMode): Renderer {
  switch (mode.kind) {
    case 'json':
      return (records) => Buffer.from(records.map((r) => `${encodeEnvelope(r, mode.options)}\n`).join(''), 'utf8');
    case 'template':
      return (records) => {
        const pieces: Piece[] = [];
        for (const r of records) renderTemplate(mode.tokens, r, pieces);
        return piecesToBuffer(pieces);
      };
    case 'apache': {
      const o = mode.options;
      if (isValueOnly(o)) {
        // the default: value bytes + line separator
        const sep = pieceBytes(o.lineSeparator);
        const nul = pieceBytes(o.nullLiteral);
        // One output buffer, each value copied in with TypedArray#set: Buffer.concat of the
        // value/separator pairs made two calls per record through its generic copy.
        return (records) => {
          let size = records.length * sep.length;
          for (const r of records) size += (r.value ?? nul).length;
          const out = Buffer.allocUnsafe(size);
          let at = 0;
          for (const r of records) {
            const v = r.value ?? nul;
            out.set(v, at);
            at += v.length;
            if (sep.length === 1) out[at++] = sep[0];
            else {
              out.set(sep, at);
              at += sep.length;
            }
          }
          return out;
        };
      }
      return (records) => {
        const pieces: Piece[] = [];
        for (const r of records) renderApache(o, r, pieces);
        return piecesToBuffer(pieces);
      };
    }
  }
}
