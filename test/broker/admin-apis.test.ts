// The admin APIs of issue 13 part 3 against the bundled broker over TCP, every advertised
// version (test/e2e/admin-apis.test.ts sends the same requests to Apache Kafka 4.4 too).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import * as A from '../../src/protocol/apis/index.js';
import { code } from '../../src/protocol/errors.js';
import { buildBatch } from '../../src/protocol/recordBatch.js';
import { createTopicWire, tempDir, withWireBroker } from '../helpers.js';

test('ACLs without an authorizer: DescribeAcls, CreateAcls, DeleteAcls v1-3 answer SECURITY_DISABLED', async () => {
  await withWireBroker(async (_b, c) => {
    for (let v = 1; v <= 3; v++) {
      const d = await c.request(A.DescribeAcls, v, { resourceTypeFilter: 1, resourceNameFilter: null, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 });
      assert.deepEqual([d.errorCode, d.errorMessage, d.resources], [code('SECURITY_DISABLED'), 'No Authorizer is configured on the broker', []]);
      const creation = { resourceType: 2, resourceName: 't', resourcePatternType: 3, principal: 'User:a', host: '*', operation: 3, permissionType: 3 };
      const cr = await c.request(A.CreateAcls, v, { creations: [creation, creation, creation] });
      assert.deepEqual(cr.results.map((r) => [r.errorCode, r.errorMessage]), Array(3).fill([code('SECURITY_DISABLED'), 'No Authorizer is configured.']));
      const del = await c.request(A.DeleteAcls, v, { filters: [{ resourceTypeFilter: 1, resourceNameFilter: null, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 }] });
      assert.deepEqual(del.filterResults, [{ errorCode: code('SECURITY_DISABLED'), errorMessage: 'No Authorizer is configured.', matchingAcls: [] }]);
    }
    // v0 was removed in Kafka 4.0 and is not advertised
    const v = await c.request(A.ApiVersions, 3, { clientSoftwareName: 'kt-test', clientSoftwareVersion: '1' });
    assert.deepEqual(v.apiKeys.filter((k) => k.apiKey >= 29 && k.apiKey <= 31).map((k) => [k.apiKey, k.minVersion, k.maxVersion]), [[29, 1, 3], [30, 1, 3], [31, 1, 3]]);
  });
});

test('DescribeLogDirs v1-5: the data dir with its file system, each partition\'s bytes; a memory broker reports "(memory)"', async () => {
  const dir = tempDir();
  await withWireBroker(async (b, c) => {
    await createTopicWire(c, 'logs', 2);
    const batch = buildBatch([{ key: null, value: Buffer.from('v'.repeat(50)) }]);
    const p = await c.request(A.Produce, 9, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 'logs', partitionData: [{ index: 1, records: batch }] }] });
    assert.equal(p.responses[0].partitionResponses[0].errorCode, 0);
    for (let v = 1; v <= 5; v++) {
      const r = await c.request(A.DescribeLogDirs, v, { topics: null });
      assert.equal(r.results.length, 1);
      const [d] = r.results;
      assert.deepEqual([d.errorCode, d.logDir, d.isCordoned], [0, b.store.dataDir, false]);
      assert.equal(path.resolve(dir), d.logDir);
      if (v >= 4) assert.ok(d.totalBytes > 0 && d.usableBytes >= 0 && d.usableBytes <= d.totalBytes, `v${v}: ${d.totalBytes} ${d.usableBytes}`);
      else assert.deepEqual([d.totalBytes, d.usableBytes], [-1, -1]);
      assert.deepEqual(d.topics, [{ name: 'logs', partitions: [
        { partitionIndex: 0, partitionSize: 0, offsetLag: 0, isFutureKey: false },
        { partitionIndex: 1, partitionSize: batch.length, offsetLag: 0, isFutureKey: false },
      ] }]);
    }
    const one = await c.request(A.DescribeLogDirs, 2, { topics: [{ topic: 'logs', partitions: [1, 9] }, { topic: 'nope', partitions: [0] }] });
    assert.deepEqual(one.results[0].topics, [{ name: 'logs', partitions: [{ partitionIndex: 1, partitionSize: batch.length, offsetLag: 0, isFutureKey: false }] }]);
  }, { dataDir: dir });
  fs.rmSync(dir, { recursive: true, force: true });
  await withWireBroker(async (_b, c) => {
    await createTopicWire(c, 'm');
    const r = await c.request(A.DescribeLogDirs, 5, { topics: null });
    assert.deepEqual(r.results.map((d) => [d.errorCode, d.logDir, d.totalBytes, d.usableBytes, d.topics.map((t) => t.name)]), [[0, '(memory)', -1, -1, ['m']]]);
  });
});

