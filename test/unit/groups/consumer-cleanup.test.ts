// Offset expiry and clean-up of consumer-protocol groups (KIP-848), as Kafka's coordinator
// does them: offsets expire offsets.retention after their commit unless the group subscribes
// to the topic; an Empty consumer group left without offsets is deleted, so it is not
// reloaded after a restart.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GroupCoordinator } from '../../../src/broker/groups/coordinator.js';
import type { ConsumerHeartbeatRequest } from '../../../src/broker/groups/types.js';
import { FakeClock, MemoryOffsetStore } from './helpers.js';

const TOPIC_ID = Buffer.alloc(16, 7);
const RETENTION = 60_000;

function setup() {
  const clock = new FakeClock();
  const topics = { get: (n: string) => (n === 't' ? { id: TOPIC_ID, partitions: 2 } : undefined), byId: () => ({ name: 't' }), names: () => ['t'] };
  const gc = new GroupCoordinator(new MemoryOffsetStore(), { clock, topics, offsetsRetentionMs: RETENTION, consumerSessionTimeoutMs: 10 * RETENTION });
  const hb = (over: Partial<ConsumerHeartbeatRequest>) =>
    gc.consumerHeartbeat({
      groupId: 'g', memberId: 'm', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 30000,
      subscribedTopicNames: ['t'], subscribedTopicRegex: null, serverAssignor: null, topicPartitions: [], clientId: 'c', clientHost: 'h', version: 1, ...over,
    });
  const commit = (epoch: number, topic: string) =>
    gc.commitOffsets({ groupId: 'g', generationId: epoch, memberId: 'm', groupInstanceId: null, version: 9, topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: 5, committedLeaderEpoch: -1, committedMetadata: null }] }] })
      .topics[0].partitions[0].errorCode;
  return { gc, clock, hb, commit };
}

test("a consumer group's offsets expire unless it subscribes to the topic; once Empty without offsets it is removed", () => {
  const { gc, clock, hb, commit } = setup();
  const joined = hb({});
  assert.equal(joined.errorCode, 0);
  assert.equal(commit(joined.memberEpoch, 't'), 0);
  assert.equal(commit(joined.memberEpoch, 'old'), 0);
  const t0 = clock.now();
  assert.equal(gc.expireOffsets(t0 + RETENTION - 1), 0, 'kept before the retention');
  assert.equal(gc.expireOffsets(t0 + RETENTION), 1, 'the unsubscribed topic expires, the subscribed one stays');
  assert.deepEqual(gc.fetchOffsets('g', null).topics.map((t) => t.name), ['t']);
  assert.equal(gc.listGroups()[0].groupType, 'consumer');
  assert.equal(hb({ memberEpoch: -1 }).errorCode, 0);
  // Empty, with an offset still in its retention: kept
  assert.equal(gc.expireOffsets(t0 + RETENTION - 1), 0);
  assert.deepEqual(gc.listGroups().map((g) => `${g.groupId} ${g.groupType} ${g.groupState}`), ['g consumer Empty']);
  // nobody subscribes now: the offset expires, and the group goes with it
  assert.equal(gc.expireOffsets(t0 + RETENTION), 1);
  assert.deepEqual(gc.listGroups(), []);
  assert.equal(gc.describeConsumerGroups(['g'])[0].errorCode, 69); // GROUP_ID_NOT_FOUND
  gc.close();
});
