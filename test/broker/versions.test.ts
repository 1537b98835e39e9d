// The versions Kafka 4.4 added to the group, coordinator, transaction-admin and cluster APIs,
// over TCP against a real broker: the advertised table against Apache Kafka 4.4's (a capture
// of its ApiVersions answer, test/fixtures/protocol/apache-4.4-apiversions.txt), every
// advertised version answered, and the new semantics of each version (Kafka's answers were
// taken from a Kafka 4.4 broker sent the same requests).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import * as A from '../../src/protocol/apis/index.js';
import { code, ERRORS } from '../../src/protocol/errors.js';
import type { ApiSchema } from '../../src/protocol/schema.js';
import { WireClient } from '../../src/client/wireClient.js';
import { createTopicWire, REPO, withWireBroker } from '../helpers.js';

const E = (name: Parameters<typeof code>[0]) => code(name);

/** Apache Kafka 4.4's ApiVersions answer: api key -> [name, min, max]. */
function apacheTable(): Map<number, [string, number, number]> {
  const text = fs.readFileSync(`${REPO}/test/fixtures/protocol/apache-4.4-apiversions.txt`, 'utf8');
  const out = new Map<number, [string, number, number]>();
  for (const m of text.matchAll(/^\s*(\w+)\((\d+)\): (\d+)(?: to (\d+))?/gm)) out.set(Number(m[2]), [m[1], Number(m[3]), Number(m[4] ?? m[3])]);
  return out;
}

// The APIs whose versions this test covers (Produce, Fetch, ListOffsets, Metadata and
// DeleteTopics have their own tests).
const COVERED = [
  A.OffsetCommit, A.OffsetFetch, A.FindCoordinator, A.JoinGroup, A.Heartbeat, A.LeaveGroup, A.SyncGroup, A.DescribeGroups,
  A.ListGroups, A.SaslHandshake, A.ApiVersions, A.CreateTopics, A.DeleteRecords, A.InitProducerId, A.AddPartitionsToTxn,
  A.AddOffsetsToTxn, A.EndTxn, A.TxnOffsetCommit, A.DescribeConfigs, A.AlterConfigs, A.SaslAuthenticate, A.CreatePartitions,
  A.DeleteGroups, A.IncrementalAlterConfigs, A.OffsetDelete, A.DescribeCluster, A.DescribeAcls, A.CreateAcls, A.DeleteAcls,
  A.DescribeLogDirs, A.DescribeProducers, A.DescribeTransactions, A.ListTransactions,
  A.DescribeTopicPartitions, A.OffsetForLeaderEpoch, A.ElectLeaders, A.AlterPartitionReassignments, A.ListPartitionReassignments,
  A.DescribeUserScramCredentials, A.AlterUserScramCredentials,
] as const;

test('the fixture is the real Apache Kafka 4.4 table', () => {
  const t = apacheTable();
  assert.equal(t.size, 77);
  assert.deepEqual(t.get(18), ['ApiVersions', 0, 5]);
  assert.deepEqual(t.get(8), ['OffsetCommit', 2, 10]);
});

test("the advertised max of every covered API is at least Apache Kafka 4.4's, the minimum no higher", async () => {
  const apache = apacheTable();
  await withWireBroker(async (_b, c) => {
    const r = await c.request(A.ApiVersions, 5, { clientSoftwareName: 'kt-test', clientSoftwareVersion: '1' });
    assert.equal(r.errorCode, 0);
    const ours = new Map(r.apiKeys.map((k) => [k.apiKey, k]));
    for (const api of COVERED) {
      const [name, min, max] = apache.get(api.key) ?? [];
      assert.equal(name, api.name);
      const adv = ours.get(api.key);
      assert.ok(adv, `${api.name} advertised`);
      assert.ok(adv.maxVersion >= (max as number), `${api.name}: max ${adv.maxVersion} < Apache's ${max}`);
      // older versions stay (old clients send v0): an intended difference, docs/broker.md
      assert.ok(adv.minVersion <= (min as number), `${api.name}: min ${adv.minVersion} > Apache's ${min}`);
      assert.deepEqual([adv.minVersion, adv.maxVersion], [api.min, api.max]);
    }
  });
});

