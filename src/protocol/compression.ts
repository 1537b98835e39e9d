// Kafka's record-batch codecs (attributes bits 0-2), shared by the broker (which reads
// records only for compaction and ListOffsets-by-timestamp; it stores and serves batches as
// received) and by kt's kafkajs codec plug-ins (src/client/compression.ts).
//
// Framings, as Kafka's Java client and librdkafka write them:
//   gzip   — a gzip member (node:zlib).
//   snappy — xerial "snappy-java" stream framing: 16-byte header (magic 82 'SNAPPY' 00,
//            version 1, compatible version 1), then blocks of [int32 length][raw snappy] of
//            at most 32 KiB input each. Written that way here (Java and kafka-python do the
//            same); on read a stream without the header is one raw snappy block, which is
//            what librdkafka writes.
//   lz4    — the LZ4 *frame* format (magic 04 22 4D 18), independent blocks. (The broken
//            header checksum of Kafka < 0.10 concerns magic 0/1 message sets only.)
//   zstd   — a standard zstd frame (with or without the content size).
//
// Decompression is bounded: every call takes a limit (at most MAX_DECOMPRESSED_BYTES), and
// nothing past it is ever allocated (see "Bounded decompression" below). Produce refuses a
// batch decompressing past its topic's limit (decompressedLimit) with MESSAGE_TOO_LARGE.
//
// The native packages (snappy, lz4-napi, @toondepauw/node-zstd: all napi-rs, prebuilt per
// platform and installed from the npm registry, no install scripts) are loaded on first use of
// their codec only, so neither the broker's start nor `kt --help` pays for them. zstd-napi is
// faster (about 2x) but compiles libzstd with node-gyp whenever its prebuilt download from
// GitHub is out of reach (+25-30 s on every clean `npm ci` here, and a C toolchain); at
// several hundred MB/s either is far above kafkajs's own record encoding, so install wins.
// Measure with `node dist/test/interop/bench-codecs.js`.

import { createRequire } from 'node:module';
import { gunzipSync, gzipSync, gunzip, gzip } from 'node:zlib';
import { promisify } from 'node:util';

export const CODEC_NONE = 0;
export const CODEC_GZIP = 1;
export const CODEC_SNAPPY = 2;
export const CODEC_LZ4 = 3;
export const CODEC_ZSTD = 4;
export const CODEC_MASK = 0x07;

export const CODEC_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type CodecName = (typeof CODEC_NAMES)[number];

/**
 * The hard cap on a decompressed batch, whatever the topic: what the broker reads of a stored
 * batch (compaction, ListOffsets by timestamp, transaction markers) and what kt's consumers
 * decompress of a fetched one (src/client/compression.ts). Every codec stops as soon as its
 * output would pass the limit it is given (see "Bounded decompression" below).
 */
export const MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;
/** A topic's limit is this many times its max.message.bytes ... */
export const DECOMPRESSED_LIMIT_FACTOR = 64;
/** ... but never below this (a tiny max.message.bytes still takes ordinary batches) ... */
export const MIN_DECOMPRESSED_LIMIT = 1024 * 1024;

/**
 * The largest decompressed size a Produce may bring in one batch of a topic with this
 * max.message.bytes: 64 times it (64 MiB at Kafka's default of 1 MiB), at least 1 MiB and at
 * most MAX_DECOMPRESSED_BYTES (256 MiB). A larger batch gets MESSAGE_TOO_LARGE.
 */
export function decompressedLimit(maxMessageBytes: number): number {
  return Math.min(MAX_DECOMPRESSED_BYTES, Math.max(MIN_DECOMPRESSED_LIMIT, DECOMPRESSED_LIMIT_FACTOR * maxMessageBytes));
}

/** Decompressed data would pass the limit: nothing past the limit was produced. */
export class DecompressedSizeError extends Error {
  constructor(
    readonly codec: number,
    readonly limit: number,
    detail = '',
  ) {
    super(`${codecName(codec)} data decompresses to more than the limit of ${limit} bytes${detail ? ` (${detail})` : ''}`);
    this.name = 'DecompressedSizeError';
  }
}

/** Compressed data whose framing is broken (so its size cannot be bounded: it is not read). */
export class CorruptCompressedDataError extends Error {
  constructor(codec: number, detail: string) {
    super(`${codecName(codec)}: ${detail}`);
    this.name = 'CorruptCompressedDataError';
  }
}

