// Decompression bombs against the bounded decoders (src/protocol/compression.ts): for
// each codec a small input that decompresses to up to 1 GiB. Every decoder stops at the
// limit it is given without producing the output (a process decompressing one peaks at
// about the limit for gzip, near nothing for the others), its framing is read exactly as the native decoders read it
// (the small versions decompress to what the walk says), and the broker's read paths (records,
// ListOffsets by timestamp, compaction, key checks) and kt's consumers refuse a stored bomb.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { hasNullKey, rawRecords } from '../../src/broker/log/cleaner.js';
import { matchInBatch } from '../../src/broker/log/partitionLog.js';
import {
  CODEC_GZIP,
  CODEC_LZ4,
  CODEC_SNAPPY,
  CODEC_ZSTD,
  CorruptCompressedDataError,
  DecompressedSizeError,
  MAX_DECOMPRESSED_BYTES,
  checkDecompressedSize,
  codecName,
  compressSync,
  decompress,
  decompressSync,
  decompressedLimit,
} from '../../src/protocol/compression.js';
import { BATCH_HEADER_SIZE, CRC_OFFSET, buildBatch, computeCrc, readRecords } from '../../src/protocol/recordBatch.js';
import { registerCodecs } from '../../src/client/compression.js';
import { inflate } from '../../src/client/recordDecoder.js';
import { LZ4_BLOCK_OUTPUT, gzipBomb, lz4Bomb, snappyDeclaredBomb, zstdRleBomb } from '../bombs.js';

const require = createRequire(import.meta.url);
const MiB = 1 << 20;
const GiB = 1 << 30;
/** The limit at Kafka's default max.message.bytes. */
const LIMIT = decompressedLimit(1048588);

const isSizeError = (codec: number, limit: number) => (e: unknown): boolean => {
  assert.ok(e instanceof DecompressedSizeError, `${codecName(codec)}: ${(e as Error)?.stack ?? e}`);
  assert.equal(e.codec, codec);
  assert.equal(e.limit, limit);
  assert.match(e.message, new RegExp(`^${codecName(codec)} data decompresses to more than the limit of ${limit} bytes`));
  return true;
};

/** A batch of one record whose records section is `payload`, flagged with `codec`. */
function batchWith(codec: number, payload: Buffer, timestamp = 1_700_000_000_000): Buffer {
  const head = buildBatch([{ key: Buffer.from('k'), value: Buffer.from('v'), timestamp }]).subarray(0, BATCH_HEADER_SIZE);
  const out = Buffer.concat([head, payload]);
  out.writeInt32BE(out.length - 12, 8);
  out.writeInt16BE(codec, 21);
  out.writeUInt32BE(computeCrc(out, 0, out.length), CRC_OFFSET);
  return out;
}

test('the limit: 64 x max.message.bytes, at least 1 MiB, at most 256 MiB', () => {
  assert.equal(LIMIT, 64 * 1048588);
  assert.equal(decompressedLimit(1000), MiB);
  assert.equal(decompressedLimit(100 * MiB), MAX_DECOMPRESSED_BYTES);
  assert.equal(MAX_DECOMPRESSED_BYTES, 256 * MiB);
});

test('the hand-made bombs are what they claim: small versions decompress natively to zeros of the size the walk reads', () => {
  const zstd = zstdRleBomb(8);
  assert.equal(checkDecompressedSize(CODEC_ZSTD, zstd, LIMIT), 8 * 128 * 1024, 'RLE blocks count exactly');
  assert.ok(decompressSync(CODEC_ZSTD, zstd).equals(Buffer.alloc(MiB)));

  const lz4 = lz4Bomb(2);
  assert.equal(checkDecompressedSize(CODEC_LZ4, lz4, LIMIT), 2 * LZ4_BLOCK_OUTPUT);
  assert.ok(decompressSync(CODEC_LZ4, lz4).equals(Buffer.alloc(2 * LZ4_BLOCK_OUTPUT)));

  const gzip = gzipBomb(3);
  assert.equal(checkDecompressedSize(CODEC_GZIP, gzip, LIMIT), 3 * MiB);
  assert.ok(decompressSync(CODEC_GZIP, gzip).equals(Buffer.alloc(3 * MiB)));

  const snappy = compressSync(CODEC_SNAPPY, Buffer.alloc(3 * MiB));
  assert.equal(checkDecompressedSize(CODEC_SNAPPY, snappy, LIMIT), 3 * MiB, 'xerial blocks declare their sizes');
  const raw = (require('snappy') as { compressSync(b: Buffer): Buffer }).compressSync(Buffer.alloc(MiB));
  assert.equal(checkDecompressedSize(CODEC_SNAPPY, raw, LIMIT), MiB, 'a raw block declares its size');
});

test('real encoder output: exact sizes for gzip, snappy, lz4; for zstd compressed blocks an upper bound within one block', () => {
  const text = Buffer.from(Array.from({ length: 60_000 }, (_, i) => `record ${i} value ${(i * 7919) % 1000} `).join(''));
  for (const codec of [CODEC_GZIP, CODEC_SNAPPY, CODEC_LZ4]) {
    assert.equal(checkDecompressedSize(codec, compressSync(codec, text), LIMIT), text.length, codecName(codec));
  }
  const bound = checkDecompressedSize(CODEC_ZSTD, compressSync(CODEC_ZSTD, text), LIMIT);
  assert.ok(bound >= text.length && bound < text.length + 128 * 1024, `${bound} for ${text.length}`);
});

