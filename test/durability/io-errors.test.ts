// Storage I/O errors (docs/durability.md, "When the disk fails"): a full, read-only or failing
// disk, simulated by failing the broker's file system calls (faulty-disk.ts). A failed write
// never leaves a descriptor that could alias another file, the partition it hit goes offline
// (KAFKA_STORAGE_ERROR) instead of writing anywhere else, the broker keeps answering, topics
// can still be deleted, and everything comes back when the disk does. After a restart every
// acknowledged record and commit is intact and nothing leaked from one file into another.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { disk } from './faulty-disk.js';
import { ApiVersions } from '../../src/protocol/apis/apiVersions.js';
import { CreateTopics } from '../../src/protocol/apis/createTopics.js';
import { DeleteRecords } from '../../src/protocol/apis/deleteRecords.js';
import { DeleteTopics } from '../../src/protocol/apis/deleteTopics.js';
import { EndTxn } from '../../src/protocol/apis/endTxn.js';
import { Fetch } from '../../src/protocol/apis/fetch.js';
import { InitProducerId } from '../../src/protocol/apis/initProducerId.js';
import { ListOffsets } from '../../src/protocol/apis/listOffsets.js';
import { Metadata } from '../../src/protocol/apis/metadata.js';
import { OffsetCommit } from '../../src/protocol/apis/offsetCommit.js';
import { OffsetFetch } from '../../src/protocol/apis/offsetFetch.js';
import { Produce } from '../../src/protocol/apis/produce.js';
import { code } from '../../src/protocol/errors.js';
import { batchesIn, buildBatch, checkBatch, readRecords } from '../../src/protocol/recordBatch.js';
import { readFramedEntries } from '../../src/broker/log/files.js';
import { OffsetStoreImpl } from '../../src/broker/log/offsetStore.js';
import { TxnStateLog } from '../../src/broker/txn/stateLog.js';
import type { StoredTxn } from '../../src/broker/txn/types.js';
import { WireClient } from '../../src/client/wireClient.js';
import type { Broker } from '../../src/index.js';
import { eventually, readWholeLog, tempDir, testBroker } from './helpers.js';

const STORAGE_ERROR = code('KAFKA_STORAGE_ERROR');

/** What the broker acknowledged, to compare with what it serves after a restart. */
class Acked {
  readonly records = new Map<string, string[]>(); // "topic-p" -> values by offset
  readonly commits = new Map<string, number>(); // "group/topic-p" -> offset

  record(topic: string, p: number, baseOffset: number, values: string[]): void {
    const key = `${topic}-${p}`;
    const list = this.records.get(key) ?? [];
    assert.equal(baseOffset, list.length, `${key}: acknowledged at offset ${baseOffset}, expected ${list.length}`);
    this.records.set(key, [...list, ...values]);
  }
}

async function createTopic(c: WireClient, name: string, partitions = 1): Promise<number> {
  const r = await c.request(CreateTopics, 4, { topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000 });
  return r.topics[0].errorCode;
}

/** Produce (acks=all) of `values` in one batch; the error code, and the offsets acknowledged into `acked`. */
async function produce(c: WireClient, acked: Acked, topic: string, p: number, values: string[]): Promise<number> {
  const records = buildBatch(values.map((v) => ({ key: null, value: Buffer.from(v) })));
  const r = await c.request(Produce, 7, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: p, records }] }] });
  const res = r.responses[0].partitionResponses[0];
  if (res.errorCode === 0) acked.record(topic, p, res.baseOffset, values);
  return res.errorCode;
}

/** A simple (memberless) OffsetCommit of `offset` for every partition listed; the error codes. */
async function commit(c: WireClient, acked: Acked, group: string, topic: string, partitions: number[], offset: number, metadata = ''): Promise<number[]> {
  const r = await c.request(OffsetCommit, 8, {
    groupId: group, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
    topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: metadata })) }],
  });
  const errors = r.topics[0].partitions.map((p) => p.errorCode);
  errors.forEach((e, i) => {
    if (e === 0) acked.commits.set(`${group}/${topic}-${partitions[i]}`, offset);
  });
  return errors;
}

