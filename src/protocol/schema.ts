// Declarative message schemas with versions as data, and one interpreter that encodes and
// decodes every API. A schema mirrors Kafka's JSON message definitions
// (clients/src/main/resources/common/message/*.json):
//
//   request: {
//     transactionalId: f('string?', { v: '3+' }),   // field present from v3, nullable
//     acks: 'int16',
//     topicData: [{ name: 'string', partitionData: [{ index: 'int32', records: 'records?' }] }],
//   }
//
// A type is a primitive name ('int32', 'string', ...; a trailing '?' makes it nullable in
// every version), a struct (an object of fields) or an array (`[elementType]`). `f(type,
// opts)` adds version ranges, version-dependent nullability, defaults and tags. In flexible
// versions strings, bytes and arrays are compact and every struct ends with tagged fields.
// Fields absent in a version decode to their default, so handlers see one shape.

import { ProtocolError, Reader, Writer } from './bytes.js';

export type Primitive =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'float64'
  | 'string'
  | 'bytes'
  | 'records'
  | 'uuid';

export type TypeSpec = string | StructSpec | readonly [TypeSpec];
export interface StructSpec {
  readonly [field: string]: FieldSpec;
}
export type FieldSpec = TypeSpec | Field;

export interface FieldOptions {
  /** Versions the field exists in, e.g. '3+', '0-2' (default: all). */
  v?: string;
  /** Versions in which the value may be null. */
  nullable?: string;
  /** Value used when the field is absent from the version or the object. */
  default?: unknown;
  /** Tagged field number (flexible versions only). */
  tag?: number;
  /** Versions in which the field is tagged (default: the flexible ones, when tag is set). */
  taggedVersions?: string;
}

export class Field<T extends TypeSpec = TypeSpec, O extends FieldOptions = FieldOptions> {
  constructor(
    readonly type: T,
    readonly opts: O,
  ) {}
}

/** A field with options: `f('int32', { v: '1+', default: -1 })`. */
export function f<const T extends TypeSpec, const O extends FieldOptions = {}>(type: T, opts?: O): Field<T, O> {
  return new Field(type, (opts ?? {}) as O);
}

export interface ApiSchema {
  key: number;
  name: string;
  /** Versions this broker implements (and advertises). */
  min: number;
  max: number;
  /**
   * The min version ApiVersions advertises when it differs from `min`: Kafka 4.x advertises
   * Produce from v0 (KAFKA-18659: librdkafka disables features when v0 is missing) while
   * refusing v0-2, which are decoded as unsupported like any version below `min`.
   */
  advertisedMin?: number;
  /** First flexible version (Kafka's flexibleVersions "N+"), or null when none. */
  flexible: number | null;
  request: StructSpec;
  response: StructSpec;
}

export interface VersionRange {
  lo: number;
  hi: number;
}

export function parseRange(s: string | undefined): VersionRange {
  if (s === undefined || s === '' || s === '0+') return { lo: 0, hi: Infinity };
  if (s === 'none') return { lo: 1, hi: 0 };
  let m = /^(\d+)\+$/.exec(s);
  if (m) return { lo: Number(m[1]), hi: Infinity };
  m = /^(\d+)-(\d+)$/.exec(s);
  if (m) return { lo: Number(m[1]), hi: Number(m[2]) };
  m = /^(\d+)$/.exec(s);
  if (m) return { lo: Number(m[1]), hi: Number(m[1]) };
  throw new Error(`bad version range ${s}`);
}

/** Declares an API schema keeping its literal types, so request/response types can be inferred. */
export function defineApi<const S extends ApiSchema>(schema: S): S {
  return schema;
}

// ---------------------------------------------------------------------------------------
// Types inferred from schemas: `Req<typeof Produce>` is the decoded request object,
// `Resp<typeof Produce>` the object a handler returns (fields may be omitted: defaults).

interface DecodedPrimitives {
  bool: boolean;
  int8: number;
  int16: number;
  uint16: number;
  int32: number;
  uint32: number;
  int64: number;
  float64: number;
  string: string;
  bytes: Buffer | null;
  records: Buffer | null;
  uuid: Buffer;
}
interface EncodedPrimitives extends Omit<DecodedPrimitives, 'records'> {
  records: Buffer | Buffer[] | null;
}

