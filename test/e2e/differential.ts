// The differential mechanism (issue 13 part 6): one request, built per broker, sent over the
// wire to kt's bundled broker and to Apache Kafka 4.4; both answers are normalised by the
// written list of intended differences below (docs/differential.md says the same, entry for
// entry) and must then be deep-equal. Names are unique per broker; they are mapped back to
// their placeholder in every string of the answer before comparing.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Broker } from '../../src/index.js';
import * as A from '../../src/protocol/apis/index.js';
import type { ApiSchema, DecodedResp, ReqInput } from '../../src/protocol/schema.js';
import { WireClient } from '../../src/client/wireClient.js';
import { testBroker } from '../helpers.js';
import { apacheNode } from './targets.js';

export interface Side {
  readonly name: 'bundled' | 'apache';
  readonly bootstrap: string;
  /** a connection to this broker (one per side, shared by the file's tests) */
  readonly c: WireClient;
  /** the node id of the one broker (the same on both) */
  readonly node: number;
  /** this broker's name for placeholder `key` (the same within one case) */
  n(key: string): string;
  /** whether `real` is one of this side's names */
  owns(real: string): boolean;
  /** a new connection (closed after the file) */
  connect(clientId?: string): Promise<WireClient>;
}

/**
 * An intended difference: a field whose value legitimately differs between the two brokers,
 * with the reason. `applies` is asked for every field of an answer (its name and the value);
 * what it returns replaces the value on both sides.
 */
export interface Difference {
  readonly name: string;
  readonly why: string;
  readonly field: (key: string) => boolean;
  readonly replace: (value: unknown, side: Side) => unknown;
}

const ZERO_UUID = '00'.repeat(16);

