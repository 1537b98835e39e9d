// Differential tests of the data-plane APIs (issue 13 part 6): Produce, Fetch, ListOffsets and
// Metadata, valid and invalid requests, at their newest version and an older one, sent to the
// bundled broker and to Apache Kafka 4.4 and compared field by field (test/e2e/differential.ts).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import * as A from '../../src/protocol/apis/index.js';
import { code } from '../../src/protocol/errors.js';
import { buildBatch } from '../../src/protocol/recordBatch.js';
import { createTopic, differential, INTENDED, type Side } from './differential.js';

const d = differential();
const TS = 1_700_000_000_000;
const batch = (n: number, key: (i: number) => Buffer | null = (i) => Buffer.from(`k${i}`), ts = TS) =>
  buildBatch(Array.from({ length: n }, (_, i) => ({ key: key(i), value: Buffer.from(`value ${i}`), timestamp: ts + i })), { baseTimestamp: ts });

const produce = (s: Side, v: number, topic: string, partition: number, records: Buffer, acks = -1) =>
  s.c.request(A.Produce, v, { transactionalId: null, acks, timeoutMs: 30000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] });

test('Produce v3, v9, v11: acks -1 and 1, an unknown topic, a bad partition, a bad CRC', async () => {
  const topics = new Map<string, Side>();
  await d.same('create', async (s) => {
    topics.set(s.name, s);
    await createTopic(s, s.n('produce'), 2);
    return null;
  });
  for (const v of [3, 9, 11]) {
    for (const acks of [-1, 1]) {
      await d.request(`acks ${acks}`, A.Produce, v, (s) => ({
        transactionalId: null, acks, timeoutMs: 30000,
        topicData: [{ name: s.n('produce'), partitionData: [{ index: 0, records: batch(3) }, { index: 1, records: batch(1) }, { index: 7, records: batch(1) }] }],
      }));
    }
    await d.request('unknown topic', A.Produce, v, (s) => ({
      transactionalId: null, acks: -1, timeoutMs: 30000,
      topicData: [{ name: `${s.n('produce')}-none`, partitionData: [{ index: 0, records: batch(1) }] }],
    }));
    const bad = batch(2);
    bad[bad.length - 1] ^= 0xff; // the CRC no longer matches
    await d.request('bad CRC', A.Produce, v, (s) => ({
      transactionalId: null, acks: -1, timeoutMs: 30000,
      topicData: [{ name: s.n('produce'), partitionData: [{ index: 1, records: bad }] }],
    }));
  }
});

test('Produce acks 0: no answer; the records are appended', async () => {
  await d.same('acks 0', async (s) => {
    const topic = s.n('acks0');
    await createTopic(s, topic, 1);
    // acks 0 is never answered: a request after it on the same connection is
    s.c.writeRaw(s.c.encode(A.Produce, 9, { transactionalId: null, acks: 0, timeoutMs: 30000, topicData: [{ name: topic, partitionData: [{ index: 0, records: batch(2) }] }] }));
    return s.c.request(A.ListOffsets, 9, { replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1 }] }], timeoutMs: 30000 });
  });
});

test('Produce: an oversized batch, null keys on a compacted topic (KIP-467 record errors)', async () => {
  await d.same('create', async (s) => {
    await createTopic(s, s.n('big'), 1, [{ name: 'max.message.bytes', value: '1000' }]);
    await createTopic(s, s.n('compacted'), 1, [{ name: 'cleanup.policy', value: 'compact' }]);
    return null;
  });
  for (const v of [7, 11]) {
    await d.request('oversized', A.Produce, v, (s) => ({
      transactionalId: null, acks: -1, timeoutMs: 30000,
      topicData: [{ name: s.n('big'), partitionData: [{ index: 0, records: buildBatch([{ key: null, value: Buffer.alloc(2000, 1) }], { baseTimestamp: TS }) }] }],
    }));
    await d.request('null keys on a compacted topic', A.Produce, v, (s) => ({
      transactionalId: null, acks: -1, timeoutMs: 30000,
      topicData: [{ name: s.n('compacted'), partitionData: [{ index: 0, records: batch(6, (i) => (i % 3 === 1 ? null : Buffer.from(`k${i}`))) }] }],
    }));
  }
});

