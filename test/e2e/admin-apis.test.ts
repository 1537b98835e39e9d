// The admin APIs modern tools call (issue 13 part 3), sent as raw wire requests to the bundled
// broker and to Apache Kafka 4.4: each test asserts one literal answer, so both brokers must
// give it field for field (ids, sizes and timings excepted where named). Also kafkajs' admin
// client and Apache's own tools where they are cheap.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import * as A from '../../src/protocol/apis/index.js';
import { code } from '../../src/protocol/errors.js';
import { buildBatch } from '../../src/protocol/recordBatch.js';
import { WireClient } from '../../src/client/wireClient.js';
import { runTool, TOOLS } from '../kafka/kafka.js';
import { forEachTarget, type Target } from './targets.js';

const SECURITY_DISABLED = code('SECURITY_DISABLED');
// Kafka's AclOperation / AclPermissionType / ResourceType / PatternType codes
const ANY = 1;
const READ = 3;
const ALLOW = 3;
const TOPIC = 2;
const LITERAL = 3;

function wire(t: Target): { get: () => WireClient } {
  let c: WireClient | undefined;
  before(async () => {
    const [host, port] = t.bootstrap.split(',')[0].split(':');
    c = await WireClient.connect(host, Number(port), { clientId: 'kt-e2e-admin' });
  });
  after(() => c?.close());
  return { get: () => c as WireClient };
}

