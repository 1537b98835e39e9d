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
 * The largest decompressed batch the broker accepts to read (a zstd or gzip "bomb" must not
 * take the broker's memory). Far above any real batch: Kafka's message.max.bytes is 1 MiB.
 */
export const MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;

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

export function snappyDecompress(data: Buffer): Buffer {
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
    if (total > MAX_DECOMPRESSED_BYTES) throw new Error('snappy: decompressed batch too large');
    parts.push(block);
    pos += len;
  }
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, total);
}

// ---------------------------------------------------------------------------------------
// zstd: refuse frames declaring an absurd size before allocating it

function checkZstdDeclaredSize(data: Buffer): void {
  // Frame header: magic (4) | FHD (1) | [window descriptor] | [dict id] | [content size]
  if (data.length < 6 || data.readUInt32LE(0) !== 0xfd2fb528) return;
  const fhd = data[4] as number;
  const fcsFlag = fhd >> 6;
  const singleSegment = (fhd >> 5) & 1;
  const dictFlag = fhd & 3;
  const pos = 5 + (singleSegment ? 0 : 1) + [0, 1, 2, 4][dictFlag]!;
  const fcsSize = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag]!;
  if (fcsSize === 0 || pos + fcsSize > data.length) return;
  let size: number;
  if (fcsSize === 1) size = data[pos] as number;
  else if (fcsSize === 2) size = data.readUInt16LE(pos) + 256;
  else if (fcsSize === 4) size = data.readUInt32LE(pos);
  else size = Number(data.readBigUInt64LE(pos));
  if (size > MAX_DECOMPRESSED_BYTES) throw new Error(`zstd: frame declares ${size} bytes, above the ${MAX_DECOMPRESSED_BYTES}-byte limit`);
}

// ---------------------------------------------------------------------------------------
// The codecs, synchronous (the broker; small batches) and asynchronous (kafkajs).

/** Below this size the synchronous native calls are faster than a thread-pool round trip. */
const ASYNC_THRESHOLD = 64 * 1024;

function fail(codec: number): never {
  throw new Error(`unknown compression codec ${codec}`);
}

/** Decompresses a batch's records section. */
export function decompressSync(codec: number, data: Buffer): Buffer {
  switch (codec) {
    case CODEC_NONE:
      return data;
    case CODEC_GZIP:
      return gunzipSync(data, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
    case CODEC_SNAPPY:
      return snappyDecompress(data);
    case CODEC_LZ4:
      return lz4().decompressFrameSync(data);
    case CODEC_ZSTD:
      checkZstdDeclaredSize(data);
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

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** As decompressSync, off the main thread where that is faster. */
export async function decompress(codec: number, data: Buffer): Promise<Buffer> {
  if (data.length >= ASYNC_THRESHOLD) {
    if (codec === CODEC_GZIP) return gunzipAsync(data, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
    if (codec === CODEC_LZ4) return lz4().decompressFrame(data);
    if (codec === CODEC_ZSTD) {
      checkZstdDeclaredSize(data);
      return zstd().dec.decode(data);
    }
  }
  return decompressSync(codec, data);
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
