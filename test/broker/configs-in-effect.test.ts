// Issue 13: every broker config DescribeConfigs reports is the value in effect. A broker starts
// with a non-default value for each config that has one it can act on; the test reads every
// broker config DescribeConfigs reports (all of them: a config reported without an observer
// here fails the test) and, for each, observes the broker doing what the value says.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test, before, after } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { TOPIC_CONFIGS, type LogConfig } from '../../src/broker/log/config.js';
import { CreateTopics } from '../../src/protocol/apis/createTopics.js';
import { DeleteTopics } from '../../src/protocol/apis/deleteTopics.js';
import { DescribeConfigs } from '../../src/protocol/apis/describeConfigs.js';
import { FindCoordinator } from '../../src/protocol/apis/findCoordinator.js';
import { InitProducerId } from '../../src/protocol/apis/initProducerId.js';
import { JoinGroup } from '../../src/protocol/apis/joinGroup.js';
import { Metadata } from '../../src/protocol/apis/metadata.js';
import { OffsetCommit } from '../../src/protocol/apis/offsetCommit.js';
import { OffsetFetch } from '../../src/protocol/apis/offsetFetch.js';
import { code } from '../../src/protocol/errors.js';
import { buildBatch } from '../../src/protocol/recordBatch.js';
import { WireClient } from '../../src/client/wireClient.js';
import { startBroker, type Broker } from '../../src/index.js';

/** A non-default value for every config the broker acts on. */
const SET: Record<string, string> = {
  'num.partitions': '3',
  'auto.create.topics.enable': 'false',
  'delete.topic.enable': 'false',
  'offsets.retention.minutes': '1',
  'group.initial.rebalance.delay.ms': '3500',
  'group.min.session.timeout.ms': '7000',
  'group.max.session.timeout.ms': '20000',
  'transaction.max.timeout.ms': '5000',
  'transactional.id.expiration.ms': '2000',
  'producer.id.expiration.ms': '2000',
  'connections.max.idle.ms': '1500',
  'offsets.topic.num.partitions': '7',
  'offsets.topic.segment.bytes': '2000000',
  // topic configs' broker synonyms: the defaults of topics without an override
  'log.cleanup.policy': 'compact,delete',
  'log.cleaner.delete.retention.ms': '1234',
  'log.flush.interval.messages': '1',
  'log.flush.interval.ms': '5000',
  'log.index.interval.bytes': '100',
  'log.cleaner.max.compaction.lag.ms': '99999',
  'message.max.bytes': '2000',
  'log.message.timestamp.type': 'LogAppendTime',
  'log.message.timestamp.after.max.ms': '600000',
  'log.message.timestamp.before.max.ms': '86400000',
  'log.cleaner.min.cleanable.ratio': '0.25',
  'log.cleaner.min.compaction.lag.ms': '10',
  'log.retention.bytes': '100000',
  'log.retention.ms': '3600000',
  'log.segment.bytes': '1000',
  'log.roll.ms': '600000',
};

/**
 * Topic configs and the LogConfig field the log acts on (parsed as the log parses it). The
 * broker synonyms' effects on a log are observed below where a test can make them happen at
 * once (message.max.bytes, timestamp type, segment bytes, roll time, retention by time and
 * size); the others need fsync timing, an index or the cleaner's schedule (flush.*,
 * index.interval.bytes, the compaction configs), so for them the test observes the value the
 * log uses, whose effect the per-topic tests (test/unit/log, test/durability) observe.
 */
