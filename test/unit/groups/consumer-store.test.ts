// A consumer-protocol group's state in the offset store (consumerPersistence.ts): a
// coordinator started on the store reloads the group as it was (epochs, members, assignments)
// and its members' sessions restart; a heartbeat whose change cannot be stored is answered
// COORDINATOR_NOT_AVAILABLE and the retry stores it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GroupCoordinator } from '../../../src/broker/groups/coordinator.js';
import type { ConsumerHeartbeatRequest } from '../../../src/broker/groups/types.js';
import { FakeClock, MemoryOffsetStore } from './helpers.js';

class StateStore extends MemoryOffsetStore {
  readonly states = new Map<string, Record<string, unknown>>();
  failNext = false;
  writes = 0;
  setConsumerGroupState(group: string, state: Record<string, unknown> | undefined): void {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('disk full');
    }
    this.writes++;
    if (state === undefined) this.states.delete(group);
    else this.states.set(group, structuredClone(state));
  }
  consumerGroupState(group: string) {
    const s = this.states.get(group);
    return s && structuredClone(s);
  }
  consumerGroupIds() {
    return [...this.states.keys()];
  }
  override deleteGroup(group: string): void {
    super.deleteGroup(group);
    this.states.delete(group);
  }
}

const SESSION = 10_000;
const topics = { get: (n: string) => (n === 't' ? { id: Buffer.alloc(16, 3), partitions: 2 } : undefined), byId: () => ({ name: 't' }), names: () => ['t'] };
const start = (store: StateStore, clock: FakeClock) => new GroupCoordinator(store, { clock, topics, consumerSessionTimeoutMs: SESSION });
const hb = (gc: GroupCoordinator, memberId: string, memberEpoch: number, owned: ConsumerHeartbeatRequest['topicPartitions'] = null) =>
  gc.consumerHeartbeat({
    groupId: 'g', memberId, memberEpoch, instanceId: null, rackId: null, rebalanceTimeoutMs: memberEpoch === 0 ? 30000 : -1,
    subscribedTopicNames: memberEpoch === 0 ? ['t'] : null, subscribedTopicRegex: null, serverAssignor: null,
    topicPartitions: memberEpoch === 0 ? [] : owned, clientId: 'c', clientHost: 'h', version: 1,
  });
const view = (gc: GroupCoordinator) => {
  const d = gc.describeConsumerGroups(['g'])[0];
  return { ...d, members: d.members.map((m) => ({ ...m, assignment: JSON.stringify(m.assignment), targetAssignment: JSON.stringify(m.targetAssignment) })) };
};

test('a coordinator on the same store reloads the consumer group; sessions restart; an unstored change is COORDINATOR_NOT_AVAILABLE, then stored by the retry', () => {
  const store = new StateStore();
  const clock = new FakeClock();
  const gc = start(store, clock);
  const a = hb(gc, 'a', 0);
  assert.equal(a.errorCode, 0);
  const writes = store.writes;
  assert.equal(hb(gc, 'a', a.memberEpoch, a.assignment!.topicPartitions).errorCode, 0);
  assert.equal(store.writes, writes, 'a heartbeat that changes nothing writes nothing');
  store.failNext = true;
  const failed = hb(gc, 'b', 0);
  assert.equal(failed.errorCode, 15); // COORDINATOR_NOT_AVAILABLE
  const b = hb(gc, 'b', 0);
  assert.equal(b.errorCode, 0);
  const a2 = hb(gc, 'a', a.memberEpoch, a.assignment!.topicPartitions);
  assert.equal(a2.errorCode, 0);
  const before = view(gc);
  assert.equal(before.members.length, 2);
  gc.close();

  // "restart": a new coordinator on the store, time has moved on
  clock.advance(60_000);
  const again = start(store, clock);
  assert.deepEqual(view(again), before);
  assert.equal(again.listGroups()[0].groupType, 'consumer');
  // a keeps heartbeating with its epoch; b is silent and fenced once its new session ends
  clock.advance(SESSION - 1);
  const a3 = hb(again, 'a', a2.memberEpoch, a2.assignment!.topicPartitions);
  assert.equal(a3.errorCode, 0, a3.errorMessage ?? '');
  assert.equal(view(again).members.length, 2, 'b not fenced before its session timeout');
  clock.advance(1);
  assert.deepEqual(view(again).members.map((m) => m.memberId), ['a']);
  assert.ok(view(again).groupEpoch > before.groupEpoch);
  assert.deepEqual((store.consumerGroupState('g') as { members: { memberId: string }[] }).members.map((m) => m.memberId), ['a'], 'the fencing is stored');
  again.close();
});
