// Golden bodies from kafka-python 2.0.2 (test/fixtures/protocol/kafka-python.json, written by
// gen-kafka-python.py): the requests kafka-python's clients send, plus one generated request
// and response for every version kafka-python implements within our advertised ranges.
// Requests must decode to kafka-python's values and re-encode to the same bytes; responses
// encoded by kt from the same values must equal kafka-python's bytes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ALL_APIS } from '../../../src/protocol/apis/index.js';
import { decodeAssignment, decodeSubscription } from '../../../src/protocol/apis/consumerProtocol.js';
import type { ApiSchema } from '../../../src/protocol/schema.js';
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  fixture,
  fromPositional,
  hex,
  positional,
} from './helpers.js';

interface Entry {
  api: string;
  version: number;
  hex: string;
  values: unknown[];
  note?: string;
}
interface Doc {
  knownBad: (Entry & { kind: 'request' | 'response'; reason: string })[];
  sends: Entry[];
  requests: Entry[];
  responses: Entry[];
  consumerProtocol: {
    subscription: { hex: string; version: number; topics: string[] };
    assignment: { hex: string; version: number; assignedPartitions: [string, number[]][] };
  };
}

const doc = fixture<Doc>('kafka-python.json');
const byName = new Map(ALL_APIS.map((a) => [a.name, a]));
const api = (name: string): ApiSchema => {
  const a = byName.get(name);
  assert.ok(a, `no schema ${name}`);
  return a;
};
const label = (e: Entry) => `${e.api} v${e.version}${e.note ? ` (${e.note})` : ''}`;

function checkRequest(e: Entry) {
  const a = api(e.api);
  assert.ok(e.version >= a.min && e.version <= a.max, `${label(e)} outside ${a.min}-${a.max}`);
  const bytes = hex(e.hex);
  const decoded = decodeRequest(a, e.version, bytes);
  assert.deepEqual(positional(a.request, e.version, decoded), e.values);
  assert.deepEqual(encodeRequest(a, e.version, decoded), bytes, 're-encoding changes the bytes');
  assert.deepEqual(encodeRequest(a, e.version, fromPositional(a.request, e.version, e.values) as Record<string, unknown>), bytes);
  return decoded;
}

// Versions Kafka 4.0 removed, which kt no longer implements either: kafka-python 2.0.2 sends
// them only to brokers older than 0.10.1 (it picks ListOffsets v1, DeleteTopics v1+ here).
const REMOVED = new Set(['ListOffsets v0', 'DeleteTopics v0']);
const implemented = (e: Entry) => !REMOVED.has(`${e.api} v${e.version}`);

test('kafka-python 2.0.2 entries outside kt\'s ranges are exactly the versions Kafka 4.0 removed', () => {
  const outside = [...doc.sends, ...doc.requests, ...doc.responses].filter((e) => e.version < api(e.api).min || e.version > api(e.api).max);
  assert.deepEqual([...new Set(outside.map((e) => `${e.api} v${e.version}`))].sort(), [...REMOVED].sort());
});

