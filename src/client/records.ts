// kt's own record batch v2 encoder for the producer engine (directProducer.ts), and the
// partitioner: kafkajs stays the transport (connections, SASL, TLS, metadata), but records
// never become kafkajs message objects. kafkajs encodes ~400k records/s with an object or two
// per record; here a record is a few byte writes into one growing buffer. The decoder is
// recordDecoder.ts.
//
//   batch:  baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 (2) |
//           crc uint32 (CRC32C of attributes..end) | attributes int16 | lastOffsetDelta int32 |
//           baseTimestamp int64 | maxTimestamp int64 | producerId int64 | producerEpoch int16 |
//           baseSequence int32 | recordCount int32 | records (compressed as one block)
//   record: length varint | attributes int8 | timestampDelta varlong | offsetDelta varint |
//           key varint-bytes | value varint-bytes | headers [varint count, key varint-string,
//           value varint-bytes]
//
// Byte-for-byte equal to the broker's buildBatch and to kafkajs's encoder given the same
// header fields (test/unit/client/records.test.ts).

import { createRequire } from 'node:module';
import { compress } from '../protocol/compression.js';
import type { Header } from '../format/record.js';

import {
  ATTRIBUTES_OFFSET,
  ATTR_TRANSACTIONAL,
  BASE_SEQUENCE_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  BATCH_HEADER_SIZE,
  CRC_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  LEADER_EPOCH_OFFSET,
  LENGTH_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PRODUCER_EPOCH_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_COUNT_OFFSET,
} from '../protocol/batchLayout.js';

export { BATCH_HEADER_SIZE };
const TWO_32 = 4294967296;