async function committed(c: WireClient, group: string, topic: string, p: number): Promise<number> {
  const r = await c.request(OffsetFetch, 5, { groupId: group, topics: [{ name: topic, partitionIndexes: [p] }] });
  assert.equal(r.topics[0].partitions[0].errorCode, 0);
  return Number(r.topics[0].partitions[0].committedOffset);
}

/** One Fetch of a partition from `offset`: the error code and the values of the records returned. */
async function fetchValues(c: WireClient, topic: string, p: number, offset = 0): Promise<{ errorCode: number; values: string[] }> {
  const r = await c.request(Fetch, 11, { maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, topics: [{ topic, partitions: [{ partition: p, fetchOffset: offset, partitionMaxBytes: 1 << 20 }] }] });
  const part = r.responses[0].partitions[0];
  const buf = part.records ?? Buffer.alloc(0);
  const values: string[] = [];
  for (const [pos] of batchesIn(buf)) for (const rec of readRecords(buf, pos)) values.push(rec.value?.toString() ?? '');
  return { errorCode: part.errorCode, values };
}

async function listLatest(c: WireClient, topic: string, p: number): Promise<number> {
  const r = await c.request(ListOffsets, 5, { replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex: p, currentLeaderEpoch: -1, timestamp: -1 }] }] });
  return r.topics[0].partitions[0].errorCode;
}

async function deleteTopic(c: WireClient, name: string): Promise<number> {
  const r = await c.request(DeleteTopics, 4, { topicNames: [name], timeoutMs: 5000 });
  return r.responses[0].errorCode;
}

