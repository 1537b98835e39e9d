// Golden bytes from Apache Kafka 4.4.0 itself (test/fixtures/protocol/apache-4.4-answers.json):
// a one-node Kafka 4.4 broker's answers to requests kt encoded, in the versions Kafka 4.x
// added to the group, coordinator, transaction and cluster APIs. Kafka accepting the request
// shows kt's request encoding; every answer must decode with kt's schemas to the last byte
// and re-encode to the same bytes (tagged fields, nullable strings and topic ids included),
// and the answers kt's handlers copy (error codes and messages) are checked by value.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ALL_APIS } from '../../../src/protocol/apis/index.js';
import { code } from '../../../src/protocol/errors.js';
import { type Obj, decodeRequest, decodeResponse, encodeRequest, encodeResponse, fixture, hex } from './helpers.js';

interface Answer {
  note: string;
  api: string;
  version: number;
  request: string;
  response: string;
}
const doc = fixture<{ answers: Answer[] }>('apache-4.4-answers.json');
const byName = new Map(ALL_APIS.map((a) => [a.name, a]));
const E = (name: Parameters<typeof code>[0]) => code(name);

describe("Kafka 4.4's answers decode and re-encode byte for byte", () => {
  for (const a of doc.answers) {
    test(`${a.api} v${a.version}: ${a.note}`, () => {
      const api = byName.get(a.api);
      assert.ok(api && a.version <= api.max, `${a.api} v${a.version} advertised`);
      const req = hex(a.request);
      assert.deepEqual(encodeRequest(api, a.version, decodeRequest(api, a.version, req)), req);
      const resp = hex(a.response);
      assert.deepEqual(encodeResponse(api, a.version, decodeResponse(api, a.version, resp)), resp);
    });
  }
});

const answer = (api: string, version: number, note: string): Obj => {
  const a = doc.answers.find((x) => x.api === api && x.version === version && x.note.startsWith(note));
  assert.ok(a, `${api} v${version} ${note}`);
  return decodeResponse(byName.get(api) as (typeof ALL_APIS)[number], version, hex(a.response));
};

test('what the answers say (and the handlers copy)', () => {
  const av = answer('ApiVersions', 5, 'the whole table');
  assert.ok(av.supportedFeatures.some((f: Obj) => f.name === 'transaction.version'));
  assert.ok(av.finalizedFeaturesEpoch > 0);
  assert.deepEqual(answer('ApiVersions', 5, 'another cluster'), { errorCode: E('REBOOTSTRAP_REQUIRED'), apiKeys: [], throttleTimeMs: 0, supportedFeatures: [], finalizedFeaturesEpoch: -1, finalizedFeatures: [], zkMigrationReady: false });
  assert.equal(answer('ApiVersions', 5, 'cluster without node').errorCode, E('INVALID_REQUEST'));
  assert.deepEqual(answer('FindCoordinator', 4, 'batched').coordinators.map((c: Obj) => [c.key, c.errorCode, c.errorMessage]), [['a', 0, ''], ['b', 0, '']]);
  const bad = answer('FindCoordinator', 6, 'an unknown key type').coordinators[0];
  assert.deepEqual([bad.errorCode, bad.nodeId, bad.host, bad.port], [E('INVALID_REQUEST'), -1, '', -1]);
  assert.match(bad.errorMessage, /malformed by the client library/);
  assert.equal(answer('FindCoordinator', 5, 'a share key').coordinators[0].errorCode, E('INVALID_REQUEST'));
  assert.equal(answer('FindCoordinator', 3, 'v3 success').errorMessage, 'NONE');
  // (Kafka answers the refused topic first; kt answers in request order: docs/protocol.md)
  assert.deepEqual(answer('OffsetCommit', 10, 'a simple commit').topics.map((t: Obj) => t.partitions[0].errorCode).sort(), [0, E('UNKNOWN_TOPIC_ID')]);
  assert.equal(answer('OffsetCommit', 9, 'a member commit to no group').topics[0].partitions[0].errorCode, E('GROUP_ID_NOT_FOUND'));
  const two = answer('OffsetFetch', 8, 'two groups');
  assert.deepEqual(two.groups.map((g: Obj) => [g.groupId, g.errorCode, g.topics.length]), [['cap-g', 0, 1], ['cap-none', 0, 0]]);
  assert.deepEqual(two.groups[0].topics[0].partitions.map((p: Obj) => [p.partitionIndex, p.committedOffset, p.metadata]), [[0, 4, 'md'], [1, -1, '']]);
  const byId = answer('OffsetFetch', 10, 'by topic id');
  assert.deepEqual(byId.groups[0].topics[1].partitions[0], { partitionIndex: 2, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: E('UNKNOWN_TOPIC_ID') });
  const dg = answer('DescribeGroups', 6, 'a known and an unknown group').groups;
  assert.deepEqual(dg.map((g: Obj) => [g.groupId, g.errorCode, g.errorMessage, g.groupState]), [
    ['cap-g', 0, null, 'Empty'],
    ['cap-none', E('GROUP_ID_NOT_FOUND'), 'Group cap-none not found.', 'Dead'],
  ]);
  assert.ok(answer('ListGroups', 5, 'states and types').groups.every((g: Obj) => g.groupType === 'classic' && g.groupState === 'Empty'));
  assert.deepEqual(answer('DeleteGroups', 3, 'an unknown group').results, [{ groupId: 'cap-none', errorCode: E('GROUP_ID_NOT_FOUND'), errorMessage: null }]);
  const join = answer('JoinGroup', 9, 'first join');
  assert.deepEqual([join.errorCode, join.skipAssignment, join.protocolName], [E('MEMBER_ID_REQUIRED'), false, null]);
  assert.equal(answer('LeaveGroup', 5, 'an unknown member').members[0].errorCode, E('UNKNOWN_MEMBER_ID'));
  assert.equal(answer('DescribeCluster', 2, 'fenced brokers').brokers[0].isFenced, false);
  const bump = answer('EndTxn', 5, 'abort with nothing open');
  assert.deepEqual([bump.errorCode, bump.producerEpoch], [0, 1]);
  assert.deepEqual(answer('EndTxn', 5, 'an unknown transactional id'), { throttleTimeMs: 0, errorCode: E('INVALID_PRODUCER_ID_MAPPING'), producerId: -1, producerEpoch: -1 });
  assert.equal(answer('AddPartitionsToTxn', 5, 'verifyOnly').resultsByTransaction[0].topicResults[0].resultsByPartition[0].partitionErrorCode, E('TRANSACTION_ABORTABLE'));
  assert.equal(answer('AddPartitionsToTxn', 4, 'an old epoch').resultsByTransaction[0].topicResults[0].resultsByPartition[0].partitionErrorCode, E('PRODUCER_FENCED'));
  assert.equal(answer('TxnOffsetCommit', 6, 'an unknown topic id').topics[0].partitions[0].errorCode, E('UNKNOWN_TOPIC_ID'));
});
