// Property test: for every schema, every advertised version, request and response, random
// objects survive encode → decode (fields absent from the version come back as their
// defaults) and re-encode to the same bytes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ALL_APIS } from '../../../src/protocol/apis/index.js';
import { ConsumerProtocolAssignment, ConsumerProtocolSubscription } from '../../../src/protocol/apis/consumerProtocol.js';
import { Reader, Writer } from '../../../src/protocol/bytes.js';
import { Field, type StructSpec, type TypeSpec, codec, isFlexible, parseRange } from '../../../src/protocol/schema.js';
import { type Obj, rng } from './helpers.js';

const inR = (s: string | undefined, v: number) => {
  const r = parseRange(s);
  return v >= r.lo && v <= r.hi;
};

/** Builds [value, expected-after-decode] for a type at a version. */
function gen(spec: TypeSpec | StructSpec, v: number, flex: boolean, nullable: boolean, rand: () => number, depth: number): unknown {
  const pick = (n: number) => Math.floor(rand() * n);
  if (typeof spec === 'string') {
    let t = spec;
    if (t.endsWith('?')) {
      t = t.slice(0, -1);
      nullable = true;
    }
    if (nullable && pick(4) === 0) return null;
    switch (t) {
      case 'bool': return pick(2) === 1;
      case 'int8': return pick(256) - 128;
      case 'int16': return pick(65536) - 32768;
      case 'uint16': return pick(65536);
      case 'int32': return pick(2 ** 32) - 2 ** 31;
      case 'uint32': return pick(2 ** 32);
      case 'int64': return (rand() < 0.5 ? -1 : 1) * Math.floor(rand() * Number.MAX_SAFE_INTEGER);
      case 'float64': return (rand() - 0.5) * 1e12;
      case 'uuid': return Buffer.from(Array.from({ length: 16 }, () => pick(256)));
      case 'string': return ['', 'a', 'orders', 'é-ü-日本', 'x'.repeat(pick(300))][pick(5)];
      case 'bytes':
      case 'records': return Buffer.from(Array.from({ length: pick(3) === 0 ? 0 : pick(200) }, () => pick(256)));
      default: throw new Error(`type ${t}`);
    }
  }
  if (Array.isArray(spec)) {
    if (nullable && pick(4) === 0) return null;
    const n = depth > 3 ? 0 : pick(4);
    return Array.from({ length: n }, () => gen((spec as readonly [TypeSpec])[0], v, flex, false, rand, depth + 1));
  }
  const o: Obj = {};
  for (const [name, fs] of Object.entries(spec as StructSpec)) {
    const f: Field = fs instanceof Field ? fs : new Field(fs as TypeSpec, {});
    if (!inR(f.opts.v, v)) continue; // absent: left out, must decode to its default
    if (f.opts.tag !== undefined && (!flex || !inR(f.opts.taggedVersions, v))) continue;
    if (f.opts.tag !== undefined && pick(3) === 0) continue; // tagged and unset
    const nul = f.opts.nullable !== undefined && inR(f.opts.nullable, v);
    o[name] = gen(f.type, v, flex, nul, rand, depth + 1);
  }
  return o;
}

/** The default an absent field decodes to (schema.ts: explicit default, else by type). */
function dflt(f: Field, v: number): unknown {
  if (f.opts.default !== undefined) return f.opts.default;
  const t = f.type;
  if (Array.isArray(t)) return [];
  if (typeof t !== 'string') return null;
  const nullable = t.endsWith('?') || (f.opts.nullable !== undefined && inR(f.opts.nullable, v));
  switch (t.replace('?', '')) {
    case 'bool': return false;
    case 'string': return nullable ? null : '';
    case 'bytes':
    case 'records': return null;
    case 'uuid': return Buffer.alloc(16);
    default: return 0;
  }
}

/** Fills defaults into `value` wherever the schema has a field that `value` lacks. */
function withDefaults(spec: TypeSpec | StructSpec, v: number, value: unknown): unknown {
  if (value === null || typeof spec === 'string') return value;
  if (Array.isArray(spec)) return (value as unknown[]).map((e) => withDefaults((spec as readonly [TypeSpec])[0], v, e));
  const out: Obj = {};
  for (const [name, fs] of Object.entries(spec as StructSpec)) {
    const f: Field = fs instanceof Field ? fs : new Field(fs as TypeSpec, {});
    out[name] = name in (value as Obj) ? withDefaults(f.type, v, (value as Obj)[name]) : dflt(f, v);
  }
  return out;
}

function roundTrip(spec: StructSpec, v: number, flex: boolean, seed: number) {
  const rand = rng(seed);
  for (let i = 0; i < 8; i++) {
    const value = gen(spec, v, flex, false, rand, 0) as Obj;
    const c = codec<Obj>(spec, v, flex);
    const w = new Writer();
    c.encode(w, value);
    const bytes = w.toBuffer();
    const r = new Reader(bytes);
    const decoded = c.decode(r);
    assert.equal(r.remaining, 0);
    assert.deepEqual(decoded, withDefaults(spec, v, value));
    const w2 = new Writer();
    c.encode(w2, decoded);
    assert.deepEqual(w2.toBuffer(), bytes);
  }
}

describe('encode → decode round trips', () => {
  let seed = 1;
  for (const api of ALL_APIS) {
    test(`${api.name} v${api.min}-${api.max}`, () => {
      for (let v = api.min; v <= api.max; v++) {
        roundTrip(api.request, v, isFlexible(api, v), seed++);
        roundTrip(api.response, v, isFlexible(api, v), seed++);
      }
    });
  }
  test('consumer protocol v0-3', () => {
    for (let v = 0; v <= 3; v++) {
      roundTrip(ConsumerProtocolSubscription, v, false, seed++);
      roundTrip(ConsumerProtocolAssignment, v, false, seed++);
    }
  });
});

test('absent array fields decode to a fresh [] each time (mutating one does not leak)', () => {
  const leave = ALL_APIS.find((a) => a.name === 'LeaveGroup');
  assert.ok(leave);
  const c = codec<Obj>(leave.request, 1, false);
  const w = new Writer();
  c.encode(w, { groupId: 'g', memberId: 'm' });
  const bytes = w.toBuffer();
  const first = c.decode(new Reader(bytes));
  first.members.push({ memberId: 'm', groupInstanceId: null }); // a handler normalising v0-2 into v3's shape
  assert.deepEqual(c.decode(new Reader(bytes)).members, []);
});
