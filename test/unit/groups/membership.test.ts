import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { GroupCoordinator } from '../../../src/broker/groups/coordinator.js';
import type { JoinGroupResult } from '../../../src/broker/groups/types.js';
import { joinAndSync, joinReq, peek, protocols, setup, subscription } from './helpers.js';

const open: GroupCoordinator[] = [];
afterEach(() => {
  for (const gc of open.splice(0)) gc.close();
});
function make(...args: Parameters<typeof setup>) {
  const s = setup(...args);
  open.push(s.gc);
  return s;
}

const hb = (gc: GroupCoordinator, r: JoinGroupResult, generationId = r.generationId) =>
  gc.heartbeat({ groupId: 'g', generationId, memberId: r.memberId, groupInstanceId: null }).errorCode;

const rejoin = (gc: GroupCoordinator, r: JoinGroupResult, over = {}) =>
  gc.join(joinReq({ memberId: r.memberId, ...over }));

const state = (gc: GroupCoordinator) => gc.describeGroups(['g'])[0].groupState;

test('a single member joins, syncs, heartbeats', async () => {
  const { gc } = make();
  const j = await gc.join(joinReq());
  assert.equal(j.errorCode, 0);
  assert.match(j.memberId, /^c-[0-9a-f-]{36}$/);
  assert.equal(j.generationId, 1);
  assert.equal(j.leader, j.memberId);
  assert.equal(j.protocolType, 'consumer');
  assert.equal(j.protocolName, 'range');
  assert.deepEqual(
    j.members.map((m) => m.memberId),
    [j.memberId],
  );
  assert.deepEqual(j.members[0].metadata, protocols(['range'])[0].metadata);
  assert.equal(state(gc), 'CompletingRebalance');
  assert.equal(hb(gc, j), 0, 'heartbeat during CompletingRebalance is fine');

  const s = await gc.sync({
    groupId: 'g',
    generationId: 1,
    memberId: j.memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocolName: 'range',
    assignments: [{ memberId: j.memberId, assignment: Buffer.from('mine') }],
  });
  assert.equal(s.errorCode, 0);
  assert.equal(s.assignment.toString(), 'mine');
  assert.equal(s.protocolName, 'range');
  assert.equal(state(gc), 'Stable');
  assert.equal(hb(gc, j), 0);
  assert.equal(hb(gc, j, 7), 22, 'wrong generation');
  assert.equal(gc.heartbeat({ groupId: 'g', generationId: 1, memberId: 'nobody', groupInstanceId: null }).errorCode, 25);
  assert.equal(gc.heartbeat({ groupId: 'other', generationId: 1, memberId: j.memberId, groupInstanceId: null }).errorCode, 25);
});

