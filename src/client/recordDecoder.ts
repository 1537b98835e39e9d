// kt's own record batch v2 decoder for the consumer engine (fetchLoop.ts): a fetch response's
// batches become records with one small object per record (kafkajs decodes ~1.2M/s with more);
// keys, values and header values are views of the fetched bytes, not copies. The layout is in
// records.ts (the encoder) and protocol/batchLayout.ts.

import { decompress, decompressSync } from '../protocol/compression.js';
import type { ConsumedRecord, Header } from '../format/record.js';
import {
  ATTRIBUTES_OFFSET,
  ATTR_CODEC_MASK,
  ATTR_CONTROL,
  ATTR_TIMESTAMP_LOG_APPEND as ATTR_LOG_APPEND_TIME,
  ATTR_TRANSACTIONAL,
  BASE_TIMESTAMP_OFFSET,
  BATCH_HEADER_SIZE,
  LAST_OFFSET_DELTA_OFFSET,
  LENGTH_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_COUNT_OFFSET,
} from '../protocol/batchLayout.js';

const NO_HEADERS = Object.freeze([]) as unknown as Header[];

/** A signed 64-bit big-endian integer as a number (offsets, timestamps, producer ids). */
export function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * 4294967296 + buf.readUInt32BE(pos + 4);
}

export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
}

export interface DecodeOptions {
  topic: string;
  partition: number;
  /** Records below this offset are dropped (a fetch returns the whole batch holding it). */
  fetchOffset: number;
  /** Records at or after this offset are not delivered (--exit); Infinity for none. */
  endOffset: number;
  /** Deliver at most this many records. */
  max: number;
  /** read_committed: the fetch response's aborted transactions (null/empty: none). */
  abortedTransactions?: AbortedTransaction[] | null;
}

export interface DecodeResult {
  /** The offset to fetch next. */
  next: number;
  /** Whole batches were consumed up to `next` (false when cut by max or endOffset). */
  complete: boolean;
}

/** Batches whose codec needs decompression, and where: decompressed ahead off the main thread. */
export async function inflate(data: Buffer): Promise<Map<number, Buffer> | undefined> {
  let out: Map<number, Buffer> | undefined;
  const jobs: Promise<void>[] = [];
  for (let pos = 0; pos + BATCH_HEADER_SIZE <= data.length;) {
    const size = data.readInt32BE(pos + LENGTH_OFFSET) + LOG_OVERHEAD;
    if (size < BATCH_HEADER_SIZE || pos + size > data.length) break;
    const codec = data.readInt16BE(pos + ATTRIBUTES_OFFSET) & ATTR_CODEC_MASK;
    if (codec !== 0 && data[pos + MAGIC_OFFSET] === 2) {
      const at = pos;
      out ??= new Map();
      const m = out;
      jobs.push(decompress(codec, data.subarray(pos + BATCH_HEADER_SIZE, pos + size)).then((b) => void m.set(at, b)));
    }
    pos += size;
  }
  await Promise.all(jobs);
  return out;
}

/** Thrown for data kt's decoder does not read (message format v0/v1): kafkajs decodes it. */
export class LegacyFormatError extends Error {}

/**
 * Decodes the record batches of one partition's fetch data into records, appending them to
 * `out`. Drops records before the fetch offset, control records and (read_committed) records
 * of aborted transactions (Java's Fetcher: a producer is aborted from the first offset of its
 * aborted transaction until its ABORT marker). A truncated last batch is ignored.
 * `inflated`: decompressed record sections by batch position (from `inflate`); batches
 * missing there are decompressed here.
 */
