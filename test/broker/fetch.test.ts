// Fetch long-polling, acks=0, in-order responses on one connection, and the flexible
// versions (Produce v9 / Fetch v12) spoken byte for byte through our own wire client.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CreateTopics } from '../../src/protocol/apis/createTopics.js';
import { Fetch } from '../../src/protocol/apis/fetch.js';
import { ListOffsets } from '../../src/protocol/apis/listOffsets.js';
import { Metadata } from '../../src/protocol/apis/metadata.js';
import { Produce } from '../../src/protocol/apis/produce.js';
import { buildBatch, readRecords } from '../../src/protocol/recordBatch.js';
import { WireClient } from '../../src/client/wireClient.js';
import { testBroker, withWireBroker } from '../helpers.js';

const batch = (...values: string[]) => buildBatch(values.map((v) => ({ key: null, value: Buffer.from(v) })));

const fetchReq = (topic: string, fetchOffset: number, maxWaitMs: number) => ({
  maxWaitMs,
  minBytes: 1,
  maxBytes: 1 << 20,
  topics: [{ topic, partitions: [{ partition: 0, fetchOffset, partitionMaxBytes: 1 << 20 }] }],
});

test('a Fetch at the end of the log waits for new data and wakes on append', async () => {
  const broker = await testBroker();
  const consumer = await WireClient.connect('127.0.0.1', broker.port);
  const producer = await WireClient.connect('127.0.0.1', broker.port);
  try {
    await producer.request(CreateTopics, 4, { topics: [{ name: 't', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000 });

    // nothing arrives: the fetch returns after max_wait_ms, empty
    let started = Date.now();
    let r = await consumer.request(Fetch, 11, fetchReq('t', 0, 300));
    let waited = Date.now() - started;
    assert.ok(waited >= 250, `waited ${waited} ms, at least max_wait_ms`);
    assert.equal(r.responses[0].partitions[0].records?.length ?? 0, 0);

    // data arrives while waiting: the fetch is woken with it. max_wait_ms is an hour, so only
    // the append can answer it (a broker that does not wake it leaves the test to time out).
    const pending = consumer.request(Fetch, 11, fetchReq('t', 0, 3_600_000));
    await producer.request(Produce, 7, { acks: -1, timeoutMs: 1000, topicData: [{ name: 't', partitionData: [{ index: 0, records: batch('hello') }] }] });
    r = await pending;
    const p = r.responses[0].partitions[0];
    assert.equal(p.highWatermark, 1);
    assert.deepEqual(readRecords(p.records as Buffer).map((x) => x.value?.toString()), ['hello']);
  } finally {
    consumer.close();
    producer.close();
    await broker.stop();
  }
});

test('acks=0 gets no response; later requests on the connection are answered in order', async () => {
  await withWireBroker(async (_broker, c) => {
    await c.request(Metadata, 4, { topics: [{ name: 'quiet' }], allowAutoTopicCreation: true });
    const frame = c.encode(Produce, 7, { acks: 0, timeoutMs: 1000, topicData: [{ name: 'quiet', partitionData: [{ index: 0, records: batch('a', 'b') }] }] });
    c.writeRaw(frame);
    // pipelined: a long-poll fetch then a ListOffsets; the second answer may not overtake the first
    const order: string[] = [];
    const f = c.request(Fetch, 11, fetchReq('quiet', 2, 300)).then(() => order.push('fetch'));
    const l = c.request(ListOffsets, 5, { replicaId: -1, topics: [{ name: 'quiet', partitions: [{ partitionIndex: 0, timestamp: -1 }] }] }).then((res) => {
      order.push('listOffsets');
      return res;
    });
    const [, offsets] = await Promise.all([f, l]);
    assert.deepEqual(order, ['fetch', 'listOffsets']);
    assert.equal(offsets.topics[0].partitions[0].offset, 2, 'the acks=0 records were written');
  });
});

test('flexible versions: Produce v9 and Fetch v12 round trip', async () => {
  await withWireBroker(async (_broker, c) => {
    await c.request(Metadata, 9, { topics: [{ name: 'flex' }], allowAutoTopicCreation: true });
    const produced = await c.request(Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'flex', partitionData: [{ index: 0, records: batch('x', 'y', 'z') }] }] });
    assert.equal(produced.responses[0].partitionResponses[0].errorCode, 0);
    assert.equal(produced.responses[0].partitionResponses[0].baseOffset, 0);
    const r = await c.request(Fetch, 12, fetchReq('flex', 1, 0));
    const p = r.responses[0].partitions[0];
    assert.equal(p.errorCode, 0);
    assert.equal(p.highWatermark, 3);
    // the whole batch is returned; the client skips offsets below its fetch offset
    assert.deepEqual(readRecords(p.records as Buffer).map((x) => [x.offset, x.value?.toString()]), [[0, 'x'], [1, 'y'], [2, 'z']]);
    const out = await c.request(Fetch, 12, fetchReq('flex', 4, 0));
    assert.equal(out.responses[0].partitions[0].errorCode, 1, 'OFFSET_OUT_OF_RANGE past the high watermark');
  });
});
