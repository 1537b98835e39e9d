// Record batch v2 (magic 2), as stored and served by the broker byte for byte.
//
//   baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 |
//   crc uint32 | attributes int16 | lastOffsetDelta int32 | baseTimestamp int64 |
//   maxTimestamp int64 | producerId int64 | producerEpoch int16 | baseSequence int32 |
//   records: [count int32, record...]
//
// The CRC32C covers attributes..end, so the broker may rewrite baseOffset and
// partitionLeaderEpoch in place without touching it. Compressed batches keep their header
// uncompressed: the broker never needs to decompress to store or serve a batch (only to
// read records: compaction, ListOffsets by timestamp; codecs in compression.ts). Produce
// checks each compressed batch's decompressed size against its topic's limit, without
// decompressing where the framing tells (partitionLog.ts, compression.ts).

import { crc32c } from '@node-rs/crc32';
import { Reader, Writer } from './bytes.js';
import { MAX_DECOMPRESSED_BYTES, compressSync, decompressSync } from './compression.js';

import {
  ATTRIBUTES_OFFSET,
  ATTR_CODEC_MASK,
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
} from './batchLayout.js';

export {
  ATTR_CONTROL,
  ATTR_TIMESTAMP_LOG_APPEND,
  ATTR_TRANSACTIONAL,
  BATCH_HEADER_SIZE,
  CRC_OFFSET,
  LOG_OVERHEAD,
  RECORD_COUNT_OFFSET,
} from './batchLayout.js';

export const enum Codec {
  None = 0,
  Gzip = 1,
  Snappy = 2,
  Lz4 = 3,
  Zstd = 4,
}


export interface BatchHeader {
  baseOffset: number;
  /** Total bytes of the batch including the 12-byte log overhead. */
  size: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

export function readBatchHeader(buf: Buffer, pos = 0): BatchHeader {
  return {
    baseOffset: Number(buf.readBigInt64BE(pos)),
    size: buf.readInt32BE(pos + LENGTH_OFFSET) + LOG_OVERHEAD,
    partitionLeaderEpoch: buf.readInt32BE(pos + LEADER_EPOCH_OFFSET),
    magic: buf.readInt8(pos + MAGIC_OFFSET),
    crc: buf.readUInt32BE(pos + CRC_OFFSET),
    attributes: buf.readInt16BE(pos + ATTRIBUTES_OFFSET),
    lastOffsetDelta: buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET),
    baseTimestamp: Number(buf.readBigInt64BE(pos + BASE_TIMESTAMP_OFFSET)),
    maxTimestamp: Number(buf.readBigInt64BE(pos + MAX_TIMESTAMP_OFFSET)),
    producerId: Number(buf.readBigInt64BE(pos + PRODUCER_ID_OFFSET)),
    producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH_OFFSET),
    baseSequence: buf.readInt32BE(pos + BASE_SEQUENCE_OFFSET),
    recordCount: buf.readInt32BE(pos + RECORD_COUNT_OFFSET),
  };
}

/** The CRC32C the batch at `pos` (of `size` bytes) should carry. */
export function computeCrc(buf: Buffer, pos: number, size: number): number {
  return crc32c(buf.subarray(pos + ATTRIBUTES_OFFSET, pos + size)) >>> 0;
}

export function setBaseOffset(buf: Buffer, pos: number, offset: number): void {
  buf.writeBigInt64BE(BigInt(offset), pos);
}

export function setPartitionLeaderEpoch(buf: Buffer, pos: number, epoch: number): void {
  buf.writeInt32BE(epoch, pos + LEADER_EPOCH_OFFSET);
}

export interface BatchProblem {
  reason: string;
}

/**
 * Why the batch at `pos` is not a valid magic-2 batch fitting in `end`, or null when it is.
 * Checks the length, the magic byte and the CRC32C.
 */
export function checkBatch(buf: Buffer, pos: number, end = buf.length): string | null {
  if (end - pos < BATCH_HEADER_SIZE) return 'short batch header';
  const size = buf.readInt32BE(pos + LENGTH_OFFSET) + LOG_OVERHEAD;
  if (size < BATCH_HEADER_SIZE) return `batch length ${size} below the header size`;
  if (pos + size > end) return 'batch extends past the end of the data';
  const magic = buf.readInt8(pos + MAGIC_OFFSET);
  if (magic !== 2) return `unsupported magic ${magic} (only record batch v2 is supported)`;
  if (computeCrc(buf, pos, size) !== buf.readUInt32BE(pos + CRC_OFFSET)) return 'CRC32C mismatch';
  return null;
}

