// Decompression bombs over the wire, against the broker as its own process (so its memory can
// be measured): small compressed batches that decompress to hundreds of MiB or 1 GiB, in every
// codec, to a plain and to a compacted topic. Each is refused at Produce with
// MESSAGE_TOO_LARGE (64 x max.message.bytes of decompressed data at most), so nothing
// poisonous is stored: ListOffsets by timestamp and Fetch keep working, before and after a
// restart, and the broker's peak RSS stays far below any one bomb. (Before, a 32 KiB zstd
// batch was stored and the first timestamp lookup reaching it decompressed 1 GiB.)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { CreateTopics } from '../../src/protocol/apis/createTopics.js';
import { Fetch } from '../../src/protocol/apis/fetch.js';
import { ListOffsets } from '../../src/protocol/apis/listOffsets.js';
import { Produce } from '../../src/protocol/apis/produce.js';
import { code } from '../../src/protocol/errors.js';
import { CODEC_GZIP, CODEC_LZ4, CODEC_SNAPPY, CODEC_ZSTD, codecName, decompressedLimit } from '../../src/protocol/compression.js';
import { BATCH_HEADER_SIZE, CRC_OFFSET, Codec, batchesIn, buildBatch, computeCrc, readRecords } from '../../src/protocol/recordBatch.js';
import { WireClient } from '../../src/client/wireClient.js';
import { gzipBomb, lz4Bomb, snappyDeclaredBomb, zstdRleBomb } from '../bombs.js';
import { rssBytes, startChildBroker, tempDir } from './helpers.js';

const MiB = 1 << 20;
const T = 1_700_000_000_000;
const LIMIT = decompressedLimit(1048588);

/** A batch of one keyed record whose records section is `payload`, flagged with `codec`. */
function bombBatch(codec: number, payload: Buffer): Buffer {
  const head = buildBatch([{ key: Buffer.from('k'), value: Buffer.from('v'), timestamp: T + 50 }]).subarray(0, BATCH_HEADER_SIZE);
  const out = Buffer.concat([head, payload]);
  out.writeInt32BE(out.length - 12, 8);
  out.writeInt16BE(codec, 21);
  out.writeUInt32BE(computeCrc(out, 0, out.length), CRC_OFFSET);
  return out;
}

// Each well under max.message.bytes (1 MiB) as sent.
const BOMBS: [number, string, () => Buffer][] = [
  [CODEC_ZSTD, '32 KiB of zstd RLE blocks -> 1 GiB', () => zstdRleBomb()],
  [CODEC_GZIP, '540 KiB of gzip -> 512 MiB', () => gzipBomb(512)],
  [CODEC_LZ4, '1000 KiB of LZ4 -> 249 MiB', () => lz4Bomb(64)],
  [CODEC_SNAPPY, 'snappy declaring 1 GiB', () => snappyDeclaredBomb()],
];

/** The broker's peak resident set size (VmHWM; the current RSS where /proc is missing). */
function peakRss(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return rssBytes(pid);
}