test('every advertised version of the covered APIs is answered (none refused, the connection stays)', async () => {
  await withWireBroker(async (_b, c) => {
    for (const api of COVERED as readonly ApiSchema[]) {
      // SASL requests belong to a SASL listener's handshake (test/security)
      if (api === A.SaslHandshake || api === A.SaslAuthenticate) continue;
      for (let v = api.min; v <= api.max; v++) {
        const r = (await c.request(api, v, {} as never)) as Record<string, unknown>;
        assert.equal(typeof r, 'object', `${api.name} v${v}`);
      }
    }
    // still answering
    assert.equal((await c.request(A.ApiVersions, 0, {})).errorCode, 0);
  });
});

test('ApiVersions v5: the cluster and node the client expects (KIP-1242)', async () => {
  await withWireBroker(async (b, c) => {
    const base = { clientSoftwareName: 'kt-test', clientSoftwareVersion: '1' };
    const ok = await c.request(A.ApiVersions, 5, { ...base, clusterId: b.store.clusterId, nodeId: b.nodeId });
    assert.equal(ok.errorCode, 0);
    assert.ok(ok.apiKeys.some((k) => k.apiKey === 18 && k.maxVersion === 5));
    assert.equal((await c.request(A.ApiVersions, 5, { ...base, clusterId: null, nodeId: -1 })).errorCode, 0);
    const other = await c.request(A.ApiVersions, 5, { ...base, clusterId: 'AAAAAAAAAAAAAAAAAAAAAA', nodeId: b.nodeId });
    assert.deepEqual([other.errorCode, other.apiKeys], [E('REBOOTSTRAP_REQUIRED'), []]);
    const otherNode = await c.request(A.ApiVersions, 5, { ...base, clusterId: b.store.clusterId, nodeId: b.nodeId + 7 });
    assert.equal(otherNode.errorCode, E('REBOOTSTRAP_REQUIRED'));
    assert.equal((await c.request(A.ApiVersions, 5, { ...base, clusterId: null, nodeId: 3 })).errorCode, E('INVALID_REQUEST'));
    assert.equal((await c.request(A.ApiVersions, 5, { ...base, clusterId: b.store.clusterId, nodeId: -1 })).errorCode, E('INVALID_REQUEST'));
  });
});

test('FindCoordinator v4-6: batched keys, share keys refused per key, an unknown key type refuses all', async () => {
  await withWireBroker(async (b, c) => {
    const self = { nodeId: b.nodeId, host: '127.0.0.1', port: b.port };
    const groups = await c.request(A.FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['g1', 'g2', 'g3'] });
    assert.deepEqual(groups.coordinators, ['g1', 'g2', 'g3'].map((key) => ({ key, ...self, errorCode: 0, errorMessage: '' })));
    const txns = await c.request(A.FindCoordinator, 5, { keyType: 1, coordinatorKeys: ['tx'] });
    assert.deepEqual(txns.coordinators, [{ key: 'tx', ...self, errorCode: 0, errorMessage: '' }]);
    const share = await c.request(A.FindCoordinator, 6, { keyType: 2, coordinatorKeys: ['g:AAAAAAAAAAAAAAAAAAAAAA:0'] });
    assert.deepEqual(share.coordinators, [{ key: 'g:AAAAAAAAAAAAAAAAAAAAAA:0', nodeId: -1, host: '', port: -1, errorCode: E('INVALID_REQUEST'), errorMessage: '' }]);
    const bad = await c.request(A.FindCoordinator, 6, { keyType: 9, coordinatorKeys: ['a', 'b'] });
    assert.deepEqual(bad.coordinators.map((x) => [x.key, x.errorCode, x.errorMessage]), [
      ['a', E('INVALID_REQUEST'), ERRORS.get(E('INVALID_REQUEST'))?.message],
      ['b', E('INVALID_REQUEST'), ERRORS.get(E('INVALID_REQUEST'))?.message],
    ]);
    const old = await c.request(A.FindCoordinator, 3, { keyType: 2, key: 'g' });
    assert.deepEqual([old.errorCode, old.nodeId], [E('INVALID_REQUEST'), -1]);
    const v1 = await c.request(A.FindCoordinator, 1, { keyType: 0, key: 'g' });
    assert.deepEqual([v1.errorCode, v1.errorMessage, v1.nodeId, v1.port], [0, 'NONE', b.nodeId, b.port]);
  });
});