test('ListTransactions, DescribeTransactions, DescribeProducers: an idle transactional id and an idempotent producer', async () => {
  await withWireBroker(async (_b, c) => {
    await createTopicWire(c, 'p', 1);
    const init = await c.request(A.InitProducerId, 4, { transactionalId: 'tx-a', transactionTimeoutMs: 12345 });
    assert.equal(init.errorCode, 0);
    const d = await c.request(A.DescribeTransactions, 0, { transactionalIds: ['tx-a', 'tx-b'] });
    assert.deepEqual(d.transactionStates, [
      { errorCode: 0, transactionalId: 'tx-a', transactionState: 'Empty', transactionTimeoutMs: 12345, transactionStartTimeMs: -1, producerId: init.producerId, producerEpoch: 0, topics: [] },
      { errorCode: code('TRANSACTIONAL_ID_NOT_FOUND'), transactionalId: 'tx-b', transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: 0, producerId: 0, producerEpoch: 0, topics: [] },
    ]);
    const list = await c.request(A.ListTransactions, 2, { stateFilters: ['Empty', 'Bogus'], producerIdFilters: [], transactionalIdPattern: 'tx-.' });
    assert.deepEqual([list.errorCode, list.unknownStateFilters, list.transactionStates], [0, ['Bogus'], [{ transactionalId: 'tx-a', producerId: init.producerId, transactionState: 'Empty' }]]);
    assert.deepEqual((await c.request(A.ListTransactions, 0, { stateFilters: ['Ongoing'], producerIdFilters: [] })).transactionStates, []);
    assert.deepEqual((await c.request(A.ListTransactions, 2, { stateFilters: [], producerIdFilters: [], transactionalIdPattern: '[' })).errorCode, code('INVALID_REGULAR_EXPRESSION'));

    // an idempotent producer's three records in two batches: last sequence 2, no transaction
    const idem = await c.request(A.InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 0 });
    for (const [seq, n] of [[0, 2], [2, 1]]) {
      const batch = buildBatch(Array.from({ length: n }, () => ({ key: null, value: Buffer.from('x') })), { producerId: idem.producerId, producerEpoch: idem.producerEpoch, baseSequence: seq });
      const r = await c.request(A.Produce, 9, { transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{ name: 'p', partitionData: [{ index: 0, records: batch }] }] });
      assert.equal(r.responses[0].partitionResponses[0].errorCode, 0);
    }
    const dp = await c.request(A.DescribeProducers, 0, { topics: [{ name: 'p', partitionIndexes: [0] }] });
    const [p0] = dp.topics[0].partitions;
    assert.equal(p0.errorCode, 0);
    assert.deepEqual(p0.activeProducers.map((x) => ({ ...x, lastTimestamp: 0 })), [
      { producerId: idem.producerId, producerEpoch: idem.producerEpoch, lastSequence: 2, lastTimestamp: 0, coordinatorEpoch: -1, currentTxnStartOffset: -1 },
    ]);
  });
});

test('DescribeTopicPartitions v0: sorted, paged by the partition limit and the cursor; unknown names; a bad cursor', async () => {
  await withWireBroker(async (b, c) => {
    const idA = await createTopicWire(c, 'b-topic', 3);
    const idB = await createTopicWire(c, 'a-topic', 1);
    const node = b.nodeId;
    const part = (p: number) => ({ errorCode: 0, partitionIndex: p, leaderId: node, leaderEpoch: 0, replicaNodes: [node], isrNodes: [node], eligibleLeaderReplicas: [], lastKnownElr: [], offlineReplicas: [] });
    const ops = 3576;
    const all = await c.request(A.DescribeTopicPartitions, 0, { topics: [], responsePartitionLimit: 2000, cursor: null });
    assert.deepEqual(all.topics, [
      { errorCode: 0, name: 'a-topic', topicId: idB, isInternal: false, partitions: [part(0)], topicAuthorizedOperations: ops },
      { errorCode: 0, name: 'b-topic', topicId: idA, isInternal: false, partitions: [0, 1, 2].map(part), topicAuthorizedOperations: ops },
    ]);
    assert.equal(all.nextCursor, null);
    const page = await c.request(A.DescribeTopicPartitions, 0, { topics: [], responsePartitionLimit: 2, cursor: null });
    assert.deepEqual([page.topics.map((t) => [t.name, t.partitions.length]), page.nextCursor], [[['a-topic', 1], ['b-topic', 1]], { topicName: 'b-topic', partitionIndex: 1 }]);
    const rest = await c.request(A.DescribeTopicPartitions, 0, { topics: [], responsePartitionLimit: 2, cursor: page.nextCursor });
    assert.deepEqual([rest.topics.map((t) => [t.name, t.partitions.map((p) => p.partitionIndex)]), rest.nextCursor], [[['b-topic', [1, 2]]], null]);
    const named = await c.request(A.DescribeTopicPartitions, 0, { topics: [{ name: 'zz' }, { name: '' }], responsePartitionLimit: 5, cursor: null });
    assert.deepEqual(named.topics.map((t) => [t.name, t.errorCode]), [['', code('INVALID_TOPIC_EXCEPTION')], ['zz', code('UNKNOWN_TOPIC_OR_PARTITION')]]);
    const bad = await c.request(A.DescribeTopicPartitions, 0, { topics: [{ name: 'a-topic' }], responsePartitionLimit: 5, cursor: { topicName: 'b-topic', partitionIndex: 0 } });
    assert.deepEqual(bad.topics.map((t) => [t.name, t.errorCode, t.topicAuthorizedOperations]), [['a-topic', code('INVALID_REQUEST'), -2147483648]]);
  });
});

