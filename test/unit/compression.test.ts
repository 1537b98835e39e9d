// The record-batch codecs (src/protocol/compression.ts) and kt's kafkajs plug-ins
// (src/client/compression.ts): Kafka's framings (xerial snappy, LZ4 frame, zstd frame), bytes
// written by other implementations (fixtures made with Debian's python3-snappy, python3-lz4,
// python3-zstandard and kafka-python's xerial writer), broker-side readRecords/buildBatch in
// every codec, kafkajs encoding/decoding through the plug-ins, limits, and lazy loading.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import {
  CODEC_GZIP,
  CODEC_LZ4,
  CODEC_NONE,
  CODEC_SNAPPY,
  CODEC_ZSTD,
  MAX_DECOMPRESSED_BYTES,
  codecAvailable,
  codecName,
  codecOf,
  compress,
  compressSync,
  decompress,
  decompressSync,
  isXerial,
  loadedCodecPackages,
} from '../../src/protocol/compression.js';
import { Codec, buildBatch, checkBatch, readBatchHeader, readRecords } from '../../src/protocol/recordBatch.js';
import { registerCodecs } from '../../src/client/compression.js';

const require = createRequire(import.meta.url);
const hex = (s: string): Buffer => Buffer.from(s, 'hex');
const CODECS = [CODEC_NONE, CODEC_GZIP, CODEC_SNAPPY, CODEC_LZ4, CODEC_ZSTD];

// Checked first, before anything in this file uses a codec.
test('the native codec packages load only when their codec is first used', () => {
  assert.deepEqual(loadedCodecPackages(), []);
  decompressSync(CODEC_GZIP, compressSync(CODEC_GZIP, Buffer.from('x')));
  assert.deepEqual(loadedCodecPackages(), [], 'gzip is node:zlib');
  decompressSync(CODEC_LZ4, compressSync(CODEC_LZ4, Buffer.from('x')));
  assert.deepEqual(loadedCodecPackages(), ['lz4-napi']);
});

function sample(size: number, seed = 1): Buffer {
  // half text (compressible), half pseudo-random
  const b = Buffer.alloc(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    if ((i >> 10) % 2 === 0) b[i] = 'kafka records '.charCodeAt(i % 14);
    else {
      x = (x * 1103515245 + 12345) >>> 0;
      b[i] = x >>> 24;
    }
  }
  return b;
}

describe('every codec round-trips, sync and async, small to multi-block', () => {
  for (const codec of CODECS) {
    for (const size of [0, 1, 100, 32 * 1024, 32 * 1024 + 1, 200_000, 1_500_000]) {
      test(`${codecName(codec)} ${size} bytes`, async () => {
        const data = sample(size, size + codec);
        const z = compressSync(codec, data);
        assert.ok(decompressSync(codec, z).equals(data), 'sync');
        const za = await compress(codec, data);
        assert.ok((await decompress(codec, za)).equals(data), 'async');
        assert.ok(decompressSync(codec, za).equals(data), 'async-compressed, sync-decompressed');
        assert.ok((await decompress(codec, z)).equals(data), 'sync-compressed, async-decompressed');
      });
    }
  }
});

describe('snappy: xerial framing (as Java and kafka-python write it), raw blocks read too', () => {
  test('header, 32 KiB blocks, each [int32 length][raw snappy]', () => {
    const data = sample(100_000);
    const z = compressSync(CODEC_SNAPPY, data);
    assert.ok(isXerial(z));
    assert.equal(z.subarray(0, 16).toString('hex'), '82534e41505059000000000100000001', 'magic, version 1, compatible 1');
    const snappy = require('snappy') as { uncompressSync(b: Buffer): Buffer };
    const blocks: Buffer[] = [];
    for (let pos = 16; pos < z.length;) {
      const len = z.readInt32BE(pos);
      blocks.push(snappy.uncompressSync(z.subarray(pos + 4, pos + 4 + len)));
      pos += 4 + len;
    }
    assert.deepEqual(blocks.map((b) => b.length), [32768, 32768, 32768, 100_000 - 3 * 32768]);
    assert.ok(Buffer.concat(blocks).equals(data));
  });

  test('reads kafka-python\'s xerial stream and a raw block (librdkafka writes raw)', () => {
    const small = Buffer.from('hello, kafka! '.repeat(5));
    assert.ok(decompressSync(CODEC_SNAPPY, hex('82534e4150505900000000010000000100000013463468656c6c6f2c206b61666b612120de0e00')).equals(small));
    assert.ok(decompressSync(CODEC_SNAPPY, hex('463468656c6c6f2c206b61666b612120de0e00')).equals(small));
  });

  test('a truncated xerial stream is an error, not a short read', () => {
    const z = compressSync(CODEC_SNAPPY, sample(50_000));
    assert.throws(() => decompressSync(CODEC_SNAPPY, z.subarray(0, z.length - 10)));
    assert.throws(() => decompressSync(CODEC_SNAPPY, z.subarray(0, 18)));
  });
});