/** The written list of intended differences (docs/differential.md, entry for entry). */
export const INTENDED: readonly Difference[] = [
  {
    name: 'throttle',
    why: 'the bundled broker stores client quotas but does not enforce them: throttleTimeMs is always 0; Apache may throttle under load',
    field: (k) => k === 'throttleTimeMs',
    replace: () => 0,
  },
  {
    name: 'addresses',
    why: 'each broker listens on its own ephemeral port',
    field: (k) => k === 'host' || k === 'port',
    replace: (v) => (typeof v === 'number' ? (v > 0 ? 'PORT' : v) : v === '' ? v : 'HOST'),
  },
  {
    name: 'cluster id',
    why: 'each cluster has its own random id',
    field: (k) => k === 'clusterId',
    replace: (v) => (v === null ? v : 'CLUSTER'),
  },
  {
    name: 'topic ids',
    why: 'topic ids are random UUIDs; the zero UUID (unknown topic) is compared as is',
    field: (k) => k === 'topicId',
    replace: (v) => (v === ZERO_UUID ? v : 'TOPIC_ID'),
  },
  {
    name: 'producer ids',
    why: 'each broker allocates producer ids from its own counter (-1, none, is compared as is)',
    field: (k) => k === 'producerId',
    replace: (v) => (typeof v === 'bigint' ? (v >= 0n ? 'PID' : v) : typeof v === 'number' && v >= 0 ? 'PID' : v),
  },
  {
    name: 'member ids',
    why: 'a member id is the client id (or instance id) and a random UUID, on both brokers; a consumer-protocol member id the coordinator makes (ConsumerGroupHeartbeat v0) is a random Uuid as Kafka prints it (22 characters of base64url)',
    field: (k) => k === 'memberId' || k === 'leader',
    replace: (v) => (typeof v === 'string' ? v.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'UUID').replace(/^[A-Za-z0-9_-]{22}$/, 'UUID') : v),
  },
  {
    name: 'consumer group epochs',
    why: "KIP-848 epochs: Kafka 4.4 answers a new consumer group's first member with epoch 2 and computes a new target assignment at most every group.consumer.assignment.interval.ms, so its epochs are numbered and advanced differently; the bundled broker starts at 1 and assigns at once. Positive member, group and assignment epochs are not compared (0, -1 and -2 are), nor the epochs quoted in an error message about member epochs",
    field: (k) => k === 'memberEpoch' || k === 'groupEpoch' || k === 'assignmentEpoch' || k === 'errorMessage',
    replace: (v) => (typeof v === 'number' && v > 0 ? 'EPOCH' : typeof v === 'string' && /member epoch/.test(v) ? v.replace(/\(\d+\)/g, '(EPOCH)') : v),
  },
  {
    name: 'answer order',
    why: "Kafka answers the topics and partitions of Produce, ListOffsets and AddPartitionsToTxn, Metadata's topics, DescribeGroups' groups, the results of CreatePartitions and DeleteGroups and a resource's configs in DescribeConfigs in its hash maps' order; the bundled broker in request (or name) order: these lists are compared sorted by name and index",
    field: (k) => ['responses', 'partitionResponses', 'topics', 'partitions', 'groups', 'resultsByTopicV3AndBelow', 'resultsByPartition', 'results', 'configs'].includes(k),
    replace: (v) => (Array.isArray(v) && v.every((x) => x && typeof x === 'object' && !Array.isArray(x)) ? [...v].sort(byNameAndIndex) : v),
  },
  {
    name: 'quota answer order',
    why: "Kafka answers the entries of Describe/AlterClientQuotas and an entity's quota values in its hash maps' order (of entity names, which differ per broker, and of its metadata image's history); the bundled broker in the order the entities were first given quotas (AlterClientQuotas: request order) and values by key: these lists are compared sorted",
    field: (k) => k === 'entries' || k === 'values',
    replace: (v) => (Array.isArray(v) ? [...v].sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : JSON.stringify(x) > JSON.stringify(y) ? 1 : 0)) : v),
  },
  {
    name: 'produce error messages',
    why: 'Kafka answers a Produce partition refused as too large (MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE) or corrupt (CORRUPT_MESSAGE) without an errorMessage; the bundled broker says why (the size and limit, the failed check, a decompression bomb)',
    field: (k) => k === 'partitionResponses',
    replace: (v) => (Array.isArray(v) ? v.map((p) => (EXPLAINED.has(p.errorCode) ? { ...p, errorMessage: 'NOT COMPARED' } : p)) : v),
  },
  {
    name: 'topic configs',
    why: "CreateTopics v5+ lists a new topic's configs: the bundled broker lists those it implements, with the values in effect. Kafka also lists configs of features it does not have (tiered storage, replication throttles, compression levels, dead-letter queues, decompression limits), which are left out; file.delete.delay.ms is 0 (files are deleted at once), and Kafka reports min.insync.replicas as a cluster-level default held in its KRaft metadata (source DYNAMIC_DEFAULT_BROKER_CONFIG, 3) where the bundled broker has its static default (5): that source, and that synonym in DescribeConfigs, are not compared",
    field: (k) => k === 'configs',
    replace: (v) => (Array.isArray(v)
      ? v.filter((c) => !UNIMPLEMENTED_TOPIC_CONFIGS.has(c.name))
        .map((c) => (c.name === 'file.delete.delay.ms' ? { ...c, value: 'DELAY', synonyms: c.synonyms?.map((y: { value: unknown }) => ({ ...y, value: 'DELAY' })) }
          : c.name === 'min.insync.replicas' ? { ...c, configSource: 'SOURCE', synonyms: c.synonyms?.filter((y: { source: number }) => y.source !== 3) } : c))
      : v),
  },
];

/** MESSAGE_TOO_LARGE, CORRUPT_MESSAGE, RECORD_LIST_TOO_LARGE (see 'produce error messages'). */
const EXPLAINED: ReadonlySet<number> = new Set([10, 2, 18]);

/** Topic configs Kafka 4.4 reports that the bundled broker does not implement (see 'topic configs'). */
export const UNIMPLEMENTED_TOPIC_CONFIGS: ReadonlySet<string> = new Set([
  'compression.gzip.level', 'compression.lz4.level', 'compression.zstd.level', 'errors.deadletterqueue.group.enable',
  'follower.replication.throttled.replicas', 'leader.replication.throttled.replicas', 'local.retention.bytes', 'local.retention.ms',
  'max.decompressed.message.bytes', 'remote.copy.lag.bytes', 'remote.copy.lag.ms', 'remote.log.copy.disable', 'remote.log.delete.on.disable',
  'remote.storage.enable',
]);

