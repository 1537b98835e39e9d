// The data plane at Kafka 4.4's versions, over TCP with our own wire client: topics by id
// (Produce v13, Fetch v13+, Metadata v12+, DeleteTopics v6), the versions Kafka 4.x removed
// (refused by closing the connection, as Kafka does), KIP-74 response limits, KIP-467 record
// errors, ListOffsets' special timestamps, authorized operations and auto.create.topics.enable.
// Expected answers were checked against Apache Kafka 4.4 with the same requests.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiVersions } from '../../src/protocol/apis/apiVersions.js';
import { DeleteTopics } from '../../src/protocol/apis/deleteTopics.js';
import { DescribeCluster } from '../../src/protocol/apis/describeCluster.js';
import { DescribeConfigs } from '../../src/protocol/apis/describeConfigs.js';
import { Fetch } from '../../src/protocol/apis/fetch.js';
import { ListOffsets } from '../../src/protocol/apis/listOffsets.js';
import { Metadata } from '../../src/protocol/apis/metadata.js';
import { Produce } from '../../src/protocol/apis/produce.js';
import { code } from '../../src/protocol/errors.js';
import { buildBatch, readRecords } from '../../src/protocol/recordBatch.js';
import { WireClient } from '../../src/client/wireClient.js';
import { createTopicWire, tempDir, testBroker, withWireBroker } from '../helpers.js';
import type { ApiSchema, ReqInput } from '../../src/protocol/schema.js';

const ZERO = Buffer.alloc(16);
const UNKNOWN_ID = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
const values = (...vs: string[]) => buildBatch(vs.map((v) => ({ key: Buffer.from(v), value: Buffer.from(v) })));
const TOPIC_OPERATIONS = 3576; // READ WRITE CREATE DELETE ALTER DESCRIBE DESCRIBE_CONFIGS ALTER_CONFIGS, as Kafka 4.4 answers
const CLUSTER_OPERATIONS = 8096; // CREATE ALTER DESCRIBE CLUSTER_ACTION DESCRIBE_CONFIGS ALTER_CONFIGS IDEMPOTENT_WRITE

async function createTopic(c: WireClient, name: string, partitions = 1, configs: { name: string; value: string }[] = []): Promise<Buffer> {
  const id = await createTopicWire(c, name, partitions, configs);
  assert.ok(!id.equals(ZERO), 'CreateTopics v7 returns the topic id');
  return id;
}

/** A request the broker refuses by closing the connection (as Kafka does for a removed version). */
async function closes<A extends ApiSchema>(port: number, api: A, version: number, body: ReqInput<A>): Promise<void> {
  const c = await WireClient.connect('127.0.0.1', port);
  try {
    await assert.rejects(c.request(api, version, body), /connection closed/, `${api.name} v${version}`);
  } finally {
    c.close();
  }
}

test('ApiVersions advertises Kafka 4.4\'s data-plane ranges; removed versions close the connection as Kafka does', async () => {
  await withWireBroker(async (broker, c) => {
    const v = await c.request(ApiVersions, 3, { clientSoftwareName: 'kt-test', clientSoftwareVersion: '1' });
    const range = (key: number) => {
      const k = v.apiKeys.find((a) => a.apiKey === key);
      return k && [k.minVersion, k.maxVersion];
    };
    // from Apache Kafka 4.4's ApiVersions answer (Produce keeps v0 for librdkafka, KAFKA-18659)
    assert.deepEqual(range(0), [0, 13], 'Produce');
    assert.deepEqual(range(1), [4, 18], 'Fetch');
    assert.deepEqual(range(2), [1, 11], 'ListOffsets');
    assert.deepEqual(range(3), [0, 13], 'Metadata');
    assert.deepEqual(range(20), [1, 6], 'DeleteTopics');
    const noTopics = { topics: [] };
    for (const version of [0, 1, 2]) await closes(broker.port, Produce, version, { acks: 1, timeoutMs: 1000, topicData: [] });
    for (const version of [0, 1, 2, 3]) await closes(broker.port, Fetch, version, { maxWaitMs: 0, minBytes: 0, ...noTopics });
    await closes(broker.port, ListOffsets, 0, { replicaId: -1, ...noTopics });
    await closes(broker.port, DeleteTopics, 0, { topicNames: [], timeoutMs: 1000 });
    // the connection that asked nothing removed still works
    const md = await c.request(Metadata, 13, { topics: [] });
    assert.equal(md.errorCode, 0);
  });
});