test('a member joining a Stable group starts a rebalance; the leader gets every member, followers wait for its sync', async () => {
  const { gc } = make();
  const [a] = await joinAndSync(gc, [gc.join(joinReq({ clientId: 'a' }))]);

  const bJoin = gc.join(joinReq({ clientId: 'b', protocols: protocols(['range'], ['t', 'u']) }));
  assert.equal(await peek(bJoin), 'pending', 'held until the others rejoin');
  assert.equal(state(gc), 'PreparingRebalance');
  assert.equal(hb(gc, a), 27, 'the existing member learns of the rebalance');

  const [a2, b] = await Promise.all([rejoin(gc, a), bJoin]);
  assert.equal(a2.generationId, 2);
  assert.equal(b.generationId, 2);
  assert.equal(a2.leader, a.memberId, 'the leader stays');
  assert.equal(b.leader, a.memberId);
  assert.deepEqual(new Set(a2.members.map((m) => m.memberId)), new Set([a.memberId, b.memberId]));
  assert.deepEqual(a2.members.find((m) => m.memberId === b.memberId)?.metadata, subscription(['t', 'u'], Buffer.from('range')));
  assert.deepEqual(b.members, [], 'followers get no member list');

  const bSync = gc.sync({ groupId: 'g', generationId: 2, memberId: b.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
  assert.equal(await peek(bSync), 'pending', 'a follower waits for the leader');
  const aSync = await gc.sync({
    groupId: 'g',
    generationId: 2,
    memberId: a.memberId,
    groupInstanceId: null,
    protocolType: null,
    protocolName: null,
    assignments: [
      { memberId: a.memberId, assignment: Buffer.from('A') },
      { memberId: b.memberId, assignment: Buffer.from('B') },
    ],
  });
  assert.equal(aSync.assignment.toString(), 'A');
  assert.equal((await bSync).assignment.toString(), 'B');
  assert.equal(state(gc), 'Stable');
});

test('the initial rebalance delay gathers three members into one generation; a member left out gets an empty assignment', async () => {
  const { gc, clock } = make({ initialRebalanceDelayMs: 3000 });
  const a = gc.join(joinReq({ clientId: 'a' }));
  clock.advance(1000);
  const b = gc.join(joinReq({ clientId: 'b' }));
  clock.advance(1000);
  const c = gc.join(joinReq({ clientId: 'c' }));
  clock.advance(999);
  assert.equal(await peek(a), 'pending', 'still within the first delay');
  clock.advance(1);
  assert.equal(await peek(a), 'pending', 'members arrived during the delay: extended once more');
  clock.advance(3000);
  const results = await Promise.all([a, b, c]);
  assert.deepEqual(
    results.map((r) => r.generationId),
    [1, 1, 1],
  );
  const leader = results.find((r) => r.memberId === r.leader);
  assert.ok(leader);
  assert.equal(leader.members.length, 3);
  assert.equal(results.filter((r) => r.members.length > 0).length, 1, 'only the leader gets the list');

  const [ra, rb, rc] = results;
  const sync = (r: JoinGroupResult) =>
    gc.sync({
      groupId: 'g',
      generationId: 1,
      memberId: r.memberId,
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments: r === leader ? results.filter((x) => x !== rc).map((x) => ({ memberId: x.memberId, assignment: Buffer.from(x.memberId) })) : [],
    });
  const [sa, sb, sc] = await Promise.all([sync(ra), sync(rb), sync(rc)]);
  assert.equal(sa.assignment.toString(), ra.memberId);
  assert.equal(sb.assignment.toString(), rb.memberId);
  assert.equal(sc.errorCode, 0);
  assert.equal(sc.assignment.length, 0);
});

test('a third member joining makes the next generation include all three', async () => {
  const { gc } = make();
  const [a] = await joinAndSync(gc, [gc.join(joinReq({ clientId: 'a' }))]);
  const bJoin = gc.join(joinReq({ clientId: 'b' }));
  const [a2, b] = await Promise.all([rejoin(gc, a), bJoin]);
  await joinAndSync(gc, [Promise.resolve(a2), Promise.resolve(b)]);

  const cJoin = gc.join(joinReq({ clientId: 'c' }));
  assert.equal(hb(gc, a2), 27);
  assert.equal(hb(gc, b), 27);
  const a3 = rejoin(gc, a2);
  assert.equal(await peek(cJoin), 'pending', 'b has not rejoined yet');
  const results = await Promise.all([a3, rejoin(gc, b), cJoin]);
  assert.deepEqual(
    results.map((r) => r.generationId),
    [3, 3, 3],
  );
  assert.equal(results[0].members.length, 3);
});

test('leaving triggers a rebalance with the rest; the last one out leaves the group Empty', async () => {
  const { gc } = make();
  const [a] = await joinAndSync(gc, [gc.join(joinReq({ clientId: 'a' }))]);
  const bJoin = gc.join(joinReq({ clientId: 'b' }));
  const [a2, b] = await joinAndSync(gc, [rejoin(gc, a), bJoin]);

  const left = gc.leave({ groupId: 'g', members: [{ memberId: b.memberId, groupInstanceId: null }] });
  assert.deepEqual(left, { errorCode: 0, members: [{ memberId: b.memberId, groupInstanceId: null, errorCode: 0 }] });
  assert.equal(hb(gc, b), 25, 'gone');
  assert.equal(hb(gc, a2), 27);
  const a3 = await rejoin(gc, a2);
  assert.equal(a3.generationId, 3);
  assert.deepEqual(
    a3.members.map((m) => m.memberId),
    [a.memberId],
  );

  assert.equal(gc.leave({ groupId: 'g', members: [{ memberId: 'ghost', groupInstanceId: null }] }).members[0].errorCode, 25);
  gc.leave({ groupId: 'g', members: [{ memberId: a.memberId, groupInstanceId: null }] });
  assert.equal(state(gc), 'Empty');
  assert.deepEqual(gc.listGroups(), [{ groupId: 'g', protocolType: 'consumer', groupState: 'Empty', groupType: 'classic' }]);
  // A new member starts a new generation after the kept one.
  const again = await gc.join(joinReq());
  assert.ok(again.generationId > a3.generationId);
});

test('a silent member is removed when its session expires', async () => {
  const { gc, clock } = make();
  const [a] = await joinAndSync(gc, [gc.join(joinReq({ clientId: 'a' }))]);
  const bJoin = gc.join(joinReq({ clientId: 'b' }));
  const [a2, b] = await joinAndSync(gc, [rejoin(gc, a), bJoin]);
  clock.advance(6000);
  assert.equal(hb(gc, a2), 0);
  clock.advance(3999);
  assert.equal(state(gc), 'Stable', 'b still within its 10 s session');
  clock.advance(1);
  assert.equal(state(gc), 'PreparingRebalance', "b's session expired");
  assert.equal(hb(gc, b), 25);
  assert.equal(hb(gc, a2), 27);
  const a3 = await rejoin(gc, a2);
  assert.deepEqual(
    a3.members.map((m) => m.memberId),
    [a.memberId],
  );
});

test('a member waiting in JoinGroup does not expire; one that never rejoins is dropped at the rebalance timeout', async () => {
  const { gc, clock } = make();
  const [a] = await joinAndSync(gc, [gc.join(joinReq({ clientId: 'a' }))]);
  const bJoin = gc.join(joinReq({ clientId: 'b' }));
  const [a2, b] = await joinAndSync(gc, [rejoin(gc, a), bJoin]);

  const cJoin = gc.join(joinReq({ clientId: 'c' }));
  const a3 = rejoin(gc, a2);
  // b keeps heartbeating but never rejoins; a waits 20 s, past its 10 s session.
  for (let i = 0; i < 4; i++) {
    clock.advance(5000);
    assert.equal(hb(gc, b), 27);
  }
  assert.equal(await peek(a3), 'pending');
  assert.equal(state(gc), 'PreparingRebalance');
  clock.advance(10_000); // the 30 s rebalance timeout
  const [ra, rc] = await Promise.all([a3, cJoin]);
  assert.equal(ra.errorCode, 0);
  assert.equal(rc.generationId, ra.generationId);
  assert.deepEqual(new Set(ra.members.map((m) => m.memberId)), new Set([a.memberId, rc.memberId]));
  assert.equal(hb(gc, b), 25);
});

test('MEMBER_ID_REQUIRED: the id comes back with error 79 and the rejoin with it is accepted', async () => {
  const { gc, clock } = make();
  const first = await gc.join(joinReq({ requireKnownMemberId: true }));
  assert.equal(first.errorCode, 79);
  assert.match(first.memberId, /^c-/);
  assert.equal(first.generationId, -1);
  assert.equal(state(gc), 'Empty', 'a pending member is not a member');

  const j = await gc.join(joinReq({ requireKnownMemberId: true, memberId: first.memberId }));
  assert.equal(j.errorCode, 0);
  assert.equal(j.memberId, first.memberId);
  assert.equal(j.leader, first.memberId);

  assert.equal((await gc.join(joinReq({ memberId: 'made-up' }))).errorCode, 25);
  assert.equal((await gc.join(joinReq({ groupId: 'nope', memberId: 'made-up' }))).errorCode, 25);

  // A pending id that is not used within the session timeout is forgotten.
  const stale = await gc.join(joinReq({ requireKnownMemberId: true }));
  clock.advance(10_000);
  assert.equal((await gc.join(joinReq({ requireKnownMemberId: true, memberId: stale.memberId }))).errorCode, 25);
});

test('a pending member holds the join phase until it rejoins', async () => {
  const { gc } = make();
  const [a] = await joinAndSync(gc, [gc.join(joinReq({ clientId: 'a' }))]);
  const b = await gc.join(joinReq({ clientId: 'b', requireKnownMemberId: true }));
  assert.equal(b.errorCode, 79);
  const a2 = rejoin(gc, a); // the leader's rejoin starts a rebalance
  assert.equal(await peek(a2), 'pending');
  const b2 = await gc.join(joinReq({ clientId: 'b', requireKnownMemberId: true, memberId: b.memberId }));
  assert.equal((await a2).members.length, 2);
  assert.equal(b2.generationId, (await a2).generationId);
});

test('static member: a restart keeps its assignment without a rebalance; the old member id is fenced', async () => {
  const { gc } = make();
  const aJoin = gc.join(joinReq({ clientId: 'a', groupInstanceId: 'i-a' }));
  const [a] = await joinAndSync(gc, [aJoin]);
  assert.match(a.memberId, /^i-a-/);
  const bJoin = gc.join(joinReq({ clientId: 'b' }));
  const [a2, b] = await joinAndSync(gc, [rejoin(gc, a, { groupInstanceId: 'i-a' }), bJoin]);
  const generation = a2.generationId;

  const restarted = await gc.join(joinReq({ clientId: 'a', groupInstanceId: 'i-a' }));
  assert.equal(restarted.errorCode, 0);
  assert.notEqual(restarted.memberId, a.memberId);
  assert.equal(restarted.generationId, generation, 'no new generation');
  assert.equal(restarted.leader, a.memberId, 'reports the old leader id so it does not assign');
  assert.deepEqual(restarted.members, []);
  assert.equal(state(gc), 'Stable');
  assert.equal(hb(gc, b), 0, 'the others see no rebalance');

  const s = await gc.sync({
    groupId: 'g',
    generationId: generation,
    memberId: restarted.memberId,
    groupInstanceId: 'i-a',
    protocolType: null,
    protocolName: null,
    assignments: [],
  });
  assert.equal(s.assignment.toString(), `assignment:${a.memberId}`, 'its previous assignment');

  const fenced = { groupId: 'g', generationId: generation, memberId: a.memberId, groupInstanceId: 'i-a' };
  assert.equal(gc.heartbeat(fenced).errorCode, 82);
  assert.equal((await gc.join(joinReq({ memberId: a.memberId, groupInstanceId: 'i-a' }))).errorCode, 82);
  const commit = gc.commitOffsets({ ...fenced, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null }] }] });
  assert.equal(commit.topics[0].partitions[0].errorCode, 82);
  assert.equal(gc.heartbeat({ ...fenced, memberId: restarted.memberId }).errorCode, 0);
  assert.equal(gc.heartbeat({ ...fenced, memberId: restarted.memberId, groupInstanceId: 'i-other' }).errorCode, 25);
});