function byNameAndIndex(x: Record<string, unknown>, y: Record<string, unknown>): number {
  const key = (o: Record<string, unknown>) => `${String(o.name ?? o.topic ?? o.groupId ?? '')}\0${String(o.index ?? o.partitionIndex ?? '').padStart(10, '0')}`;
  return key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0;
}

function walk(v: unknown, s: Side, names: Map<string, string>, key = ''): unknown {
  const replaceNames = (text: string) => {
    for (const [real, placeholder] of [...names].sort((x, y) => y[0].length - x[0].length)) text = text.split(real).join(placeholder);
    return text;
  };
  // bytes compare as hex, with the names inside them (e.g. a subscription's topics) replaced
  if (Buffer.isBuffer(v)) v = Buffer.from(replaceNames(v.toString('latin1')), 'latin1').toString('hex');
  else if (typeof v === 'string') v = replaceNames(v); else if (Array.isArray(v)) v = v.map((x) => walk(x, s, names));
  else if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, s, names, k)]));
  }
  for (const d of INTENDED) if (d.field(key)) v = d.replace(v, s);
  return v;
}

/** An answer with the intended differences and this side's names replaced. */
export function normalise(v: unknown, s: Side, names: Map<string, string>): unknown {
  return walk(v, s, names);
}

export interface Differential {
  readonly sides: () => readonly [Side, Side];
  /**
   * Runs `fn` on both brokers (bundled first) and asserts that
   * the normalised results are equal; returns them (bundled, apache) for extra assertions.
   */
  same<T>(label: string, fn: (s: Side) => Promise<T>): Promise<[T, T]>;
  /**
   * As `same`, for a read after a change: Apache applies a committed change asynchronously (the
   * controller commits it, then the broker replays its metadata log), so Apache's answer is read
   * again (a bounded number of times) until it matches the bundled broker's, which applies it
   * before answering. A difference that persists fails as `same` would.
   */
  converged<T>(label: string, fn: (s: Side) => Promise<T>): Promise<[T, T]>;
  /** Sends one request to both and compares the answers. */
  request<Api extends ApiSchema>(label: string, api: Api, version: number, body: (s: Side) => ReqInput<Api>): Promise<[DecodedResp<Api>, DecodedResp<Api>]>;
}

let caseSeq = 0;