test('topic ids: Produce v13 and Fetch v13-18 by id, unknown ids UNKNOWN_TOPIC_ID; ids survive a restart', async () => {
  const dataDir = tempDir();
  let broker = await testBroker({ dataDir });
  let c = await WireClient.connect('127.0.0.1', broker.port);
  let id: Buffer;
  try {
    id = await createTopic(c, 'by-id', 2);
    const produced = await c.request(Produce, 13, {
      acks: -1,
      timeoutMs: 1000,
      topicData: [
        { topicId: id, partitionData: [{ index: 1, records: values('a', 'b') }] },
        { topicId: UNKNOWN_ID, partitionData: [{ index: 0, records: values('lost') }] },
      ],
    });
    const [known, unknown] = produced.responses;
    assert.ok(known.topicId.equals(id));
    assert.deepEqual(known.partitionResponses.map((p) => [p.index, p.errorCode, p.baseOffset]), [[1, 0, 0]]);
    assert.ok(unknown.topicId.equals(UNKNOWN_ID));
    assert.deepEqual(unknown.partitionResponses.map((p) => [p.errorCode, p.baseOffset, p.logStartOffset, p.errorMessage]), [[code('UNKNOWN_TOPIC_ID'), -1, -1, null]]);
    assert.equal(broker.store.partition('by-id', 1)?.logEndOffset, 2);

    for (const version of [13, 14, 15, 16, 17, 18]) {
      const r = await c.request(Fetch, version, {
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 1 << 20,
        topics: [
          { topicId: id, partitions: [{ partition: 1, fetchOffset: 0, partitionMaxBytes: 1 << 20 }, { partition: 7, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] },
          { topicId: UNKNOWN_ID, partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] },
        ],
      });
      assert.equal(r.errorCode, 0);
      assert.ok(r.responses[0].topicId.equals(id), `v${version} answers by id`);
      const [p1, p7] = r.responses[0].partitions;
      assert.equal(p1.errorCode, 0);
      assert.equal(p1.highWatermark, 2);
      assert.deepEqual(readRecords(p1.records as Buffer).map((x) => x.value?.toString()), ['a', 'b']);
      assert.equal(p7.errorCode, code('UNKNOWN_TOPIC_OR_PARTITION'));
      assert.ok(r.responses[1].topicId.equals(UNKNOWN_ID));
      assert.deepEqual(r.responses[1].partitions.map((p) => [p.errorCode, p.highWatermark]), [[code('UNKNOWN_TOPIC_ID'), -1]]);
    }
    // a long-polling fetch by id wakes on an append to that topic
    const pending = c.request(Fetch, 16, { maxWaitMs: 30_000, minBytes: 1, maxBytes: 1 << 20, topics: [{ topicId: id, partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }] });
    const producer = await WireClient.connect('127.0.0.1', broker.port);
    await producer.request(Produce, 13, { acks: 1, timeoutMs: 1000, topicData: [{ topicId: id, partitionData: [{ index: 0, records: values('woke') }] }] });
    producer.close();
    const woken = await pending;
    assert.deepEqual(readRecords(woken.responses[0].partitions[0].records as Buffer).map((x) => x.value?.toString()), ['woke']);
  } finally {
    c.close();
    await broker.stop();
  }
  // the id is stored with the topic: the same after a restart
  broker = await testBroker({ dataDir });
  c = await WireClient.connect('127.0.0.1', broker.port);
  try {
    const md = await c.request(Metadata, 12, { topics: [{ topicId: id, name: null }], allowAutoTopicCreation: false });
    assert.deepEqual(md.topics.map((t) => [t.errorCode, t.name, t.partitions.length]), [[0, 'by-id', 2]]);
    assert.ok(md.topics[0].topicId.equals(id));
  } finally {
    c.close();
    await broker.stop();
  }
});

