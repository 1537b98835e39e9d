// The consumer group protocol (KIP-848) in the coordinator: the assignors, and reconciliation
// driven by simulated consumers (no partition owned by two consumers at any time; every
// partition owned once the group is Stable), fencing, leaving and offset checks.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { type Assignment, rangeAssignor, uniformAssignor } from '../../../src/broker/groups/assignors.js';
import { GroupCoordinator } from '../../../src/broker/groups/coordinator.js';
import type { ConsumerHeartbeatRequest, ConsumerHeartbeatResult } from '../../../src/broker/groups/types.js';
import { FakeClock, MemoryOffsetStore } from './helpers.js';

const ids = new Map<string, Buffer>();
const idOf = (name: string) => {
  let id = ids.get(name);
  if (!id) ids.set(name, (id = Buffer.from(randomUUID().replace(/-/g, ''), 'hex')));
  return id;
};

function makeTopics(initial: Record<string, number>) {
  const counts = new Map(Object.entries(initial));
  return {
    counts,
    source: {
      get: (name: string) => (counts.has(name) ? { id: idOf(name), partitions: counts.get(name) as number } : undefined),
      byId: (id: Buffer) => {
        for (const name of counts.keys()) if (idOf(name).equals(id)) return { name };
        return undefined;
      },
      names: () => [...counts.keys()],
    },
  };
}

function setup(topics: Record<string, number>) {
  const clock = new FakeClock();
  const t = makeTopics(topics);
  const store = new MemoryOffsetStore();
  const gc = new GroupCoordinator(store, { clock, topics: t.source });
  return { gc, clock, topics: t, store };
}

const count = (a: Assignment | undefined) => [...(a ?? new Map()).values()].reduce((n, s) => n + s.size, 0);

// ---- assignors ----

test('uniform: balanced, sticky, and only subscribed topics', () => {
  const topics = new Map([
    ['A', { id: 'A', name: 'a', partitions: 5 }],
    ['B', { id: 'B', name: 'b', partitions: 3 }],
  ]);
  const both = new Set(['A', 'B']);
  const first = uniformAssignor.assign([{ memberId: 'm1', topics: both }, { memberId: 'm2', topics: both }], topics, new Map());
  assert.deepEqual([count(first.get('m1')), count(first.get('m2'))].sort(), [4, 4]);
  // a third member takes partitions from the others; nobody else moves
  const second = uniformAssignor.assign(
    [{ memberId: 'm1', topics: both }, { memberId: 'm2', topics: both }, { memberId: 'm3', topics: both }],
    topics,
    first,
  );
  assert.deepEqual([1, 2, 3].map((i) => count(second.get(`m${i}`))).sort(), [2, 3, 3]);
  for (const m of ['m1', 'm2']) {
    for (const [t, parts] of second.get(m) ?? []) for (const p of parts) assert.ok(first.get(m)?.get(t)?.has(p), `${m} kept ${t}-${p}`);
  }
  // heterogeneous: m2 only subscribes to B
  const het = uniformAssignor.assign([{ memberId: 'm1', topics: both }, { memberId: 'm2', topics: new Set(['B']) }], topics, new Map());
  assert.equal(het.get('m2')?.get('A'), undefined);
  assert.equal(count(het.get('m1')) + count(het.get('m2')), 8);
  assert.equal(count(het.get('m2')), 3, 'm2 gets all of B: m1 has A');
});

test('range: contiguous ranges per topic, the first members one more', () => {
  const topics = new Map([['A', { id: 'A', name: 'a', partitions: 5 }]]);
  const s = new Set(['A']);
  const r = rangeAssignor.assign([{ memberId: 'b', topics: s }, { memberId: 'a', topics: s }], topics, new Map());
  assert.deepEqual([...(r.get('a')?.get('A') ?? [])], [0, 1, 2]);
  assert.deepEqual([...(r.get('b')?.get('A') ?? [])], [3, 4]);
});

// ---- simulated consumers ----

class Consumer {
  memberId: string = randomUUID();
  epoch = 0;
  owned: Assignment = new Map();
  left = false;
  constructor(
    readonly gc: GroupCoordinator,
    readonly topics: string[],
    readonly assignor: string | null = null,
  ) {}

  private req(over: Partial<ConsumerHeartbeatRequest>): ConsumerHeartbeatRequest {
    return {
      groupId: 'g',
      memberId: this.memberId,
      memberEpoch: this.epoch,
      instanceId: null,
      rackId: null,
      rebalanceTimeoutMs: -1,
      subscribedTopicNames: null,
      subscribedTopicRegex: null,
      serverAssignor: null,
      topicPartitions: [...this.owned].map(([t, s]) => ({ topicId: Buffer.from(t, 'hex'), partitions: [...s] })),
      clientId: 'c',
      clientHost: '/127.0.0.1',
      version: 1,
      ...over,
    };
  }

