// The broker and compressed batches, on the wire: batches in every codec are stored and served
// byte for byte; ListOffsets by timestamp is exact inside compressed batches (the broker reads
// their records); zstd needs Produce v7+ (UNSUPPORTED_COMPRESSION_TYPE below, as Kafka); and
// ApiVersions advertises Produce from v0, without which librdkafka 2.0 sends gzip, snappy and
// lz4 batches uncompressed (see handlers/18_apiVersions.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiVersions } from '../../src/protocol/apis/apiVersions.js';
import { CreateTopics } from '../../src/protocol/apis/createTopics.js';
import { Fetch } from '../../src/protocol/apis/fetch.js';
import { ListOffsets } from '../../src/protocol/apis/listOffsets.js';
import { Produce } from '../../src/protocol/apis/produce.js';
import { code } from '../../src/protocol/errors.js';
import { codecName } from '../../src/protocol/compression.js';
import { Codec, buildBatch } from '../../src/protocol/recordBatch.js';
import { withWireBroker } from '../helpers.js';

const T = 1_700_000_000_000;
const CODECS = [Codec.None, Codec.Gzip, Codec.Snappy, Codec.Lz4, Codec.Zstd];

test('compressed batches: stored as sent, exact ListOffsets by time inside them, zstd needs Produce v7, Produce advertised from v0', { timeout: 30_000 }, async () => {
  await withWireBroker(async (_broker, c) => {
    const versions = await c.request(ApiVersions, 0, {} as never);
    const produce = versions.apiKeys.find((k) => k.apiKey === 0);
    assert.deepEqual(produce && [produce.minVersion, produce.maxVersion], [0, 13]);

    const created = await c.request(CreateTopics, 4, { topics: [{ name: 't', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false } as never);
    assert.equal(created.topics[0]?.errorCode, 0);

    // one batch of 10 per codec: offsets 10k..10k+9, timestamps T + 100k + i
    const sent: Buffer[] = [];
    for (const [k, codec] of CODECS.entries()) {
      const batch = buildBatch(Array.from({ length: 10 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`value ${k}/${i} `.repeat(20)), timestamp: T + k * 100 + i })), { codec });
      sent.push(batch);
      const r = await c.request(Produce, 7, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 't', partitionData: [{ index: 0, records: batch }] }] });
      assert.equal(r.responses[0]?.partitionResponses[0]?.errorCode, 0, `codec ${codec}`);
    }

    const fetched = await c.request(Fetch, 11, { maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, topics: [{ topic: 't', partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }] });
    const records = fetched.responses[0]?.partitions[0]?.records as Buffer;
    let pos = 0;
    for (const [k, batch] of sent.entries()) {
      const stored = records.subarray(pos, pos + batch.length);
      assert.equal(stored.readBigInt64BE(0), BigInt(k * 10), 'base offset assigned');
      assert.ok(stored.subarray(12 + 4).equals(batch.subarray(12 + 4)), `codec ${CODECS[k]}: bytes after baseOffset/length/leaderEpoch as sent`);
      pos += batch.length;
    }

    const lookup = async (timestamp: number): Promise<number> => {
      const r = await c.request(ListOffsets, 1, { replicaId: -1, topics: [{ name: 't', partitions: [{ partitionIndex: 0, timestamp }] }] } as never);
      return Number((r.topics[0]?.partitions[0] as { offset: number }).offset);
    };
    for (const [k] of CODECS.entries()) {
      assert.equal(await lookup(T + k * 100 + 7), k * 10 + 7, `inside the ${codecName(CODECS[k] as number)} batch`);
    }
    assert.equal(await lookup(T + 150), 20, 'between batches');
    assert.equal(await lookup(T + 10_000), -1, 'after the last record');

    const zstd = buildBatch([{ key: null, value: Buffer.from('z') }], { codec: Codec.Zstd });
    const v6 = await c.request(Produce, 6, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 't', partitionData: [{ index: 0, records: zstd }] }] });
    assert.equal(v6.responses[0]?.partitionResponses[0]?.errorCode, code('UNSUPPORTED_COMPRESSION_TYPE'));
    const lz4v3 = await c.request(Produce, 3, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 't', partitionData: [{ index: 0, records: buildBatch([{ key: null, value: Buffer.from('l') }], { codec: Codec.Lz4 }) }] }] });
    assert.equal(lz4v3.responses[0]?.partitionResponses[0]?.errorCode, 0, 'lz4 is fine on any version');
  });
});