const LOG_FIELDS: Record<string, (c: LogConfig) => string> = {
  'cleanup.policy': (c) => [c.compact ? 'compact' : '', c.delete ? 'delete' : ''].filter(Boolean).join(','),
  'delete.retention.ms': (c) => String(c.deleteRetentionMs),
  'flush.messages': (c) => String(c.flushMessages),
  'flush.ms': (c) => String(c.flushMs),
  'index.interval.bytes': (c) => String(c.indexIntervalBytes),
  'max.compaction.lag.ms': (c) => String(c.maxCompactionLagMs),
  'max.message.bytes': (c) => String(c.maxMessageBytes),
  'message.timestamp.type': (c) => (c.logAppendTime ? 'LogAppendTime' : 'CreateTime'),
  'message.timestamp.after.max.ms': (c) => String(c.timestampAfterMaxMs),
  'message.timestamp.before.max.ms': (c) => String(c.timestampBeforeMaxMs),
  'min.cleanable.dirty.ratio': (c) => String(c.minCleanableDirtyRatio),
  'min.compaction.lag.ms': (c) => String(c.minCompactionLagMs),
  'retention.bytes': (c) => String(c.retentionBytes),
  'retention.ms': (c) => String(c.retentionMs),
  'segment.bytes': (c) => String(c.segmentBytes),
  'segment.ms': (c) => String(c.segmentMs),
};

/**
 * Configs whose one accepted value describes what the broker does (others are refused, see
 * test/unit/log/config.test.ts), and why that value is in effect.
 */
const ONLY: Record<string, string> = {
  'compression.type': 'batches are stored as the producer compressed them',
  'log.segment.delete.delay.ms': 'deleted segments are removed at once',
  'min.insync.replicas': 'one node: acks=all needs the leader only',
  'log.preallocate': 'segment files are not preallocated',
  'log.index.size.max.bytes': 'the index is never the reason for a roll',
  'log.roll.jitter.ms': 'segments roll at segment.ms exactly',
  'default.replication.factor': 'one node: one replica (checked below as well)',
  'unclean.leader.election.enable': 'one node has no other replica to elect: either value holds',
};

let broker: Broker;
const lines: string[] = [];
let reported: Map<string, { value: string | null; source: number }>;
let kafka: Kafka;

async function wire<T>(f: (c: WireClient) => Promise<T>): Promise<T> {
  const c = await WireClient.connect('127.0.0.1', broker.port);
  try {
    return await f(c);
  } finally {
    c.close();
  }
}

before(async () => {
  broker = await startBroker({ port: 0, memory: true, configs: SET, log: (l) => lines.push(l) });
  kafka = new Kafka({ clientId: 'in-effect', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 3, initialRetryTime: 50 } });
  const r = await wire((c) => c.request(DescribeConfigs, 4, { resources: [{ resourceType: 4, resourceName: '0', configurationKeys: null }], includeSynonyms: false, includeDocumentation: false }));
  reported = new Map(r.results[0].configs.map((e) => [e.name, { value: e.value, source: e.configSource }]));
  // one topic with no override of its own, made with CreateTopics and -1 partitions
  const made = await wire((c) => c.request(CreateTopics, 4, { topics: [{ name: 'plain', numPartitions: -1, replicationFactor: -1, assignments: [], configs: [] }], timeoutMs: 1000 }));
  assert.equal(made.topics[0].errorCode, 0, made.topics[0].errorMessage ?? '');
});
after(async () => {
  await broker?.stop();
});

/** Configs observed by a test below (a reported config missing here fails the first test). */
const OBSERVED = new Set<string>([
  ...Object.keys(SET).filter((k) => !k.startsWith('log.') && k !== 'message.max.bytes'),
  ...TOPIC_CONFIGS.map((d) => d.synonym as string),
]);

test('DescribeConfigs reports every config the broker was given, as a static broker config, and nothing unobserved', () => {
  for (const [name, e] of reported) {
    assert.ok(OBSERVED.has(name) || name in ONLY, `${name} is reported but no test observes it`);
    if (name in SET) assert.deepEqual(e, { value: SET[name], source: 4 }, name);
    else assert.equal(e.source, 5, `${name}: the built-in default`);
  }
  for (const name of Object.keys(SET)) assert.ok(reported.has(name), `${name} reported`);
});