test('Metadata v10-13: topic ids, asking by id from v12 (unknown ids first, null name), invalid before v12, top-level error code, authorized operations', async () => {
  await withWireBroker(async (broker, c) => {
    const id = await createTopic(c, 'md', 3);
    const v10 = await c.request(Metadata, 10, { topics: [{ name: 'md' }], allowAutoTopicCreation: false });
    assert.ok(v10.topics[0].topicId.equals(id), 'v10 answers the topic id');

    const byId = await c.request(Metadata, 13, {
      topics: [{ topicId: id, name: 'ignored' }, { topicId: UNKNOWN_ID, name: null }, { topicId: id, name: null }],
      allowAutoTopicCreation: true,
      includeTopicAuthorizedOperations: true,
    });
    assert.equal(byId.errorCode, 0);
    assert.deepEqual(
      byId.topics.map((t) => [t.errorCode, t.name, t.topicId.toString('hex'), t.partitions.length, t.topicAuthorizedOperations]),
      [
        [code('UNKNOWN_TOPIC_ID'), null, UNKNOWN_ID.toString('hex'), 0, -2147483648],
        [0, 'md', id.toString('hex'), 3, TOPIC_OPERATIONS],
      ],
    );
    assert.equal(broker.store.getTopic('ignored'), undefined, 'a name beside an id is neither looked up nor created');

    // v11 may not ask by id (Kafka: InvalidRequestException): an error answer, nothing else
    const v11 = await c.request(Metadata, 11, { topics: [{ topicId: id, name: 'md' }], allowAutoTopicCreation: false });
    assert.deepEqual(v11.topics.map((t) => [t.errorCode, t.name]), [[code('INVALID_REQUEST'), 'md']]);
    assert.deepEqual([v11.brokers.length, v11.clusterId, v11.controllerId], [0, null, -1]);

    // authorized operations: with no authorizer, every supported operation
    const ops = await c.request(Metadata, 10, { topics: [{ name: 'md' }, { name: 'absent' }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: true, includeTopicAuthorizedOperations: true });
    assert.equal(ops.clusterAuthorizedOperations, CLUSTER_OPERATIONS);
    assert.deepEqual(ops.topics.map((t) => [t.name, t.errorCode, t.topicAuthorizedOperations]), [['md', 0, TOPIC_OPERATIONS], ['absent', code('UNKNOWN_TOPIC_OR_PARTITION'), TOPIC_OPERATIONS]]);
    const none = await c.request(Metadata, 10, { topics: [{ name: 'md' }], allowAutoTopicCreation: false });
    assert.deepEqual([none.clusterAuthorizedOperations, none.topics[0].topicAuthorizedOperations], [-2147483648, -2147483648], 'not asked, not given');
    const cluster = await c.request(DescribeCluster, 1, { includeClusterAuthorizedOperations: true });
    assert.equal(cluster.clusterAuthorizedOperations, CLUSTER_OPERATIONS);
  });
});

test('DeleteTopics v6 deletes by topic id; unknown ids, both or neither given and duplicates are refused as Kafka', async () => {
  await withWireBroker(async (broker, c) => {
    const a = await createTopic(c, 'del-a');
    const b = await createTopic(c, 'del-b');
    await createTopic(c, 'keep');
    const r = await c.request(DeleteTopics, 6, {
      topics: [
        { name: null, topicId: a },
        { name: 'del-b', topicId: ZERO },
        { name: null, topicId: UNKNOWN_ID },
        { name: null, topicId: ZERO },
        { name: 'keep', topicId: b },
      ],
      timeoutMs: 5000,
    });
    const rows = r.responses.map((t) => [t.name, t.topicId.toString('hex'), t.errorCode, t.errorMessage]);
    assert.deepEqual(rows.sort(), [
      [null, UNKNOWN_ID.toString('hex'), code('UNKNOWN_TOPIC_ID'), 'This server does not host this topic ID.'],
      [null, ZERO.toString('hex'), code('INVALID_REQUEST'), 'Neither topic name nor id were specified.'],
      ['del-a', a.toString('hex'), 0, null],
      ['del-b', b.toString('hex'), 0, null],
      ['keep', b.toString('hex'), code('INVALID_REQUEST'), 'You may not specify both topic name and topic id.'],
    ].sort());
    assert.deepEqual(broker.store.listTopics().map((t) => t.name), ['keep']);
    const dup = await c.request(DeleteTopics, 6, { topics: [{ name: 'keep', topicId: ZERO }, { name: 'keep', topicId: ZERO }], timeoutMs: 5000 });
    assert.deepEqual(dup.responses.map((t) => [t.name, t.errorCode, t.errorMessage]), [['keep', code('INVALID_REQUEST'), 'Duplicate topic name.']]);
    assert.ok(broker.store.getTopic('keep'), 'a duplicated name is not deleted');
    // v5 still deletes by name
    const v5 = await c.request(DeleteTopics, 5, { topicNames: ['keep'], timeoutMs: 5000 });
    assert.deepEqual(v5.responses.map((t) => [t.name, t.errorCode]), [['keep', 0]]);
  });
});

test('KIP-74: a Fetch over several partitions stays within max_bytes, except one whole batch from the first partition with data', async () => {
  await withWireBroker(async (_broker, c) => {
    await createTopic(c, 'limits', 4);
    // each partition holds 3 batches of ~1 KB
    const big = (p: number, i: number) => buildBatch([{ key: null, value: Buffer.alloc(1000, 97 + p + i) }]);
    for (let i = 0; i < 3; i++) {
      await c.request(Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'limits', partitionData: [0, 1, 2, 3].map((p) => ({ index: p, records: big(p, i) })) }] });
    }
    const size = big(0, 0).length;
    const fetch = (maxBytes: number, partitionMaxBytes: number, offsets = [0, 0, 0, 0]) =>
      c.request(Fetch, 12, { maxWaitMs: 0, minBytes: 0, maxBytes, topics: [{ topic: 'limits', partitions: offsets.map((fetchOffset, p) => ({ partition: p, fetchOffset, partitionMaxBytes })) }] });
    const sizes = (r: Awaited<ReturnType<typeof fetch>>) => r.responses[0].partitions.map((p) => p.records?.length ?? 0);

    // max_bytes below one batch: the first partition returns one whole batch, the others none
    let r = await fetch(10, 1 << 20);
    assert.deepEqual(sizes(r), [size, 0, 0, 0]);
    assert.ok(r.responses[0].partitions.every((p) => p.errorCode === 0 && p.highWatermark === 3));
    // room for 2.5 batches: two from partition 0, and partition 1's next batch does not fit
    r = await fetch(Math.floor(size * 2.5), 1 << 20);
    assert.deepEqual(sizes(r), [2 * size, 0, 0, 0]);
    // room for 5 batches with 2 per partition: 2 + 2 + 1, then nothing
    r = await fetch(size * 5, size * 2);
    assert.deepEqual(sizes(r), [2 * size, 2 * size, size, 0]);
    // partition 0 has nothing new: the first partition with data may still overshoot
    r = await fetch(10, 10, [3, 2, 0, 0]);
    assert.deepEqual(sizes(r), [0, size, 0, 0]);
    // the total never passes max_bytes beyond that first batch
    for (const maxBytes of [1, size, size + 1, 3 * size - 1, 7 * size, 100 * size]) {
      const total = sizes(await fetch(maxBytes, 1 << 20)).reduce((a, b) => a + b, 0);
      assert.ok(total <= Math.max(maxBytes, size), `max_bytes ${maxBytes}: ${total} bytes`);
      assert.ok(total > 0);
    }
  });
});

