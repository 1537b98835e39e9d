// client/assignors.ts (Java's RangeAssignor and RoundRobinAssignor, on the examples of their
// javadoc) and client/groupMember.ts against kt's broker over TCP: join, the leader's
// assignment, a rebalance noticed by the heartbeat, commits refused to a stale generation,
// committed offsets read back, and a LeaveGroup that hands the partitions over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forTheFile, testBroker } from '../../helpers.js';
import { openKafka } from '../../../src/client/index.js';
import { createCluster, type KjsCluster } from '../../../src/client/gateway.js';
import { rangeAssignor, roundRobinAssignor, type AssignorMember } from '../../../src/client/assignors.js';
import { GroupMember, commitAt, committedAt, type Generation } from '../../../src/client/groupMember.js';

const m = (memberId: string, topics: string[]): AssignorMember => ({ memberId, groupInstanceId: null, topics });
const flat = (plan: Map<string, Array<{ topic: string; partitions: number[] }>>) =>
  Object.fromEntries([...plan.entries()].map(([id, tps]) => [id, tps.flatMap((tp) => tp.partitions.map((p) => `${tp.topic}p${p}`))]));

test('range: per topic, contiguous ranges in member order, the first members one more (RangeAssignor javadoc)', () => {
  const counts = new Map([['t0', 3], ['t1', 3]]);
  assert.deepEqual(flat(rangeAssignor([m('C1', ['t0', 't1']), m('C0', ['t0', 't1'])], counts)), { C1: ['t0p2', 't1p2'], C0: ['t0p0', 't0p1', 't1p0', 't1p1'] });
  assert.deepEqual(flat(rangeAssignor([m('a', ['t']), m('b', ['t']), m('c', ['t'])], new Map([['t', 4]]))), { a: ['tp0', 'tp1'], b: ['tp2'], c: ['tp3'] });
  // more members than partitions: the last ones get none
  assert.deepEqual(flat(rangeAssignor([m('a', ['t']), m('b', ['t'])], new Map([['t', 1]]))), { a: ['tp0'], b: [] });
});

test('roundrobin: every partition dealt in member order, skipping members not subscribed (RoundRobinAssignor javadoc)', () => {
  const same = new Map([['t0', 3], ['t1', 3]]);
  assert.deepEqual(flat(roundRobinAssignor([m('C0', ['t0', 't1']), m('C1', ['t0', 't1'])], same)), { C0: ['t0p0', 't0p2', 't1p1'], C1: ['t0p1', 't1p0', 't1p2'] });
  const mixed = new Map([['t0', 1], ['t1', 2], ['t2', 3]]);
  assert.deepEqual(flat(roundRobinAssignor([m('C2', ['t0', 't1', 't2']), m('C0', ['t0']), m('C1', ['t0', 't1'])], mixed)), {
    C2: ['t1p1', 't2p0', 't2p1', 't2p2'],
    C0: ['t0p0'],
    C1: ['t1p0'],
  });
});

const broker = await forTheFile(testBroker({ groupMinSessionTimeoutMs: 500 }));
const h = await openKafka({ brokers: [broker.bootstrap], properties: {}, debug: false }, { clientId: 'kt-unit' });

async function cluster(): Promise<KjsCluster> {
  const c = createCluster(h, { autoCreate: true });
  await c.connect();
  await c.addMultipleTargetTopics(['gm']);
  return c;
}

const owned = (g: Generation) => g.assignment.flatMap((a) => a.partitions);

test('GroupMember: joins (range), notices the rebalance a second member causes, commits, leaves', async () => {
  const c1 = await cluster();
  const c2 = await cluster();
  let rebalancing = 0;
  const a = new GroupMember(c1, { group: 'gm-g', topics: ['gm'], sessionTimeoutMs: 6000, heartbeatIntervalMs: 100, onRebalancing: () => rebalancing++ });
  const b = new GroupMember(c2, { group: 'gm-g', topics: ['gm'], sessionTimeoutMs: 6000, heartbeatIntervalMs: 100 });
  try {
    const first = await a.join();
    assert.equal(first.protocol, 'range');
    assert.equal(first.leader, true);
    assert.deepEqual(owned(first), [0]);
    assert.equal(a.needsJoin, false);
    assert.ok(await a.commit([{ topic: 'gm', partition: 0, offset: 0 }]));
    // b's JoinGroup waits for a to rejoin; a's heartbeat says REBALANCE_IN_PROGRESS
    const bJoined = b.join();
    while (!a.needsJoin) await new Promise((r) => setTimeout(r, 20));
    assert.equal(rebalancing, 1);
    const [second] = await Promise.all([a.join(), bJoined]);
    assert.equal(second.generationId, first.generationId + 1);
    const bGen = b.generation!;
    assert.deepEqual([...owned(second), ...owned(bGen)].sort(), [0]);
    // commits of the generation's members are kept; the offsets read back
    const owner = owned(second).length ? a : b;
    assert.ok(await owner.commit([{ topic: 'gm', partition: 0, offset: 0 }]));
    assert.deepEqual([...(await owner.committed([{ topic: 'gm', partition: 0 }]))], [['gm:0', 0]]);
    // the member that leaves hands its partition over at the next rebalance
    await owner.close();
    const other = owner === a ? b : a;
    while (!other.needsJoin) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(owned(await other.join()), [0]);
  } finally {
    await a.close();
    await b.close();
    await c1.disconnect();
    await c2.disconnect();
  }
});

test('commitAt / committedAt: a commit from outside the group (generation -1), read back; nothing committed reads as absent', async () => {
  const c = await cluster();
  try {
    assert.deepEqual([...(await committedAt(c, 'gm-simple', [{ topic: 'gm', partition: 0 }]))], []);
    await commitAt(c, 'gm-simple', [{ topic: 'gm', partition: 0, offset: 7 }]);
    assert.deepEqual([...(await committedAt(c, 'gm-simple', [{ topic: 'gm', partition: 0 }]))], [['gm:0', 7]]);
  } finally {
    await c.disconnect();
  }
});