export function decodeBatches(data: Buffer, o: DecodeOptions, out: ConsumedRecord[], inflated?: Map<number, Buffer>): DecodeResult {
  let next = o.fetchOffset;
  const aborted = o.abortedTransactions && o.abortedTransactions.length > 0 ? [...o.abortedTransactions].sort((a, b) => a.firstOffset - b.firstOffset) : null;
  const abortedProducers = new Set<number>();
  let ai = 0;
  let taken = 0;
  const { topic, partition } = o;
  for (let pos = 0; pos + BATCH_HEADER_SIZE <= data.length;) {
    const size = data.readInt32BE(pos + LENGTH_OFFSET) + LOG_OVERHEAD;
    if (size < BATCH_HEADER_SIZE || pos + size > data.length) break; // partial batch at the end
    const magic = data[pos + MAGIC_OFFSET];
    if (magic !== 2) throw new LegacyFormatError(`message format v${magic}`);
    const baseOffset = readInt64(data, pos);
    const lastOffset = baseOffset + data.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET);
    const attributes = data.readInt16BE(pos + ATTRIBUTES_OFFSET);
    const batchEnd = pos + size;
    if (lastOffset < o.fetchOffset) {
      pos = batchEnd;
      continue;
    }
    if (baseOffset >= o.endOffset) return { next, complete: false };
    const producerId = readInt64(data, pos + PRODUCER_ID_OFFSET);
    if (aborted) {
      while (ai < aborted.length && aborted[ai].firstOffset <= lastOffset) abortedProducers.add(aborted[ai++].producerId);
    }
    if (attributes & ATTR_CONTROL) {
      // A control batch holds one marker: key = version int16, type int16 (0 ABORT, 1 COMMIT).
      if (aborted && abortedProducers.has(producerId) && controlType(data, pos, batchEnd, attributes, inflated) === 0) abortedProducers.delete(producerId);
      next = Math.max(next, Math.min(lastOffset + 1, o.endOffset));
      pos = batchEnd;
      continue;
    }
    if (aborted && attributes & ATTR_TRANSACTIONAL && abortedProducers.has(producerId)) {
      next = Math.max(next, Math.min(lastOffset + 1, o.endOffset));
      pos = batchEnd;
      continue;
    }
    const baseTimestamp = readInt64(data, pos + BASE_TIMESTAMP_OFFSET);
    const logAppend = (attributes & ATTR_LOG_APPEND_TIME) !== 0;
    const maxTimestamp = logAppend ? readInt64(data, pos + MAX_TIMESTAMP_OFFSET) : 0;
    const count = data.readInt32BE(pos + RECORD_COUNT_OFFSET);
    const codec = attributes & ATTR_CODEC_MASK;
    let buf: Buffer;
    let p: number;
    let end: number;
    if (codec === 0) {
      buf = data;
      p = pos + BATCH_HEADER_SIZE;
      end = batchEnd;
    } else {
      buf = inflated?.get(pos) ?? decompressSync(codec, data.subarray(pos + BATCH_HEADER_SIZE, batchEnd));
      p = 0;
      end = buf.length;
    }
    // The record's varints are read inline, field by field (VarReader, a call per field, is
    // kept for the rare paths): this loop runs once per record consumed.
    for (let i = 0; i < count && p < end; i++) {
      // length
      let b = buf[p++];
      let len = b & 0x7f;
      for (let s = 7; b & 0x80; s += 7) {
        b = buf[p++];
        len |= (b & 0x7f) << s;
      }
      len = (len >>> 1) ^ -(len & 1);
      const recEnd = p + len;
      p++; // attributes
      // timestamp delta (varlong)
      let tsDelta: number;
      b = buf[p++];
      if ((b & 0x80) === 0) tsDelta = (b >>> 1) ^ -(b & 1);
      else {
        let z = b & 0x7f;
        let mul = 128;
        do {
          b = buf[p++];
          z += (b & 0x7f) * mul;
          mul *= 128;
        } while (b & 0x80);
        tsDelta = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      }
      // offset delta
      b = buf[p++];
      let od = b & 0x7f;
      for (let s = 7; b & 0x80; s += 7) {
        b = buf[p++];
        od |= (b & 0x7f) << s;
      }
      od = (od >>> 1) ^ -(od & 1);
      const offset = baseOffset + od;
      if (offset < o.fetchOffset) {
        p = recEnd;
        continue;
      }
      if (offset >= o.endOffset || taken >= o.max) return { next, complete: false };
      // key
      b = buf[p++];
      let kl = b & 0x7f;
      for (let s = 7; b & 0x80; s += 7) {
        b = buf[p++];
        kl |= (b & 0x7f) << s;
      }
      kl = (kl >>> 1) ^ -(kl & 1);
      let key: Buffer | null = null;
      if (kl >= 0) {
        key = buf.subarray(p, p + kl);
        p += kl;
      }
      // value
      b = buf[p++];
      let vl = b & 0x7f;
      for (let s = 7; b & 0x80; s += 7) {
        b = buf[p++];
        vl |= (b & 0x7f) << s;
      }
      vl = (vl >>> 1) ^ -(vl & 1);
      let value: Buffer | null = null;
      if (vl >= 0) {
        value = buf.subarray(p, p + vl);
        p += vl;
      }
      // headers
      let headers = NO_HEADERS;
      if (p < recEnd && buf[p] !== 0) {
        headers = [];
        const r = new VarReader(buf, p);
        const hc = r.varint();
        for (let j = 0; j < hc; j++) {
          const hkl = r.varint();
          const hk = buf.toString('utf8', r.pos, r.pos + hkl);
          r.pos += hkl;
          const hvl = r.varint();
          if (hvl < 0) headers.push([hk, null]);
          else {
            headers.push([hk, buf.subarray(r.pos, r.pos + hvl)]);
            r.pos += hvl;
          }
        }
      }
      p = recEnd;
      const timestamp = logAppend ? maxTimestamp : baseTimestamp + tsDelta;
      out.push({
        topic,
        partition,
        offset,
        timestamp: timestamp < 0 ? -1 : timestamp,
        timestampType: timestamp < 0 ? -1 : logAppend ? 1 : 0,
        key,
        value,
        headers,
      });
      taken++;
      next = offset + 1;
    }
    // the whole batch was read (records removed by compaction leave gaps): continue after it
    next = Math.max(next, Math.min(lastOffset + 1, o.endOffset));
    pos = batchEnd;
  }
  return { next, complete: true };
}

function controlType(data: Buffer, pos: number, end: number, attributes: number, inflated?: Map<number, Buffer>): number {
  const codec = attributes & ATTR_CODEC_MASK;
  const buf = codec === 0 ? data.subarray(pos + BATCH_HEADER_SIZE, end) : inflated?.get(pos) ?? decompressSync(codec, data.subarray(pos + BATCH_HEADER_SIZE, end));
  const r = new VarReader(buf, 0);
  r.varint(); // length
  r.pos++; // attributes
  r.varlong();
  r.varint();
  const kl = r.varint();
  if (kl < 4) return -1;
  return buf.readInt16BE(r.pos + 2);
}

class VarReader {
  constructor(
    readonly buf: Buffer,
    public pos: number,
  ) {}

  varint(): number {
    let b = this.buf[this.pos++];
    let v = b & 0x7f;
    for (let s = 7; b & 0x80; s += 7) {
      b = this.buf[this.pos++];
      v |= (b & 0x7f) << s;
    }
    return (v >>> 1) ^ -(v & 1);
  }

  varlong(): number {
    let z = 0;
    let mul = 1;
    let b: number;
    do {
      b = this.buf[this.pos++];
      z += (b & 0x7f) * mul;
      mul *= 128;
    } while (b & 0x80);
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }
}