test('KIP-467: a batch with 10 keyless records on a compacted topic names those 10 in RecordErrors; nothing is written', async () => {
  await withWireBroker(async (broker, c) => {
    const id = await createTopic(c, 'compacted', 1, [{ name: 'cleanup.policy', value: 'compact' }]);
    const keyless = [4, 9, 17, 30, 41, 55, 62, 78, 83, 99];
    const records = Array.from({ length: 100 }, (_, i) => ({ key: keyless.includes(i) ? null : Buffer.from(`k${i}`), value: Buffer.from(`v${i}`) }));
    const why = 'Compacted topic cannot accept message without key in topic partition compacted-0';
    for (const version of [8, 9, 13]) {
      const topic = version >= 13 ? { topicId: id } : { name: 'compacted' };
      const r = await c.request(Produce, version, { acks: -1, timeoutMs: 1000, topicData: [{ ...topic, partitionData: [{ index: 0, records: buildBatch(records) }] }] });
      const p = r.responses[0].partitionResponses[0];
      assert.equal(p.errorCode, code('INVALID_RECORD'));
      assert.equal(p.baseOffset, -1);
      assert.equal(p.logStartOffset, 0);
      assert.deepEqual(p.recordErrors.map((e) => e.batchIndex), keyless, `v${version}`);
      assert.ok(p.recordErrors.every((e) => e.batchIndexErrorMessage === why));
      assert.equal(
        p.errorMessage,
        'One or more records have been rejected due to 10 record errors in total, and only showing the first three errors at most: ' +
          `[RecordError(batchIndex=4, message='${why}'), RecordError(batchIndex=9, message='${why}'), RecordError(batchIndex=17, message='${why}')]`,
      );
    }
    // a compressed batch is checked record by record too
    const gz = await c.request(Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'compacted', partitionData: [{ index: 0, records: buildBatch(records, { codec: 1 }) }] }] });
    assert.deepEqual(gz.responses[0].partitionResponses[0].recordErrors.map((e) => e.batchIndex), keyless);
    assert.equal(broker.store.partition('compacted', 0)?.logEndOffset, 0, 'nothing was written');
    const ok = await c.request(Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'compacted', partitionData: [{ index: 0, records: values('x') }] }] });
    assert.deepEqual(ok.responses[0].partitionResponses.map((p) => [p.errorCode, p.recordErrors.length, p.errorMessage]), [[0, 0, null]]);
  });
});