/** Appends one batch to a partition over the wire (asking again while Apache elects its leader). */
async function produceBatch(c: WireClient, topic: string, partition: number, batch: Buffer): Promise<void> {
  for (;;) {
    const r = await c.request(A.Produce, 9, { transactionalId: null, acks: -1, timeoutMs: 30000, topicData: [{ name: topic, partitionData: [{ index: partition, records: batch }] }] });
    const err = r.responses[0].partitionResponses[0].errorCode;
    if (err === 0) return;
    if (err !== code('NOT_LEADER_OR_FOLLOWER') && err !== code('UNKNOWN_TOPIC_OR_PARTITION')) assert.fail(`produce: error ${err}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

/**
 * Until the broker has a log for each of the topic's partitions. Apache's broker creates them
 * when it applies the topic's metadata, which may come after the leaders are visible to
 * Metadata (kt topics create waits for those); asked again a bounded number of times.
 */
async function logsReady(c: WireClient, topic: string, partitions: number): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const r = await c.request(A.DescribeLogDirs, 4, { topics: [{ topic, partitions: [...Array(partitions).keys()] }] });
    const have = r.results.flatMap((d) => d.topics.filter((x) => x.name === topic).flatMap((x) => x.partitions)).length;
    if (have === partitions) return;
    assert.ok(attempt < 300, `${topic}: ${have} of ${partitions} partition logs after ${attempt} asks`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

forEachTarget((t) => {
  const w = wire(t);

  test('DescribeAcls, CreateAcls, DeleteAcls v1-3 without an authorizer: SECURITY_DISABLED with Kafka\'s messages', async () => {
    const c = w.get();
    for (let v = 1; v <= 3; v++) {
      const d = await c.request(A.DescribeAcls, v, {
        resourceTypeFilter: ANY, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: ANY, permissionType: ANY,
      });
      assert.deepEqual(d, { throttleTimeMs: 0, errorCode: SECURITY_DISABLED, errorMessage: 'No Authorizer is configured on the broker', resources: [] }, `DescribeAcls v${v}`);
      const creation = { resourceType: TOPIC, resourceName: 'orders', resourcePatternType: LITERAL, principal: 'User:alice', host: '*', operation: READ, permissionType: ALLOW };
      const cr = await c.request(A.CreateAcls, v, { creations: [creation, { ...creation, principal: 'User:bob' }] });
      assert.deepEqual(cr, {
        throttleTimeMs: 0,
        results: [
          { errorCode: SECURITY_DISABLED, errorMessage: 'No Authorizer is configured.' },
          { errorCode: SECURITY_DISABLED, errorMessage: 'No Authorizer is configured.' },
        ],
      }, `CreateAcls v${v}`);
      const filter = { resourceTypeFilter: TOPIC, resourceNameFilter: 'orders', patternTypeFilter: LITERAL, principalFilter: null, hostFilter: null, operation: ANY, permissionType: ANY };
      const del = await c.request(A.DeleteAcls, v, { filters: [filter, { ...filter, resourceNameFilter: null }] });
      assert.deepEqual(del, {
        throttleTimeMs: 0,
        filterResults: [
          { errorCode: SECURITY_DISABLED, errorMessage: 'No Authorizer is configured.', matchingAcls: [] },
          { errorCode: SECURITY_DISABLED, errorMessage: 'No Authorizer is configured.', matchingAcls: [] },
        ],
      }, `DeleteAcls v${v}`);
      // empty requests are answered with empty lists
      assert.deepEqual((await c.request(A.CreateAcls, v, { creations: [] })).results, []);
      assert.deepEqual((await c.request(A.DeleteAcls, v, { filters: [] })).filterResults, []);
    }
  });

  test('kafkajs admin describeAcls / createAcls: SECURITY_DISABLED', async () => {
    const admin = new Kafka({ brokers: [t.bootstrap], clientId: 'kt-e2e-admin', logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    await admin.connect();
    try {
      await assert.rejects(
        admin.describeAcls({ resourceType: TOPIC, resourcePatternType: 1, operation: ANY, permissionType: ANY }),
        (e: { type?: string }) => e.type === 'SECURITY_DISABLED',
      );
      await assert.rejects(
        admin.createAcls({ acl: [{ resourceType: TOPIC, resourceName: 'orders', resourcePatternType: LITERAL, principal: 'User:alice', host: '*', operation: READ, permissionType: ALLOW }] }),
        (e: { type?: string }) => e.type === 'SECURITY_DISABLED',
      );
    } finally {
      await admin.disconnect();
    }
  });

  test('Apache\'s kafka-acls --list: "Security features are disabled."', async () => {
    const r = await runTool(TOOLS.acls, ['--bootstrap-server', t.bootstrap, '--list']);
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /SecurityDisabledException: No Authorizer is configured on the broker/);
  });

  test('DescribeLogDirs v1-5: one log dir, each partition\'s size in bytes, offsetLag 0, not future', async () => {
    const c = w.get();
    const topic = t.unique('logdirs');
    assert.equal((await t.kt(['topics', 'create', topic, '--partitions', '2'])).code, 0);
    const batch = buildBatch([{ key: Buffer.from('k'), value: Buffer.from('hello log dirs') }], { baseTimestamp: 1_700_000_000_000 });
    await produceBatch(c, topic, 0, batch);
    await logsReady(c, topic, 2);
    const expected = [{ name: topic, partitions: [
      { partitionIndex: 0, partitionSize: batch.length, offsetLag: 0, isFutureKey: false },
      { partitionIndex: 1, partitionSize: 0, offsetLag: 0, isFutureKey: false },
    ] }];
    for (let v = 1; v <= 5; v++) {
      // partition 7 and the unknown topic do not exist: left out, as Kafka does
      const r = await c.request(A.DescribeLogDirs, v, { topics: [{ topic, partitions: [1, 0, 7] }, { topic: `${topic}-none`, partitions: [0] }] });
      assert.equal(r.throttleTimeMs, 0);
      assert.equal(r.errorCode, 0);
      assert.equal(r.results.length, 1, `v${v}: one log dir`);
      const [dir] = r.results;
      assert.equal(dir.errorCode, 0);
      assert.ok(dir.logDir.length > 0);
      const sorted = dir.topics.map((x) => ({ ...x, partitions: [...x.partitions].sort((a, b) => a.partitionIndex - b.partitionIndex) }));
      assert.deepEqual(sorted, expected, `v${v}`);
      if (v >= 4 && t.name === 'apache') assert.ok(dir.totalBytes > 0 && dir.usableBytes > 0 && dir.usableBytes <= dir.totalBytes);
      if (v < 4) assert.deepEqual([dir.totalBytes, dir.usableBytes], [-1, -1]);
      assert.equal(dir.isCordoned, false);
    }
    // topics null: every partition of every topic, ours among them
    const all = await c.request(A.DescribeLogDirs, 4, { topics: null });
    const mine = all.results[0].topics.find((x) => x.name === topic);
    assert.deepEqual(mine?.partitions.map((p) => p.partitionIndex).sort(), [0, 1]);
    // an empty list: the log dir, no topics
    const none = await c.request(A.DescribeLogDirs, 4, { topics: [] });
    assert.deepEqual(none.results.map((d) => [d.errorCode, d.topics]), [[0, []]]);
  });

  test('Apache\'s kafka-log-dirs --describe: the partitions, sizes and lags', async () => {
    const c = w.get();
    const topic = t.unique('logdirs-tool');
    assert.equal((await t.kt(['topics', 'create', topic, '--partitions', '2'])).code, 0);
    const batch = buildBatch([{ key: null, value: Buffer.from('x'.repeat(100)) }], { baseTimestamp: 1_700_000_000_000 });
    await produceBatch(c, topic, 1, batch);
    await logsReady(c, topic, 2);
    const r = await runTool(TOOLS.logDirs, ['--bootstrap-server', t.bootstrap, '--describe', '--topic-list', topic]);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout.split('\n').find((l) => l.startsWith('{')) ?? '');
    assert.equal(json.brokers.length, 1);
    const [dir] = json.brokers[0].logDirs;
    assert.equal(dir.error, null);
    const parts = [...dir.partitions].sort((a: { partition: string }, b: { partition: string }) => a.partition.localeCompare(b.partition));
    assert.deepEqual(parts, [
      { partition: `${topic}-0`, size: 0, offsetLag: 0, isFuture: false },
      { partition: `${topic}-1`, size: batch.length, offsetLag: 0, isFuture: false },
    ]);
  });

  test('ListTransactions v0-2, DescribeTransactions, DescribeProducers: an open and a committed transaction from kafkajs', async () => {
    const c = w.get();
    const topic = t.unique('txn-admin');
    assert.equal((await t.kt(['topics', 'create', topic, '--partitions', '2'])).code, 0);
    const kafka = new Kafka({ brokers: [t.bootstrap], clientId: 'kt-e2e-admin', logLevel: logLevel.NOTHING });
    const doneId = t.unique('tx-done');
    const openId = t.unique('tx-open');
    const done = kafka.producer({ transactionalId: doneId, maxInFlightRequests: 1, idempotent: true });
    const open = kafka.producer({ transactionalId: openId, maxInFlightRequests: 1, idempotent: true, transactionTimeout: 300000 });
    await done.connect();
    await open.connect();
    try {
      const tx = await done.transaction();
      await tx.send({ topic, messages: [{ value: 'committed', partition: 0 }] }); // offset 0, its marker at 1
      await tx.commit();
      // Apache answers EndTxn before its markers are written (PrepareCommit): wait for the
      // marker, so that the open transaction's records come after it on both brokers
      while ((await c.request(A.DescribeTransactions, 0, { transactionalIds: [doneId] })).transactionStates[0].transactionState === 'PrepareCommit') {
        await new Promise((res) => setTimeout(res, 20));
      }
      const pending = await open.transaction();
      await pending.send({ topic, messages: [{ value: 'open', partition: 0 }, { value: 'open 2', partition: 0 }] }); // offsets 2-3

      // DescribeTransactions
      const d = await c.request(A.DescribeTransactions, 0, { transactionalIds: [openId, doneId, `${openId}-unknown`, ''] });
      assert.equal(d.throttleTimeMs, 0);
      const [o, k, u, e] = d.transactionStates;
      assert.deepEqual({ ...o, producerId: 0, transactionStartTimeMs: 0 }, {
        errorCode: 0, transactionalId: openId, transactionState: 'Ongoing', transactionTimeoutMs: 300000, transactionStartTimeMs: 0,
        producerId: 0, producerEpoch: 0, topics: [{ topic, partitions: [0] }],
      });
      assert.ok(o.producerId >= 0 && o.transactionStartTimeMs > 0);
      assert.deepEqual({ ...k, producerId: 0, transactionStartTimeMs: 0 }, {
        errorCode: 0, transactionalId: doneId, transactionState: 'CompleteCommit', transactionTimeoutMs: 60000, transactionStartTimeMs: 0,
        producerId: 0, producerEpoch: 0, topics: [],
      });
      assert.ok(k.transactionStartTimeMs > 0 && k.transactionStartTimeMs <= o.transactionStartTimeMs, 'a completed transaction keeps its start time');
      assert.deepEqual(u, {
        errorCode: code('TRANSACTIONAL_ID_NOT_FOUND'), transactionalId: `${openId}-unknown`, transactionState: '', transactionTimeoutMs: 0,
        transactionStartTimeMs: 0, producerId: 0, producerEpoch: 0, topics: [],
      });
      assert.equal(e.errorCode, code('INVALID_REQUEST'));

      // ListTransactions (other tests' transactions may be on the shared Apache node: only ours are compared)
      const ours = (r: { transactionStates: { transactionalId: string; producerId: number; transactionState: string }[] }) =>
        r.transactionStates.filter((x) => x.transactionalId === openId || x.transactionalId === doneId).sort((a, b) => a.transactionalId.localeCompare(b.transactionalId));
      const both = [
        { transactionalId: doneId, producerId: k.producerId, transactionState: 'CompleteCommit' },
        { transactionalId: openId, producerId: o.producerId, transactionState: 'Ongoing' },
      ].sort((a, b) => a.transactionalId.localeCompare(b.transactionalId));
      for (let v = 0; v <= 2; v++) {
        const all = await c.request(A.ListTransactions, v, { stateFilters: [], producerIdFilters: [] });
        assert.deepEqual([all.errorCode, all.unknownStateFilters, ours(all)], [0, [], both], `v${v}`);
        const f = await c.request(A.ListTransactions, v, { stateFilters: ['Ongoing', 'ongoing', 'Nope'], producerIdFilters: [] });
        assert.deepEqual([f.errorCode, f.unknownStateFilters, ours(f)], [0, ['ongoing', 'Nope'], both.filter((x) => x.transactionalId === openId)], `v${v} states`);
        const p = await c.request(A.ListTransactions, v, { stateFilters: [], producerIdFilters: [k.producerId] });
        assert.deepEqual(p.transactionStates, both.filter((x) => x.transactionalId === doneId), `v${v} producer ids`);
      }
      const long = await c.request(A.ListTransactions, 1, { stateFilters: [], producerIdFilters: [], durationFilter: 3_600_000 });
      assert.deepEqual(ours(long), [], 'none older than an hour');
      const any = await c.request(A.ListTransactions, 1, { stateFilters: ['Ongoing'], producerIdFilters: [o.producerId], durationFilter: -1 });
      assert.deepEqual(ours(any).map((x) => x.transactionalId), [openId]);
      const escaped = openId.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
      const re = await c.request(A.ListTransactions, 2, { stateFilters: [], producerIdFilters: [], transactionalIdPattern: `${escaped}|nothing` });
      assert.deepEqual(re.transactionStates.map((x) => x.transactionalId), [openId]);
      const prefix = await c.request(A.ListTransactions, 2, { stateFilters: [], producerIdFilters: [], transactionalIdPattern: escaped.slice(0, 5) });
      assert.deepEqual(ours(prefix), [], 'the whole id must match');
      const empty = await c.request(A.ListTransactions, 2, { stateFilters: [], producerIdFilters: [], transactionalIdPattern: '' });
      assert.deepEqual(ours(empty), both, 'an empty pattern: no filter');
      const bad = await c.request(A.ListTransactions, 2, { stateFilters: [], producerIdFilters: [], transactionalIdPattern: '(' });
      assert.deepEqual([bad.errorCode, bad.transactionStates], [code('INVALID_REGULAR_EXPRESSION'), []]);

      // DescribeProducers
      const dp = await c.request(A.DescribeProducers, 0, { topics: [{ name: topic, partitionIndexes: [0, 1, 9] }, { name: `${topic}-none`, partitionIndexes: [0] }] });
      const [tp, none] = dp.topics;
      assert.equal(tp.name, topic);
      const [p0, p1, p9] = tp.partitions;
      assert.deepEqual([p0.partitionIndex, p0.errorCode, p0.errorMessage], [0, 0, null]);
      const producers = [...p0.activeProducers].sort((a, b) => a.currentTxnStartOffset - b.currentTxnStartOffset);
      assert.deepEqual(producers.map((x) => ({ ...x, lastTimestamp: 0, coordinatorEpoch: 0 })), [
        { producerId: k.producerId, producerEpoch: 0, lastSequence: 0, lastTimestamp: 0, coordinatorEpoch: 0, currentTxnStartOffset: -1 },
        { producerId: o.producerId, producerEpoch: 0, lastSequence: 1, lastTimestamp: 0, coordinatorEpoch: 0, currentTxnStartOffset: 2 },
      ]);
      assert.ok(producers.every((x) => x.lastTimestamp > 0));
      assert.ok(producers[0].coordinatorEpoch >= 0, 'the commit marker\'s coordinator epoch');
      assert.equal(producers[1].coordinatorEpoch, -1, 'no marker yet');
      assert.deepEqual(p1, { partitionIndex: 1, errorCode: 0, errorMessage: null, activeProducers: [] });
      assert.deepEqual(p9, { partitionIndex: 9, errorCode: code('UNKNOWN_TOPIC_OR_PARTITION'), errorMessage: null, activeProducers: [] });
      assert.deepEqual(none, { name: `${topic}-none`, partitions: [
        { partitionIndex: 0, errorCode: code('UNKNOWN_TOPIC_OR_PARTITION'), errorMessage: 'This server does not host this topic-partition.', activeProducers: [] },
      ] });

      const node = (await c.request(A.Metadata, 12, { topics: [] })).brokers[0].nodeId;
      // Apache's kafka-transactions describe: the same row but for ids and times
      const tool = await runTool(TOOLS.transactions, ['--bootstrap-server', t.bootstrap, 'describe', '--transactional-id', openId]);
      assert.equal(tool.code, 0, tool.stderr);
      const [header, row] = tool.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/));
      const col = (name: string) => row[header.indexOf(name)];
      assert.deepEqual([col('TransactionalId'), col('ProducerId'), col('ProducerEpoch'), col('TransactionState'), col('TransactionTimeoutMs'), col('TopicPartitions')],
        [openId, String(o.producerId), '0', 'Ongoing', '300000', `${topic}-0`]);
      // describe-producers and list: the same rows but for times
      const table = (out: string) => out.trim().split('\n').map((l) => l.split('\t').map((x) => x.trim()).filter((x, i, a) => i < a.length - 1 || x !== ''));
      const dpTool = await runTool(TOOLS.transactions, ['--bootstrap-server', t.bootstrap, 'describe-producers', '--topic', topic, '--partition', '0']);
      assert.equal(dpTool.code, 0, dpTool.stderr);
      const [dpHead, ...dpRows] = table(dpTool.stdout);
      assert.deepEqual(dpHead, ['ProducerId', 'ProducerEpoch', 'LatestCoordinatorEpoch', 'LastSequence', 'LastTimestamp', 'CurrentTransactionStartOffset']);
      assert.deepEqual(dpRows.map((r) => r.filter((_, i) => i !== 4)).sort(), [
        [String(k.producerId), '0', '0', '0', 'None'],
        [String(o.producerId), '0', '-1', '1', '2'],
      ].sort());
      const listTool = await runTool(TOOLS.transactions, ['--bootstrap-server', t.bootstrap, 'list']);
      assert.equal(listTool.code, 0, listTool.stderr);
      const [listHead, ...listRows] = table(listTool.stdout);
      assert.deepEqual(listHead, ['TransactionalId', 'Coordinator', 'ProducerId', 'TransactionState']);
      assert.deepEqual(listRows.filter((r) => r[0] === doneId || r[0] === openId).sort(), [
        [doneId, String(node), String(k.producerId), 'CompleteCommit'],
        [openId, String(node), String(o.producerId), 'Ongoing'],
      ].sort());
      await pending.abort();
    } finally {
      await done.disconnect();
      await open.disconnect();
    }
  });

  test('DescribeTopicPartitions v0: sorted topics, unknown and invalid names, the partition limit and cursor', async () => {
    const c = w.get();
    const a = t.unique('dtp-a');
    const b = t.unique('dtp-b');
    assert.equal((await t.kt(['topics', 'create', a, '--partitions', '3'])).code, 0);
    assert.equal((await t.kt(['topics', 'create', b, '--partitions', '1'])).code, 0);
    const md = await c.request(A.Metadata, 12, { topics: [{ name: a, topicId: Buffer.alloc(16) }, { name: b, topicId: Buffer.alloc(16) }] });
    const node = md.brokers[0].nodeId;
    const ids = new Map(md.topics.map((x) => [x.name, x.topicId.toString('hex')]));
    const ALL_TOPIC_OPS = 3576; // READ WRITE CREATE DELETE ALTER DESCRIBE DESCRIBE_CONFIGS ALTER_CONFIGS, as bits
    const part = (p: number) => ({ errorCode: 0, partitionIndex: p, leaderId: node, leaderEpoch: 0, replicaNodes: [node], isrNodes: [node], eligibleLeaderReplicas: [], lastKnownElr: [], offlineReplicas: [] });
    const topic = (name: string, ps: number[]) => ({ errorCode: 0, name, topicId: ids.get(name), isInternal: false, partitions: ps.map(part), topicAuthorizedOperations: ALL_TOPIC_OPS });
    const hex = (r: { topics: { topicId: Buffer }[] }) => r.topics.map((x) => ({ ...x, topicId: x.topicId.toString('hex') }));
    const zero = '00'.repeat(16);
    const missing = `${b}-missing`;

    const r = await c.request(A.DescribeTopicPartitions, 0, { topics: [{ name: b }, { name: 'bad/name' }, { name: a }, { name: missing }, { name: a }], responsePartitionLimit: 2000, cursor: null });
    assert.equal(r.throttleTimeMs, 0);
    assert.deepEqual(hex(r), [
      { errorCode: code('INVALID_TOPIC_EXCEPTION'), name: 'bad/name', topicId: zero, isInternal: false, partitions: [], topicAuthorizedOperations: ALL_TOPIC_OPS },
      topic(a, [0, 1, 2]),
      topic(b, [0]),
      { errorCode: code('UNKNOWN_TOPIC_OR_PARTITION'), name: missing, topicId: zero, isInternal: false, partitions: [], topicAuthorizedOperations: ALL_TOPIC_OPS },
    ]);
    assert.equal(r.nextCursor, null);

    // a limit that cuts a topic: the cursor points into it; going on from there
    const first = await c.request(A.DescribeTopicPartitions, 0, { topics: [{ name: a }, { name: b }], responsePartitionLimit: 2, cursor: null });
    assert.deepEqual([hex(first), first.nextCursor], [[topic(a, [0, 1])], { topicName: a, partitionIndex: 2 }]);
    const next = await c.request(A.DescribeTopicPartitions, 0, { topics: [{ name: a }, { name: b }], responsePartitionLimit: 2, cursor: first.nextCursor });
    assert.deepEqual([hex(next), next.nextCursor], [[topic(a, [2]), topic(b, [0])], null]);
    // a limit that ends with a topic: the cursor points at the next topic's start
    const exact = await c.request(A.DescribeTopicPartitions, 0, { topics: [{ name: b }, { name: a }], responsePartitionLimit: 3, cursor: null });
    assert.deepEqual([hex(exact), exact.nextCursor], [[topic(a, [0, 1, 2])], { topicName: b, partitionIndex: 0 }]);
    // limit 0 counts as 1
    const one = await c.request(A.DescribeTopicPartitions, 0, { topics: [{ name: a }], responsePartitionLimit: 0, cursor: null });
    assert.deepEqual([hex(one), one.nextCursor], [[topic(a, [0])], { topicName: a, partitionIndex: 1 }]);
    // every topic (none named) from the cursor on: ours come first
    const every = await c.request(A.DescribeTopicPartitions, 0, { topics: [], responsePartitionLimit: 2000, cursor: { topicName: a, partitionIndex: 1 } });
    assert.deepEqual(hex(every).slice(0, 2), [topic(a, [1, 2]), topic(b, [0])]);
    // a cursor outside the named topics, or a negative partition: INVALID_REQUEST for each named topic
    for (const cursor of [{ topicName: missing, partitionIndex: 0 }, { topicName: a, partitionIndex: -1 }]) {
      const bad = await c.request(A.DescribeTopicPartitions, 0, { topics: [{ name: b }, { name: a }], responsePartitionLimit: 10, cursor });
      assert.deepEqual(hex(bad), [b, a].map((name) => ({ errorCode: code('INVALID_REQUEST'), name, topicId: zero, isInternal: false, partitions: [], topicAuthorizedOperations: -2147483648 })));
    }

    // Apache's kafka-topics --describe (it uses DescribeTopicPartitions): the same partition lines
    const tool = await runTool(TOOLS.topics, ['--bootstrap-server', t.bootstrap, '--describe', '--topic', a]);
    assert.equal(tool.code, 0, tool.stderr);
    const lines = tool.stdout.split('\n').filter((l) => l.includes('Partition: ')).map((l) => l.trim());
    assert.deepEqual(lines, [0, 1, 2].map((p) => `Topic: ${a}\tPartition: ${p}\tLeader: ${node}\tReplicas: ${node}\tIsr: ${node}\tElr: \tLastKnownElr:`));
  });

  test('OffsetForLeaderEpoch v2-4: the end offset of epoch 0, undefined epochs, leader epoch fencing, unknown partitions', async () => {
    const c = w.get();
    const topic = t.unique('ofle');
    assert.equal((await t.kt(['topics', 'create', topic, '--partitions', '2'])).code, 0);
    await produceBatch(c, topic, 0, buildBatch([1, 2, 3].map((i) => ({ key: null, value: Buffer.from(`r${i}`) }))));
    const P = (partition: number, leaderEpoch: number, currentLeaderEpoch = -1) => ({ partition, currentLeaderEpoch, leaderEpoch });
    for (let v = 2; v <= 4; v++) {
      const r = await c.request(A.OffsetForLeaderEpoch, v, {
        replicaId: -1,
        topics: [
          { topic, partitions: [P(0, 0), P(1, 0), P(0, 1), P(0, -1), P(0, -3), P(0, 0, 0), P(0, 0, 4), P(0, 0, -2), P(7, 0)] },
          { topic: `${topic}-none`, partitions: [P(0, 0)] },
        ],
      });
      assert.deepEqual(r, {
        throttleTimeMs: 0,
        topics: [
          {
            topic,
            partitions: [
              { errorCode: 0, partition: 0, leaderEpoch: 0, endOffset: 3 },
              { errorCode: 0, partition: 1, leaderEpoch: 0, endOffset: 0 },
              { errorCode: 0, partition: 0, leaderEpoch: -1, endOffset: -1 },
              { errorCode: 0, partition: 0, leaderEpoch: -1, endOffset: -1 },
              { errorCode: 0, partition: 0, leaderEpoch: -3, endOffset: 0 },
              { errorCode: 0, partition: 0, leaderEpoch: 0, endOffset: 3 },
              { errorCode: code('UNKNOWN_LEADER_EPOCH'), partition: 0, leaderEpoch: -1, endOffset: -1 },
              { errorCode: code('FENCED_LEADER_EPOCH'), partition: 0, leaderEpoch: -1, endOffset: -1 },
              { errorCode: code('UNKNOWN_TOPIC_OR_PARTITION'), partition: 7, leaderEpoch: -1, endOffset: -1 },
            ],
          },
          { topic: `${topic}-none`, partitions: [{ errorCode: code('UNKNOWN_TOPIC_OR_PARTITION'), partition: 0, leaderEpoch: -1, endOffset: -1 }] },
        ],
      }, `v${v}`);
    }
  });

  test('ElectLeaders v0-2: never needed on one node; unknown topics and partitions; every partition; a bad election type', async () => {
    const c = w.get();
    const topic = t.unique('elect');
    const missing = `${topic}-missing`;
    assert.equal((await t.kt(['topics', 'create', topic, '--partitions', '2'])).code, 0);
    const NOT_NEEDED = { errorCode: code('ELECTION_NOT_NEEDED'), errorMessage: 'Leader election not needed for topic partition.' };
    for (let v = 0; v <= 2; v++) {
      for (const electionType of v === 0 ? [0] : [0, 1]) {
        const r = await c.request(A.ElectLeaders, v, { electionType, topicPartitions: [{ topic, partitions: [1, 0, 5] }, { topic: missing, partitions: [0] }], timeoutMs: 30000 });
        assert.deepEqual(r, {
          throttleTimeMs: 0,
          errorCode: 0,
          replicaElectionResults: [
            { topic, partitionResult: [{ partitionId: 1, ...NOT_NEEDED }, { partitionId: 0, ...NOT_NEEDED }, { partitionId: 5, errorCode: code('UNKNOWN_TOPIC_OR_PARTITION'), errorMessage: `No such partition as ${topic}-5` }] },
            { topic: missing, partitionResult: [{ partitionId: 0, errorCode: code('UNKNOWN_TOPIC_OR_PARTITION'), errorMessage: `No such topic as ${missing}` }] },
          ],
        }, `v${v} type ${electionType}`);
      }
      const all = await c.request(A.ElectLeaders, v, { electionType: 0, topicPartitions: null, timeoutMs: 30000 });
      assert.equal(all.errorCode, 0);
      assert.deepEqual(all.replicaElectionResults.filter((x) => x.topic === topic), [{ topic, partitionResult: [] }], 'every partition: those with their leader are left out');
    }
    const bad = await c.request(A.ElectLeaders, 2, { electionType: 7, topicPartitions: [{ topic, partitions: [0] }], timeoutMs: 30000 });
    assert.deepEqual(bad, {
      throttleTimeMs: 0,
      errorCode: code('INVALID_REQUEST'),
      replicaElectionResults: [{ topic, partitionResult: [{ partitionId: 0, errorCode: code('INVALID_REQUEST'), errorMessage: 'Unknown election type 7' }] }],
    });
    const tool = await runTool(TOOLS.leaderElection, ['--bootstrap-server', t.bootstrap, '--election-type', 'preferred', '--topic', topic, '--partition', '0']);
    assert.equal(tool.code, 0, tool.stderr);
    assert.match(tool.stdout, new RegExp(`Valid replica already elected for partitions ${topic}-0`));
  });

  test('AlterPartitionReassignments v0-1 and ListPartitionReassignments v0: nothing to move on one node', async () => {
    const c = w.get();
    const topic = t.unique('reassign');
    const missing = `${topic}-missing`;
    assert.equal((await t.kt(['topics', 'create', topic, '--partitions', '2'])).code, 0);
    const md = await c.request(A.Metadata, 12, { topics: [{ name: topic, topicId: Buffer.alloc(16) }] });
    const node = md.brokers[0].nodeId;
    const invalid = code('INVALID_REPLICA_ASSIGNMENT');
    for (let v = 0; v <= 1; v++) {
      const r = await c.request(A.AlterPartitionReassignments, v, {
        timeoutMs: 30000,
        allowReplicationFactorChange: true,
        topics: [
          { name: topic, partitions: [
            { partitionIndex: 0, replicas: [node] },
            { partitionIndex: 1, replicas: null },
            { partitionIndex: 0, replicas: [] },
            { partitionIndex: 0, replicas: [node, node] },
            { partitionIndex: 1, replicas: [node, 99] },
            { partitionIndex: 1, replicas: [42] },
            { partitionIndex: 7, replicas: [node] },
          ] },
          { name: missing, partitions: [{ partitionIndex: 0, replicas: [node] }] },
        ],
      });
      assert.deepEqual(r, {
        throttleTimeMs: 0,
        allowReplicationFactorChange: true,
        errorCode: 0,
        errorMessage: null,
        responses: [
          { name: topic, partitions: [
            { partitionIndex: 0, errorCode: 0, errorMessage: null },
            { partitionIndex: 1, errorCode: code('NO_REASSIGNMENT_IN_PROGRESS'), errorMessage: null },
            { partitionIndex: 0, errorCode: invalid, errorMessage: 'The manual partition assignment includes an empty replica list.' },
            { partitionIndex: 0, errorCode: invalid, errorMessage: `The manual partition assignment includes the broker ${node} more than once.` },
            { partitionIndex: 1, errorCode: invalid, errorMessage: 'The manual partition assignment includes broker 99, but no such broker is registered.' },
            { partitionIndex: 1, errorCode: invalid, errorMessage: 'The manual partition assignment includes broker 42, but no such broker is registered.' },
            { partitionIndex: 7, errorCode: code('UNKNOWN_TOPIC_OR_PARTITION'), errorMessage: `Unable to find partition ${topic}:7.` },
          ] },
          { name: missing, partitions: [{ partitionIndex: 0, errorCode: code('UNKNOWN_TOPIC_OR_PARTITION'), errorMessage: `Unable to find a topic named ${missing}.` }] },
        ],
      }, `v${v}`);
    }
    // v1 without replication factor changes: the brokers are checked first (so one node never gets INVALID_REPLICATION_FACTOR)
    const fixed = await c.request(A.AlterPartitionReassignments, 1, {
      timeoutMs: 30000,
      allowReplicationFactorChange: false,
      topics: [{ name: topic, partitions: [{ partitionIndex: 0, replicas: [node, 99] }, { partitionIndex: 1, replicas: [node] }] }],
    });
    assert.deepEqual(fixed, {
      throttleTimeMs: 0, allowReplicationFactorChange: false, errorCode: 0, errorMessage: null,
      responses: [{ name: topic, partitions: [
        { partitionIndex: 0, errorCode: invalid, errorMessage: 'The manual partition assignment includes broker 99, but no such broker is registered.' },
        { partitionIndex: 1, errorCode: 0, errorMessage: null },
      ] }],
    });
    const none = { throttleTimeMs: 0, errorCode: 0, errorMessage: null, topics: [] };
    assert.deepEqual(await c.request(A.ListPartitionReassignments, 0, { timeoutMs: 30000, topics: null }), none);
    assert.deepEqual(await c.request(A.ListPartitionReassignments, 0, { timeoutMs: 30000, topics: [{ name: topic, partitionIndexes: [0, 1, 9] }, { name: missing, partitionIndexes: [0] }] }), none);
    const admin = new Kafka({ brokers: [t.bootstrap], clientId: 'kt-e2e-admin', logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    await admin.connect();
    try {
      assert.deepEqual(await admin.listPartitionReassignments({ topics: [{ topic, partitions: [0, 1] }] }), { topics: [] });
      await admin.alterPartitionReassignments({ topics: [{ topic, partitionAssignment: [{ partition: 0, replicas: [node] }] }] });
      await assert.rejects(
        admin.alterPartitionReassignments({ topics: [{ topic, partitionAssignment: [{ partition: 1, replicas: [node, 99] }] }] }),
        (e: { errors?: { type?: string }[] }) => e.errors?.map((x) => x.type).join() === 'INVALID_REPLICA_ASSIGNMENT',
      );
    } finally {
      await admin.disconnect();
    }
    const tool = await runTool(TOOLS.reassignPartitions, ['--bootstrap-server', t.bootstrap, '--list']);
    assert.equal(tool.code, 0, tool.stderr);
    assert.equal(tool.stdout.trim(), 'No partition reassignments found.');
  });

  test('Describe/AlterUserScramCredentials v0: upserts, deletions and Kafka\'s per-user errors', async () => {
    const c = w.get();
    const user = t.unique('scram');
    const salt = Buffer.from('0123456789abcdef');
    const up = (name: string, mechanism: number, iterations: number) => ({ name, mechanism, iterations, salt, saltedPassword: Buffer.alloc(mechanism === 2 ? 64 : 32, 5) });
    const E = (n: Parameters<typeof code>[0]) => code(n);
    const unknown = await c.request(A.DescribeUserScramCredentials, 0, { users: [{ name: user }] });
    assert.deepEqual(unknown, {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: '',
      results: [{ user, errorCode: E('RESOURCE_NOT_FOUND'), errorMessage: `Attempt to describe a user credential that does not exist: ${user}`, credentialInfos: [] }],
    });
    const r = await c.request(A.AlterUserScramCredentials, 0, {
      deletions: [{ name: `${user}-ghost`, mechanism: 1 }, { name: `${user}-bad`, mechanism: 0 }],
      upsertions: [up(user, 1, 8192), up(`${user}-few`, 1, 4095), up(`${user}-many`, 2, 16385), up(`${user}-dup`, 1, 4096), up(`${user}-dup`, 2, 4096), up(`${user}-mech`, 3, 4096)],
    });
    // Kafka answers failures in its hash map's order: compare sorted by user
    const byUser = <T extends { user: string }>(xs: T[]) => [...xs].sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
    assert.deepEqual(
      byUser(r.results),
      byUser([
        { user, errorCode: 0, errorMessage: null },
        { user: `${user}-ghost`, errorCode: E('RESOURCE_NOT_FOUND'), errorMessage: 'Attempt to delete a user credential that does not exist' },
        { user: `${user}-bad`, errorCode: E('UNSUPPORTED_SASL_MECHANISM'), errorMessage: 'Unknown SCRAM mechanism' },
        { user: `${user}-few`, errorCode: E('UNACCEPTABLE_CREDENTIAL'), errorMessage: 'Too few iterations' },
        { user: `${user}-many`, errorCode: E('UNACCEPTABLE_CREDENTIAL'), errorMessage: 'Too many iterations' },
        { user: `${user}-dup`, errorCode: E('DUPLICATE_RESOURCE'), errorMessage: 'A user credential cannot be altered twice in the same request' },
        { user: `${user}-mech`, errorCode: E('UNSUPPORTED_SASL_MECHANISM'), errorMessage: 'Unknown SCRAM mechanism' },
      ]),
    );
    assert.equal(r.results[0].user, user, 'the successful upsertion first');
    // Apache's broker describes from its metadata image, which has the controller's change a
    // moment after the answer: ask until the user's state is the expected one
    const settled = async (want: number) => {
      for (;;) {
        const x = await c.request(A.DescribeUserScramCredentials, 0, { users: [{ name: user }] });
        if (x.results[0].errorCode === want) return;
        await new Promise((res) => setTimeout(res, 50));
      }
    };
    await settled(0);
    const d = await c.request(A.DescribeUserScramCredentials, 0, { users: [{ name: user }, { name: `${user}-few` }] });
    assert.deepEqual(byUser(d.results), [
      { user, errorCode: 0, errorMessage: '', credentialInfos: [{ mechanism: 1, iterations: 8192 }] },
      { user: `${user}-few`, errorCode: E('RESOURCE_NOT_FOUND'), errorMessage: `Attempt to describe a user credential that does not exist: ${user}-few`, credentialInfos: [] },
    ]);
    const dup = await c.request(A.DescribeUserScramCredentials, 0, { users: [{ name: user }, { name: user }] });
    assert.deepEqual(dup.results, [{ user, errorCode: E('DUPLICATE_RESOURCE'), errorMessage: `Cannot describe SCRAM credentials for the same user twice in a single request: ${user}`, credentialInfos: [] }]);
    const del = await c.request(A.AlterUserScramCredentials, 0, { deletions: [{ name: user, mechanism: 1 }], upsertions: [] });
    assert.deepEqual(del.results, [{ user, errorCode: 0, errorMessage: null }]);
    await settled(E('RESOURCE_NOT_FOUND'));
  });

  test('Apache\'s kafka-configs --entity-type users: --alter SCRAM credentials, --describe', async () => {
    const user = t.unique('configs-user');
    const entity = ['--bootstrap-server', t.bootstrap, '--entity-type', 'users', '--entity-name', user];
    // one mechanism per run: the tool sends both in one request otherwise, which Kafka refuses (DUPLICATE_RESOURCE)
    for (const cfg of ['SCRAM-SHA-256=[iterations=8192,password=pw-256]', 'SCRAM-SHA-512=[password=pw-512]']) {
      const a = await runTool(TOOLS.configs, ['--alter', ...entity, '--add-config', cfg]);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(a.stdout, `Completed updating config for user ${user}.\n`);
    }
    const describe = () => runTool(TOOLS.configs, ['--describe', ...entity]);
    // the tool asks for the user's quotas (DescribeClientQuotas) and then for the credentials;
    // Kafka lists the mechanisms in its hash map's order; its metadata image may lag the
    // controller's answer by a moment: a few more tries while a mechanism is missing
    let d = await describe();
    for (let i = 0; i < 5 && !/SCRAM-SHA-256.*SCRAM-SHA-512|SCRAM-SHA-512.*SCRAM-SHA-256/.test(d.stdout); i++) d = await describe();
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, new RegExp(`^SCRAM credential configs for user-principal '${user}' are (SCRAM-SHA-256=iterations=8192, SCRAM-SHA-512=iterations=4096|SCRAM-SHA-512=iterations=4096, SCRAM-SHA-256=iterations=8192)\n$`));
    const x = await runTool(TOOLS.configs, ['--alter', ...entity, '--delete-config', 'SCRAM-SHA-256']);
    assert.equal(x.code, 0, x.stderr);
    assert.equal(x.stdout, `Completed updating config for user ${user}.\n`);
    let d2 = await describe();
    for (let i = 0; i < 5 && d2.stdout.includes('SCRAM-SHA-256'); i++) d2 = await describe();
    assert.equal(d2.stdout, `SCRAM credential configs for user-principal '${user}' are SCRAM-SHA-512=iterations=4096\n`, d2.stderr);
  });
});