type Infer<T, P> = T extends Field<infer U, infer O>
  ? O extends { nullable: string }
    ? Infer<U, P> | null
    : Infer<U, P>
  : T extends `${infer N}?`
    ? N extends keyof P
      ? P[N] | null
      : never
    : T extends keyof P
      ? P[T]
      : T extends readonly [infer E]
        ? Infer<E, P>[]
        : T extends object
          ? { -readonly [K in keyof T]: Infer<T[K], P> }
          : never;

type DeepPartial<T> = T extends Buffer
  ? T
  : T extends (infer E)[]
    ? DeepPartial<E>[]
    : T extends object
      ? { [K in keyof T]?: DeepPartial<T[K]> }
      : T;

export type Req<A extends ApiSchema> = Infer<A['request'], DecodedPrimitives>;
export type Resp<A extends ApiSchema> = DeepPartial<Infer<A['response'], EncodedPrimitives>>;
export type DecodedResp<A extends ApiSchema> = Infer<A['response'], DecodedPrimitives>;
/** A request as a client builds it (fields may be omitted: defaults). */
export type ReqInput<A extends ApiSchema> = DeepPartial<Infer<A['request'], EncodedPrimitives>>;

const inRange = (r: VersionRange, v: number): boolean => v >= r.lo && v <= r.hi;

// ---------------------------------------------------------------------------------------
// Compilation: a schema and a version become a flat plan of field codecs.

type Kind = Primitive | 'struct' | 'array';

interface Plan {
  name: string;
  kind: Kind;
  nullable: boolean;
  present: boolean;
  tag: number | null; // tagged in this version
  dflt: unknown;
  sp?: StructPlan; // for struct
  elem?: Plan; // for array
  /** The fewest bytes a value takes (a null, an empty string or array): bounds array counts. */
  minBytes: number;
}

interface StructPlan {
  fields: Plan[]; // untagged, present, in order
  tagged: Plan[]; // tagged in this version, by tag
  absent: Plan[]; // not present in this version: decode to defaults
  flexible: boolean;
}

function defaultFor(kind: Kind, nullable: boolean, explicit: unknown): unknown {
  if (explicit !== undefined) return explicit;
  switch (kind) {
    case 'bool':
      return false;
    case 'string':
      return nullable ? null : '';
    case 'bytes':
    case 'records':
      return null;
    case 'uuid':
      return Buffer.alloc(16);
    case 'array':
      return [];
    case 'struct':
      return null;
    default:
      return 0;
  }
}

function compileType(name: string, spec: TypeSpec, version: number, flexible: boolean, opts: FieldOptions): Plan {
  const nullableVersions = opts.nullable ? parseRange(opts.nullable) : null;
  let nullable = nullableVersions ? inRange(nullableVersions, version) : false;
  let kind: Kind;
  let sp: StructPlan | undefined;
  let elem: Plan | undefined;
  if (typeof spec === 'string') {
    let t = spec;
    if (t.endsWith('?')) {
      nullable = true;
      t = t.slice(0, -1);
    }
    kind = t as Primitive;
  } else if (Array.isArray(spec)) {
    kind = 'array';
    elem = compileType(`${name}[]`, (spec as readonly [TypeSpec])[0], version, flexible, {});
  } else {
    kind = 'struct';
    sp = compileStruct(spec as StructSpec, version, flexible);
  }
  const dflt = defaultFor(kind, nullable, opts.default);
  return { name, kind, nullable, present: true, tag: null, dflt, sp, elem, minBytes: minBytes(kind, nullable, flexible, sp) };
}

const FIXED_BYTES: Partial<Record<Kind, number>> = { bool: 1, int8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, float64: 8, uuid: 16 };

function minBytes(kind: Kind, nullable: boolean, flexible: boolean, sp: StructPlan | undefined): number {
  switch (kind) {
    case 'string':
      return flexible ? 1 : 2;
    case 'bytes':
    case 'records':
    case 'array':
      return flexible ? 1 : 4;
    case 'struct':
      if (nullable) return 1;
      // untagged fields, then the tag count of a flexible struct (tagged fields may be absent)
      return (sp as StructPlan).fields.reduce((n, p) => n + p.minBytes, flexible ? 1 : 0);
    default:
      return FIXED_BYTES[kind] as number;
  }
}