test('topic configs: a topic without overrides reports the broker values, and its log acts on them', async () => {
  const r = await wire((c) => c.request(DescribeConfigs, 4, { resources: [{ resourceType: 2, resourceName: 'plain', configurationKeys: null }], includeSynonyms: false, includeDocumentation: false }));
  const cfg = broker.store.topicConfig('plain') as LogConfig;
  for (const e of r.results[0].configs) {
    const def = TOPIC_CONFIGS.find((d) => d.name === e.name);
    assert.ok(def?.synonym, e.name);
    assert.equal(e.value, reported.get(def.synonym)?.value, `${e.name} = ${def.synonym}`);
    if (def.only !== undefined) {
      assert.ok(def.synonym in ONLY || def.name in ONLY, `${e.name}: why ${def.only} is in effect`);
      assert.equal(e.value, def.only, e.name);
    } else if (e.name in LOG_FIELDS) {
      const parsed = LOG_FIELDS[e.name](cfg);
      assert.equal(Number.isNaN(Number(parsed)) ? parsed : Number(parsed), Number.isNaN(Number(e.value)) ? e.value : Number(e.value), `${e.name}: the log acts on ${e.value}`);
    } else {
      assert.ok(e.name in ONLY, `${e.name}: neither acted on nor explained`);
    }
  }
});

test('message.max.bytes: a larger batch is refused; log.message.timestamp.type: the broker stamps batches', async () => {
  const producer = kafka.producer();
  await producer.connect();
  try {
    const [meta] = await producer.send({ topic: 'plain', messages: [{ partition: 0, key: 'k', value: 'small', timestamp: '1000' }] });
    assert.notEqual(meta.logAppendTime, '-1', 'LogAppendTime: the broker time comes back');
    await assert.rejects(
      producer.send({ topic: 'plain', acks: 1, messages: [{ partition: 0, key: 'k', value: 'x'.repeat(3000) }] }),
      (err: Error & { type?: string }) => err.type === 'MESSAGE_TOO_LARGE' || /too large|larger/i.test(err.message),
    );
  } finally {
    await producer.disconnect();
  }
});

test('log.message.timestamp.after/before.max.ms: a CreateTime topic refuses batches timestamped 20 min ahead or 2 days behind, takes 1 min ahead and 1 h behind', async () => {
  // the broker stamps 'plain' (LogAppendTime): bounds apply to CreateTime topics only
  const made = await wire((c) => c.request(CreateTopics, 4, { topics: [{ name: 'stamped', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'message.timestamp.type', value: 'CreateTime' }] }], timeoutMs: 1000 }));
  assert.equal(made.topics[0].errorCode, 0);
  const producer = kafka.producer();
  await producer.connect();
  try {
    const send = (offsetMs: number) => producer.send({ topic: 'stamped', acks: 1, messages: [{ key: 'k', value: 'v', timestamp: String(Date.now() + offsetMs) }] });
    const refused = (err: Error & { type?: string }) => err.type === 'INVALID_TIMESTAMP';
    await assert.rejects(send(20 * 60_000), refused, '20 min ahead: past 600000 (Kafka\'s one-hour default would take it)');
    await assert.rejects(send(-2 * 86_400_000), refused, '2 days behind: past 86400000 (unbounded by default)');
    await send(60_000);
    await send(-3_600_000);
    await producer.send({ topic: 'plain', acks: 1, messages: [{ partition: 0, key: 'k', value: 'v', timestamp: String(Date.now() + 20 * 60_000) }] });
  } finally {
    await producer.disconnect();
  }
});

test('offsets.topic.num.partitions, offsets.topic.segment.bytes: the first FindCoordinator creates __consumer_offsets with 7 partitions of 2000000-byte segments', async () => {
  const r = await wire((c) => c.request(FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['in-effect-group'] }));
  assert.equal(r.coordinators[0].errorCode, 0);
  assert.equal(broker.store.getTopic('__consumer_offsets')?.partitions, 7);
  assert.equal(broker.store.topicConfig('__consumer_offsets')?.segmentBytes, 2000000);
});

test('num.partitions and default.replication.factor: CreateTopics with -1 makes 3 partitions of one replica', async () => {
  const md = await wire((c) => c.request(Metadata, 12, { topics: [{ name: 'plain' }], allowAutoTopicCreation: false }));
  assert.equal(md.topics[0].partitions.length, 3);
  assert.ok(md.topics[0].partitions.every((p) => p.replicaNodes.length === 1));
});