test('OffsetForLeaderEpoch v2-4: epoch 0 ends at the log end; other epochs undefined; fencing', async () => {
  await withWireBroker(async (_b, c) => {
    await createTopicWire(c, 'e', 1);
    const batch = buildBatch([{ key: null, value: Buffer.from('a') }, { key: null, value: Buffer.from('b') }]);
    const p = await c.request(A.Produce, 9, { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 'e', partitionData: [{ index: 0, records: batch }] }] });
    assert.equal(p.responses[0].partitionResponses[0].errorCode, 0);
    for (let v = 2; v <= 4; v++) {
      const r = await c.request(A.OffsetForLeaderEpoch, v, { replicaId: -1, topics: [{ topic: 'e', partitions: [
        { partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 },
        { partition: 0, currentLeaderEpoch: 0, leaderEpoch: 3 },
        { partition: 0, currentLeaderEpoch: 1, leaderEpoch: 0 },
        { partition: 1, currentLeaderEpoch: -1, leaderEpoch: 0 },
      ] }] });
      assert.deepEqual(r.topics[0].partitions.map((x) => [x.errorCode, x.leaderEpoch, x.endOffset]), [
        [0, 0, 2], [0, -1, -1], [code('UNKNOWN_LEADER_EPOCH'), -1, -1], [code('UNKNOWN_TOPIC_OR_PARTITION'), -1, -1],
      ], `v${v}`);
    }
  });
});

test('ElectLeaders v0-2 and partition reassignments: nothing to elect or move on one node', async () => {
  await withWireBroker(async (b, c) => {
    await createTopicWire(c, 'r', 2);
    for (let v = 0; v <= 2; v++) {
      const e = await c.request(A.ElectLeaders, v, { electionType: 0, topicPartitions: [{ topic: 'r', partitions: [0, 2] }], timeoutMs: 1000 });
      assert.deepEqual(e.replicaElectionResults, [{ topic: 'r', partitionResult: [
        { partitionId: 0, errorCode: code('ELECTION_NOT_NEEDED'), errorMessage: 'Leader election not needed for topic partition.' },
        { partitionId: 2, errorCode: code('UNKNOWN_TOPIC_OR_PARTITION'), errorMessage: 'No such partition as r-2' },
      ] }]);
      const all = await c.request(A.ElectLeaders, v, { electionType: 1, topicPartitions: null, timeoutMs: 1000 });
      assert.deepEqual(all.replicaElectionResults, [{ topic: 'r', partitionResult: [] }]);
    }
    for (let v = 0; v <= 1; v++) {
      const r = await c.request(A.AlterPartitionReassignments, v, { timeoutMs: 1000, topics: [{ name: 'r', partitions: [
        { partitionIndex: 0, replicas: [b.nodeId] }, { partitionIndex: 1, replicas: [b.nodeId + 1] }, { partitionIndex: 1, replicas: null },
      ] }] });
      assert.deepEqual(r.responses[0].partitions.map((p) => [p.errorCode, p.errorMessage]), [
        [0, null],
        [code('INVALID_REPLICA_ASSIGNMENT'), `The manual partition assignment includes broker ${b.nodeId + 1}, but no such broker is registered.`],
        [code('NO_REASSIGNMENT_IN_PROGRESS'), null],
      ]);
    }
    assert.deepEqual((await c.request(A.ListPartitionReassignments, 0, { timeoutMs: 1000, topics: null })).topics, []);
  });
});
