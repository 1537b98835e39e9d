// Shared helpers for the storage tests: temp directories, batches, decoding reads.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { batchesIn, buildBatch, checkBatch, readRecords, type BuildBatchOptions, type Codec } from '../../../src/protocol/recordBatch.js';
import { logConfig } from '../../../src/broker/log/config.js';
import { DiskPartitionLog } from '../../../src/broker/log/diskLog.js';
import { MemoryPartitionLog } from '../../../src/broker/log/memoryLog.js';
import type { ReadResult } from '../../../src/broker/log/types.js';

const created: string[] = [];
process.on('exit', () => {
  for (const d of created) fs.rmSync(d, { recursive: true, force: true });
});

/** A fresh temp directory, removed when the test process exits. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-log-test-'));
  created.push(dir);
  return dir;
}

/** A batch of `count` records whose values are `${prefix}-${i}`, padded to `valueSize` bytes. */
export function batch(count: number, opts: BuildBatchOptions & { prefix?: string; valueSize?: number; timestamp?: number } = {}): Buffer {
  const records = [];
  for (let i = 0; i < count; i++) {
    const v = `${opts.prefix ?? 'v'}-${i}`;
    records.push({ key: Buffer.from(`k${i}`), value: Buffer.from(v.padEnd(opts.valueSize ?? v.length, '.')), timestamp: opts.timestamp });
  }
  return buildBatch(records, opts);
}

export interface ReadBatch {
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  size: number;
}

/** The batches of a read, checked to be whole. */
export function batchesOf(r: ReadResult): ReadBatch[] {
  const buf = Buffer.concat(r.chunks);
  if (buf.length !== r.bytes) throw new Error(`bytes ${r.bytes} but chunks hold ${buf.length}`);
  const out: ReadBatch[] = [];
  let end = 0;
  for (const [pos, h] of batchesIn(buf)) {
    out.push({ baseOffset: h.baseOffset, lastOffset: h.baseOffset + h.lastOffsetDelta, maxTimestamp: h.maxTimestamp, size: h.size });
    end = pos + h.size;
  }
  if (end !== buf.length) throw new Error(`read ends with a partial batch (${buf.length - end} bytes)`);
  return out;
}

/** Values of all records in a read, with their offsets. */
export function recordsOf(r: ReadResult): { offset: number; value: string }[] {
  const buf = Buffer.concat(r.chunks);
  const out: { offset: number; value: string }[] = [];
  for (const [pos] of batchesIn(buf)) {
    for (const rec of readRecords(buf, pos)) out.push({ offset: rec.offset as number, value: rec.value?.toString() ?? '' });
  }
  return out;
}

export type AnyLog = DiskPartitionLog | MemoryPartitionLog;

export interface Impl {
  name: 'disk' | 'memory';
  /** Opens a log; the disk one in `dir` (a fresh temp dir when omitted). */
  open(configs?: Record<string, string>, opts?: { dir?: string; now?: number; log?: (m: string) => void }): AnyLog;
}

export const IMPLS: Impl[] = [
  {
    name: 'disk',
    open: (configs = {}, opts = {}) => new DiskPartitionLog({
      dir: opts.dir ?? path.join(tempDir(), 't-0'), topic: 't', partition: 0, config: logConfig(configs), log: opts.log, now: opts.now,
    }),
  },
  {
    name: 'memory',
    open: (configs = {}, opts = {}) => new MemoryPartitionLog({ topic: 't', partition: 0, config: logConfig(configs), log: opts.log, now: opts.now }),
  },
];

/** One batch of keyed records; a null value is a tombstone. */
export function kv(pairs: [string, string | null][], opts: { timestamp?: number; codec?: Codec; attributes?: number } = {}): Buffer {
  return buildBatch(pairs.map(([k, v]) => ({ key: Buffer.from(k), value: v === null ? null : Buffer.from(v), timestamp: opts.timestamp })), opts);
}

export interface Rec {
  offset: number;
  key: string;
  value: string | null;
}

/** Every record of the log, by reading from each batch boundary to the end. */
export function readAll(log: AnyLog): Rec[] {
  const out: Rec[] = [];
  for (let next = log.logStartOffset; next < log.logEndOffset;) {
    const r = log.read(next, 1 << 20);
    if (r.bytes === 0) break;
    const buf = Buffer.concat(r.chunks);
    for (const [pos, h] of batchesIn(buf)) {
      assert.equal(checkBatch(buf, pos), null, `batch at ${h.baseOffset} has a valid CRC`);
      for (const rec of readRecords(buf, pos)) {
        if ((rec.offset as number) >= next) out.push({ offset: rec.offset as number, key: rec.key?.toString() ?? '', value: rec.value?.toString() ?? null });
      }
      next = h.baseOffset + h.lastOffsetDelta + 1;
    }
  }
  return out;
}

/** XORs the byte at `at` of a file with `mask`: a bit flip, as a failing disk makes. */
export function flipBits(file: string, at: number, mask: number): void {
  const fd = fs.openSync(file, 'r+');
  const b = Buffer.alloc(1);
  fs.readSync(fd, b, 0, 1, at);
  b[0] ^= mask;
  fs.writeSync(fd, b, 0, 1, at);
  fs.closeSync(fd);
}

/**
 * Every record a consumer gets reading from `start` to the log end, `maxBytes` a read, stepping
 * over offsets reported as damaged (CORRUPT_MESSAGE) as a consumer seeks past them.
 */
export function consumeStepping(log: DiskPartitionLog, start: number, maxBytes: number): { records: Map<number, string>; reported: number[] } {
  const records = new Map<number, string>();
  const reported: number[] = [];
  for (let next = start; next < log.logEndOffset;) {
    let recs;
    try {
      recs = recordsOf(log.read(next, maxBytes)).filter((r) => r.offset >= next);
    } catch (e) {
      assert.equal((e as Error).name, 'CORRUPT_MESSAGE', (e as Error).message);
      reported.push(next);
      next++;
      continue;
    }
    assert.ok(recs.length > 0, `a read at ${next} below the log end returned nothing`);
    for (const r of recs) records.set(r.offset, r.value);
    next = recs[recs.length - 1].offset + 1;
  }
  return { records, reported };
}

/** The random-flip tests' generator: seeded from KT_FLIP_SEED (to replay a failure) or the clock. */
export function flipRandom(): { seed: number; random: (n: number) => number } {
  const seed = Number(process.env.KT_FLIP_SEED ?? Date.now() % 1_000_000);
  let state = seed;
  const random = (n: number): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  return { seed, random };
}
