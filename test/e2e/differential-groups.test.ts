// Differential tests of the group APIs (issue 13 part 6): FindCoordinator, JoinGroup, SyncGroup,
// Heartbeat, LeaveGroup, DescribeGroups, ListGroups, OffsetCommit and OffsetFetch, valid and
// invalid (unknown member, wrong generation, rebalance in progress), at their newest version
// and an older one, sent to the bundled broker and to Apache Kafka 4.4 and compared field by
// field (test/e2e/differential.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as A from '../../src/protocol/apis/index.js';
import { encodeAssignment, encodeSubscription } from '../../src/protocol/apis/consumerProtocol.js';
import { code } from '../../src/protocol/errors.js';
import type { WireClient } from '../../src/client/wireClient.js';
import { createTopic, differential, type Side } from './differential.js';

const d = differential();
const subscription = (topic: string) => encodeSubscription({ topics: [topic] }, 0);

test('FindCoordinator v6 (batched keys) and v3: groups and transactional ids', async () => {
  await d.request('batched group keys', A.FindCoordinator, 6, (s) => ({ keyType: 0, coordinatorKeys: [s.n('fc-a'), s.n('fc-b')] }));
  await d.request('batched transactional ids', A.FindCoordinator, 6, (s) => ({ keyType: 1, coordinatorKeys: [s.n('fc-txn')] }));
  await d.request('no keys', A.FindCoordinator, 6, () => ({ keyType: 0, coordinatorKeys: [] }));
  await d.request('an unknown key type', A.FindCoordinator, 6, (s) => ({ keyType: 5, coordinatorKeys: [s.n('fc-a')] }));
  await d.request('one key', A.FindCoordinator, 3, (s) => ({ key: s.n('fc-a'), keyType: 0 }));
});

const join = (c: WireClient, v: number, group: string, memberId: string, topic: string) =>
  c.request(A.JoinGroup, v, {
    groupId: group, sessionTimeoutMs: 30000, rebalanceTimeoutMs: 30000, memberId, groupInstanceId: null, protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: subscription(topic) }], reason: null,
  });

/** A stable group of one member (generation 1): its member id. */
async function stableGroup(s: Side, v: number, group: string, topic: string): Promise<string> {
  const first = await join(s.c, v, group, '', topic);
  assert.equal(first.errorCode, code('MEMBER_ID_REQUIRED'));
  const joined = await join(s.c, v, group, first.memberId, topic);
  assert.equal(joined.errorCode, 0);
  const sync = await s.c.request(A.SyncGroup, 5, {
    groupId: group, generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range',
    assignments: [{ memberId: joined.memberId, assignment: encodeAssignment({ assignedPartitions: [{ topic, partitions: [0] }] }) }],
  });
  assert.equal(sync.errorCode, 0);
  return joined.memberId;
}

test('JoinGroup v9 and v5, SyncGroup v5 and v3, Heartbeat v4 and v3: member id required, wrong generation, unknown member, rebalance in progress', async () => {
  const members = new Map<string, string>();
  for (const [jv, sv, hv] of [[9, 5, 4], [5, 3, 3]]) {
    const g = `group-${jv}`;
    await d.same('create', async (s) => {
      await createTopic(s, s.n(`${g}-topic`), 1);
      return null;
    });
    await d.same(`JoinGroup v${jv} without a member id, then with it`, async (s) => {
      const first = await join(s.c, jv, s.n(g), '', s.n(`${g}-topic`));
      const second = await join(s.c, jv, s.n(g), first.memberId, s.n(`${g}-topic`));
      members.set(s.name, second.memberId);
      return [first, second];
    });
    const m = (s: Side) => members.get(s.name) as string;
    const assignments = (s: Side) => [{ memberId: m(s), assignment: encodeAssignment({ assignedPartitions: [{ topic: s.n(`${g}-topic`), partitions: [0] }] }) }];
    const sync = (generationId: number, member: (s: Side) => string) => (s: Side) => ({
      groupId: s.n(g), generationId, memberId: member(s), groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: assignments(s),
    });
    await d.request('wrong generation', A.SyncGroup, sv, sync(7, m));
    await d.request('unknown member', A.SyncGroup, sv, sync(1, (s) => `${m(s)}-x`));
    await d.request('the leader', A.SyncGroup, sv, sync(1, m));
    const hb = (generationId: number, member: (s: Side) => string) => (s: Side) => ({ groupId: s.n(g), generationId, memberId: member(s), groupInstanceId: null });
    await d.request('stable', A.Heartbeat, hv, hb(1, m));
    await d.request('wrong generation', A.Heartbeat, hv, hb(2, m));
    await d.request('unknown member', A.Heartbeat, hv, hb(1, (s) => `${m(s)}-x`));
    await d.request('unknown group', A.Heartbeat, hv, (s) => ({ groupId: `${s.n(g)}-none`, generationId: 1, memberId: m(s), groupInstanceId: null }));

    // a second member joins: the first is told to rejoin by its heartbeat, then both join generation 2
    await d.same('rebalance in progress', async (s) => {
      const other = await s.connect('kt-differential-2');
      const required = await join(other, jv, s.n(g), '', s.n(`${g}-topic`));
      const pending = join(other, jv, s.n(g), required.memberId, s.n(`${g}-topic`));
      let beat;
      for (let attempt = 0; attempt < 1000; attempt++) {
        beat = await s.c.request(A.Heartbeat, hv, hb(1, m)(s));
        if (beat.errorCode !== 0) break;
        await new Promise((res) => setTimeout(res, 10)); // a pause between polls, not a deadline
      }
      const rejoined = await join(s.c, jv, s.n(g), m(s), s.n(`${g}-topic`));
      const theirs = await pending;
      const sorted = (r: typeof rejoined) => ({ ...r, members: [...r.members].sort((a, b) => (a.memberId === m(s) ? -1 : b.memberId === m(s) ? 1 : 0)) });
      return { required, beat, rejoined: sorted(rejoined), theirs: { ...theirs, memberIdIsNotLeader: theirs.memberId !== theirs.leader } };
    });
    await d.request('an old generation after the rebalance', A.SyncGroup, sv, sync(1, m));
    await d.request('LeaveGroup: an unknown member and the first', A.LeaveGroup, 5, (s) => ({ groupId: s.n(g), members: [{ memberId: `${m(s)}-x`, groupInstanceId: null, reason: null }, { memberId: m(s), groupInstanceId: null, reason: 'done' }] }));
    await d.request('LeaveGroup v3: an unknown group', A.LeaveGroup, 3, (s) => ({ groupId: `${s.n(g)}-none`, members: [{ memberId: m(s), groupInstanceId: null }] }));
  }
});