/** The broker still answers what needs no disk write: ApiVersions and Metadata. */
async function stillAnswers(c: WireClient, topic: string): Promise<void> {
  assert.equal((await c.request(ApiVersions, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' })).errorCode, 0);
  const md = await c.request(Metadata, 9, { topics: [{ name: topic }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  assert.equal(md.topics[0].errorCode, 0);
}

/** After a clean restart, the broker serves exactly what it acknowledged, and its start was clean. */
async function checkAfterRestart(dir: string, acked: Acked): Promise<void> {
  const lines: string[] = [];
  const broker = await testBroker({ dataDir: dir, log: (m) => lines.push(m) });
  try {
    // A clean stop before: any repair at start means something was written where it does not belong.
    const repairs = lines.filter((l) => /dropped|truncated|torn|invalid|CRC|corrupt|rebuilding/.test(l));
    assert.deepEqual(repairs, [], 'the start after a clean stop repaired nothing');
    for (const [key, values] of acked.records) {
      const [, topic, p] = /^(.*)-(\d+)$/.exec(key) as RegExpExecArray;
      const log = await readWholeLog(broker.port, topic, Number(p));
      assert.deepEqual(log.records.map((r) => r.value), values, `${key}: every acknowledged record, in place`);
    }
    const c = await WireClient.connect('127.0.0.1', broker.port);
    try {
      for (const [key, offset] of acked.commits) {
        const [, group, topic, p] = /^(.*)\/(.*)-(\d+)$/.exec(key) as RegExpExecArray;
        assert.equal(await committed(c, group, topic, Number(p)), offset, `${key}: the last acknowledged commit`);
      }
    } finally {
      c.close();
    }
  } finally {
    await broker.stop();
  }
}

async function withBroker(dir: string, fn: (broker: Broker, c: WireClient, log: string[]) => Promise<void>): Promise<void> {
  const lines: string[] = [];
  const broker = await testBroker({ dataDir: dir, log: (m) => lines.push(m) });
  const c = await WireClient.connect('127.0.0.1', broker.port);
  let error: unknown;
  try {
    await fn(broker, c, lines);
  } catch (e) {
    error = e;
  }
  disk.heal();
  c.close();
  try {
    await broker.stop();
  } catch (e) {
    error ??= e; // the first failure is the one to see
  }
  if (error) throw error;
}

test('a failed rewrite of consumer-offsets.log leaves no descriptor behind: commits and records stay in their own files', async () => {
  const dir = tempDir();
  const acked = new Acked();
  await withBroker(dir, async (_broker, c, lines) => {
    assert.equal(await createTopic(c, 'before', 8), 0);
    for (let p = 0; p < 8; p++) assert.equal(await produce(c, acked, 'before', p, [`b${p}-0`, `b${p}-1`]), 0);
    // Commits with 4 KB of metadata per partition grow the journal to its rewrite threshold
    // (1 MiB); the disk is full exactly when the rewrite writes its temporary file.
    disk.fail({ code: 'ENOSPC', files: (f) => f.endsWith('consumer-offsets.log.tmp') });
    const hits = disk.hits;
    const partitions = [0, 1, 2, 3, 4, 5, 6, 7];
    for (let i = 0; disk.hits === hits; i++) {
      assert.ok(i < 200, 'the journal rewrites within 200 commits of 32 KB');
      await commit(c, acked, 'g', 'before', partitions, i, 'm'.repeat(4000));
    }
    assert.ok(lines.some((l) => l.includes('consumer-offsets.log')), `the failed rewrite is logged:\n${lines.join('\n')}`);
    disk.heal();
    // New files get the lowest free descriptor numbers: a descriptor the journal closed but
    // kept would now belong to this segment.
    assert.equal(await createTopic(c, 'after', 1), 0);
    for (let i = 0; i < 40; i++) {
      assert.equal(await produce(c, acked, 'after', 0, [`a-${i}`]), 0);
      assert.deepEqual(await commit(c, acked, 'g', 'after', [0], i + 1, 'x'.repeat(3000)), [0]);
      assert.equal(await produce(c, acked, 'before', i % 8, [`b${i % 8}-${i + 2}`]), 0);
      assert.deepEqual(await commit(c, acked, 'g', 'before', partitions, 1000 + i, 'y'.repeat(4000)), partitions.map(() => 0));
    }
    const read = await fetchValues(c, 'after', 0);
    assert.equal(read.errorCode, 0);
    assert.deepEqual(read.values, acked.records.get('after-0')?.slice(0, read.values.length));
    assert.equal(await committed(c, 'g', 'after', 0), 40);
    // Each file holds only its own kind of data: whole record batches, whole journal entries.
    const segment = fs.readFileSync(path.join(dir, 'topics', 'after-0', '00000000000000000000.log'));
    let end = 0;
    for (const [pos, h] of batchesIn(segment)) {
      assert.equal(checkBatch(segment, pos), null, `batch at byte ${pos} of after-0`);
      end = pos + h.size;
    }
    assert.equal(end, segment.length, 'after-0 holds record batches and nothing else');
    const journal = readFramedEntries(fs.readFileSync(path.join(dir, 'consumer-offsets.log')));
    assert.equal(journal.problem, undefined, 'consumer-offsets.log holds journal entries and nothing else');
  });
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file is left');
  await checkAfterRestart(dir, acked);
});

test('a full disk: writes get KAFKA_STORAGE_ERROR, the broker keeps answering, DeleteTopics frees space, the partition comes back', async () => {
  const dir = tempDir();
  const acked = new Acked();
  await withBroker(dir, async (_broker, c, lines) => {
    assert.equal(await createTopic(c, 'orders'), 0);
    assert.equal(await createTopic(c, 'big'), 0);
    assert.equal(await createTopic(c, 'quiet'), 0);
    for (let i = 0; i < 5; i++) assert.equal(await produce(c, acked, 'orders', 0, [`o-${i}`]), 0);
    assert.equal(await produce(c, acked, 'big', 0, ['x'.repeat(100_000)]), 0);
    assert.equal(await produce(c, acked, 'quiet', 0, ['q-0']), 0);
    assert.deepEqual(await commit(c, acked, 'g', 'orders', [0], 5), [0]);

    // The disk fills up in the middle of a batch: part of it is written, then ENOSPC.
    disk.fail({ code: 'ENOSPC', partialBytes: 30 });
    assert.equal(await produce(c, acked, 'orders', 0, ['lost-1', 'lost-2']), STORAGE_ERROR);
    // The partition is offline: no write, no read goes anywhere until it is back.
    assert.equal(await produce(c, acked, 'orders', 0, ['lost-3']), STORAGE_ERROR);
    assert.equal((await fetchValues(c, 'orders', 0)).errorCode, STORAGE_ERROR);
    assert.equal(await listLatest(c, 'orders', 0), STORAGE_ERROR);
    // Another partition still serves what it has.
    assert.deepEqual(await fetchValues(c, 'quiet', 0), { errorCode: 0, values: ['q-0'] });
    assert.equal(await listLatest(c, 'quiet', 0), 0);
    await stillAnswers(c, 'orders');
    // A commit cannot be stored: a retriable coordinator error, the connection stays.
    const [commitError] = await commit(c, acked, 'g', 'orders', [0], 99);
    assert.ok(commitError === code('COORDINATOR_NOT_AVAILABLE') || commitError === code('NOT_COORDINATOR'), `commit error ${commitError}`);
    assert.equal(await committed(c, 'g', 'orders', 0), 5);
    // Space can be freed through the broker.
    assert.equal(await deleteTopic(c, 'big'), 0);
    assert.ok(!fs.readdirSync(path.join(dir, 'topics')).includes('big-0'), 'the data of big is gone');
    acked.records.delete('big-0');
    assert.ok(lines.some((l) => /orders-0.*offline/.test(l)), `the broker says the partition is offline:\n${lines.join('\n')}`);

    disk.heal();
    // The partition comes back by itself once the disk takes writes again.
    await eventually('orders-0 takes writes again', async () => (await produce(c, acked, 'orders', 0, ['o-back'])) === 0);
    assert.deepEqual((await fetchValues(c, 'orders', 0)).values, acked.records.get('orders-0'), 'the torn batch is gone, nothing acknowledged is');
    assert.equal(await listLatest(c, 'orders', 0), 0);
    assert.deepEqual(await commit(c, acked, 'g', 'orders', [0], 6), [0]);
    assert.equal(await produce(c, acked, 'quiet', 0, ['q-1']), 0);
    assert.equal(await createTopic(c, 'big'), 0, 'the deleted topic can be created again');
  });
  await checkAfterRestart(dir, acked);
});

test('a read-only disk: every request gets an answer, and the broker serves again when the disk is writable', async () => {
  const dir = tempDir();
  const acked = new Acked();
  await withBroker(dir, async (_broker, c) => {
    assert.equal(await createTopic(c, 'ro', 2), 0);
    assert.equal(await produce(c, acked, 'ro', 0, ['r-0']), 0);
    assert.equal(await produce(c, acked, 'ro', 1, ['r-1']), 0);
    const init = await c.request(InitProducerId, 1, { transactionalId: 'tx', transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 });
    assert.equal(init.errorCode, 0);

    disk.fail({ code: 'EROFS', files: (f) => f.startsWith(dir) });
    assert.equal(await produce(c, acked, 'ro', 0, ['no']), STORAGE_ERROR);
    await stillAnswers(c, 'ro');
    // Partition 1 was not written to: it still serves reads.
    assert.deepEqual(await fetchValues(c, 'ro', 1), { errorCode: 0, values: ['r-1'] });
    const [commitError] = await commit(c, acked, 'g', 'ro', [1], 1);
    assert.notEqual(commitError, 0);
    // Nothing that needs a write can succeed, but each gets its error instead of a closed connection.
    assert.equal(await deleteTopic(c, 'ro'), STORAGE_ERROR);
    assert.equal(await createTopic(c, 'new'), STORAGE_ERROR);
    const auto = await c.request(Metadata, 9, { topics: [{ name: 'auto' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
    assert.equal(auto.topics[0].errorCode, STORAGE_ERROR);
    const del = await c.request(DeleteRecords, 1, { topics: [{ name: 'ro', partitions: [{ partitionIndex: 0, offset: 1 }] }], timeoutMs: 5000 });
    assert.equal(del.topics[0].partitions[0].errorCode, STORAGE_ERROR);
    // Transaction state cannot be stored: a retriable coordinator error.
    const bump = await c.request(InitProducerId, 1, { transactionalId: 'tx', transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 });
    assert.equal(bump.errorCode, code('COORDINATOR_NOT_AVAILABLE'));
    await stillAnswers(c, 'ro');

    disk.heal();
    await eventually('ro-0 takes writes again', async () => (await produce(c, acked, 'ro', 0, ['r-0b'])) === 0);
    assert.deepEqual(await commit(c, acked, 'g', 'ro', [0, 1], 1), [0, 0]);
    const again = await c.request(InitProducerId, 1, { transactionalId: 'tx', transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 });
    assert.equal(again.errorCode, 0);
    assert.equal(again.producerEpoch, init.producerEpoch + 1, 'the failed bump was not applied');
    const end = await c.request(EndTxn, 1, { transactionalId: 'tx', producerId: again.producerId, producerEpoch: again.producerEpoch, committed: true });
    assert.equal(end.errorCode, code('INVALID_TXN_STATE'), 'no transaction is open');
    assert.equal(await createTopic(c, 'new'), 0);
    const auto2 = await c.request(Metadata, 9, { topics: [{ name: 'auto' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
    assert.equal(auto2.topics[0].errorCode, 0);
  });
  await checkAfterRestart(dir, acked);
});

const txn = (id: string, epoch: number): StoredTxn => ({
  v: 1, id, pid: 7, lastPid: -1, epoch, lastEpoch: -1, timeoutMs: 60_000, state: 'Empty',
  partitions: [], groups: [], offsets: [], start: -1, updated: 1, last: null,
});

test('transaction-state.log: a failed rewrite keeps the journal on its own file', () => {
  const dir = tempDir();
  const file = path.join(dir, 'transaction-state.log');
  const lines: string[] = [];
  const log = new TxnStateLog(file, (m) => lines.push(m), 2000);
  log.load();
  disk.fail({ code: 'ENOSPC', files: (f) => f.endsWith('.tmp') });
  const hits = disk.hits;
  let epoch = 0;
  while (disk.hits === hits) {
    assert.ok(epoch < 1000, 'the journal tries to rewrite itself');
    log.write(txn('a', epoch++)); // durable and applied: the failed rewrite after it is no error
  }
  disk.heal();
  // The lowest free descriptor goes to the next file opened: the journal's, had it closed it.
  const other = path.join(dir, 'other');
  const fd = fs.openSync(other, 'w+');
  try {
    for (let i = 0; i < 50; i++) log.write(txn('b', i));
    log.write(txn('a', epoch));
  } finally {
    fs.closeSync(fd);
  }
  log.close();
  assert.equal(fs.statSync(other).size, 0, 'nothing went into another file');
  const again = new TxnStateLog(file, (m) => lines.push(m), 2000);
  const state = again.load();
  again.close();
  assert.deepEqual([state.get('a')?.epoch, state.get('b')?.epoch], [epoch, 49]);
  assert.ok(!lines.some((l) => /dropped/.test(l)), lines.join('\n'));
});

test('consumer-offsets.log: a failed append is not applied, and leaves nothing in the file', () => {
  const file = path.join(tempDir(), 'consumer-offsets.log');
  const lines: string[] = [];
  const store = new OffsetStoreImpl(file, (m) => lines.push(m));
  const entry = (offset: number, metadata = '') => [{ topic: 't', partition: 0, offset, leaderEpoch: -1, metadata }];
  store.commit('g', entry(1));
  // The disk fails in the middle of a large entry.
  disk.fail({ code: 'EIO', partialBytes: 3000, files: (f) => f === file });
  assert.throws(() => store.commit('g', entry(2, 'm'.repeat(5000))), /EIO/);
  disk.heal();
  assert.equal(store.get('g', 't', 0)?.offset, 1, 'not applied');
  store.commit('g', entry(3));
  store.close();
  const again = new OffsetStoreImpl(file, (m) => lines.push(m));
  assert.equal(again.get('g', 't', 0)?.offset, 3);
  again.close();
  assert.deepEqual(lines.filter((l) => /dropped/.test(l)), [], 'no torn entry was left to cut off');
});
