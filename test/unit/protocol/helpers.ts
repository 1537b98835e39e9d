// Shared helpers for the protocol tests: encode/decode a body with kt's codecs, load kafkajs
// internals, read fixtures, and flatten a decoded object into the positional form the
// kafka-python fixtures use.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Reader, Writer } from '../../../src/protocol/bytes.js';
import {
  type ApiSchema,
  Field,
  type StructSpec,
  type TypeSpec,
  parseRange,
  requestCodec,
  responseCodec,
} from '../../../src/protocol/schema.js';

// Decoded messages are walked freely in tests; their static types come from the schemas.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = Record<string, any>;

export const require = createRequire(import.meta.url);

/** Repository root (tests run from dist/test/unit/protocol). */
export const ROOT = new URL('../../../../', import.meta.url);

export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`test/fixtures/protocol/${name}`, ROOT), 'utf8')) as T;
}

export function encodeRequest(api: ApiSchema, version: number, value: Obj): Buffer {
  const w = new Writer();
  requestCodec(api, version).encode(w, value);
  return w.toBuffer();
}

export function encodeResponse(api: ApiSchema, version: number, value: Obj): Buffer {
  const w = new Writer();
  responseCodec(api, version).encode(w, value);
  return w.toBuffer();
}

/** Decodes a whole body and checks that no byte is left over. */
export function decodeRequest(api: ApiSchema, version: number, buf: Buffer): Obj {
  const r = new Reader(buf);
  const out = requestCodec<Obj>(api, version).decode(r);
  assert.equal(r.remaining, 0, `${api.name} v${version} request: ${r.remaining} bytes left`);
  return out;
}

export function decodeResponse(api: ApiSchema, version: number, buf: Buffer): Obj {
  const r = new Reader(buf);
  const out = responseCodec<Obj>(api, version).decode(r);
  assert.equal(r.remaining, 0, `${api.name} v${version} response: ${r.remaining} bytes left`);
  return out;
}

export const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// ---------------------------------------------------------------------------------------
// kafkajs internals

/** Bytes of a kafkajs request body (its Encoder's buffer). */
export async function kjsEncode(req: { encode: () => Promise<{ buffer: Buffer }> }): Promise<Buffer> {
  const e = await req.encode();
  return Buffer.from(e.buffer);
}

// kafkajs decoders silently ignore trailing bytes; track how far the top-level decoder of a
// buffer read so a test can check that kafkajs consumed exactly what we wrote.
const KDecoder = require('kafkajs/src/protocol/decoder.js');
const reached = new WeakMap<Buffer, { offset: number }>();
for (const name of Object.getOwnPropertyNames(KDecoder.prototype)) {
  if (!name.startsWith('read') && name !== 'forward') continue;
  const orig = KDecoder.prototype[name];
  KDecoder.prototype[name] = function (this: { buffer: Buffer; offset: number }, ...args: unknown[]) {
    if (!reached.has(this.buffer)) reached.set(this.buffer, this);
    return orig.apply(this, args);
  };
}

/** Asserts that kafkajs' decoder for `buf` stopped exactly at its end. */
export function assertKafkajsConsumed(buf: Buffer, what: string): void {
  const d = reached.get(buf);
  assert.ok(d, `${what}: kafkajs never read the buffer`);
  assert.equal(d.offset, buf.length, `${what}: kafkajs read ${d.offset} of ${buf.length} bytes`);
}

/** Decodes our response bytes with kafkajs and checks it read all of them. */
export async function kjsDecode(mod: { decode: (b: Buffer) => Promise<Obj> }, buf: Buffer, what: string): Promise<Obj> {
  const out = await mod.decode(buf);
  assertKafkajsConsumed(buf, what);
  return out;
}

// ---------------------------------------------------------------------------------------
// Positional form: a struct is the list of its fields present in `version` (untagged, in
// wire order), bytes are { bytes: hex }. Used to compare with kafka-python's values. A nested
// struct with a single field stands for that field's value: Kafka's JSON wraps values in
// one-field structs (Metadata topics [{name}]) where kafka-python has bare arrays ([string]).

export function positional(spec: TypeSpec | StructSpec, version: number, value: unknown, top = true): unknown {
  if (typeof spec === 'string') {
    if (Buffer.isBuffer(value)) return { bytes: value.toString('hex') };
    return value;
  }
  if (Array.isArray(spec)) {
    if (value === null) return null;
    return (value as unknown[]).map((e) => positional((spec as readonly [TypeSpec])[0], version, e, false));
  }
  if (value === null) return null;
  const out: unknown[] = [];
  for (const [name, fs] of Object.entries(spec as StructSpec)) {
    const field: Field = fs instanceof Field ? fs : new Field(fs as TypeSpec, {});
    const r = parseRange(field.opts.v);
    if (version < r.lo || version > r.hi) continue;
    if (field.opts.tag !== undefined) continue; // only non-flexible versions are compared this way
    out.push(positional(field.type, version, (value as Obj)[name], false));
  }
  return !top && out.length === 1 ? out[0] : out;
}

/** The inverse of `positional`: builds a kt message object from positional values. */
export function fromPositional(spec: TypeSpec | StructSpec, version: number, value: unknown, top = true): unknown {
  if (typeof spec === 'string') {
    if (value !== null && typeof value === 'object' && 'bytes' in value) return Buffer.from((value as { bytes: string }).bytes, 'hex');
    return value;
  }
  if (Array.isArray(spec)) {
    if (value === null) return null;
    return (value as unknown[]).map((e) => fromPositional((spec as readonly [TypeSpec])[0], version, e, false));
  }
  if (value === null) return null;
  const present: [string, Field][] = [];
  for (const [name, fs] of Object.entries(spec as StructSpec)) {
    const field: Field = fs instanceof Field ? fs : new Field(fs as TypeSpec, {});
    const r = parseRange(field.opts.v);
    if (version >= r.lo && version <= r.hi && field.opts.tag === undefined) present.push([name, field]);
  }
  const values = !top && present.length === 1 ? [value] : (value as unknown[]);
  assert.equal(values.length, present.length, 'positional field count');
  return Object.fromEntries(present.map(([name, f], i) => [name, fromPositional(f.type, version, values[i], false)]));
}

// ---------------------------------------------------------------------------------------
// Small deterministic pseudo-random generator for the round-trip property tests.

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}