test('decompression bombs get MESSAGE_TOO_LARGE at Produce (plain and compacted topics); lookups, fetches and memory stay fine', { timeout: 120_000 }, async () => {
  const root = tempDir();
  let broker = await startChildBroker(root);
  let c = await WireClient.connect('127.0.0.1', broker.port);
  try {
    const created = await c.request(CreateTopics, 4, {
      topics: [
        { name: 'plain', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
        { name: 'compacted', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'cleanup.policy', value: 'compact' }] },
      ],
      timeoutMs: 5000,
      validateOnly: false,
    } as never);
    assert.deepEqual(created.topics.map((t: { errorCode: number }) => t.errorCode), [0, 0]);

    const produce = async (topic: string, records: Buffer) => {
      const r = await c.request(Produce, 8, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
      return r.responses[0]?.partitionResponses[0] as { errorCode: number; baseOffset: number; errorMessage: string | null };
    };
    const ten = (base: number, codec: Codec) => buildBatch(Array.from({ length: 10 }, (_, i) => ({ key: Buffer.from(`k${base + i}`), value: Buffer.from(`value ${base + i} `.repeat(30)), timestamp: T + base + i })), { codec });

    // ordinary batches first (offsets 0-9 zstd, 10-19 gzip), and a big but honest one: 32 MiB of zeros, well within 64 MiB
    for (const topic of ['plain', 'compacted']) {
      assert.equal((await produce(topic, ten(0, Codec.Zstd))).errorCode, 0);
      assert.equal((await produce(topic, ten(10, Codec.Gzip))).errorCode, 0);
      const honest = await produce(topic, buildBatch([{ key: Buffer.from('big'), value: Buffer.alloc(32 * MiB), timestamp: T + 20 }], { codec: Codec.Zstd }));
      assert.deepEqual([honest.errorCode, honest.baseOffset], [0, 20], `${topic}: 32 MiB decompressed is accepted`);
    }

    for (const topic of ['plain', 'compacted']) {
      for (const [codec, what, make] of BOMBS) {
        const batch = bombBatch(codec, make());
        assert.ok(batch.length < 1048588, 'within max.message.bytes as sent');
        const r = await produce(topic, batch);
        assert.equal(r.errorCode, code('MESSAGE_TOO_LARGE'), `${topic}, ${what}: ${r.errorMessage}`);
        assert.match(r.errorMessage ?? '', new RegExp(`decompresses past the limit of ${LIMIT} bytes .*${codecName(codec)} data decompresses to more than`));
      }
      // garbage that is not in its codec's format is CORRUPT_MESSAGE (it could not be bounded)
      const garbage = await produce(topic, bombBatch(CODEC_ZSTD, Buffer.from('not a zstd frame')));
      assert.equal(garbage.errorCode, code('CORRUPT_MESSAGE'), `${topic}: ${garbage.errorMessage}`);
      assert.equal((await produce(topic, ten(21, Codec.Lz4))).baseOffset, 21, `${topic}: the refused batches took no offsets`);
    }

    const check = async (when: string) => {
      for (const topic of ['plain', 'compacted']) {
        const lookup = async (timestamp: number): Promise<number> => {
          const r = await c.request(ListOffsets, 1, { replicaId: -1, topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp }] }] } as never);
          const p = r.topics[0]?.partitions[0] as { errorCode: number; offset: number };
          assert.equal(p.errorCode, 0);
          return Number(p.offset);
        };
        assert.equal(await lookup(T + 5), 5, `${when}, ${topic}: inside the zstd batch`);
        assert.equal(await lookup(T + 15), 15, `${when}, ${topic}: inside the gzip batch`);
        assert.equal(await lookup(T + 25), 25, `${when}, ${topic}: inside the lz4 batch after the refused ones`);
        assert.equal(await lookup(T + 1000), -1, `${when}, ${topic}: past the end`);

        const fetched = await c.request(Fetch, 11, { maxWaitMs: 0, minBytes: 0, maxBytes: 8 * MiB, isolationLevel: 0, topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 8 * MiB }] }] } as never);
        const p = fetched.responses[0]?.partitions[0] as { errorCode: number; highWatermark: number; records: Buffer };
        assert.equal(p.errorCode, 0);
        assert.equal(Number(p.highWatermark), 31, `${when}, ${topic}`);
        const offsets = [...batchesIn(p.records)].flatMap(([pos]) => readRecords(p.records, pos).map((r) => r.offset));
        assert.deepEqual(offsets, Array.from({ length: 31 }, (_, i) => i), `${when}, ${topic}: every stored record reads`);
      }
    };
    await check('before a restart');
    const peak = peakRss(broker.pid);
    console.log(`# broker peak RSS ${Math.round(peak / MiB)} MiB after ${BOMBS.length * 2} bombs (up to 1 GiB each) and a 32 MiB batch`);
    assert.ok(peak < 512 * MiB, `broker peak RSS ${Math.round(peak / MiB)} MiB`);

    c.close();
    await broker.stop();
    broker = await startChildBroker(root);
    c = await WireClient.connect('127.0.0.1', broker.port);
    await check('after a restart');
  } finally {
    c.close();
    await broker.stop();
  }
});