test('static member: rejoining with a protocol that changes the selection rebalances', async () => {
  const { gc } = make();
  const both = protocols(['range', 'roundrobin']);
  const [a] = await joinAndSync(gc, [gc.join(joinReq({ clientId: 'a', groupInstanceId: 'i-a', protocols: both }))]);
  const bJoin = gc.join(joinReq({ clientId: 'b', protocols: both }));
  await joinAndSync(gc, [rejoin(gc, a, { groupInstanceId: 'i-a', protocols: both }), bJoin]);
  const restarted = gc.join(joinReq({ clientId: 'a', groupInstanceId: 'i-a', protocols: protocols(['roundrobin']) }));
  assert.equal(await peek(restarted), 'pending');
  assert.equal(state(gc), 'PreparingRebalance');
});

test('static member: kept through a rebalance it misses, removed once it fails to sync', async () => {
  const { gc, clock } = make();
  const aReq = { clientId: 'a', groupInstanceId: 'i-a', sessionTimeoutMs: 60_000 };
  const [a] = await joinAndSync(gc, [gc.join(joinReq(aReq))]);
  const bJoin = gc.join(joinReq({ clientId: 'b' }));
  const [, b] = await joinAndSync(gc, [rejoin(gc, a, aReq), bJoin]);
  const cJoin = gc.join(joinReq({ clientId: 'c' }));
  const b2 = rejoin(gc, b);
  clock.advance(30_000); // rebalance timeout: a (static, restarting) did not rejoin
  const [rb, rc] = await Promise.all([b2, cJoin]);
  const leader = [rb, rc].find((r) => r.memberId === r.leader);
  assert.ok(leader, 'a member that rejoined becomes leader');
  assert.equal(leader.members.length, 3, 'the static member keeps its place');
  assert.ok(leader.members.some((m) => m.memberId === a.memberId && m.groupInstanceId === 'i-a'));
  await joinAndSync(gc, [Promise.resolve(rb), Promise.resolve(rc)]);
  assert.equal(state(gc), 'Stable');
  for (let i = 0; i < 6; i++) {
    clock.advance(5000);
    hb(gc, rb);
    hb(gc, rc);
  }
  assert.equal(state(gc), 'PreparingRebalance', 'a never sent SyncGroup for this generation');
  assert.deepEqual(new Set(gc.describeGroups(['g'])[0].members.map((m) => m.memberId)), new Set([rb.memberId, rc.memberId]));
});