test('DescribeGroups v6 and v5, ListGroups v5 and v4: a stable group, an empty one, an unknown one', async () => {
  await d.same('a stable group', async (s) => {
    await createTopic(s, s.n('dg-topic'), 1);
    await stableGroup(s, 9, s.n('dg-stable'), s.n('dg-topic'));
    // an empty group: only committed offsets
    const c = await s.c.request(A.OffsetCommit, 9, { groupId: s.n('dg-empty'), generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{ name: s.n('dg-topic'), partitions: [{ partitionIndex: 0, committedOffset: 0, committedLeaderEpoch: -1, committedMetadata: null }] }] });
    return c;
  });
  for (const v of [6, 5]) {
    await d.request('groups', A.DescribeGroups, v, (s) => ({ groups: [s.n('dg-stable'), s.n('dg-empty'), s.n('dg-none')], includeAuthorizedOperations: true }));
  }
  for (const v of [5, 4]) {
    for (const statesFilter of [[], ['Stable'], ['Empty', 'Dead']]) {
      await d.same(`ListGroups v${v} ${statesFilter.join(',')}`, async (s) => {
        const r = await s.c.request(A.ListGroups, v, { statesFilter, typesFilter: [] });
        // other tests' groups share the Apache node: only this test's are compared
        return { ...r, groups: r.groups.filter((x) => s.owns(x.groupId)).sort((a, b) => a.groupId.localeCompare(b.groupId)) };
      });
    }
  }
});

test('OffsetCommit v10 and v7, OffsetFetch v10, v9 and v7: a simple commit (generation -1), unknown member, wrong generation, unknown partition', async () => {
  const ids = new Map<string, Buffer>();
  const members = new Map<string, string>();
  await d.same('a topic and a stable group', async (s) => {
    ids.set(s.name, await createTopic(s, s.n('oc-topic'), 2));
    members.set(s.name, await stableGroup(s, 9, s.n('oc-group'), s.n('oc-topic')));
    return null;
  });
  const m = (s: Side) => members.get(s.name) as string;
  for (const v of [10, 7]) {
    const commit = (group: (s: Side) => string, generation: number, member: (s: Side) => string, parts = [0, 1, 5]) => (s: Side) => ({
      groupId: group(s), generationIdOrMemberEpoch: generation, memberId: member(s), groupInstanceId: null,
      topics: [{ name: s.n('oc-topic'), topicId: ids.get(s.name) as Buffer, partitions: parts.map((p) => ({ partitionIndex: p, committedOffset: 10 + p, committedLeaderEpoch: -1, committedMetadata: `meta ${p}` })) }],
    });
    await d.request('simple commit, generation -1', A.OffsetCommit, v, commit((s) => s.n(`oc-simple-${v}`), -1, () => ''));
    await d.request('a simple commit to a group with members', A.OffsetCommit, v, commit((s) => s.n('oc-group'), -1, () => ''));
    await d.request('unknown member', A.OffsetCommit, v, commit((s) => s.n('oc-group'), 1, (s) => `${m(s)}-x`, [0]));
    await d.request('wrong generation', A.OffsetCommit, v, commit((s) => s.n('oc-group'), 5, m, [0]));
    await d.request('the member', A.OffsetCommit, v, commit((s) => s.n('oc-group'), 1, m, [0, 1]));
    await d.request('an unknown topic', A.OffsetCommit, v, (s) => ({
      groupId: s.n(`oc-simple-${v}`), generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
      topics: [{ name: `${s.n('oc-topic')}-none`, topicId: Buffer.alloc(16, 9), partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null }] }],
    }));
  }
  for (const v of [10, 9]) {
    await d.request('groups', A.OffsetFetch, v, (s) => ({
      groups: [
        { groupId: s.n('oc-simple-10'), memberId: null, memberEpoch: -1, topics: [{ name: s.n('oc-topic'), topicId: ids.get(s.name) as Buffer, partitionIndexes: [0, 1, 5] }] },
        { groupId: s.n('oc-group'), memberId: null, memberEpoch: -1, topics: null },
        { groupId: s.n('oc-none'), memberId: null, memberEpoch: -1, topics: null },
      ],
      requireStable: true,
    }));
  }
  await d.request('one group', A.OffsetFetch, 7, (s) => ({ groupId: s.n('oc-simple-7'), topics: [{ name: s.n('oc-topic'), partitionIndexes: [1, 0, 5] }, { name: `${s.n('oc-topic')}-none`, partitionIndexes: [0] }], requireStable: false }));
});
