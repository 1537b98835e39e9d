// Frame material for the request fuzz test: a seeded PRNG, random valid requests for every
// API and version the broker advertises (built from the schemas themselves), and mutations.
import { Writer } from '../../src/protocol/bytes.js';
import { buildBatch, Codec } from '../../src/protocol/recordBatch.js';
import { Field, isFlexible, requestCodec, type ApiSchema, type FieldOptions, type StructSpec, type TypeSpec } from '../../src/protocol/schema.js';

/** mulberry32: small, fast, seedable; failures print the seed to reproduce them. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  bytes(n: number): Buffer {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = (this.next() * 256) | 0;
    return b;
  }
}

const NAMES = ['fuzz', 'fuzz-0', 'orders', '__consumer_offsets', '', 'a.b_c', 'x'.repeat(300), 'bad name!', '..'];

function intValue(rng: Rng, bits: 8 | 16 | 32 | 64, unsigned = false): number {
  const max = bits === 64 ? Number.MAX_SAFE_INTEGER : 2 ** (bits - 1) - 1;
  const min = unsigned ? 0 : bits === 64 ? -Number.MAX_SAFE_INTEGER : -(2 ** (bits - 1));
  // Mostly small (plausible) values, sometimes the edges. Partition counts stay small so the
  // fuzz does not spend its time creating thousands of partition directories.
  switch (rng.int(0, 5)) {
    case 0: return unsigned ? 0 : -1;
    case 1: return Math.min(max, rng.int(0, 3));
    case 2: return Math.min(max, rng.int(0, 100));
    case 3: return rng.chance(0.5) ? max : min;
    default: return Math.max(min, Math.min(max, rng.int(-2, 10)));
  }
}

function primitive(rng: Rng, name: string, nullable: boolean): unknown {
  if (nullable && rng.chance(0.15)) return null;
  switch (name) {
    case 'bool': return rng.chance(0.5);
    case 'int8': return intValue(rng, 8);
    case 'int16': return intValue(rng, 16);
    case 'uint16': return intValue(rng, 16, true) & 0xffff;
    case 'int32': return intValue(rng, 32);
    case 'uint32': return intValue(rng, 32, true) >>> 0;
    case 'int64': return intValue(rng, 64);
    case 'float64': return rng.next() * 1000;
    case 'string': return rng.chance(0.7) ? rng.pick(NAMES) : rng.bytes(rng.int(0, 12)).toString('latin1');
    case 'bytes': return rng.bytes(rng.int(0, 40));
    case 'uuid': return rng.chance(0.5) ? Buffer.alloc(16) : rng.bytes(16);
    case 'records': {
      const n = rng.int(1, 3);
      const records = Array.from({ length: n }, (_, i) => ({
        key: rng.chance(0.8) ? Buffer.from(`k${rng.int(0, 5)}`) : null,
        value: rng.chance(0.9) ? rng.bytes(rng.int(0, 30)) : null,
        headers: rng.chance(0.3) ? [{ key: `h${i}`, value: rng.bytes(3) }] : [],
      }));
      return buildBatch(records, { codec: rng.chance(0.3) ? Codec.Gzip : Codec.None });
    }
    default: throw new Error(`unknown primitive ${name}`);
  }
}

function value(rng: Rng, spec: TypeSpec, nullable: boolean, depth: number): unknown {
  if (typeof spec === 'string') {
    const opt = spec.endsWith('?');
    return primitive(rng, opt ? spec.slice(0, -1) : spec, nullable || opt);
  }
  if (Array.isArray(spec)) {
    if (nullable && rng.chance(0.1)) return null;
    const n = depth > 3 ? 0 : rng.int(0, 3);
    return Array.from({ length: n }, () => value(rng, (spec as readonly [TypeSpec])[0], false, depth + 1));
  }
  return struct(rng, spec as StructSpec, depth + 1);
}

function struct(rng: Rng, spec: StructSpec, depth: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [name, fs] of Object.entries(spec)) {
    const field = fs instanceof Field ? fs : new Field(fs as TypeSpec, {});
    // Fields absent from the version being encoded are simply not written.
    o[name] = value(rng, field.type, (field.opts as FieldOptions).nullable !== undefined, depth);
  }
  return o;
}

/** A valid request frame (no size prefix) for `api` at `version`, with random contents. */
export function validFrame(rng: Rng, api: ApiSchema, version: number): Buffer {
  const w = new Writer(256);
  w.int16(api.key).int16(version).int32(rng.int(0, 2 ** 31 - 1)).string(rng.chance(0.9) ? 'fuzz-client' : null);
  if (isFlexible(api, version)) w.uvarint(0);
  requestCodec(api, version).encode(w, struct(rng, api.request, 0));
  return w.toBuffer();
}

export type Mutation = 'random' | 'bitflip' | 'truncate' | 'extend' | 'length' | 'apiKeyVersion' | 'insertDelete' | 'splice';
export const MUTATIONS: readonly Mutation[] = ['random', 'bitflip', 'truncate', 'extend', 'length', 'apiKeyVersion', 'insertDelete', 'splice'];

const LENGTHS = [-2, -1, 0, 1, 0x7f, 0x80, 0x7fff, 0xffff, 0x7fffffff, -0x80000000];

/** A malformed variant of `frame` (`other` is a second valid frame for splicing). */
export function mutate(rng: Rng, kind: Mutation, frame: Buffer, other: Buffer): Buffer {
  const f = Buffer.from(frame);
  switch (kind) {
    case 'random':
      return rng.bytes(rng.int(0, 200));
    case 'bitflip': {
      for (let i = rng.int(1, 8); i > 0; i--) {
        const at = rng.int(0, f.length - 1);
        f[at] ^= 1 << rng.int(0, 7);
      }
      return f;
    }
    case 'truncate':
      return f.subarray(0, rng.int(0, f.length - 1));
    case 'extend':
      return Buffer.concat([f, rng.bytes(rng.int(1, 64))]);
    case 'length': {
      // overwrite what may be a length field (int16 string, int32 array/bytes, uvarint compact)
      const at = rng.int(8, Math.max(8, f.length - 1));
      const v = rng.pick(LENGTHS);
      if (f.length < at + 4) return f;
      switch (rng.int(0, 2)) {
        case 0: f.writeInt16BE(((v << 16) >> 16), at); break;
        case 1: f.writeInt32BE(v | 0, at); break;
        default: {
          const w = new Writer(8);
          w.uvarint(v >>> 0);
          const b = w.toBuffer();
          b.copy(f, at, 0, Math.min(b.length, f.length - at));
        }
      }
      return f;
    }
    case 'apiKeyVersion':
      if (rng.chance(0.5)) f.writeInt16BE(rng.chance(0.5) ? rng.int(-3, 80) : rng.int(-32768, 32767), 0);
      if (rng.chance(0.7)) f.writeInt16BE(rng.chance(0.7) ? rng.int(-1, 20) : rng.int(-32768, 32767), 2);
      return f;
    case 'insertDelete': {
      const at = rng.int(0, f.length);
      if (rng.chance(0.5)) return Buffer.concat([f.subarray(0, at), rng.bytes(rng.int(1, 8)), f.subarray(at)]);
      return Buffer.concat([f.subarray(0, at), f.subarray(Math.min(f.length, at + rng.int(1, 8)))]);
    }
    case 'splice':
      return Buffer.concat([f.subarray(0, rng.int(0, f.length)), other.subarray(rng.int(0, other.length))]);
  }
}
