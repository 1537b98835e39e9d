// Golden bytes from Apache Kafka 4.4 (test/fixtures/protocol/apache44.json, see
// gen-apache44.mjs) for the data-plane versions Kafka 4.1+ added: requests the Java 4.4 clients
// sent (Produce v13, Fetch v18, ListOffsets v11, Metadata v13, DeleteTopics v6) and responses an
// Apache Kafka 4.4 broker gave. Each body decodes with kt's schemas to the last byte and
// re-encodes to the same bytes (flexible boundaries, tagged and nullable fields exact), and
// the answers are what kt's handlers give in the same cases (test/broker/dataplane.test.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ALL_APIS } from '../../../src/protocol/apis/index.js';
import { code } from '../../../src/protocol/errors.js';
import { type Obj, decodeRequest, decodeResponse, encodeRequest, encodeResponse, fixture, hex } from './helpers.js';

interface Entry {
  api: string;
  version: number;
  hex: string;
  note?: string;
}
const doc = fixture<{ requests: Entry[]; responses: Entry[] }>('apache44.json');
const byName = new Map(ALL_APIS.map((a) => [a.name, a]));
const api = (e: Entry) => {
  const a = byName.get(e.api);
  assert.ok(a, e.api);
  return a;
};
const ZERO = Buffer.alloc(16);
const UNKNOWN = '0123456789abcdef0123456789abcdef';

describe('requests from the Java 4.4 clients decode and re-encode byte for byte', () => {
  for (const e of doc.requests) {
    test(`${e.api} v${e.version}`, () => {
      const bytes = hex(e.hex);
      const decoded = decodeRequest(api(e), e.version, bytes);
      assert.deepEqual(encodeRequest(api(e), e.version, decoded), bytes);
    });
  }
  test('the newest versions, naming topics by id', () => {
    const get = (name: string) => {
      const e = doc.requests.find((x) => x.api === name);
      assert.ok(e, name);
      return { version: e.version, body: decodeRequest(api(e), e.version, hex(e.hex)) };
    };
    assert.deepEqual(doc.requests.map((e) => `${e.api} v${e.version}`).sort(), ['DeleteTopics v6', 'Fetch v18', 'ListOffsets v11', 'Metadata v13', 'Produce v13']);
    const produce = get('Produce').body;
    assert.ok(!produce.topicData[0].topicId.equals(ZERO), 'Produce v13 names the topic by id');
    assert.equal(produce.topicData[0].name, '', 'and not by name');
    const fetch = get('Fetch').body;
    assert.ok(fetch.topics.every((t: Obj) => !t.topicId.equals(ZERO)));
    assert.equal(get('DeleteTopics').body.topics.length, 1);
  });
});

describe('responses of Apache Kafka 4.4 decode and re-encode byte for byte', () => {
  for (const e of doc.responses) {
    test(`${e.api} v${e.version}: ${e.note}`, () => {
      const bytes = hex(e.hex);
      const decoded = decodeResponse(api(e), e.version, bytes);
      assert.deepEqual(encodeResponse(api(e), e.version, decoded), bytes);
    });
  }
});

describe('what Apache Kafka 4.4 answers (and kt answers the same)', () => {
  const answers = (name: string, note?: string) =>
    doc.responses.filter((e) => e.api === name && (note === undefined || e.note === note)).map((e) => ({ version: e.version, body: decodeResponse(api(e), e.version, hex(e.hex)) }));

  test('KIP-467: a refused batch names its keyless records, with Kafka\'s messages', () => {
    for (const { body } of answers('Produce', 'keyless records on a compacted topic (KIP-467)')) {
      const p = body.responses[0].partitionResponses[0];
      assert.equal(p.errorCode, code('INVALID_RECORD'));
      assert.deepEqual(p.recordErrors.map((r: Obj) => r.batchIndex), [3, 10, 17]);
      assert.match(p.recordErrors[0].batchIndexErrorMessage, /^Compacted topic cannot accept message without key in topic partition \S+-0$/);
      assert.match(p.errorMessage, /^One or more records have been rejected due to 3 record errors in total, and only showing the first three errors at most: \[RecordError\(batchIndex=3, message='Compacted topic/);
      assert.deepEqual([p.baseOffset, p.logStartOffset], [-1, 0]);
    }
  });

  test('unknown topic ids: UNKNOWN_TOPIC_ID in Produce, Fetch, Metadata and DeleteTopics', () => {
    const produced = answers('Produce', 'written, and an unknown topic id')[0].body;
    const unknown = produced.responses.find((t: Obj) => t.topicId.toString('hex') === UNKNOWN);
    assert.deepEqual(unknown.partitionResponses.map((p: Obj) => [p.errorCode, p.baseOffset, p.logStartOffset, p.errorMessage]), [[code('UNKNOWN_TOPIC_ID'), -1, -1, null]]);
    for (const { body } of answers('Fetch')) {
      const t = body.responses.find((x: Obj) => x.topicId.toString('hex') === UNKNOWN);
      assert.deepEqual(t.partitions.map((p: Obj) => [p.errorCode, p.highWatermark]), [[code('UNKNOWN_TOPIC_ID'), -1]]);
    }
    const md = answers('Metadata', 'by id, and an unknown id')[0].body;
    assert.deepEqual(md.topics.map((t: Obj) => [t.errorCode, t.name === null]), [[code('UNKNOWN_TOPIC_ID'), true], [0, false]], 'unknown ids first, with a null name');
    const del = answers('DeleteTopics', 'an unknown id; neither name nor id')[0].body;
    assert.deepEqual(
      del.responses.map((t: Obj) => [t.errorCode, t.errorMessage]).sort(),
      [[code('UNKNOWN_TOPIC_ID'), 'This server does not host this topic ID.'], [code('INVALID_REQUEST'), 'Neither topic name nor id were specified.']].sort(),
    );
  });

  test('Metadata: every supported operation with no authorizer; an id before v12 is an invalid request', () => {
    const ops = answers('Metadata', 'authorized operations')[0].body;
    assert.equal(ops.clusterAuthorizedOperations, 8096);
    assert.deepEqual(ops.topics.map((t: Obj) => t.topicAuthorizedOperations), [3576, 3576]);
    const v11 = answers('Metadata', 'an id before v12: invalid')[0].body;
    assert.deepEqual([v11.topics[0].errorCode, v11.brokers.length, v11.clusterId, v11.controllerId], [code('INVALID_REQUEST'), 0, null, -1]);
  });

  test('ListOffsets without tiered storage: -4 is the log start, -5 and -6 have no offset', () => {
    for (const e of doc.responses.filter((x) => x.api === 'ListOffsets')) {
      const p = decodeResponse(api(e), e.version, hex(e.hex)).topics[0].partitions[0];
      const want = e.note === 'timestamp -4' ? [0, 0, 0] : [0, -1, -1];
      assert.deepEqual([p.errorCode, p.offset, p.leaderEpoch], want, `v${e.version} ${e.note}`);
    }
  });
});