export function codecName(codec: number): string {
  return CODEC_NAMES[codec] ?? `unknown codec ${codec}`;
}

export function codecOf(name: string): number {
  const i = (CODEC_NAMES as readonly string[]).indexOf(name);
  if (i < 0) throw new Error(`unknown compression codec '${name}'`);
  return i;
}

/** A codec whose native package is missing or does not load on this platform. */
export class CodecUnavailableError extends Error {
  constructor(
    readonly codec: number,
    readonly packageName: string,
    cause: unknown,
  ) {
    const why = ((cause as Error)?.message ?? String(cause)).split('\n')[0];
    super(`${codecName(codec)} compression is not available: the package '${packageName}' did not load (${why})`);
    this.name = 'CodecUnavailableError';
  }
}

// ---------------------------------------------------------------------------------------
// Lazy loading of the native packages.

interface SnappyModule {
  compressSync(input: Uint8Array, opts?: { copyOutputData?: boolean }): Buffer;
  uncompressSync(input: Uint8Array, opts?: { asBuffer?: boolean; copyOutputData?: boolean }): Buffer | string;
}
interface Lz4Module {
  compressFrameSync(data: Buffer): Buffer;
  compressFrame(data: Uint8Array): Promise<Buffer>;
  decompressFrameSync(data: Buffer): Buffer;
  decompressFrame(data: Uint8Array): Promise<Buffer>;
}
interface ZstdModule {
  Encoder: new (level: number) => { encode(data: Buffer): Promise<Buffer>; encodeSync(data: Buffer): Buffer };
  Decoder: new () => { decode(data: Buffer): Promise<Buffer>; decodeSync(data: Buffer): Buffer };
}

const require = createRequire(import.meta.url);
const loaded = new Map<string, unknown>();
/** Which packages have been loaded (start-up tests check that none is, until needed). */
export function loadedCodecPackages(): string[] {
  return [...loaded.keys()];
}

function load<T>(codec: number, name: string): T {
  let m = loaded.get(name);
  if (m === undefined) {
    try {
      m = require(name);
    } catch (err) {
      throw new CodecUnavailableError(codec, name, err);
    }
    loaded.set(name, m);
  }
  return m as T;
}

/** The npm package behind each native codec (gzip is node:zlib). */
export const CODEC_PACKAGES: Record<number, string> = {
  [CODEC_SNAPPY]: 'snappy',
  [CODEC_LZ4]: 'lz4-napi',
  [CODEC_ZSTD]: '@toondepauw/node-zstd',
};

const snappy = (): SnappyModule => load<SnappyModule>(CODEC_SNAPPY, CODEC_PACKAGES[CODEC_SNAPPY] as string);
const lz4 = (): Lz4Module => load<Lz4Module>(CODEC_LZ4, CODEC_PACKAGES[CODEC_LZ4] as string);

/** The zstd level Kafka uses by default (compression.zstd.level). */
const ZSTD_LEVEL = 3;
let zstdCoders: { enc: InstanceType<ZstdModule['Encoder']>; dec: InstanceType<ZstdModule['Decoder']> } | undefined;
function zstd(): NonNullable<typeof zstdCoders> {
  if (!zstdCoders) {
    const m = load<ZstdModule>(CODEC_ZSTD, CODEC_PACKAGES[CODEC_ZSTD] as string);
    zstdCoders = { enc: new m.Encoder(ZSTD_LEVEL), dec: new m.Decoder() };
  }
  return zstdCoders;
}