describe('lz4: the LZ4 frame format', () => {
  test('writes frames: magic 04224d18, version 01, independent blocks', () => {
    const z = compressSync(CODEC_LZ4, sample(300_000));
    assert.equal(z.readUInt32LE(0), 0x184d2204);
    const flg = z[4] as number;
    assert.equal(flg >> 6, 1, 'version');
    assert.equal((flg >> 5) & 1, 1, 'block independence (Kafka\'s Java reader wants it)');
  });

  test('reads python-lz4 frames: content size, content and block checksums; linked blocks', () => {
    const small = Buffer.from('hello, kafka! '.repeat(5));
    assert.ok(decompressSync(CODEC_LZ4, hex('04224d187c4046000000000000005918000000ef68656c6c6f2c206b61666b6121200e002050666b61212095bb0a8200000000e3124f18')).equals(small));
    assert.ok(decompressSync(CODEC_LZ4, hex('04224d1868407805000000000000151d000000ef68656c6c6f2c206b61666b6121200e00ffffffffff5750666b61212000000000')).equals(Buffer.from('hello, kafka! '.repeat(100))));
  });

  test('garbage is an error', () => {
    assert.throws(() => decompressSync(CODEC_LZ4, Buffer.from('not an lz4 frame at all')));
  });
});

describe('zstd: standard frames', () => {
  const small = Buffer.from('hello, kafka! '.repeat(5));
  test('reads a frame without its content size (streaming writers: Java\'s ZstdOutputStream)', async () => {
    const z = hex('28b52ffd0000ad00007068656c6c6f2c206b61666b61212001008d732a01');
    assert.ok(decompressSync(CODEC_ZSTD, z).equals(small));
    assert.ok((await decompress(CODEC_ZSTD, z)).equals(small));
  });

  test('reads concatenated frames', () => {
    const z = hex('28b52ffd2046ad00007068656c6c6f2c206b61666b61212001008d732a0128b52ffd20063100007365636f6e64');
    assert.ok(decompressSync(CODEC_ZSTD, z).equals(Buffer.concat([small, Buffer.from('second')])));
  });

  test('refuses a frame declaring more than the limit before allocating it', () => {
    // magic, FHD = 8-byte content size + single segment, size 2^32
    const bomb = Buffer.concat([hex('28b52ffd'), Buffer.from([0xe0]), Buffer.from([0, 0, 0, 0, 1, 0, 0, 0]), Buffer.alloc(8)]);
    assert.throws(() => decompressSync(CODEC_ZSTD, bomb), /decompresses to more than the limit of \d+ bytes \(a frame declares 4294967296 bytes\)/);
  });
});

test('gzip stops at the decompressed-size limit', () => {
  const zlib = require('node:zlib') as typeof import('node:zlib');
  const bomb = zlib.gzipSync(Buffer.alloc(MAX_DECOMPRESSED_BYTES + 1));
  assert.throws(() => decompressSync(CODEC_GZIP, bomb), /Cannot create a Buffer larger|buffer|limit/i);
});

test('codec names, lookups, availability, unknown codecs', () => {
  assert.deepEqual(CODECS.map(codecName), ['none', 'gzip', 'snappy', 'lz4', 'zstd']);
  assert.equal(codecOf('zstd'), CODEC_ZSTD);
  assert.throws(() => codecOf('brotli'), /unknown compression codec/);
  for (const c of CODECS) assert.equal(codecAvailable(c), true, codecName(c));
  assert.equal(codecAvailable(5), false);
  assert.throws(() => decompressSync(5, Buffer.alloc(1)), /unknown compression codec 5/);
  assert.throws(() => compressSync(7, Buffer.alloc(1)), /unknown compression codec 7/);
});