describe('kafka-python 2.0.2: requests it sends', () => {
  for (const e of doc.sends.filter(implemented)) test(label(e), () => void checkRequest(e));

  const find = (name: string, v: number, note?: string) => {
    const e = doc.sends.find((x) => x.api === name && x.version === v && (note === undefined || x.note === note));
    assert.ok(e, `${name} v${v}`);
    return checkRequest(e);
  };

  test('Metadata: v0 empty list and v1 null both mean all topics', () => {
    assert.deepEqual(find('Metadata', 0).topics, []);
    assert.equal(find('Metadata', 1, 'v1 null = all topics').topics, null);
  });

  test('Produce v3/v7 carry a magic-2 record batch as raw bytes', () => {
    for (const v of [3, 7]) {
      const req = find('Produce', v);
      assert.equal(req.transactionalId, null);
      assert.equal(req.topicData[0].name, 'orders');
      const records: Buffer = req.topicData[0].partitionData[0].records;
      assert.equal(records.readInt8(16), 2, 'magic');
      assert.equal(records.readInt32BE(57), 2, 'record count');
      assert.equal(records.length, records.readInt32BE(8) + 12, 'batch length');
    }
  });

  test('Fetch v4 and ListOffsets v1 shapes', () => {
    const f = find('Fetch', 4);
    assert.deepEqual(
      { replicaId: f.replicaId, maxWaitMs: f.maxWaitMs, minBytes: f.minBytes, maxBytes: f.maxBytes, isolationLevel: f.isolationLevel },
      { replicaId: -1, maxWaitMs: 500, minBytes: 1, maxBytes: 52428800, isolationLevel: 0 },
    );
    assert.deepEqual(f.topics[0].partitions[0], {
      partition: 0,
      currentLeaderEpoch: -1,
      fetchOffset: 42,
      lastFetchedEpoch: -1,
      logStartOffset: -1,
      partitionMaxBytes: 1048576,
      replicaDirectoryId: Buffer.alloc(16),
      highWatermark: 2 ** 63 - 1, // v18's default (int64 max, as a JS number)
    });
    const l1 = find('ListOffsets', 1);
    assert.deepEqual(l1.topics[0].partitions.map((p: { timestamp: number }) => p.timestamp), [-1, -2]);
  });

  test('group protocol: FindCoordinator v0, JoinGroup v2, SyncGroup v1, OffsetCommit v2, OffsetFetch v1', () => {
    assert.equal(find('FindCoordinator', 0).key, 'my-group');
    const j = find('JoinGroup', 2);
    assert.equal(j.rebalanceTimeoutMs, 300000);
    assert.equal(j.memberId, '');
    assert.deepEqual(j.protocols.map((p: { name: string }) => p.name), ['range', 'roundrobin']);
    assert.deepEqual(decodeSubscription(j.protocols[0].metadata)?.topics, ['orders', 'payments']);
    const s = find('SyncGroup', 1, undefined);
    assert.deepEqual(decodeAssignment(s.assignments[0].assignment)?.assignedPartitions, [
      { topic: 'orders', partitions: [0, 2] },
      { topic: 'payments', partitions: [1] },
    ]);
    const c = find('OffsetCommit', 2);
    assert.equal(c.retentionTimeMs, -1);
    assert.equal(c.generationIdOrMemberEpoch, 1);
    assert.deepEqual(c.topics[0].partitions[1], {
      partitionIndex: 2,
      committedOffset: 7,
      committedLeaderEpoch: -1,
      commitTimestamp: -1,
      committedMetadata: 'meta',
    });
    assert.deepEqual(find('OffsetFetch', 1).topics, [{ name: 'orders', partitionIndexes: [0, 2] }]);
  });

  test('admin: CreateTopics, DescribeConfigs null keys, CreatePartitions null assignments', () => {
    const ct = find('CreateTopics', 3);
    assert.deepEqual(ct.topics[0].configs, [{ name: 'cleanup.policy', value: 'compact' }]);
    assert.equal(ct.validateOnly, false);
    assert.deepEqual(find('CreateTopics', 0, 'manual assignment').topics[0].assignments[1], { partitionIndex: 1, brokerIds: [1] });
    assert.equal(find('DescribeConfigs', 0).resources[0].configurationKeys, null);
    assert.equal(find('CreatePartitions', 0).topics[0].assignments, null);
    assert.deepEqual(find('CreatePartitions', 1).topics[0].assignments, [{ brokerIds: [1] }, { brokerIds: [1] }]);
  });
});

describe('kafka-python 2.0.2: every request version in range', () => {
  for (const e of doc.requests.filter(implemented)) test(label(e), () => void checkRequest(e));
});

describe('kafka-python 2.0.2: responses encode to the same bytes', () => {
  for (const e of doc.responses.filter(implemented)) {
    test(label(e), () => {
      const a = api(e.api);
      const bytes = hex(e.hex);
      const decoded = decodeResponse(a, e.version, bytes);
      assert.deepEqual(positional(a.response, e.version, decoded), e.values);
      // kt encodes the object kafka-python encoded to exactly kafka-python's bytes
      const object = fromPositional(a.response, e.version, e.values) as Record<string, unknown>;
      assert.deepEqual(encodeResponse(a, e.version, object), bytes);
    });
  }

  test('covers every API kafka-python and kt share', () => {
    const names = new Set(doc.responses.map((e) => e.api));
    assert.ok(names.size >= 22, [...names].join(','));
  });
});

describe('kafka-python 2.0.2 schema bugs: kt must disagree', () => {
  // kafka-python declares these differently from Kafka's JSON (see gen-kafka-python.py); a
  // schema that accepted them as kafka-python means them would be wrong.
  for (const e of doc.knownBad) {
    test(`${e.api} ${e.kind} v${e.version}: ${e.reason}`, () => {
      const a = api(e.api);
      const spec = e.kind === 'request' ? a.request : a.response;
      let agrees = false;
      try {
        const decoded = (e.kind === 'request' ? decodeRequest : decodeResponse)(a, e.version, hex(e.hex));
        agrees = JSON.stringify(positional(spec, e.version, decoded)) === JSON.stringify(e.values);
      } catch {
        agrees = false;
      }
      assert.equal(agrees, false);
    });
  }
});

test('kafka-python consumer protocol blobs', () => {
  const { subscription, assignment } = doc.consumerProtocol;
  const s = decodeSubscription(hex(subscription.hex));
  assert.equal(s?.version, 0);
  assert.deepEqual(s?.topics, subscription.topics);
  const a = decodeAssignment(hex(assignment.hex));
  assert.deepEqual(
    a?.assignedPartitions.map((p) => [p.topic, p.partitions]),
    assignment.assignedPartitions,
  );
});