  join(rebalanceTimeoutMs = 300000): ConsumerHeartbeatResult {
    return this.apply(this.gc.consumerHeartbeat(this.req({ memberEpoch: 0, rebalanceTimeoutMs, subscribedTopicNames: this.topics, serverAssignor: this.assignor, topicPartitions: [] })));
  }

  heartbeat(): ConsumerHeartbeatResult {
    return this.apply(this.gc.consumerHeartbeat(this.req({})));
  }

  leave(): ConsumerHeartbeatResult {
    this.left = true;
    const r = this.gc.consumerHeartbeat(this.req({ memberEpoch: -1 }));
    this.owned = new Map();
    return r;
  }

  /** As a consumer does: the assignment received replaces what it owns (revoking the rest). */
  private apply(r: ConsumerHeartbeatResult): ConsumerHeartbeatResult {
    assert.equal(r.errorCode, 0, r.errorMessage ?? '');
    this.epoch = r.memberEpoch;
    if (r.assignment) this.owned = new Map(r.assignment.topicPartitions.map((t) => [t.topicId.toString('hex'), new Set(t.partitions)]));
    return r;
  }
}

function assertDisjoint(consumers: Consumer[]): void {
  const seen = new Map<string, string>();
  for (const c of consumers) {
    for (const [t, parts] of c.owned) {
      for (const p of parts) {
        const k = `${t}-${p}`;
        assert.ok(!seen.has(k), `partition ${k} owned by ${seen.get(k)} and ${c.memberId}`);
        seen.set(k, c.memberId);
      }
    }
  }
}

function settle(gc: GroupCoordinator, consumers: Consumer[]): void {
  for (let round = 0; round < 20 && gc.listGroups().find((g) => g.groupId === 'g')?.groupState !== 'Stable'; round++) {
    for (const c of consumers) {
      c.heartbeat();
      assertDisjoint(consumers);
    }
  }
  assert.equal(gc.listGroups().find((g) => g.groupId === 'g')?.groupState, 'Stable');
}

test('reconciliation: random joins, leaves and lagging heartbeats never give a partition to two consumers', () => {
  for (const assignor of ['uniform', 'range']) {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const { gc, topics } = setup({ a: 6, b: 4 });
    const live: Consumer[] = [];
    for (let step = 0; step < 400; step++) {
      const action = rand(10);
      if (action === 0 || live.length === 0) {
        const c = new Consumer(gc, rand(3) === 0 ? ['a'] : ['a', 'b'], assignor);
        live.push(c);
        c.join();
      } else if (action === 1 && live.length > 1) {
        live.splice(rand(live.length), 1)[0].leave();
      } else if (action === 2 && step % 50 === 0) {
        topics.counts.set('b', (topics.counts.get('b') as number) + 1); // partitions added
      } else {
        live[rand(live.length)].heartbeat(); // the others lag behind
      }
      assertDisjoint(live);
    }
    settle(gc, live);
    // Stable: every partition of a subscribed topic is owned by exactly one consumer
    const owned = live.reduce((n, c) => n + count(c.owned), 0);
    const wantsB = live.some((c) => c.topics.includes('b'));
    assert.equal(owned, 6 + (wantsB ? (topics.counts.get('b') as number) : 0), `${assignor}: all partitions owned`);
    const [d] = gc.describeConsumerGroups(['g']);
    assert.equal(d.assignorName, assignor);
    assert.equal(d.members.length, live.length);
    for (const m of d.members) assert.equal(m.memberEpoch, d.assignmentEpoch);
  }
});

test('a new member only gets partitions after their owner revoked them', () => {
  const { gc } = setup({ t: 4 });
  const a = new Consumer(gc, ['t']);
  a.join();
  assert.equal(count(a.owned), 4);
  const epochA = a.epoch;
  const b = new Consumer(gc, ['t']);
  b.join();
  assert.equal(count(b.owned), 0, 'nothing free yet');
  assert.ok(b.epoch > epochA);
  a.heartbeat(); // told to revoke two: its assignment shrinks, its epoch stays
  assert.equal(count(a.owned), 2);
  assert.equal(a.epoch, epochA);
  b.heartbeat();
  assert.equal(count(b.owned), 0, 'A has not acknowledged the revocation yet');
  a.heartbeat(); // acknowledges: A moves to the new epoch
  assert.equal(a.epoch, b.epoch);
  b.heartbeat();
  assert.equal(count(b.owned), 2);
  assertDisjoint([a, b]);
  assert.equal(gc.listGroups()[0].groupState, 'Stable');
  assert.equal(gc.listGroups()[0].groupType, 'consumer');
  // A leaves: B gets all of it
  a.leave();
  b.heartbeat();
  assert.equal(count(b.owned), 4);
});

