import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { GroupCoordinator } from '../../../src/broker/groups/coordinator.js';
import type { JoinGroupResult, OffsetCommitRequest } from '../../../src/broker/groups/types.js';
import { code } from '../../../src/protocol/errors.js';
import { joinAndSync, joinReq, MemoryOffsetStore, protocols, setup } from './helpers.js';

const open: GroupCoordinator[] = [];
afterEach(() => {
  for (const gc of open.splice(0)) gc.close();
});
function make(...args: Parameters<typeof setup>) {
  const s = setup(...args);
  open.push(s.gc);
  return s;
}

function commitReq(over: Partial<OffsetCommitRequest> & { offset?: number; topic?: string; metadata?: string | null } = {}): OffsetCommitRequest {
  const { offset = 42, topic = 't', metadata = 'm', ...rest } = over;
  return {
    groupId: 'g',
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: 3, committedMetadata: metadata }] }],
    ...rest,
  };
}

const errorOf = (r: { topics: { partitions: { errorCode: number }[] }[] }) => r.topics[0].partitions[0].errorCode;
const asMember = (r: JoinGroupResult) => ({ generationId: r.generationId, memberId: r.memberId });

test('a member commits and fetches offsets; generation and member are checked', async () => {
  const { gc, store } = make();
  const [a] = await joinAndSync(gc, [gc.join(joinReq())]);
  assert.equal(errorOf(gc.commitOffsets(commitReq(asMember(a)))), 0);
  assert.deepEqual(store.get('g', 't', 0)?.offset, 42);

  const f = gc.fetchOffsets('g', [{ name: 't', partitionIndexes: [0, 1] }]);
  assert.equal(f.errorCode, 0);
  assert.deepEqual(f.topics[0].partitions, [
    { partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: 3, metadata: 'm', errorCode: 0 },
    { partitionIndex: 1, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
  ]);
  assert.deepEqual(gc.fetchOffsets('g', null).topics, [{ name: 't', partitions: [f.topics[0].partitions[0]] }]);
  assert.deepEqual(gc.fetchOffsets('nobody', [{ name: 't', partitionIndexes: [0] }]).topics[0].partitions[0].committedOffset, -1);

  assert.equal(errorOf(gc.commitOffsets(commitReq({ ...asMember(a), generationId: 9 }))), 22);
  assert.equal(errorOf(gc.commitOffsets(commitReq({ ...asMember(a), memberId: 'stranger' }))), 25);
  assert.equal(errorOf(gc.commitOffsets(commitReq({ generationId: 3, memberId: 'x', groupId: 'unknown' }))), 22);
  assert.equal(errorOf(gc.commitOffsets(commitReq({ ...asMember(a), metadata: 'x'.repeat(4097) }))), 12);
  assert.equal(errorOf(gc.commitOffsets(commitReq({ ...asMember(a), metadata: null }))), 0);
  assert.equal(store.get('g', 't', 0)?.metadata, '', 'null metadata is stored as ""');
});

test('commits during a rebalance: accepted while preparing, REBALANCE_IN_PROGRESS while completing', async () => {
  const { gc } = make();
  const [a] = await joinAndSync(gc, [gc.join(joinReq({ clientId: 'a' }))]);
  const bJoin = gc.join(joinReq({ clientId: 'b' }));
  assert.equal(errorOf(gc.commitOffsets(commitReq(asMember(a)))), 0, 'PreparingRebalance');
  const [a2] = await Promise.all([gc.join(joinReq({ memberId: a.memberId })), bJoin]);
  assert.equal(errorOf(gc.commitOffsets(commitReq(asMember(a2)))), 27, 'CompletingRebalance');
  assert.equal(errorOf(gc.commitOffsets(commitReq(asMember(a)))), 22, 'the old generation');
});

test('simple commits (generation -1, no member) only while the group has no members', async () => {
  const { gc, store } = make();
  assert.equal(errorOf(gc.commitOffsets(commitReq({ offset: 7 }))), 0, 'unknown group');
  assert.equal(store.get('g', 't', 0)?.offset, 7);
  // generation -1 names no generation: accepted while the group is Empty, whatever the member
  // id says (Kafka 4.x's ClassicGroup.validateOffsetCommit)
  assert.equal(errorOf(gc.commitOffsets(commitReq({ memberId: 'someone', offset: 7 }))), 0);

  const [a] = await joinAndSync(gc, [gc.join(joinReq())]);
  assert.equal(errorOf(gc.commitOffsets(commitReq({ offset: 8 }))), 25, 'the group has members');
  assert.equal(errorOf(gc.commitOffsets(commitReq({ memberId: 'someone', offset: 8 }))), 25, 'not a member');
  assert.equal(store.get('g', 't', 0)?.offset, 7);

  gc.leave({ groupId: 'g', members: [{ memberId: a.memberId, groupInstanceId: null }] });
  assert.equal(gc.describeGroups(['g'])[0].groupState, 'Empty');
  assert.equal(errorOf(gc.commitOffsets(commitReq({ offset: 9 }))), 0, 'Empty again');
  assert.equal(store.get('g', 't', 0)?.offset, 9);
});

test('listGroups and describeGroups, including groups only the store knows after a restart', async () => {
  const { gc, store, clock } = make();
  const [a] = await joinAndSync(gc, [gc.join(joinReq({ clientId: 'client-a', clientHost: '/10.0.0.1' }))]);
  gc.commitOffsets(commitReq({ groupId: 'simple' }));

  const d = gc.describeGroups(['g', 'missing']);
  assert.equal(d[0].groupState, 'Stable');
  assert.equal(d[0].protocolType, 'consumer');
  assert.equal(d[0].protocolData, 'range');
  assert.deepEqual(d[0].members, [
    {
      memberId: a.memberId,
      groupInstanceId: null,
      clientId: 'client-a',
      clientHost: '/10.0.0.1',
      memberMetadata: protocols(['range'])[0].metadata,
      memberAssignment: Buffer.from(`assignment:${a.memberId}`),
    },
  ]);
  assert.deepEqual(d[1], { errorCode: 0, errorMessage: null, groupId: 'missing', groupState: 'Dead', protocolType: '', protocolData: '', members: [] });
  // DescribeGroups v6 (KIP-1043): an unknown group is an error
  assert.deepEqual(gc.describeGroups(['missing'], 6)[0], { errorCode: code('GROUP_ID_NOT_FOUND'), errorMessage: 'Group missing not found.', groupId: 'missing', groupState: 'Dead', protocolType: '', protocolData: '', members: [] });
  assert.deepEqual(gc.listGroups([], ['consumer']), []);
  assert.equal(gc.listGroups([], ['CLASSIC']).length, 2);

  const byId = (xs: { groupId: string }[]) => [...xs].sort((x, y) => x.groupId.localeCompare(y.groupId));
  assert.deepEqual(byId(gc.listGroups()), [
    { groupId: 'g', protocolType: 'consumer', groupState: 'Stable', groupType: 'classic' },
    { groupId: 'simple', protocolType: '', groupState: 'Empty', groupType: 'classic' },
  ]);
  assert.deepEqual(gc.listGroups(['stable']), [{ groupId: 'g', protocolType: 'consumer', groupState: 'Stable', groupType: 'classic' }]);
  assert.deepEqual(gc.listGroups(['Dead']), []);

  // A broker restart: a new coordinator over the same store.
  gc.commitOffsets(commitReq(asMember(a)));
  gc.close();
  const after = new GroupCoordinator(store, { clock });
  open.push(after);
  assert.deepEqual(byId(after.listGroups()), [
    { groupId: 'g', protocolType: 'consumer', groupState: 'Empty', groupType: 'classic' },
    { groupId: 'simple', protocolType: '', groupState: 'Empty', groupType: 'classic' },
  ]);
  const g = after.describeGroups(['g'])[0];
  assert.equal(g.groupState, 'Empty');
  assert.equal(g.protocolType, 'consumer');
  assert.equal(after.fetchOffsets('g', null).topics[0].partitions[0].committedOffset, 42);
  assert.equal(after.heartbeat({ groupId: 'g', generationId: a.generationId, memberId: a.memberId, groupInstanceId: null }).errorCode, 25);
});

test('describe shows no metadata or assignment while rebalancing', async () => {
  const { gc } = make();
  await joinAndSync(gc, [gc.join(joinReq({ clientId: 'a' }))]);
  void gc.join(joinReq({ clientId: 'b' }));
  const d = gc.describeGroups(['g'])[0];
  assert.equal(d.groupState, 'PreparingRebalance');
  assert.equal(d.protocolData, '');
  assert.equal(d.members.length, 2);
  assert.ok(d.members.every((m) => m.memberMetadata.length === 0 && m.memberAssignment.length === 0));
});

test('deleteGroups: only Empty groups, with their offsets', async () => {
  const { gc, store } = make();
  const [a] = await joinAndSync(gc, [gc.join(joinReq())]);
  gc.commitOffsets(commitReq(asMember(a)));
  assert.deepEqual(gc.deleteGroups(['g', 'nope']), [
    { groupId: 'g', errorCode: 68 },
    { groupId: 'nope', errorCode: 69 },
  ]);
  gc.leave({ groupId: 'g', members: [{ memberId: a.memberId, groupInstanceId: null }] });
  assert.deepEqual(gc.deleteGroups(['g']), [{ groupId: 'g', errorCode: 0 }]);
  assert.equal(store.list('g').length, 0);
  assert.equal(store.groupMeta('g'), undefined);
  assert.deepEqual(gc.listGroups(), []);
  assert.equal(gc.describeGroups(['g'])[0].groupState, 'Dead');
  assert.deepEqual(gc.deleteGroups(['g']), [{ groupId: 'g', errorCode: 69 }]);
});

test('deleteOffsets: refused for topics an active consumer group subscribes to', async () => {
  const { gc, store } = make();
  const [a] = await joinAndSync(gc, [gc.join(joinReq({ protocols: protocols(['range'], ['t']) }))]);
  gc.commitOffsets({
    ...commitReq(asMember(a)),
    topics: [
      { name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null }] },
      { name: 'old', partitions: [{ partitionIndex: 0, committedOffset: 2, committedLeaderEpoch: -1, committedMetadata: null }] },
    ],
  });
  const r = gc.deleteOffsets('g', [
    { name: 't', partitionIndexes: [0] },
    { name: 'old', partitionIndexes: [0] },
  ]);
  assert.deepEqual(r, {
    errorCode: 0,
    topics: [
      { name: 't', partitions: [{ partitionIndex: 0, errorCode: 86 }] },
      { name: 'old', partitions: [{ partitionIndex: 0, errorCode: 0 }] },
    ],
  });
  assert.equal(store.get('g', 't', 0)?.offset, 1);
  assert.equal(store.get('g', 'old', 0), undefined);

  assert.equal(gc.deleteOffsets('unknown', [{ name: 't', partitionIndexes: [0] }]).errorCode, 69);

  gc.leave({ groupId: 'g', members: [{ memberId: a.memberId, groupInstanceId: null }] });
  assert.equal(gc.deleteOffsets('g', [{ name: 't', partitionIndexes: [0] }]).topics[0].partitions[0].errorCode, 0);
  assert.equal(store.get('g', 't', 0), undefined);
  assert.equal(gc.describeGroups(['g'])[0].groupState, 'Dead', 'an Empty group without offsets is forgotten');
});