/** A one-member classic group, Stable: returns its member id and generation. */
async function stableGroup(c: WireClient, groupId: string): Promise<{ memberId: string; generationId: number }> {
  const join = (memberId: string) =>
    c.request(A.JoinGroup, 9, {
      groupId, sessionTimeoutMs: 30000, rebalanceTimeoutMs: 30000, memberId, groupInstanceId: null,
      protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }], reason: 'starting',
    });
  const first = await join('');
  assert.equal(first.errorCode, E('MEMBER_ID_REQUIRED'));
  const j = await join(first.memberId);
  assert.equal(j.errorCode, 0);
  assert.equal(j.skipAssignment, false);
  assert.equal(j.leader, j.memberId);
  const s = await c.request(A.SyncGroup, 5, {
    groupId, generationId: j.generationId, memberId: j.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range',
    assignments: [{ memberId: j.memberId, assignment: Buffer.from('a') }],
  });
  assert.equal(s.errorCode, 0);
  return { memberId: j.memberId, generationId: j.generationId };
}

test('OffsetCommit v9-10 and OffsetFetch v8-10: several groups, topic ids, unknown ids and groups', async () => {
  await withWireBroker(async (_b, c) => {
    const id = await createTopicWire(c, 'orders', 2);
    const { memberId, generationId } = await stableGroup(c, 'g-a');
    const commit = await c.request(A.OffsetCommit, 10, {
      groupId: 'g-a', generationIdOrMemberEpoch: generationId, memberId, groupInstanceId: null,
      topics: [
        { topicId: id, partitions: [{ partitionIndex: 0, committedOffset: 5, committedMetadata: 'm' }, { partitionIndex: 7, committedOffset: 1, committedMetadata: null }] },
        { topicId: Buffer.alloc(16, 7), partitions: [{ partitionIndex: 0, committedOffset: 1, committedMetadata: null }] },
      ],
    });
    assert.deepEqual(commit.topics.map((t) => [t.topicId.toString('hex'), t.partitions.map((p) => [p.partitionIndex, p.errorCode])]), [
      [id.toString('hex'), [[0, 0], [7, E('UNKNOWN_TOPIC_OR_PARTITION')]]],
      ['07'.repeat(16), [[0, E('UNKNOWN_TOPIC_ID')]]],
    ]);
    // v9: a simple commit by name to a second group
    const simple = await c.request(A.OffsetCommit, 9, {
      groupId: 'g-b', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 1, committedOffset: 9, committedMetadata: '' }] }],
    });
    assert.equal(simple.topics[0].partitions[0].errorCode, 0);
    // v9: a member's commit to a group that does not exist
    const ghost = await c.request(A.OffsetCommit, 9, {
      groupId: 'nobody', generationIdOrMemberEpoch: 3, memberId: 'm', groupInstanceId: null,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 1, committedMetadata: '' }] }],
    });
    assert.equal(ghost.topics[0].partitions[0].errorCode, E('GROUP_ID_NOT_FOUND'));
    const ghost8 = await c.request(A.OffsetCommit, 8, {
      groupId: 'nobody', generationIdOrMemberEpoch: 3, memberId: 'm', groupInstanceId: null,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 1, committedMetadata: '' }] }],
    });
    assert.equal(ghost8.topics[0].partitions[0].errorCode, E('ILLEGAL_GENERATION'));

    // v8: two groups in one request, one with every topic (null)
    const two = await c.request(A.OffsetFetch, 8, {
      groups: [
        { groupId: 'g-a', topics: [{ name: 'orders', partitionIndexes: [0, 1] }] },
        { groupId: 'g-b', topics: null },
        { groupId: 'unknown-group', topics: null },
      ],
      requireStable: true,
    });
    assert.deepEqual(
      two.groups.map((g) => [g.groupId, g.errorCode, g.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.committedOffset, p.metadata, p.errorCode])])]),
      [
        ['g-a', 0, [['orders', [[0, 5, 'm', 0], [1, -1, '', 0]]]]],
        ['g-b', 0, [['orders', [[1, 9, '', 0]]]]],
        ['unknown-group', 0, []],
      ],
    );
    // v9: member id and epoch are ignored for classic groups, as Kafka does
    const v9 = await c.request(A.OffsetFetch, 9, { groups: [{ groupId: 'g-a', memberId: 'someone', memberEpoch: 12, topics: [{ name: 'orders', partitionIndexes: [0] }] }] });
    assert.equal(v9.groups[0].topics[0].partitions[0].committedOffset, 5);
    // v10: by topic id; an unknown id per partition
    const v10 = await c.request(A.OffsetFetch, 10, {
      groups: [{ groupId: 'g-a', topics: [{ topicId: id, partitionIndexes: [0] }, { topicId: Buffer.alloc(16, 9), partitionIndexes: [3] }] }, { groupId: 'g-b', topics: null }],
    });
    assert.deepEqual(
      v10.groups.map((g) => g.topics.map((t) => [t.topicId.toString('hex'), t.partitions.map((p) => [p.partitionIndex, p.committedOffset, p.errorCode])])),
      [
        [[id.toString('hex'), [[0, 5, 0]]], ['09'.repeat(16), [[3, -1, E('UNKNOWN_TOPIC_ID')]]]],
        [[id.toString('hex'), [[1, 9, 0]]]],
      ],
    );
  });
});