function compileStruct(spec: StructSpec, version: number, flexible: boolean): StructPlan {
  const fields: Plan[] = [];
  const tagged: Plan[] = [];
  const absent: Plan[] = [];
  for (const [name, fs] of Object.entries(spec)) {
    const field: Field = fs instanceof Field ? fs : new Field(fs as TypeSpec, {});
    const plan = compileType(name, field.type, version, flexible, field.opts);
    const present = inRange(parseRange(field.opts.v), version);
    if (!present) {
      plan.present = false;
      absent.push(plan);
      continue;
    }
    if (field.opts.tag !== undefined) {
      const tv = field.opts.taggedVersions ? parseRange(field.opts.taggedVersions) : { lo: 0, hi: Infinity };
      if (flexible && inRange(tv, version)) {
        plan.tag = field.opts.tag;
        tagged.push(plan);
      } else {
        absent.push(plan);
      }
      continue;
    }
    fields.push(plan);
  }
  tagged.sort((a, b) => (a.tag as number) - (b.tag as number));
  return { fields, tagged, absent, flexible };
}

// ---------------------------------------------------------------------------------------
// Interpretation

type Obj = Record<string, unknown>;

function readValue(r: Reader, p: Plan, flex: boolean): unknown {
  switch (p.kind) {
    case 'bool':
      return r.bool();
    case 'int8':
      return r.int8();
    case 'int16':
      return r.int16();
    case 'uint16':
      return r.uint16();
    case 'int32':
      return r.int32();
    case 'uint32':
      return r.uint32();
    case 'int64':
      return r.int64();
    case 'float64':
      return r.float64();
    case 'uuid':
      return r.uuid();
    case 'string': {
      const s = flex ? r.compactString() : r.string();
      if (s === null && !p.nullable) throw new ProtocolError(`${p.name}: null for a non-nullable string`);
      return s;
    }
    case 'bytes':
    case 'records':
      return flex ? r.compactBytes() : r.bytes();
    case 'array': {
      const n = flex ? r.uvarint() - 1 : r.int32();
      if (n < 0) return p.nullable ? null : [];
      // Before allocating: a count the bytes left cannot hold, or more entries than the whole
      // request may have, is a malformed request (Kafka checks the first; the second keeps a
      // request under the frame limit from becoming millions of objects).
      const elem = p.elem as Plan;
      const need = n * Math.max(1, elem.minBytes);
      if (need > r.remaining) throw new ProtocolError(`${p.name}: ${n} entries need at least ${need} bytes, ${r.remaining} left`);
      r.takeEntries(n);
      const out = new Array(n);
      for (let i = 0; i < n; i++) out[i] = readValue(r, elem, flex);
      return out;
    }
    case 'struct': {
      if (p.nullable) {
        const marker = r.int8();
        if (marker < 0) return null;
      }
      return readStruct(r, p.sp as StructPlan);
    }
    default:
      throw new Error(`unknown type ${p.kind as string}`);
  }
}

// A fresh copy of an array default: handlers may mutate decoded arrays (push into `members`),
// which must not change what later decodes return.
const fresh = (p: Plan): unknown => (Array.isArray(p.dflt) ? p.dflt.slice() : p.dflt);

function readStruct(r: Reader, sp: StructPlan): Obj {
  const o: Obj = {};
  for (const p of sp.fields) o[p.name] = readValue(r, p, sp.flexible);
  for (const p of sp.absent) o[p.name] = fresh(p);
  for (const p of sp.tagged) o[p.name] = fresh(p);
  if (sp.flexible) readTags(r, sp, o);
  return o;
}

function readTags(r: Reader, sp: StructPlan | null, o: Obj | null): void {
  const count = r.uvarint();
  for (let i = 0; i < count; i++) {
    const tag = r.uvarint();
    const size = r.uvarint();
    // a tagged field may not claim more bytes than its struct has left
    if (size > r.remaining) throw new ProtocolError(`tagged field ${tag}: ${size} bytes, ${r.remaining} left`);
    const end = r.pos + size;
    const p = sp?.tagged.find((t) => t.tag === tag);
    if (p && o) {
      const sub = new Reader(r.buf, r.pos, end, r.entries);
      o[p.name] = readValue(sub, p, true);
    }
    r.raw(size); // skip (unknown tags are ignored, as Kafka does)
  }
}