test('errors: unknown member, fenced epochs, unknown group, invalid requests, stale commits', () => {
  const { gc } = setup({ t: 2 });
  const a = new Consumer(gc, ['t']);
  a.join();
  const hb = (over: Partial<ConsumerHeartbeatRequest>) =>
    gc.consumerHeartbeat({
      groupId: 'g', memberId: a.memberId, memberEpoch: a.epoch, instanceId: null, rackId: null, rebalanceTimeoutMs: -1,
      subscribedTopicNames: null, subscribedTopicRegex: null, serverAssignor: null, topicPartitions: null, clientId: 'c', clientHost: 'h', version: 1, ...over,
    });
  assert.equal(hb({ memberId: 'nobody' }).errorCode, 25); // UNKNOWN_MEMBER_ID
  assert.equal(hb({ memberEpoch: a.epoch + 1 }).errorCode, 110); // FENCED_MEMBER_EPOCH
  assert.equal(hb({ groupId: 'other' }).errorCode, 69); // GROUP_ID_NOT_FOUND
  assert.equal(hb({ memberEpoch: -3 }).errorCode, 42); // INVALID_REQUEST
  assert.equal(hb({ memberEpoch: 0, rebalanceTimeoutMs: 1000, subscribedTopicNames: ['t'], topicPartitions: [], serverAssignor: 'sticky' }).errorCode, 112);
  const commit = (memberEpoch: number, memberId = a.memberId) =>
    gc.commitOffsets({ groupId: 'g', generationId: memberEpoch, memberId, groupInstanceId: null, version: 9, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 5, committedLeaderEpoch: -1, committedMetadata: null }] }] })
      .topics[0].partitions[0].errorCode;
  assert.equal(commit(a.epoch), 0);
  assert.equal(commit(a.epoch - 1), 113); // STALE_MEMBER_EPOCH
  assert.equal(commit(a.epoch, 'nobody'), 25);
  assert.equal(gc.commitOffsets({ groupId: 'g', generationId: a.epoch, memberId: a.memberId, groupInstanceId: null, version: 8, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 5, committedLeaderEpoch: -1, committedMetadata: null }] }] }).topics[0].partitions[0].errorCode, 35); // UNSUPPORTED_VERSION
  assert.equal(gc.validateConsumerFetch('g', a.memberId, a.epoch + 5), 113);
  assert.equal(gc.validateConsumerFetch('g', null, -1), 0);
  assert.equal(gc.fetchOffsets('g', [{ name: 't', partitionIndexes: [0] }]).topics[0].partitions[0].committedOffset, 5);
  // a classic member cannot join a non-empty consumer group
  assert.equal(gc.deleteGroups(['g'])[0].errorCode, 68); // NON_EMPTY_GROUP
  a.leave();
  assert.equal(gc.listGroups()[0].groupState, 'Empty');
  assert.equal(gc.deleteGroups(['g'])[0].errorCode, 0);
});

test('session timeout fences a silent member; its partitions go to the others', () => {
  const { gc, clock } = setup({ t: 2 });
  const a = new Consumer(gc, ['t']);
  const b = new Consumer(gc, ['t']);
  a.join();
  b.join();
  settle(gc, [a, b]);
  assert.equal(count(b.owned), 1);
  clock.advance(44_000);
  a.heartbeat();
  clock.advance(2_000); // b silent for 46 s: fenced
  a.heartbeat();
  assert.equal(count(a.owned), 2);
  assert.equal(b.gc.consumerHeartbeat({ groupId: 'g', memberId: b.memberId, memberEpoch: b.epoch, instanceId: null, rackId: null, rebalanceTimeoutMs: -1, subscribedTopicNames: null, subscribedTopicRegex: null, serverAssignor: null, topicPartitions: null, clientId: 'c', clientHost: 'h', version: 1 }).errorCode, 25);
  gc.close();
});