test('leave by group.instance.id alone removes the static member', async () => {
  const { gc } = make();
  await joinAndSync(gc, [gc.join(joinReq({ groupInstanceId: 'i-a' }))]);
  const r = gc.leave({ groupId: 'g', members: [{ memberId: '', groupInstanceId: 'i-a' }, { memberId: '', groupInstanceId: 'i-x' }] });
  assert.deepEqual(
    r.members.map((m) => m.errorCode),
    [0, 25],
  );
  assert.equal(state(gc), 'Empty');
});

test('protocol selection follows the members’ votes; incompatible protocols are refused', async () => {
  const { gc, clock } = make({ initialRebalanceDelayMs: 100 });
  const joins = [
    gc.join(joinReq({ clientId: 'a', protocols: protocols(['range', 'roundrobin', 'sticky']) })),
    gc.join(joinReq({ clientId: 'b', protocols: protocols(['roundrobin', 'range']) })),
    gc.join(joinReq({ clientId: 'c', protocols: protocols(['sticky', 'roundrobin', 'range']) })),
  ];
  // c's first choice is not supported by b, so c votes roundrobin.
  clock.advance(10_000);
  const results = await Promise.all(joins);
  assert.deepEqual(
    results.map((r) => r.protocolName),
    ['roundrobin', 'roundrobin', 'roundrobin'],
  );
  const leader = results.find((r) => r.memberId === r.leader);
  assert.deepEqual(
    leader?.members.find((m) => m.memberId === results[2].memberId)?.metadata,
    subscription(['t'], Buffer.from('roundrobin')),
    "the leader gets each member's metadata for the chosen protocol",
  );

  assert.equal((await gc.join(joinReq({ protocolType: 'connect' }))).errorCode, 23);
  assert.equal((await gc.join(joinReq({ protocols: protocols(['RoundRobinAssigner']) }))).errorCode, 23);
  assert.equal((await gc.join(joinReq({ groupId: 'h', protocols: [] }))).errorCode, 23);
  assert.equal((await gc.join(joinReq({ groupId: 'h', protocolType: '' }))).errorCode, 23);
  assert.deepEqual(
    gc.listGroups().map((g) => g.groupId),
    ['g'],
    'a refused first join creates no group',
  );
});