function writeValue(w: Writer, p: Plan, v: unknown, flex: boolean): void {
  if (v === undefined) v = p.dflt;
  switch (p.kind) {
    case 'bool':
      w.bool(Boolean(v));
      return;
    case 'int8':
      w.int8(v as number);
      return;
    case 'int16':
      w.int16(v as number);
      return;
    case 'uint16':
      w.uint16(v as number);
      return;
    case 'int32':
      w.int32(v as number);
      return;
    case 'uint32':
      w.uint32(v as number);
      return;
    case 'int64':
      w.int64(v as number);
      return;
    case 'float64':
      w.float64(v as number);
      return;
    case 'uuid':
      w.uuid(v as Buffer);
      return;
    case 'string': {
      const s = v === null && !p.nullable ? '' : (v as string | null);
      if (flex) w.compactString(s);
      else w.string(s);
      return;
    }
    case 'bytes':
    case 'records': {
      if (Array.isArray(v)) {
        // a list of chunks (record batches read from segments): one length, no copy
        let n = 0;
        for (const c of v as Buffer[]) n += c.length;
        if (flex) w.uvarint(n + 1);
        else w.int32(n);
        for (const c of v as Buffer[]) w.raw(c);
        return;
      }
      let b = v as Buffer | null;
      // librdkafka rejects a null record set: never send one where null is not allowed
      if (b === null && !p.nullable) b = Buffer.alloc(0);
      if (flex) w.compactBytes(b);
      else w.bytes(b);
      return;
    }
    case 'array': {
      const a = v as unknown[] | null;
      if (a === null) {
        if (p.nullable) {
          if (flex) w.uvarint(0);
          else w.int32(-1);
          return;
        }
        if (flex) w.uvarint(1);
        else w.int32(0);
        return;
      }
      if (flex) w.uvarint(a.length + 1);
      else w.int32(a.length);
      const elem = p.elem as Plan;
      for (const e of a) writeValue(w, elem, e, flex);
      return;
    }
    case 'struct': {
      if (p.nullable) {
        if (v === null) {
          w.int8(-1);
          return;
        }
        w.int8(1);
      }
      writeStruct(w, p.sp as StructPlan, (v ?? {}) as Obj);
      return;
    }
  }
}

function isDefault(p: Plan, v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (p.kind === 'array') return (v as unknown[]).length === 0 && (p.dflt as unknown[] | null)?.length === 0;
  return v === p.dflt;
}

function writeStruct(w: Writer, sp: StructPlan, o: Obj): void {
  for (const p of sp.fields) writeValue(w, p, o[p.name], sp.flexible);
  if (!sp.flexible) return;
  const tagged = sp.tagged.filter((p) => !isDefault(p, o[p.name]));
  w.uvarint(tagged.length);
  for (const p of tagged) {
    const sub = new Writer(64);
    writeValue(sub, p, o[p.name], true);
    const bytes = sub.toBuffer();
    w.uvarint(p.tag as number);
    w.uvarint(bytes.length);
    w.raw(bytes);
  }
}

// ---------------------------------------------------------------------------------------
// Public API: a codec per (schema, version), compiled once.

export interface MessageCodec<T = Obj> {
  readonly flexible: boolean;
  decode(r: Reader): T;
  encode(w: Writer, value: T): void;
}

const cache = new WeakMap<StructSpec, Map<string, MessageCodec>>();

export function codec<T = Obj>(spec: StructSpec, version: number, flexible: boolean): MessageCodec<T> {
  let byVersion = cache.get(spec);
  if (!byVersion) {
    byVersion = new Map();
    cache.set(spec, byVersion);
  }
  const k = `${version}:${flexible ? 1 : 0}`;
  let c = byVersion.get(k);
  if (!c) {
    const sp = compileStruct(spec, version, flexible);
    c = {
      flexible,
      decode: (r) => readStruct(r, sp),
      encode: (w, value) => writeStruct(w, sp, value as Obj),
    };
    byVersion.set(k, c);
  }
  return c as MessageCodec<T>;
}

export function isFlexible(api: ApiSchema, version: number): boolean {
  return api.flexible !== null && version >= api.flexible;
}

export function requestCodec<T = Obj>(api: ApiSchema, version: number): MessageCodec<T> {
  return codec<T>(api.request, version, isFlexible(api, version));
}

export function responseCodec<T = Obj>(api: ApiSchema, version: number): MessageCodec<T> {
  return codec<T>(api.response, version, isFlexible(api, version));
}

/** Skip a tagged-field section (used for request headers v2). */
export function skipTaggedFields(r: Reader): void {
  readTags(r, null, null);
}

/** Writes an empty tagged-field section. */
export function writeEmptyTags(w: Writer): void {
  w.uvarint(0);
}