/** Starts a bundled broker and connects to the run's Apache node for this file's tests. */
export function differential(): Differential {
  let broker: Broker | undefined;
  let apache: { bootstrap: string; stop(): Promise<void> } | undefined;
  const clients: WireClient[] = [];
  const sides: Side[] = [];
  const names = new Map<string, string>(); // real name -> placeholder, for the whole file
  const seqs = new Map<string, number>(); // placeholder key -> its number
  const make = async (name: 'bundled' | 'apache', bootstrap: string): Promise<Side> => {
    const [host, port] = bootstrap.split(',')[0].split(':');
    const connect = async (clientId = 'kt-differential') => {
      const c = await WireClient.connect(host, Number(port), { clientId });
      clients.push(c);
      return c;
    };
    const c = await connect();
    const md = await c.request(A.Metadata, 12, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    assert.equal(md.brokers.length, 1, `${name}: one node`);
    const side: Side = {
      name,
      bootstrap,
      c,
      node: md.brokers[0].nodeId,
      connect,
      n: (key) => {
        // the same length on both sides (b or a, one number per key): names inside bytes line up
        if (!seqs.has(key)) seqs.set(key, ++caseSeq);
        const real = `${key}-${name[0]}-${process.pid}-${seqs.get(key)}`;
        names.set(real, `<${key}>`);
        return real;
      },
      owns: (real) => names.has(real) && real.includes(`-${name[0]}-${process.pid}-`),
    };
    return side;
  };
  before(async () => {
    // the bundled broker takes the Apache node's id: node ids are then compared as they are
    apache = await apacheNode();
    const a = await make('apache', apache.bootstrap);
    broker = await testBroker({ nodeId: a.node });
    sides.push(await make('bundled', broker.bootstrap), a);
    for (const s of sides) await coordinatorsReady(s);
  });
  after(async () => {
    for (const c of clients) c.close();
    await broker?.stop();
    await apache?.stop();
  });
  const same = async <T>(label: string, fn: (s: Side) => Promise<T>): Promise<[T, T]> => {
    const b = await fn(sides[0]);
    const a = await fn(sides[1]);
    assert.deepEqual(normalise(b, sides[0], names), normalise(a, sides[1], names), `${label}: bundled (actual) vs Apache (expected)`);
    return [b, a];
  };
  const converged = async <T>(label: string, fn: (s: Side) => Promise<T>): Promise<[T, T]> => {
    const b = await fn(sides[0]);
    const want = normalise(b, sides[0], names);
    for (let attempt = 0; ; attempt++) {
      const a = await fn(sides[1]);
      const got = normalise(a, sides[1], names);
      if (attempt === 200) assert.deepEqual(want, got, `${label}: bundled (actual) vs Apache (expected, after ${attempt} reads)`);
      try {
        assert.deepEqual(want, got);
        return [b, a];
      } catch {
        await new Promise((res) => setTimeout(res, 25)); // a pause between reads, not a deadline
      }
    }
  };
  return {
    sides: () => [sides[0], sides[1]],
    same,
    converged,
    request: (label, api, version, body) => same(`${label} (${api.name} v${version})`, (s) => s.c.request(api, version, body(s))),
  };
}

/**
 * Waits (FindCoordinator polls, a bounded number) until the group and transaction coordinators
 * answer: Apache creates __consumer_offsets and __transaction_state on first use and answers
 * COORDINATOR_NOT_AVAILABLE meanwhile; the bundled broker has them from the start.
 */
async function coordinatorsReady(s: Side): Promise<void> {
  for (const keyType of [0, 1]) {
    for (let attempt = 0; ; attempt++) {
      const r = await s.c.request(A.FindCoordinator, 6, { keyType, coordinatorKeys: ['kt-differential-warm-up'] });
      // the transaction coordinator also loads its log first (COORDINATOR_LOAD_IN_PROGRESS)
      if (r.coordinators[0].errorCode === 0 && (keyType === 0 || (await s.c.request(A.InitProducerId, 5, { transactionalId: 'kt-differential-warm-up', transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 })).errorCode === 0)) break;
      if (attempt === 1000) assert.fail(`${s.name}: no coordinator for key type ${keyType} after 1000 FindCoordinator requests`);
      await new Promise((res) => setTimeout(res, 10)); // a pause between polls, not a deadline
    }
  }
}

/**
 * Creates a topic over the wire and waits (Metadata polls, a bounded number) until every
 * partition has a leader: Apache's controller elects them after answering CreateTopics.
 */
export async function createTopic(s: Side, name: string, partitions = 1, configs: { name: string; value: string }[] = []): Promise<Buffer> {
  const r = await s.c.request(A.CreateTopics, 7, { topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs }], timeoutMs: 30000, validateOnly: false });
  assert.equal(r.topics[0].errorCode, 0, `${s.name}: create ${name}: ${r.topics[0].errorMessage}`);
  for (let attempt = 0; attempt < 1000; attempt++) {
    const md = await s.c.request(A.Metadata, 12, { topics: [{ name, topicId: Buffer.alloc(16) }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    const t = md.topics[0];
    if (t.errorCode === 0 && t.partitions.length === partitions && t.partitions.every((p) => p.leaderId >= 0)) {
      // the metadata cache knows the leader before the partition's log answers: ask the log too
      const lo = await s.c.request(A.ListOffsets, 9, { replicaId: -1, isolationLevel: 0, topics: [{ name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, currentLeaderEpoch: -1, timestamp: -1 })) }], timeoutMs: 30000 });
      if (lo.topics[0].partitions.every((p) => p.errorCode === 0)) return t.topicId;
    }
    await new Promise((res) => setTimeout(res, 10)); // a pause between polls, not a deadline
  }
  assert.fail(`${s.name}: ${name} has no leader after 1000 Metadata requests`);
}