test('num.partitions: an auto-created topic gets 3 partitions (on a broker that auto-creates)', async () => {
  const other = await startBroker({ port: 0, memory: true, configs: { 'num.partitions': 3, 'group.initial.rebalance.delay.ms': 0 } });
  try {
    const c = await WireClient.connect('127.0.0.1', other.port);
    try {
      await c.request(Metadata, 12, { topics: [{ name: 'auto' }], allowAutoTopicCreation: true });
      const md = await c.request(Metadata, 12, { topics: [{ name: 'auto' }], allowAutoTopicCreation: false });
      assert.equal(md.topics[0].partitions.length, 3);
    } finally {
      c.close();
    }
  } finally {
    await other.stop();
  }
});

test('auto.create.topics.enable=false: Metadata creates nothing', async () => {
  const md = await wire((c) => c.request(Metadata, 12, { topics: [{ name: 'never' }], allowAutoTopicCreation: true }));
  assert.equal(md.topics[0].errorCode, code('UNKNOWN_TOPIC_OR_PARTITION'));
  assert.equal(broker.store.getTopic('never'), undefined);
});

test('delete.topic.enable=false: DeleteTopics is refused and the topic stays', async () => {
  const r = await wire((c) => c.request(DeleteTopics, 6, { topics: [{ name: 'plain', topicId: Buffer.alloc(16) }], timeoutMs: 1000 }));
  assert.equal(r.responses[0].errorCode, code('TOPIC_DELETION_DISABLED'));
  const v2 = await wire((c) => c.request(DeleteTopics, 2, { topicNames: ['plain'], timeoutMs: 1000 }));
  assert.equal(v2.responses[0].errorCode, code('INVALID_REQUEST'));
  assert.ok(broker.store.getTopic('plain'));
});

test('group.min/max.session.timeout.ms: JoinGroup outside 7000..20000 is refused, inside accepted', async () => {
  const join = (sessionTimeoutMs: number) =>
    wire((c) => c.request(JoinGroup, 5, { groupId: 'bounds', sessionTimeoutMs, rebalanceTimeoutMs: 1000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] }));
  assert.equal((await join(6500)).errorCode, code('INVALID_SESSION_TIMEOUT'), '6500 < 7000 (Kafka default min 6000 would take it)');
  assert.equal((await join(25000)).errorCode, code('INVALID_SESSION_TIMEOUT'), '25000 > 20000');
  assert.equal((await join(10000)).errorCode, code('MEMBER_ID_REQUIRED'), '10000 is inside');
});

test('group.initial.rebalance.delay.ms=3500: the first member of a new group waits it out', async () => {
  const consumer = kafka.consumer({ groupId: 'delayed', sessionTimeout: 10000, heartbeatInterval: 500 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: 'plain' });
    const joined = new Promise<number>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve(Date.now())));
    const start = Date.now();
    await consumer.run({ eachMessage: async () => {} });
    const waited = (await joined) - start;
    assert.ok(waited >= 3500, `joined after ${waited} ms (Kafka's default would be 3000)`);
  } finally {
    await consumer.disconnect();
  }
});

test('offsets.retention.minutes=1: a simple group\'s offsets expire a minute after the commit, not before', async () => {
  // a minute of real time is too long for a test: the coordinator's expiry runs at given times
  await wire(async (c) => {
    const before = Date.now();
    const r = await c.request(OffsetCommit, 8, {
      groupId: 'retained', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
      topics: [{ name: 'plain', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: '' }] }],
    });
    const after = Date.now();
    assert.equal(r.topics[0].partitions[0].errorCode, 0);
    assert.equal(broker.groups.expireOffsets(before + 59_000), 0, 'kept at 59 s (Kafka\'s default keeps it 7 days)');
    assert.equal(broker.groups.expireOffsets(after + 60_000), 1, 'gone at 60 s');
    const left = await c.request(OffsetFetch, 5, { groupId: 'retained', topics: [{ name: 'plain', partitionIndexes: [0] }] });
    assert.equal(Number(left.topics[0].partitions[0].committedOffset), -1);
  });
});