describe('broker: buildBatch and readRecords in every codec', () => {
  const records = Array.from({ length: 300 }, (_, i) => ({
    key: i % 10 === 0 ? null : Buffer.from(`key-${i}`),
    value: i === 5 ? null : Buffer.from(`value ${i} `.repeat(i % 40)),
    timestamp: 1_700_000_000_000 + i,
    headers: i % 3 === 0 ? [{ key: 'h', value: Buffer.from(`x${i}`) }, { key: 'n', value: null }] : [],
  }));
  for (const codec of [Codec.None, Codec.Gzip, Codec.Snappy, Codec.Lz4, Codec.Zstd]) {
    test(codecName(codec), () => {
      const batch = buildBatch(records, { baseOffset: 1000, codec });
      assert.equal(checkBatch(batch, 0), null);
      assert.equal(readBatchHeader(batch).attributes & 7, codec);
      const got = readRecords(batch);
      assert.equal(got.length, records.length);
      for (const [i, r] of got.entries()) {
        const want = records[i]!;
        assert.equal(r.offset, 1000 + i);
        assert.equal(r.timestamp, want.timestamp);
        assert.deepEqual(r.key, want.key);
        assert.deepEqual(r.value, want.value);
        assert.deepEqual(r.headers, want.headers);
      }
    });
  }

  test('a batch flagged with a codec whose data is not in it: readRecords throws (callers fall back)', () => {
    const plain = buildBatch(records.slice(0, 3), { attributes: Codec.Zstd });
    assert.throws(() => readRecords(plain));
  });
});

describe('kafkajs with kt\'s plug-ins', () => {
  type KJS = typeof import('kafkajs');
  const kafkajs = require('kafkajs') as KJS & { CompressionCodecs: Record<number, () => unknown> };
  registerCodecs(kafkajs);
  const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as { RecordBatch: (o: object) => Promise<{ buffer: Buffer }> };
  const RecordBatchDecoder = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (d: unknown) => Promise<{ records: { key: Buffer | null; value: Buffer | null; offset: string; timestamp: string; headers: Record<string, Buffer> }[] }>;
  const Decoder = require('kafkajs/src/protocol/decoder.js') as new (b: Buffer) => unknown;
  const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (o: object) => unknown;

  for (const codec of [Codec.Snappy, Codec.Lz4, Codec.Zstd]) {
    test(`${codecName(codec)}: kafkajs encodes, the broker reads; the broker encodes, kafkajs reads`, async () => {
      const now = 1_700_000_000_000;
      const records = Array.from({ length: 50 }, (_, i) => Record({ key: `k${i}`, value: `v${i} `.repeat(30), timestampDelta: i, offsetDelta: i, headers: { h: `x${i}` } }));
      const encoded = await RecordBatch({ compression: codec, firstOffset: '0', firstTimestamp: now, maxTimestamp: now + 49, lastOffsetDelta: 49, records });
      const viaBroker = readRecords(Buffer.from(encoded.buffer));
      assert.equal(readBatchHeader(Buffer.from(encoded.buffer)).attributes & 7, codec);
      assert.deepEqual(viaBroker.map((r) => `${r.key}=${r.value?.length}@${r.timestamp}`), Array.from({ length: 50 }, (_, i) => `k${i}=${`v${i} `.repeat(30).length}@${now + i}`));

      const ours = buildBatch(Array.from({ length: 50 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`w${i}`), timestamp: now + i, headers: [{ key: 'h', value: Buffer.from(`y${i}`) }] })), { codec });
      const decoded = await RecordBatchDecoder(new Decoder(ours));
      assert.deepEqual(decoded.records.map((r) => `${r.key}=${r.value}@${r.timestamp};${r.headers.h}`), Array.from({ length: 50 }, (_, i) => `k${i}=w${i}@${now + i};y${i}`));
    });
  }

  test('registration is idempotent and replaces kafkajs\'s gzip with the bounded one', () => {
    const before = kafkajs.CompressionCodecs[kafkajs.CompressionTypes.GZIP];
    registerCodecs(kafkajs);
    assert.equal(kafkajs.CompressionCodecs[kafkajs.CompressionTypes.GZIP], before, 'idempotent');
    for (const t of [kafkajs.CompressionTypes.GZIP, kafkajs.CompressionTypes.Snappy, kafkajs.CompressionTypes.LZ4, kafkajs.CompressionTypes.ZSTD]) {
      const c = kafkajs.CompressionCodecs[t]?.() as { compress: unknown; decompress: unknown };
      assert.equal(typeof c.compress, 'function');
      assert.equal(typeof c.decompress, 'function');
    }
  });
});