/** Whether the codec can be used here (loads its package). */
export function codecAvailable(codec: number): boolean {
  try {
    if (codec === CODEC_SNAPPY) snappy();
    else if (codec === CODEC_LZ4) lz4();
    else if (codec === CODEC_ZSTD) zstd();
    else return codec === CODEC_NONE || codec === CODEC_GZIP;
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------
// snappy, xerial framing

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
/** snappy-java's default block size (and kafka-python's). */
const XERIAL_BLOCK_SIZE = 32 * 1024;

export function isXerial(data: Buffer): boolean {
  return data.length >= XERIAL_HEADER_SIZE && data.subarray(0, 8).equals(XERIAL_MAGIC);
}

function snappyBlock(data: Buffer): Buffer {
  // copyOutputData: a copied result is 3-5x faster here than napi-rs's external buffers
  return snappy().compressSync(data, { copyOutputData: true });
}

function snappyUnblock(data: Buffer): Buffer {
  return snappy().uncompressSync(data, { asBuffer: true, copyOutputData: true }) as Buffer;
}

export function snappyXerialCompress(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(1, 8); // version
  header.writeInt32BE(1, 12); // minimum compatible version
  parts.push(header);
  for (let pos = 0; pos < data.length; pos += XERIAL_BLOCK_SIZE) {
    const block = snappyBlock(data.subarray(pos, Math.min(pos + XERIAL_BLOCK_SIZE, data.length)));
    const len = Buffer.allocUnsafe(4);
    len.writeInt32BE(block.length, 0);
    parts.push(len, block);
  }
  return Buffer.concat(parts);
}

/** Decompresses xerial-framed or raw snappy; unbounded: call snappySize first. */
function snappyDecompress(data: Buffer): Buffer {
  if (!isXerial(data)) return snappyUnblock(data);
  const parts: Buffer[] = [];
  let total = 0;
  let pos = XERIAL_HEADER_SIZE;
  while (pos < data.length) {
    if (pos + 4 > data.length) throw new Error('snappy: truncated xerial block length');
    const len = data.readInt32BE(pos);
    pos += 4;
    if (len < 0 || pos + len > data.length) throw new Error('snappy: xerial block extends past the data');
    const block = snappyUnblock(data.subarray(pos, pos + len));
    total += block.length;
    parts.push(block);
    pos += len;
  }
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, total);
}

// ---------------------------------------------------------------------------------------
// Bounded decompression.
//
// A batch's decompressed size is known, or bounded from above, before anything is
// decompressed, from the framing alone (no native package needed):
//   snappy — a raw block starts with its exact length (a varint); xerial blocks are summed.
//   lz4    — the frame's blocks are walked; a compressed block's size is the sum of its
//            literal and match lengths (read from the sequence tokens, nothing is copied), an
//            uncompressed block's is its length. Exact.
//   zstd   — the frame's blocks are walked: a raw or RLE block states its size, a compressed
//            one counts as 128 KiB (the most a block may hold; real encoders fill blocks, so
//            only the last is partial). A declared content size above the limit refuses the
//            frame too. An upper bound: the native decoder cannot produce more.
//   gzip   — nothing tells the size: zlib inflates in 16 KiB steps and stops once the output
//            passes the limit (maxOutputLength), so at most the limit is ever held.
// The walk stops at the first block past the limit, so a 1 GiB bomb costs a few thousand
// header reads. Framing that does not parse is CorruptCompressedDataError: its size cannot be
// bounded, so it is never handed to a decoder.

function corrupt(codec: number, detail: string): CorruptCompressedDataError {
  return new CorruptCompressedDataError(codec, detail);
}

/** Skippable frames (LZ4 and zstd share them): magic 0x184D2A50..5F, int32 LE size, data. */
function isSkippable(magic: number): boolean {
  return (magic & 0xfffffff0) >>> 0 === 0x184d2a50;
}

/**
 * Walks LZ4 or zstd data frame by frame, stepping over skippable frames: `frame(p)` reads the
 * frame at `p` (its magic `magic` checked, `name` naming it in the error) and returns where
 * the next one starts.
 */
function walkFrames(codec: number, data: Buffer, magic: number, name: string, frame: (p: number) => number): void {
  const len = data.length;
  if (len === 0) throw corrupt(codec, 'no frame');
  for (let p = 0; p < len;) {
    if (p + 4 > len) throw corrupt(codec, 'truncated frame magic');
    const m = data.readUInt32LE(p);
    if (isSkippable(m)) {
      if (p + 8 > len) throw corrupt(codec, 'truncated skippable frame');
      p += 8 + data.readUInt32LE(p + 4);
      if (p > len) throw corrupt(codec, 'skippable frame extends past the data');
      continue;
    }
    if (m !== magic) throw corrupt(codec, `not ${name} frame`);
    p = frame(p);
  }
}

function snappyRawLength(data: Buffer, start: number, end: number): number {
  let n = 0;
  for (let p = start, shift = 0; ; shift += 7) {
    if (p >= end || shift > 28) throw corrupt(CODEC_SNAPPY, 'bad block length');
    const b = data[p++] as number;
    n += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return n;
  }
}

/** The exact decompressed size of xerial or raw snappy data; throws past `limit`. */
export function snappySize(data: Buffer, limit: number): number {
  if (!isXerial(data)) {
    const n = snappyRawLength(data, 0, data.length);
    if (n > limit) throw new DecompressedSizeError(CODEC_SNAPPY, limit, `its block declares ${n} bytes`);
    return n;
  }
  let total = 0;
  for (let pos = XERIAL_HEADER_SIZE; pos < data.length;) {
    if (pos + 4 > data.length) throw corrupt(CODEC_SNAPPY, 'truncated xerial block length');
    const len = data.readInt32BE(pos);
    pos += 4;
    if (len < 0 || pos + len > data.length) throw corrupt(CODEC_SNAPPY, 'xerial block extends past the data');
    total += snappyRawLength(data, pos, pos + len);
    if (total > limit) throw new DecompressedSizeError(CODEC_SNAPPY, limit, `its blocks declare ${total} bytes so far`);
    pos += len;
  }
  return total;
}

const LZ4_MAGIC = 0x184d2204;

/** Output bytes of one compressed LZ4 block (its sequences' literal and match lengths). */
function lz4BlockSize(d: Buffer, start: number, end: number, max: number): number {
  let out = 0;
  let p = start;
  for (;;) {
    if (p >= end) throw corrupt(CODEC_LZ4, 'truncated block');
    const token = d[p++] as number;
    let lit = token >> 4;
    if (lit === 15) {
      let b: number;
      do {
        if (p >= end) throw corrupt(CODEC_LZ4, 'truncated literal length');
        b = d[p++] as number;
        lit += b;
      } while (b === 255);
    }
    p += lit;
    out += lit;
    if (p >= end) {
      // the last sequence is literals only
      if (p > end) throw corrupt(CODEC_LZ4, 'literals past the end of the block');
      break;
    }
    if (p + 2 > end) throw corrupt(CODEC_LZ4, 'truncated match offset');
    if (d[p] === 0 && d[p + 1] === 0) throw corrupt(CODEC_LZ4, 'match offset 0');
    p += 2;
    let match = token & 15;
    if (match === 15) {
      let b: number;
      do {
        if (p >= end) throw corrupt(CODEC_LZ4, 'truncated match length');
        b = d[p++] as number;
        match += b;
      } while (b === 255);
    }
    out += match + 4;
    if (out > max) throw corrupt(CODEC_LZ4, `block decompresses past its frame's block size of ${max} bytes`);
  }
  if (out > max) throw corrupt(CODEC_LZ4, `block decompresses past its frame's block size of ${max} bytes`);
  return out;
}

/** The exact decompressed size of LZ4 frames; throws past `limit`. */
export function lz4Size(data: Buffer, limit: number): number {
  const len = data.length;
  let total = 0;
  walkFrames(CODEC_LZ4, data, LZ4_MAGIC, 'an LZ4', (p) => {
    if (p + 7 > len) throw corrupt(CODEC_LZ4, 'truncated frame header');
    const flg = data[p + 4] as number;
    const bd = data[p + 5] as number;
    if (flg >> 6 !== 1) throw corrupt(CODEC_LZ4, `frame version ${flg >> 6}`);
    const blockChecksums = (flg >> 4) & 1;
    const contentChecksum = (flg >> 2) & 1;
    const blockSizeId = (bd >> 4) & 7;
    if (blockSizeId < 4) throw corrupt(CODEC_LZ4, `block size id ${blockSizeId}`);
    const blockMax = 2 ** (8 + 2 * blockSizeId); // 64 KiB, 256 KiB, 1 MiB, 4 MiB
    p += 6 + ((flg >> 3) & 1 ? 8 : 0) + (flg & 1 ? 4 : 0) + 1; // content size, dictionary id, header checksum
    for (;;) {
      if (p + 4 > len) throw corrupt(CODEC_LZ4, 'truncated block size');
      const word = data.readUInt32LE(p);
      p += 4;
      if (word === 0) break; // end mark
      const size = word & 0x7fffffff;
      if (size > blockMax) throw corrupt(CODEC_LZ4, `block of ${size} bytes in a frame of ${blockMax}-byte blocks`);
      if (p + size > len) throw corrupt(CODEC_LZ4, 'block extends past the data');
      total += word >>> 31 ? size : lz4BlockSize(data, p, p + size, blockMax);
      if (total > limit) throw new DecompressedSizeError(CODEC_LZ4, limit, `${total} bytes so far`);
      p += size + (blockChecksums ? 4 : 0);
    }
    p += contentChecksum ? 4 : 0;
    if (p > len) throw corrupt(CODEC_LZ4, 'truncated frame checksum');
    return p;
  });
  return total;
}

const ZSTD_MAGIC = 0xfd2fb528;
/** The most one zstd block decompresses to (Block_Maximum_Size, RFC 8878). */
const ZSTD_BLOCK_MAX = 128 * 1024;

/**
 * An upper bound of the decompressed size of zstd frames (exact without compressed blocks);
 * throws past `limit`, or when a frame declares a content size past it.
 */
export function zstdSizeBound(data: Buffer, limit: number): number {
  const len = data.length;
  let total = 0;
  walkFrames(CODEC_ZSTD, data, ZSTD_MAGIC, 'a zstd', (p) => {
    if (p + 5 > len) throw corrupt(CODEC_ZSTD, 'truncated frame header');
    // Frame header: magic (4) | FHD (1) | [window descriptor] | [dict id] | [content size]
    const fhd = data[p + 4] as number;
    if (fhd & 0x08) throw corrupt(CODEC_ZSTD, 'reserved frame header bit set');
    const singleSegment = (fhd >> 5) & 1;
    p += 5 + (singleSegment ? 0 : 1) + ([0, 1, 2, 4][fhd & 3] as number);
    const fcsSize = [singleSegment ? 1 : 0, 2, 4, 8][fhd >> 6] as number;
    if (p + fcsSize > len) throw corrupt(CODEC_ZSTD, 'truncated frame header');
    if (fcsSize > 0) {
      let size: number;
      if (fcsSize === 1) size = data[p] as number;
      else if (fcsSize === 2) size = data.readUInt16LE(p) + 256;
      else if (fcsSize === 4) size = data.readUInt32LE(p);
      else size = Number(data.readBigUInt64LE(p));
      if (size > limit) throw new DecompressedSizeError(CODEC_ZSTD, limit, `a frame declares ${size} bytes`);
    }
    p += fcsSize;
    for (;;) {
      if (p + 3 > len) throw corrupt(CODEC_ZSTD, 'truncated block header');
      const header = (data[p] as number) | ((data[p + 1] as number) << 8) | ((data[p + 2] as number) << 16);
      p += 3;
      const type = (header >> 1) & 3;
      const size = header >>> 3;
      if (type === 3) throw corrupt(CODEC_ZSTD, 'reserved block type');
      if (size > ZSTD_BLOCK_MAX) throw corrupt(CODEC_ZSTD, `block of ${size} bytes`);
      if (type === 0) {
        total += size; // raw
        p += size;
      } else if (type === 1) {
        total += size; // RLE: one byte, repeated size times
        p += 1;
      } else {
        total += ZSTD_BLOCK_MAX; // compressed: at most a full block
        p += size;
      }
      if (p > len) throw corrupt(CODEC_ZSTD, 'block extends past the data');
      if (total > limit) throw new DecompressedSizeError(CODEC_ZSTD, limit, `its blocks may hold ${total} bytes so far`);
      if (header & 1) break; // last block
    }
    if (fhd & 0x04) p += 4; // content checksum
    if (p > len) throw corrupt(CODEC_ZSTD, 'truncated content checksum');
    return p;
  });
  return total;
}

function gunzipBounded(data: Buffer, limit: number): Buffer {
  try {
    return gunzipSync(data, { maxOutputLength: limit });
  } catch (err) {
    throw gzipError(err, limit);
  }
}

function gzipError(err: unknown, limit: number): Error {
  if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return new DecompressedSizeError(CODEC_GZIP, limit, 'inflating stopped there');
  return corrupt(CODEC_GZIP, (err as Error).message);
}

/**
 * Checks that a batch's records section decompresses to at most `limit` bytes, without
 * keeping the output (gzip inflates it, bounded; the other codecs read only their framing).
 * Returns the size, or for zstd with compressed blocks an upper bound of it. Throws a
 * DecompressedSizeError past the limit, a CorruptCompressedDataError when the data is not
 * in its codec's format.
 */
export function checkDecompressedSize(codec: number, data: Buffer, limit: number): number {
  switch (codec) {
    case CODEC_NONE:
      return data.length;
    case CODEC_GZIP:
      return gunzipBounded(data, limit).length;
    case CODEC_SNAPPY:
      return snappySize(data, limit);
    case CODEC_LZ4:
      return lz4Size(data, limit);
    case CODEC_ZSTD:
      return zstdSizeBound(data, limit);
    default:
      return fail(codec);
  }
}

// ---------------------------------------------------------------------------------------
// The codecs, synchronous (the broker; small batches) and asynchronous (kafkajs).

/** Below this size the synchronous native calls are faster than a thread-pool round trip. */
const ASYNC_THRESHOLD = 64 * 1024;

function fail(codec: number): never {
  throw new Error(`unknown compression codec ${codec}`);
}

/**
 * Decompresses a batch's records section, never producing more than `limit` bytes (the size
 * is checked first, gzip as it inflates): a DecompressedSizeError past it.
 */
export function decompressSync(codec: number, data: Buffer, limit = MAX_DECOMPRESSED_BYTES): Buffer {
  switch (codec) {
    case CODEC_NONE:
      return data;
    case CODEC_GZIP:
      return gunzipBounded(data, limit);
    case CODEC_SNAPPY:
      snappySize(data, limit);
      return snappyDecompress(data);
    case CODEC_LZ4:
      lz4Size(data, limit);
      return lz4().decompressFrameSync(data);
    case CODEC_ZSTD:
      zstdSizeBound(data, limit);
      return zstd().dec.decodeSync(data);
    default:
      return fail(codec);
  }
}

/** Compresses a batch's records section in the framing Kafka's clients write. */
export function compressSync(codec: number, data: Buffer): Buffer {
  switch (codec) {
    case CODEC_NONE:
      return data;
    case CODEC_GZIP:
      return gzipSync(data);
    case CODEC_SNAPPY:
      return snappyXerialCompress(data);
    case CODEC_LZ4:
      return lz4().compressFrameSync(data);
    case CODEC_ZSTD:
      return zstd().enc.encodeSync(data);
    default:
      return fail(codec);
  }
}

// made on first use: taking zlib's functions here would load zlib in every kt call (the CLI's
// bundle loads node: built-ins on first use, src/dev/bundle.ts)
let gzipP: ((data: Buffer) => Promise<Buffer>) | undefined;
let gunzipP: ((data: Buffer, o: { maxOutputLength: number }) => Promise<Buffer>) | undefined;
const gzipAsync = (data: Buffer): Promise<Buffer> => (gzipP ??= promisify(gzip))(data);
const gunzipAsync = (data: Buffer, o: { maxOutputLength: number }): Promise<Buffer> => (gunzipP ??= promisify(gunzip) as typeof gunzipP & object)(data, o);

/** As decompressSync (same bound), off the main thread where that is faster. */
export async function decompress(codec: number, data: Buffer, limit = MAX_DECOMPRESSED_BYTES): Promise<Buffer> {
  if (data.length >= ASYNC_THRESHOLD) {
    if (codec === CODEC_GZIP) {
      try {
        return await gunzipAsync(data, { maxOutputLength: limit });
      } catch (err) {
        throw gzipError(err, limit);
      }
    }
    if (codec === CODEC_LZ4) {
      lz4Size(data, limit);
      return lz4().decompressFrame(data);
    }
    if (codec === CODEC_ZSTD) {
      zstdSizeBound(data, limit);
      return zstd().dec.decode(data);
    }
  }
  return decompressSync(codec, data, limit);
}

/** As compressSync, off the main thread where that is faster. */
export async function compress(codec: number, data: Buffer): Promise<Buffer> {
  if (data.length >= ASYNC_THRESHOLD) {
    if (codec === CODEC_GZIP) return gzipAsync(data);
    if (codec === CODEC_LZ4) return lz4().compressFrame(data);
    if (codec === CODEC_ZSTD) return zstd().enc.encode(data);
  }
  return compressSync(codec, data);
}