// The native CRC32C loads with the first batch sealed (consumers never need it).
// CRC-32C (Castagnoli). Small batches (a record typed at a prompt, a script's one-record
// produce) are checksummed in JS: loading the native module costs more than their bytes.
const NATIVE_CRC_FROM = 4096;
let crc32cNative: ((b: Buffer) => number) | undefined;
let crcTable: Int32Array | undefined;
function crc32cJs(b: Buffer): number {
  if (!crcTable) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
      crcTable[n] = c;
    }
  }
  let crc = -1;
  for (let i = 0; i < b.length; i++) crc = crcTable[(crc ^ b[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}
export function crc32c(b: Buffer): number {
  if (b.length < NATIVE_CRC_FROM) return crc32cJs(b);
  crc32cNative ??= (createRequire(import.meta.url)('@node-rs/crc32') as { crc32c: (b: Buffer) => number }).crc32c;
  return crc32cNative(b);
}

/** A view of all of the memory `buf` lies in, when `buf` is only a part of it. */
function memoryOf(buf: Buffer): Uint8Array | undefined {
  return buf.byteLength < buf.buffer.byteLength ? new Uint8Array(buf.buffer) : undefined;
}

/** Records without headers share this (never mutated). */

// ---------------------------------------------------------------------------------------
// varints (zigzag for the signed fields, as Kafka's ByteUtils)

function uvarintSize(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

/** Size of a zigzag varint of a non-negative int32 or -1 (lengths, counts, deltas). */
function varintSize(v: number): number {
  return v < 0 ? 1 : uvarintSize(v * 2);
}

function writeUvarint(buf: Buffer, pos: number, v: number): number {
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[pos++] = v;
  return pos;
}

/** zigzag of a safe integer as a (non-negative) double. */
function zigzag64(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1;
}

function varlongSize(v: number): number {
  let z = zigzag64(v);
  let n = 1;
  while (z >= 128) {
    z = Math.floor(z / 128);
    n++;
  }
  return n;
}

function writeVarlong(buf: Buffer, pos: number, v: number): number {
  let z = zigzag64(v);
  if (z < 0x80000000) return writeUvarint(buf, pos, z);
  while (z >= 128) {
    buf[pos++] = (z % 128) | 0x80;
    z = Math.floor(z / 128);
  }
  buf[pos++] = z;
  return pos;
}

function writeInt64(buf: Buffer, pos: number, v: number): void {
  const hi = Math.floor(v / TWO_32);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(v - hi * TWO_32, pos + 4);
}


// ---------------------------------------------------------------------------------------
// Encoding

export interface BatchFields {
  /** Kafka's codec number (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd). */
  codec?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  /** -1 as Java's producer writes; the broker sets its own. */
  partitionLeaderEpoch?: number;
  baseOffset?: number;
}

/**
 * One record batch under construction. Records are appended as bytes; `seal` fills in the
 * header and CRC (uncompressed: in place, no copy). An encoder is used for one batch.
 */
export class BatchEncoder {
  private buf: Buffer;
  private pos: number;
  /** Records appended so far. */
  count = 0;
  private baseTimestamp = 0;
  private maxTimestamp = -1;
  /**
   * After sealing: the buffer the batch lies in, at `frameStart`; the bytes before it are
   * free (`headroom`), so a request can be framed around the batch without copying it.
   */
  frame: Buffer | undefined;
  frameStart = 0;
  /**
   * The whole memory `buf` is a part of (when it is a part): a value that lies in the same
   * memory (an input chunk carved from one allocation with the batch buffers, see
   * DirectProducerSession) is copied with copyWithin, which makes no object per record
   * (Buffer.copy of a slice makes a Uint8Array per call: an allocation per record).
   */
  private memory: Uint8Array | undefined;
  /** Where `buf` starts in `memory`. */
  private bufAt = 0;
  /** The last value source seen, and where it starts in `memory` (-1: elsewhere). */
  private lastSrc: Buffer | undefined;
  private srcAt = -1;

  /**
   * `headroom`: bytes kept free before the batch (see `frame`). `reuse`: a buffer to write
   * into (one from an earlier batch whose request is done), if it is large enough.
   */
  constructor(
    capacity = 16 * 1024,
    private readonly headroom = 0,
    reuse?: Buffer,
  ) {
    const size = Math.max(capacity, 256) + headroom;
    this.buf = reuse && reuse.length >= size ? reuse : Buffer.allocUnsafe(size);
    this.memory = memoryOf(this.buf);
    this.bufAt = this.buf.byteOffset;
    this.pos = headroom + BATCH_HEADER_SIZE;
  }

  private sameMemory(src: Buffer): void {
    this.lastSrc = src;
    this.srcAt = this.memory !== undefined && src.buffer === this.buf.buffer ? src.byteOffset : -1;
  }

  /** The buffer records are written into (reusable once the batch is no longer needed). */
  get buffer(): Buffer {
    return this.buf;
  }

  /** Bytes the batch has uncompressed (header included). */
  get size(): number {
    return this.pos - this.headroom;
  }

  private grow(need: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + need));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.memory = memoryOf(next);
    this.bufAt = next.byteOffset;
    this.lastSrc = undefined;
    this.srcAt = -1;
  }

  private stamp(timestamp: number): number {
    if (this.count === 0) this.baseTimestamp = timestamp;
    if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;
    return timestamp - this.baseTimestamp;
  }

  /** Appends a record whose value is `src[start, end)` (null src: null value), without headers. */
  appendValue(timestamp: number, key: Buffer | null, src: Buffer | null, start: number, end: number): void {
    const delta = this.stamp(timestamp);
    const klen = key === null ? -1 : key.length;
    const vlen = src === null ? -1 : end - start;
    const offsetDelta = this.count;
    const small = delta === 0 && offsetDelta < 64;
    const body =
      (small ? 3 : 1 + varlongSize(delta) + varintSize(offsetDelta)) +
      varintSize(klen) + (klen > 0 ? klen : 0) +
      varintSize(vlen) + (vlen > 0 ? vlen : 0) +
      1;
    if (this.pos + body + 5 > this.buf.length) this.grow(body + 5);
    const buf = this.buf;
    let p = writeUvarint(buf, this.pos, body * 2);
    buf[p++] = 0; // attributes
    if (small) {
      buf[p++] = 0;
      buf[p++] = offsetDelta * 2;
    } else {
      p = writeVarlong(buf, p, delta);
      p = writeUvarint(buf, p, offsetDelta * 2);
    }
    if (key === null) buf[p++] = 1;
    else {
      p = writeUvarint(buf, p, klen * 2);
      if (klen > 0) p += key.copy(buf, p);
    }
    if (src === null) buf[p++] = 1;
    else {
      p = writeUvarint(buf, p, vlen * 2);
      if (vlen > 0) {
        if (src !== this.lastSrc) this.sameMemory(src);
        if (this.srcAt >= 0) this.memory!.copyWithin(this.bufAt + p, this.srcAt + start, this.srcAt + end);
        else src.copy(buf, p, start, end);
        p += vlen;
      }
    }
    buf[p++] = 0; // no headers
    this.pos = p;
    this.count++;
  }

  /** Appends a record. Header keys are UTF-8 strings, values bytes or null. */
  append(timestamp: number, key: Buffer | null, value: Buffer | null, headers: readonly Header[] = []): void {
    if (headers.length === 0) {
      this.appendValue(timestamp, key, value, 0, value === null ? 0 : value.length);
      return;
    }
    const delta = this.stamp(timestamp);
    const klen = key === null ? -1 : key.length;
    const vlen = value === null ? -1 : value.length;
    const offsetDelta = this.count;
    let body =
      1 + varlongSize(delta) + varintSize(offsetDelta) +
      varintSize(klen) + (klen > 0 ? klen : 0) +
      varintSize(vlen) + (vlen > 0 ? vlen : 0) +
      varintSize(headers.length);
    const hkLens = new Array<number>(headers.length);
    for (let i = 0; i < headers.length; i++) {
      const [hk, hv] = headers[i];
      const n = Buffer.byteLength(hk, 'utf8');
      hkLens[i] = n;
      body += varintSize(n) + n + (hv === null ? 1 : varintSize(hv.length) + hv.length);
    }
    if (this.pos + body + 5 > this.buf.length) this.grow(body + 5);
    const buf = this.buf;
    let p = writeUvarint(buf, this.pos, body * 2);
    buf[p++] = 0;
    p = writeVarlong(buf, p, delta);
    p = writeUvarint(buf, p, offsetDelta * 2);
    if (key === null) buf[p++] = 1;
    else {
      p = writeUvarint(buf, p, klen * 2);
      p += key.copy(buf, p);
    }
    if (value === null) buf[p++] = 1;
    else {
      p = writeUvarint(buf, p, vlen * 2);
      p += value.copy(buf, p);
    }
    p = writeUvarint(buf, p, headers.length * 2);
    for (let i = 0; i < headers.length; i++) {
      const [hk, hv] = headers[i];
      p = writeUvarint(buf, p, hkLens[i] * 2);
      p += buf.write(hk, p, 'utf8');
      if (hv === null) buf[p++] = 1;
      else {
        p = writeUvarint(buf, p, hv.length * 2);
        p += hv.copy(buf, p);
      }
    }
    this.pos = p;
    this.count++;
  }

  private writeHeader(out: Buffer, size: number, f: BatchFields): void {
    writeInt64(out, 0, f.baseOffset ?? 0);
    out.writeInt32BE(size - LOG_OVERHEAD, LENGTH_OFFSET);
    out.writeInt32BE(f.partitionLeaderEpoch ?? -1, LEADER_EPOCH_OFFSET);
    out[MAGIC_OFFSET] = 2;
    out.writeInt16BE((f.codec ?? 0) | (f.transactional ? ATTR_TRANSACTIONAL : 0), ATTRIBUTES_OFFSET);
    out.writeInt32BE(this.count - 1, LAST_OFFSET_DELTA_OFFSET);
    writeInt64(out, BASE_TIMESTAMP_OFFSET, this.baseTimestamp);
    writeInt64(out, MAX_TIMESTAMP_OFFSET, this.maxTimestamp);
    writeInt64(out, PRODUCER_ID_OFFSET, f.producerId ?? -1);
    out.writeInt16BE(f.producerEpoch ?? -1, PRODUCER_EPOCH_OFFSET);
    out.writeInt32BE(f.baseSequence ?? -1, BASE_SEQUENCE_OFFSET);
    out.writeInt32BE(this.count, RECORD_COUNT_OFFSET);
    out.writeUInt32BE(crc32c(out.subarray(ATTRIBUTES_OFFSET, size)) >>> 0, CRC_OFFSET);
  }

  /** The finished batch, uncompressed (codec 0). */
  sealSync(fields: BatchFields = {}): Buffer {
    if ((fields.codec ?? 0) !== 0) throw new Error('sealSync: compressed batches need seal()');
    const out = this.buf.subarray(this.headroom, this.pos);
    this.writeHeader(out, out.length, fields);
    this.frame = this.buf;
    this.frameStart = this.headroom;
    return out;
  }

  /** The finished batch in its codec (compression off the main thread for large batches). */
  async seal(fields: BatchFields = {}): Promise<Buffer> {
    const codec = fields.codec ?? 0;
    if (codec === 0) return this.sealSync(fields);
    const packed = await compress(codec, this.buf.subarray(this.headroom + BATCH_HEADER_SIZE, this.pos));
    const whole = Buffer.allocUnsafe(this.headroom + BATCH_HEADER_SIZE + packed.length);
    const out = whole.subarray(this.headroom);
    packed.copy(out, BATCH_HEADER_SIZE);
    this.writeHeader(out, out.length, fields);
    this.frame = whole;
    this.frameStart = this.headroom;
    return out;
  }
}

// ---------------------------------------------------------------------------------------
// Partitioning: Kafka's murmur2 (Java's Utils.murmur2, as kafkajs's default partitioner)

export function murmur2(data: Buffer): number {
  const length = data.length;
  const m = 0x5bd1e995;
  let h = (0x9747b28c ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = (data[i4] & 0xff) | ((data[i4 + 1] & 0xff) << 8) | ((data[i4 + 2] & 0xff) << 16) | ((data[i4 + 3] & 0xff) << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const rest = length & 3;
  const base = length & ~3;
  if (rest === 3) h ^= (data[base + 2] & 0xff) << 16;
  if (rest >= 2) h ^= (data[base + 1] & 0xff) << 8;
  if (rest >= 1) {
    h ^= data[base] & 0xff;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition of a keyed record, as Kafka's (and kafkajs's) default partitioner. */
export function partitionForKey(key: Buffer, partitions: number): number {
  return (murmur2(key) & 0x7fffffff) % partitions;
}