test('ListGroups v5 (states and types filters, groupType), DescribeGroups v6, LeaveGroup v5, DeleteGroups v3', async () => {
  await withWireBroker(async (_b, c) => {
    await createTopicWire(c, 't');
    const { memberId } = await stableGroup(c, 'live');
    await c.request(A.OffsetCommit, 9, {
      groupId: 'idle', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1, committedMetadata: '' }] }],
    });
    const list = async (statesFilter: string[], typesFilter: string[]) =>
      (await c.request(A.ListGroups, 5, { statesFilter, typesFilter })).groups.map((g) => [g.groupId, g.groupState, g.groupType]).sort();
    assert.deepEqual(await list([], []), [['idle', 'Empty', 'classic'], ['live', 'Stable', 'classic']]);
    assert.deepEqual(await list(['STABLE'], ['Classic']), [['live', 'Stable', 'classic']]);
    assert.deepEqual(await list(['empty'], []), [['idle', 'Empty', 'classic']]);
    assert.deepEqual(await list([], ['consumer']), []);
    assert.deepEqual(await list([], ['classic', 'share']), [['idle', 'Empty', 'classic'], ['live', 'Stable', 'classic']]);

    const d = await c.request(A.DescribeGroups, 6, { groups: ['live', 'missing'] });
    assert.deepEqual(d.groups.map((g) => [g.groupId, g.errorCode, g.errorMessage, g.groupState]), [
      ['live', 0, null, 'Stable'],
      ['missing', E('GROUP_ID_NOT_FOUND'), 'Group missing not found.', 'Dead'],
    ]);
    assert.equal(d.groups[0].members[0].memberId, memberId);
    // before v6 an unknown group is Dead without an error
    const d5 = await c.request(A.DescribeGroups, 5, { groups: ['missing'] });
    assert.deepEqual([d5.groups[0].errorCode, d5.groups[0].groupState], [0, 'Dead']);

    const busy = await c.request(A.DeleteGroups, 3, { groupsNames: ['live', 'nope'] });
    assert.deepEqual(busy.results, [
      { groupId: 'live', errorCode: E('NON_EMPTY_GROUP'), errorMessage: null },
      { groupId: 'nope', errorCode: E('GROUP_ID_NOT_FOUND'), errorMessage: null },
    ]);
    const leave = await c.request(A.LeaveGroup, 5, {
      groupId: 'live',
      members: [{ memberId, groupInstanceId: null, reason: 'shutting down' }, { memberId: 'ghost', groupInstanceId: null, reason: null }],
    });
    assert.deepEqual([leave.errorCode, leave.members.map((m) => [m.memberId, m.errorCode])], [0, [[memberId, 0], ['ghost', E('UNKNOWN_MEMBER_ID')]]]);
    assert.deepEqual(await list(['Empty'], ['classic']), [['idle', 'Empty', 'classic'], ['live', 'Empty', 'classic']]);
    const deleted = await c.request(A.DeleteGroups, 3, { groupsNames: ['live'] });
    assert.deepEqual(deleted.results, [{ groupId: 'live', errorCode: 0, errorMessage: null }]);
  });
});

test('DescribeCluster v2: isFenced for the one broker', async () => {
  await withWireBroker(async (b, c) => {
    const r = await c.request(A.DescribeCluster, 2, { includeClusterAuthorizedOperations: false, endpointType: 1, includeFencedBrokers: true });
    assert.equal(r.errorCode, 0);
    assert.deepEqual(r.brokers, [{ brokerId: b.nodeId, host: '127.0.0.1', port: b.port, rack: null, isFenced: false }]);
  });
});