const BOMBS: [number, string, () => Buffer, number][] = [
  [CODEC_ZSTD, '32 KiB of zstd RLE blocks without a declared size -> 1 GiB', () => zstdRleBomb(), GiB],
  [CODEC_GZIP, '1 MiB of gzip members -> 1 GiB', () => gzipBomb(1024), GiB],
  [CODEC_LZ4, '4 MiB of LZ4 blocks -> 1 GiB', () => lz4Bomb(), 263 * LZ4_BLOCK_OUTPUT],
  [CODEC_SNAPPY, 'a raw snappy block declaring 1 GiB', () => snappyDeclaredBomb(), GiB],
];

const CHILD = fileURLToPath(new URL('../bomb-child.js', import.meta.url));

/** One bounded decompression of a codec's bomb in a fresh process: its error and peak RSS. */
function inChild(codec: number, which: 'limit' | 'cap'): { error: string; message: string; peakRss: number } {
  const r = spawnSync(process.execPath, [CHILD, String(codec), which], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { error: string; message: string; peakRss: number };
}

for (const [codec, what, make, size] of BOMBS) {
  test(`${codecName(codec)}: ${what}: every bounded path stops at the limit, nothing near the output is allocated`, async () => {
    const bomb = make();
    assert.ok(size > 15 * LIMIT, 'a real bomb');
    assert.throws(() => checkDecompressedSize(codec, bomb, LIMIT), isSizeError(codec, LIMIT));
    assert.throws(() => decompressSync(codec, bomb, LIMIT), isSizeError(codec, LIMIT));
    await assert.rejects(decompress(codec, bomb, LIMIT), isSizeError(codec, LIMIT));
    // the defaults (stored batches, kt's consumers) stop at the 256 MiB cap
    assert.throws(() => decompressSync(codec, bomb), isSizeError(codec, MAX_DECOMPRESSED_BYTES));
    await assert.rejects(decompress(codec, bomb), isSizeError(codec, MAX_DECOMPRESSED_BYTES));

    // Memory, each in a fresh process: at most about the limit (gzip, which must inflate to
    // know), nothing at all for the others; never the bomb's size.
    for (const [which, limit] of [['limit', LIMIT], ['cap', MAX_DECOMPRESSED_BYTES]] as const) {
      const r = inChild(codec, which);
      assert.equal(r.error, 'DecompressedSizeError', r.message);
      const bound = (codec === CODEC_GZIP ? limit : 0) + 200 * MiB; // node itself and the bomb's input
      assert.ok(r.peakRss < bound, `${codecName(codec)} at ${which}: peak RSS ${Math.round(r.peakRss / MiB)} MiB`);
      console.log(`# ${codecName(codec)}: ${bomb.length} bytes decompressing to ${size}, stopped at ${limit}: peak RSS ${Math.round(r.peakRss / MiB)} MiB`);
    }
  });
}

test('a stored bomb (written by an older version): records, ListOffsets by timestamp, compaction and key checks refuse it', () => {
  const T = 1_700_000_000_000;
  for (const [codec, , make] of BOMBS) {
    const batch = batchWith(codec, make(), T);
    const name = codecName(codec);
    assert.throws(() => readRecords(batch), isSizeError(codec, MAX_DECOMPRESSED_BYTES));
    assert.throws(() => readRecords(batch, 0, LIMIT), isSizeError(codec, LIMIT));
    assert.deepEqual(matchInBatch(batch, 0, T, 0), { offset: 0, timestamp: T }, `${name}: the lookup answers the batch start`);
    assert.equal(rawRecords(batch, LIMIT), null, `${name}: the cleaner keeps it whole`);
    assert.throws(() => hasNullKey(batch, 0, batch.length, LIMIT), isSizeError(codec, LIMIT));
  }
});

test('broken framing is CorruptCompressedDataError, never handed to a decoder', () => {
  const cases: [number, Buffer][] = [
    [CODEC_ZSTD, zstdRleBomb(4).subarray(0, 12)],
    [CODEC_ZSTD, Buffer.from('not zstd at all')],
    [CODEC_LZ4, lz4Bomb(1).subarray(0, 100)],
    [CODEC_LZ4, Buffer.from('not an lz4 frame')],
    [CODEC_SNAPPY, Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80])],
    [CODEC_GZIP, Buffer.from('not gzip')],
  ];
  for (const [codec, data] of cases) {
    assert.throws(() => checkDecompressedSize(codec, data, LIMIT), CorruptCompressedDataError, codecName(codec));
    assert.throws(() => decompressSync(codec, data, LIMIT), CorruptCompressedDataError, codecName(codec));
  }
});

test('kt\'s consumers: its fetch path and the kafkajs codecs it registers stop at 256 MiB', async () => {
  const kafkajs = { CompressionCodecs: {} as Record<number, () => unknown> };
  registerCodecs(kafkajs);
  for (const [codec, , make] of BOMBS) {
    const c = kafkajs.CompressionCodecs[codec]?.() as { decompress(b: Buffer): Promise<Buffer> };
    await assert.rejects(c.decompress(make()), isSizeError(codec, MAX_DECOMPRESSED_BYTES));
    const fetched = Buffer.concat([buildBatch([{ key: null, value: Buffer.from('fine') }], { codec: CODEC_GZIP }), batchWith(codec, make())]);
    await assert.rejects(inflate(fetched), isSizeError(codec, MAX_DECOMPRESSED_BYTES));
  }
});