test('ListOffsets v1-11: special timestamps answered as Kafka without tiered storage', async () => {
  await withWireBroker(async (_broker, c) => {
    await createTopic(c, 'lo');
    await c.request(Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'lo', partitionData: [{ index: 0, records: values('a', 'b', 'c') }] }] });
    const ask = async (version: number, timestamp: number) => {
      const r = await c.request(ListOffsets, version, { replicaId: -1, isolationLevel: 0, topics: [{ name: 'lo', partitions: [{ partitionIndex: 0, timestamp }] }], timeoutMs: 1000 });
      const p = r.topics[0].partitions[0];
      return [p.errorCode, p.offset, p.leaderEpoch];
    };
    assert.deepEqual(await ask(11, -1), [0, 3, 0], 'latest');
    assert.deepEqual(await ask(11, -2), [0, 0, 0], 'earliest');
    assert.deepEqual(await ask(11, -3), [0, 0, 0], 'max timestamp: the first record with it (one timestamp for all three)');
    assert.deepEqual(await ask(11, -4), [0, 0, 0], 'earliest local: the log start');
    assert.deepEqual(await ask(11, -5), [0, -1, -1], 'latest tiered: none');
    assert.deepEqual(await ask(11, -6), [0, -1, -1], 'earliest pending upload: none');
    assert.deepEqual(await ask(11, 0), [0, 0, 0], 'the first record at or after 0');
    assert.deepEqual(await ask(11, Date.now() + 3_600_000), [0, -1, -1], 'nothing that late');
    assert.deepEqual(await ask(1, -1), [0, 3, -1], 'v1 has no leader epoch');
    // each special timestamp from the version that brought it; before, or not one: as Kafka
    const UNSUPPORTED = code('UNSUPPORTED_VERSION');
    for (const [timestamp, first] of [[-3, 7], [-4, 8], [-5, 9], [-6, 11]]) {
      assert.deepEqual(await ask(first - 1, timestamp), [UNSUPPORTED, -1, -1], `${timestamp} before v${first}`);
      assert.equal((await ask(first, timestamp))[0], 0, `${timestamp} from v${first}`);
    }
    assert.deepEqual(await ask(8, -4), [0, 0, 0], 'earliest local at v8');
    assert.deepEqual(await ask(9, -5), [0, -1, -1], 'latest tiered at v9');
    assert.deepEqual(await ask(11, -7), [UNSUPPORTED, -1, -1], 'no such special timestamp');
  });
});

test('auto.create.topics.enable=false is honoured by Metadata and reported as in effect', async () => {
  for (const opts of [{ configs: { 'auto.create.topics.enable': 'false' } }, { autoCreateTopics: false }]) {
    await withWireBroker(async (broker, c) => {
      const md = await c.request(Metadata, 12, { topics: [{ name: 'not-made' }], allowAutoTopicCreation: true });
      assert.deepEqual(md.topics.map((t) => [t.name, t.errorCode]), [['not-made', code('UNKNOWN_TOPIC_OR_PARTITION')]]);
      const v0 = await c.request(Metadata, 0, { topics: [{ name: 'not-made-either' }] });
      assert.equal(v0.topics[0].errorCode, code('UNKNOWN_TOPIC_OR_PARTITION'));
      assert.deepEqual(broker.store.listTopics(), []);
      const cfg = await c.request(DescribeConfigs, 4, { resources: [{ resourceType: 4, resourceName: '0', configurationKeys: ['auto.create.topics.enable'] }] });
      assert.deepEqual(cfg.results[0].configs.map((e) => [e.name, e.value]), [['auto.create.topics.enable', 'false']]);
    }, opts);
  }
  await withWireBroker(async (_broker, c) => {
    const md = await c.request(Metadata, 12, { topics: [{ name: 'made' }], allowAutoTopicCreation: true });
    assert.deepEqual(md.topics.map((t) => [t.name, t.errorCode]), [['made', 0]], 'the default creates');
  });
});