test('Fetch v4, v12, v18: records, offset out of range, max bytes, unknown topic name and id', async () => {
  await d.same('create and produce', async (s) => {
    await createTopic(s, s.n('fetch'), 2);
    for (let i = 0; i < 3; i++) assert.equal((await produce(s, 9, s.n('fetch'), 0, batch(2, undefined, TS + 10 * i))).responses[0].partitionResponses[0].errorCode, 0);
    assert.equal((await produce(s, 9, s.n('fetch'), 1, batch(1))).responses[0].partitionResponses[0].errorCode, 0);
    return null;
  });
  const ids = new Map<string, Buffer>();
  await d.same('topic id', async (s) => {
    const md = await s.c.request(A.Metadata, 12, { topics: [{ name: s.n('fetch'), topicId: Buffer.alloc(16) }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    ids.set(s.name, md.topics[0].topicId);
    return md;
  });
  const fetch = (v: number, parts: { partition: number; fetchOffset: number; partitionMaxBytes: number }[], maxBytes = 0x7fffffff, topic = (s: Side) => s.n('fetch'), topicId = (s: Side) => ids.get(s.name) as Buffer) =>
    (s: Side) => ({
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: topic(s), topicId: topicId(s), partitions: parts.map((p) => ({ ...p, currentLeaderEpoch: -1, lastFetchedEpoch: -1, logStartOffset: -1 })) }],
      forgottenTopicsData: [], rackId: '',
    });
  for (const v of [4, 12, 18]) {
    await d.request('from 0', A.Fetch, v, fetch(v, [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }, { partition: 1, fetchOffset: 0, partitionMaxBytes: 1 << 20 }]));
    await d.request('from the middle and the end', A.Fetch, v, fetch(v, [{ partition: 0, fetchOffset: 3, partitionMaxBytes: 1 << 20 }, { partition: 1, fetchOffset: 1, partitionMaxBytes: 1 << 20 }]));
    await d.request('offset out of range', A.Fetch, v, fetch(v, [{ partition: 0, fetchOffset: 99, partitionMaxBytes: 1 << 20 }]));
    await d.request('a bad partition', A.Fetch, v, fetch(v, [{ partition: 9, fetchOffset: 0, partitionMaxBytes: 1 << 20 }]));
    // KIP-74: the first batch is returned whole even beyond the limits; no more after it
    await d.request('max bytes 1', A.Fetch, v, fetch(v, [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }, { partition: 1, fetchOffset: 0, partitionMaxBytes: 1 << 20 }], 1));
    await d.request('partition max bytes 1', A.Fetch, v, fetch(v, [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 }, { partition: 1, fetchOffset: 0, partitionMaxBytes: 1 }]));
    if (v < 13) await d.request('unknown topic name', A.Fetch, v, fetch(v, [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }], undefined, (s) => `${s.n('fetch')}-none`));
    else await d.request('unknown topic id', A.Fetch, v, fetch(v, [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }], undefined, undefined, () => Buffer.alloc(16, 7)));
  }
});

test('ListOffsets v1, v7, v11: earliest, latest, by timestamp, max timestamp, unknown partition and topic', async () => {
  await d.same('create and produce', async (s) => {
    await createTopic(s, s.n('lo'), 1);
    for (let i = 0; i < 3; i++) assert.equal((await produce(s, 9, s.n('lo'), 0, batch(2, undefined, TS + 100 * (3 - i)))).responses[0].partitionResponses[0].errorCode, 0);
    return null;
  });
  for (const v of [1, 7, 11]) {
    const stamps = v === 1 ? [-2, -1, TS + 150, TS + 1000] : [-2, -1, TS, TS + 150, TS + 1000, -3];
    for (const timestamp of stamps) {
      await d.request(`timestamp ${timestamp}`, A.ListOffsets, v, (s) => ({
        replicaId: -1, isolationLevel: 0, timeoutMs: 30000,
        topics: [
          { name: s.n('lo'), partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }, { partitionIndex: 5, currentLeaderEpoch: -1, timestamp }] },
          { name: `${s.n('lo')}-none`, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] },
        ],
      }));
    }
    await d.request('a partition named twice', A.ListOffsets, v, (s) => ({
      replicaId: -1, isolationLevel: 0, timeoutMs: 30000,
      topics: [{ name: s.n('lo'), partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1 }, { partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -2 }] }],
    }));
  }
});

test('ListOffsets -3 to -7 (max timestamp, earliest local, latest tiered, earliest pending upload, none): before and from the version that brought each', async () => {
  await d.same('create and produce', async (s) => {
    await createTopic(s, s.n('lot'), 1);
    assert.equal((await produce(s, 9, s.n('lot'), 0, batch(3, undefined, TS))).responses[0].partitionResponses[0].errorCode, 0);
    return null;
  });
  // Apache: -3 from v7, -4 from v8, -5 from v9, -6 from v11; any other negative timestamp and an
  // older version are UNSUPPORTED_VERSION, before the topic is looked up
  for (const v of [1, 6, 7, 8, 9, 10, 11]) {
    for (const timestamp of [-3, -4, -5, -6, -7]) {
      await d.request(`v${v} timestamp ${timestamp}`, A.ListOffsets, v, (s) => ({
        replicaId: -1, isolationLevel: 0, timeoutMs: 30000,
        topics: [
          { name: s.n('lot'), partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] },
          { name: `${s.n('lot')}-none`, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] },
        ],
      }));
    }
  }
});

test('Metadata v4, v12: all topics, an unknown topic without auto-creation, topic ids, an invalid name', async () => {
  await d.same('create', async (s) => {
    await createTopic(s, s.n('md'), 3);
    return null;
  });
  for (const v of [4, 12]) {
    await d.request('named', A.Metadata, v, (s) => ({
      topics: [{ name: s.n('md'), topicId: Buffer.alloc(16) }, { name: `${s.n('md')}-none`, topicId: Buffer.alloc(16) }, { name: 'bad/name', topicId: Buffer.alloc(16) }],
      allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: v >= 8,
    }));
  }
  const [b, a] = await d.same('by id', async (s) => {
    const md = await s.c.request(A.Metadata, 12, { topics: [{ name: s.n('md'), topicId: Buffer.alloc(16) }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    return s.c.request(A.Metadata, 12, { topics: [{ name: null, topicId: md.topics[0].topicId }, { name: null, topicId: Buffer.alloc(16, 3) }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  });
  assert.deepEqual(b.topics.map((x) => x.errorCode).sort(), [0, code('UNKNOWN_TOPIC_ID')]);
  assert.deepEqual(a.topics.map((x) => x.errorCode).sort(), [0, code('UNKNOWN_TOPIC_ID')]);
});

test('docs/differential.md names every intended difference the comparison applies', () => {
  const doc = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'differential.md'), 'utf8');
  const listed = [...doc.matchAll(/^- \*\*([^*]+)\*\*:/gm)].map((m) => m[1]);
  assert.deepEqual(listed.slice(0, INTENDED.length), INTENDED.map((x) => x.name));
});