test('session timeout bounds, empty group id, and SyncGroup errors', async () => {
  const { gc } = make({ minSessionTimeoutMs: 6000, maxSessionTimeoutMs: 60_000 });
  assert.equal((await gc.join(joinReq({ sessionTimeoutMs: 5999 }))).errorCode, 26);
  assert.equal((await gc.join(joinReq({ sessionTimeoutMs: 60_001 }))).errorCode, 26);
  assert.equal((await gc.join(joinReq({ groupId: '' }))).errorCode, 24);

  const a = await gc.join(joinReq({ clientId: 'a' }));
  const base = { groupId: 'g', memberId: a.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] };
  assert.equal((await gc.sync({ ...base, generationId: 5 })).errorCode, 22);
  assert.equal((await gc.sync({ ...base, generationId: 1, memberId: 'x' })).errorCode, 25);
  assert.equal((await gc.sync({ ...base, generationId: 1, groupId: 'unknown' })).errorCode, 25);
  assert.equal((await gc.sync({ ...base, generationId: 1, protocolName: 'roundrobin' })).errorCode, 23);
  gc.join(joinReq({ clientId: 'b' })); // → PreparingRebalance
  assert.equal((await gc.sync({ ...base, generationId: 1 })).errorCode, 27);
});

test('a rebalance during CompletingRebalance answers waiting syncs with REBALANCE_IN_PROGRESS', async () => {
  const { gc } = make();
  const [a] = await joinAndSync(gc, [gc.join(joinReq({ clientId: 'a' }))]);
  const bJoin = gc.join(joinReq({ clientId: 'b' }));
  const [, b] = await Promise.all([rejoin(gc, a), bJoin]);
  const bSync = gc.sync({ groupId: 'g', generationId: b.generationId, memberId: b.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
  assert.equal(await peek(bSync), 'pending');
  gc.join(joinReq({ clientId: 'c' }));
  assert.equal((await bSync).errorCode, 27);
});

test('the leader rejoining a Stable group rebalances; a follower with unchanged metadata does not', async () => {
  const { gc } = make();
  const [a] = await joinAndSync(gc, [gc.join(joinReq({ clientId: 'a' }))]);
  const bJoin = gc.join(joinReq({ clientId: 'b' }));
  const [a2, b] = await joinAndSync(gc, [rejoin(gc, a), bJoin]);
  const again = await rejoin(gc, b);
  assert.equal(again.errorCode, 0);
  assert.equal(again.generationId, b.generationId);
  assert.equal(state(gc), 'Stable');
  const leaderRejoin = rejoin(gc, a2);
  assert.equal(state(gc), 'PreparingRebalance');
  assert.equal(await peek(leaderRejoin), 'pending');
});

test('a repeated JoinGroup replaces the waiting one, which is answered', async () => {
  const { gc } = make();
  const [a] = await joinAndSync(gc, [gc.join(joinReq({ clientId: 'a' }))]);
  const bJoin = gc.join(joinReq({ clientId: 'b' }));
  const [a2, b] = await joinAndSync(gc, [rejoin(gc, a), bJoin]);
  const cJoin = gc.join(joinReq({ clientId: 'c' }));
  const first = rejoin(gc, a2);
  assert.equal(await peek(first), 'pending');
  const second = rejoin(gc, a2);
  assert.equal((await first).errorCode, 27);
  assert.equal(await peek(second), 'pending');
  await rejoin(gc, b);
  assert.equal((await second).errorCode, 0);
  assert.equal((await cJoin).generationId, (await second).generationId);
});

test('members that never send SyncGroup are removed after the rebalance timeout', async () => {
  const { gc, clock } = make();
  const [a] = await joinAndSync(gc, [gc.join(joinReq({ clientId: 'a' }))]);
  const bJoin = gc.join(joinReq({ clientId: 'b' }));
  const [a2, b] = await Promise.all([rejoin(gc, a), bJoin]);
  await gc.sync({
    groupId: 'g',
    generationId: a2.generationId,
    memberId: a2.memberId,
    groupInstanceId: null,
    protocolType: null,
    protocolName: null,
    assignments: [],
  });
  assert.equal(state(gc), 'Stable');
  for (let i = 0; i < 5; i++) {
    clock.advance(5000);
    assert.equal(hb(gc, a2), 0);
    assert.equal(hb(gc, b), 0, 'b heartbeats but never syncs');
  }
  clock.advance(5000);
  assert.equal(state(gc), 'PreparingRebalance');
  assert.equal(hb(gc, b), 25);
  assert.equal(hb(gc, a2), 27);
});