test('topics created later and regex subscriptions update the assignment', () => {
  const { gc, topics } = setup({ 'x-1': 1 });
  const r = gc.consumerHeartbeat({ groupId: 'g', memberId: 'm', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 1000, subscribedTopicNames: null, subscribedTopicRegex: 'x-.*', serverAssignor: null, topicPartitions: [], clientId: 'c', clientHost: 'h', version: 1 });
  assert.equal(r.errorCode, 0);
  assert.equal(r.assignment?.topicPartitions.length, 1);
  topics.counts.set('x-2', 3);
  topics.counts.set('y', 3);
  const r2 = gc.consumerHeartbeat({ groupId: 'g', memberId: 'm', memberEpoch: r.memberEpoch, instanceId: null, rackId: null, rebalanceTimeoutMs: -1, subscribedTopicNames: null, subscribedTopicRegex: null, serverAssignor: null, topicPartitions: r.assignment?.topicPartitions ?? [], clientId: 'c', clientHost: 'h', version: 1 });
  assert.ok(r2.memberEpoch > r.memberEpoch);
  assert.equal(r2.assignment?.topicPartitions.reduce((n, t) => n + t.partitions.length, 0), 4, 'x-1 and x-2, not y');
  const bad = gc.consumerHeartbeat({ groupId: 'g2', memberId: 'm', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 1000, subscribedTopicNames: null, subscribedTopicRegex: '(', serverAssignor: null, topicPartitions: [], clientId: 'c', clientHost: 'h', version: 1 });
  assert.equal(bad.errorCode, 128);
});

test('static membership: a paused member (-2) keeps its partitions; its restarted instance takes them over under a new member id', () => {
  const { gc, clock } = setup({ t: 2 });
  const base = (over: Partial<ConsumerHeartbeatRequest>): ConsumerHeartbeatRequest => ({
    groupId: 'g', memberId: 'a1', memberEpoch: 0, instanceId: 'inst-a', rackId: null, rebalanceTimeoutMs: 1000, subscribedTopicNames: ['t'],
    subscribedTopicRegex: null, serverAssignor: null, topicPartitions: [], clientId: 'c', clientHost: 'h', version: 1, ...over,
  });
  const joined = gc.consumerHeartbeat(base({}));
  assert.equal(joined.errorCode, 0);
  const b = new Consumer(gc, ['t']);
  b.join();
  const owned = joined.assignment?.topicPartitions ?? [];
  const a = gc.consumerHeartbeat(base({ memberEpoch: joined.memberEpoch, rebalanceTimeoutMs: -1, subscribedTopicNames: null, topicPartitions: owned }));
  const kept = a.assignment?.topicPartitions ?? owned;
  const revoked = gc.consumerHeartbeat(base({ memberEpoch: a.memberEpoch, rebalanceTimeoutMs: -1, subscribedTopicNames: null, topicPartitions: kept }));
  settle(gc, [b]);
  assert.equal(count(b.owned), 1);
  const paused = gc.consumerHeartbeat(base({ memberEpoch: -2, rebalanceTimeoutMs: -1, subscribedTopicNames: null, topicPartitions: null }));
  assert.deepEqual([paused.errorCode, paused.memberEpoch], [0, -2]);
  // the same instance id under another member id while the first is active would be refused;
  // paused, the restarted instance takes over, with the same partition
  const back = gc.consumerHeartbeat(base({ memberId: 'a2' }));
  assert.equal(back.errorCode, 0);
  assert.equal(back.memberEpoch, revoked.memberEpoch);
  assert.deepEqual(back.assignment?.topicPartitions.map((t) => t.partitions), kept.map((t) => t.partitions));
  const dup = gc.consumerHeartbeat(base({ memberId: 'a3' }));
  assert.equal(dup.errorCode, 111); // UNRELEASED_INSTANCE_ID
  b.heartbeat();
  assert.equal(count(b.owned), 1, 'B was not given the paused member\'s partition');
  clock.advance(1);
  gc.close();
});

test('a member that does not revoke within its rebalance timeout is fenced; the other gets the partitions', () => {
  const { gc, clock } = setup({ t: 2 });
  const a = new Consumer(gc, ['t']);
  a.join(10_000);
  const b = new Consumer(gc, ['t']);
  b.join();
  a.heartbeat(); // told to revoke one partition; it keeps reporting both
  a.owned = new Map([...a.owned].map(([t]) => [t, new Set([0, 1])]));
  a.heartbeat();
  b.heartbeat();
  assert.equal(count(b.owned), 0, 'not before A revoked');
  clock.advance(9_999);
  b.heartbeat();
  assert.equal(count(b.owned), 0);
  clock.advance(1); // A's rebalance timeout (10 s after it was asked to revoke): fenced
  b.heartbeat();
  b.heartbeat();
  assert.equal(count(b.owned), 2);
  const r = gc.consumerHeartbeat({ groupId: 'g', memberId: a.memberId, memberEpoch: a.epoch, instanceId: null, rackId: null, rebalanceTimeoutMs: -1, subscribedTopicNames: null, subscribedTopicRegex: null, serverAssignor: null, topicPartitions: null, clientId: 'c', clientHost: 'h', version: 1 });
  assert.equal(r.errorCode, 25, 'A is no longer a member');
  gc.close();
});