/** Yields [position, header] for each complete batch in `buf`. Stops at the first incomplete one. */
export function* batchesIn(buf: Buffer, start = 0, end = buf.length): Generator<[number, BatchHeader]> {
  let pos = start;
  while (end - pos >= BATCH_HEADER_SIZE) {
    const size = buf.readInt32BE(pos + LENGTH_OFFSET) + LOG_OVERHEAD;
    if (size < BATCH_HEADER_SIZE || pos + size > end) return;
    yield [pos, readBatchHeader(buf, pos)];
    pos += size;
  }
}

// ---------------------------------------------------------------------------------------
// Records: building and reading batches. The broker itself only needs this for control
// batches, compaction and tests; clients (kafkajs) have their own.

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface Record {
  offset?: number;
  timestamp?: number;
  key: Buffer | null;
  value: Buffer | null;
  headers?: RecordHeader[];
}

export interface BuildBatchOptions {
  baseOffset?: number;
  baseTimestamp?: number;
  codec?: Codec;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  attributes?: number;
  partitionLeaderEpoch?: number;
}

function encodeRecords(records: Record[], baseTimestamp: number): Buffer {
  const w = new Writer(records.length * 64 + 64);
  records.forEach((r, i) => {
    const body = new Writer(64);
    body.int8(0);
    body.varlong((r.timestamp ?? baseTimestamp) - baseTimestamp);
    body.varint(i);
    if (r.key === null) body.varint(-1);
    else body.varint(r.key.length).raw(r.key);
    if (r.value === null) body.varint(-1);
    else body.varint(r.value.length).raw(r.value);
    const headers = r.headers ?? [];
    body.varint(headers.length);
    for (const h of headers) {
      const k = Buffer.from(h.key);
      body.varint(k.length).raw(k);
      if (h.value === null) body.varint(-1);
      else body.varint(h.value.length).raw(h.value);
    }
    const b = body.toBuffer();
    w.varint(b.length).raw(b);
  });
  return w.toBuffer();
}

/** Builds one record batch v2, in any codec. */
export function buildBatch(records: Record[], opts: BuildBatchOptions = {}): Buffer {
  const now = Date.now();
  const baseTimestamp = opts.baseTimestamp ?? records[0]?.timestamp ?? now;
  let maxTimestamp = baseTimestamp;
  for (const r of records) maxTimestamp = Math.max(maxTimestamp, r.timestamp ?? baseTimestamp);
  const codec = opts.codec ?? Codec.None;
  const payload = compressSync(codec, encodeRecords(records, baseTimestamp));
  const w = new Writer(BATCH_HEADER_SIZE + payload.length);
  w.int64(opts.baseOffset ?? 0);
  w.int32(BATCH_HEADER_SIZE - LOG_OVERHEAD + payload.length);
  w.int32(opts.partitionLeaderEpoch ?? 0);
  w.int8(2);
  w.uint32(0); // crc, filled below
  w.int16((opts.attributes ?? 0) | codec);
  w.int32(Math.max(records.length - 1, 0));
  w.int64(baseTimestamp);
  w.int64(maxTimestamp);
  w.int64(opts.producerId ?? -1);
  w.int16(opts.producerEpoch ?? -1);
  w.int32(opts.baseSequence ?? -1);
  w.int32(records.length);
  w.raw(payload);
  const buf = Buffer.from(w.toBuffer());
  buf.writeUInt32BE(computeCrc(buf, 0, buf.length), CRC_OFFSET);
  return buf;
}

/**
 * Reads the records of one batch, in any codec. Throws when the data does not decompress, a
 * DecompressedSizeError when it would decompress past `limit` (nothing past it is allocated),
 * or a CodecUnavailableError when the codec's package does not load here.
 */
export function readRecords(batch: Buffer, pos = 0, limit = MAX_DECOMPRESSED_BYTES): Record[] {
  const h = readBatchHeader(batch, pos);
  const codec = h.attributes & ATTR_CODEC_MASK;
  const data = decompressSync(codec, batch.subarray(pos + BATCH_HEADER_SIZE, pos + h.size), limit);
  const r = new Reader(data);
  const out: Record[] = [];
  for (let i = 0; i < h.recordCount; i++) {
    const len = r.varint();
    const end = r.pos + len;
    r.int8();
    const timestamp = h.baseTimestamp + r.varlong();
    const offset = h.baseOffset + r.varint();
    const kl = r.varint();
    const key = kl < 0 ? null : Buffer.from(r.raw(kl));
    const vl = r.varint();
    const value = vl < 0 ? null : Buffer.from(r.raw(vl));
    const hc = r.varint();
    const headers: RecordHeader[] = [];
    for (let j = 0; j < hc; j++) {
      const hk = r.raw(r.varint()).toString('utf8');
      const hvl = r.varint();
      headers.push({ key: hk, value: hvl < 0 ? null : Buffer.from(r.raw(hvl)) });
    }
    r.pos = end;
    out.push({ offset, timestamp, key, value, headers });
  }
  return out;
}