test('deleteOffsets: a non-consumer group with members is NON_EMPTY_GROUP', async () => {
  const { gc } = make();
  await joinAndSync(gc, [gc.join(joinReq({ protocolType: 'connect', protocols: [{ name: 'v1', metadata: Buffer.from('x') }] }))]);
  assert.deepEqual(gc.deleteOffsets('g', [{ name: 't', partitionIndexes: [0] }]), { errorCode: 68, topics: [] });
});

test('expireOffsets: after the retention period, by group state (KIP-211)', async () => {
  const day = 24 * 60 * 60 * 1000;
  const { gc, store, clock } = make({ offsetsRetentionMs: 7 * day });
  gc.commitOffsets(commitReq({ groupId: 'simple', topic: 'old' }));
  const [a] = await joinAndSync(gc, [gc.join(joinReq({ protocols: protocols(['range'], ['t']) }))]);
  gc.commitOffsets({
    ...commitReq(asMember(a)),
    topics: ['t', 'gone'].map((name) => ({
      name,
      partitions: [{ partitionIndex: 0, committedOffset: 5, committedLeaderEpoch: -1, committedMetadata: null }],
    })),
  });
  const keepAlive = (days: number) => {
    for (let i = 0; i < (days * day) / 5000; i++) {
      clock.advance(5000);
      gc.heartbeat({ groupId: 'g', generationId: a.generationId, memberId: a.memberId, groupInstanceId: null });
    }
  };
  keepAlive(5);
  gc.commitOffsets(commitReq({ groupId: 'simple', topic: 'new' }));
  keepAlive(3);
  assert.equal(gc.describeGroups(['g'])[0].groupState, 'Stable');
  // A simple group expires per commit; a Stable consumer group only for topics it no longer subscribes to.
  assert.equal(gc.expireOffsets(), 2, 'simple/old and g/gone');
  assert.equal(store.get('simple', 'old', 0), undefined);
  assert.equal(store.get('simple', 'new', 0)?.offset, 42);
  assert.equal(store.get('g', 't', 0)?.offset, 5);
  assert.equal(store.get('g', 'gone', 0), undefined);

  // An Empty group: counted from when it became Empty; then the group itself goes.
  gc.leave({ groupId: 'g', members: [{ memberId: a.memberId, groupInstanceId: null }] });
  clock.advance(7 * day - 1);
  assert.equal(gc.expireOffsets(), 1, 'simple/new only');
  assert.equal(store.get('g', 't', 0)?.offset, 5);
  clock.advance(1);
  assert.equal(gc.expireOffsets(), 1);
  assert.deepEqual(gc.listGroups(), []);
  assert.deepEqual(store.groups(), []);
});

test('the protocol type is persisted when a group first gets members', async () => {
  const store = new MemoryOffsetStore();
  const gc = new GroupCoordinator(store, { minSessionTimeoutMs: 1000 });
  open.push(gc);
  assert.equal(store.groupMeta('g'), undefined);
  await gc.join(joinReq());
  assert.equal(store.groupMeta('g')?.protocolType, 'consumer');
});