test('transaction.max.timeout.ms=5000 and transactional.id.expiration.ms=2000', async () => {
  const init = (transactionalId: string, transactionTimeoutMs: number) => wire((c) => c.request(InitProducerId, 1, { transactionalId, transactionTimeoutMs }));
  assert.equal((await init('tx-long', 6000)).errorCode, code('INVALID_TRANSACTION_TIMEOUT'), '6000 > 5000');
  assert.equal((await init('tx-ok', 4000)).errorCode, 0);
  const now = Date.now();
  broker.txn.maintain(now + 1000);
  assert.ok(broker.txn.describe('tx-ok'), 'kept at 1 s');
  broker.txn.maintain(now + 3000);
  assert.equal(broker.txn.describe('tx-ok'), undefined, 'forgotten past 2 s');
});

test('producer.id.expiration.ms=2000: a partition forgets an idle producer id (its repeated batch is then new)', async () => {
  const log = broker.store.partition('plain', 1);
  assert.ok(log);
  const batch = () => buildBatch([{ key: Buffer.from('k'), value: Buffer.from('p') }], { producerId: 4242, producerEpoch: 0, baseSequence: 0 });
  const now = Date.now();
  const first = log.append(batch(), now);
  assert.equal(log.append(batch(), now).duplicate, true, 'a retry of the same batch is a duplicate');
  broker.store.maintain(now + 1000);
  assert.equal(log.append(batch(), now + 1000).duplicate, true, 'still known at 1 s');
  broker.store.maintain(now + 3500);
  const again = log.append(batch(), now + 3500);
  assert.notEqual(again.duplicate, true, 'forgotten past 2 s: appended again');
  assert.ok(again.baseOffset > first.baseOffset);
});

test('log.segment.bytes, log.roll.ms, log.retention.bytes, log.retention.ms: the log of a topic without overrides rolls and deletes by them', () => {
  const log = broker.store.partition('plain', 2);
  assert.ok(log);
  const now = Date.now();
  const batch = (i: number) => buildBatch([{ key: Buffer.from(`k${i}`), value: Buffer.alloc(700) }]);
  for (let i = 0; i < 3; i++) log.append(batch(i), now);
  assert.ok(log.describeSegments().length >= 2, 'rolled past 1000 bytes (the 1 GiB default keeps one segment)');
  for (let i = 3; i < 200; i++) log.append(batch(i), now);
  broker.store.maintain(now);
  const size = () => log.describeSegments().reduce((n, seg) => n + seg.size, 0);
  // as Kafka: the oldest segment goes while the rest alone still holds 100000 bytes
  assert.ok(log.logStartOffset > 0 && size() - log.describeSegments()[0].size < 100_000, `deleted down to 100000 bytes (${size()} left)`);
  // ten minutes and an hour are too long to wait: maintenance runs at given times
  const segments = log.describeSegments().length;
  broker.store.maintain(now + 600_000 - 1000);
  assert.equal(log.describeSegments().length, segments, 'log.roll.ms: the active segment is not rolled before 10 min');
  broker.store.maintain(now + 600_000 + 1000);
  assert.equal(log.describeSegments().length, segments + 1, 'log.roll.ms: rolled past 10 min (the 7 day default would not)');
  const start = log.logStartOffset;
  broker.store.maintain(now + 3_600_000 - 1000);
  assert.equal(log.logStartOffset, start, 'log.retention.ms: nothing deleted before an hour');
  broker.store.maintain(now + 3_600_000 + 1000);
  assert.equal(log.logStartOffset, log.logEndOffset, 'log.retention.ms: every record older than an hour is gone');
});

test('connections.max.idle.ms=1500: an idle connection is closed', async () => {
  const socket = net.connect(broker.port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const opened = Date.now();
  await new Promise<void>((resolve) => socket.once('close', () => resolve()));
  assert.ok(Date.now() - opened >= 1500 - 50, 'not before the idle time');
  assert.ok(lines.some((l) => /idle/.test(l)), 'the broker says why');
});
