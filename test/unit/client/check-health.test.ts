// kt cluster check's replication verdict: brokers named as replicas but missing from the cluster,
// under-replicated and leaderless partitions, over every topic; the one-line reason.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeHealth, replicationHealth } from '../../../src/client/cluster.js';

const part = (partition: number, leader: number, replicas: number[], isr: number[]) => ({ partition, leader, replicas, isr, errorCode: 0 });

test('replicationHealth: a broker down, under-replicated and leaderless partitions, topics in name order', () => {
  const h = replicationHealth(
    {
      topics: [
        { name: 'orders', topicId: null, errorCode: 0, internal: false, partitions: [part(0, 1, [1, 2, 3], [1, 3]), part(1, 3, [3, 1, 2], [3, 1]), part(2, 1, [1, 3], [1, 3])] },
        { name: '__consumer_offsets', topicId: null, errorCode: 0, internal: true, partitions: [part(0, -1, [2], [])] },
        { name: 'gone', topicId: null, errorCode: 3, internal: false, partitions: [] },
      ],
    },
    [1, 3],
  );
  assert.deepEqual(h, { brokersDown: [2], underReplicated: ['orders-0', 'orders-1'], offline: ['__consumer_offsets-0'] });
  assert.equal(
    describeHealth(h),
    'broker 2 is down (named as replica, missing from the cluster); 1 partition has no leader: __consumer_offsets-0; 2 partitions are under-replicated: orders-0, orders-1',
  );
});

test('replicationHealth: a healthy cluster has nothing to report; long lists are cut after five', () => {
  const healthy = replicationHealth({ topics: [{ name: 't', topicId: null, errorCode: 0, internal: false, partitions: [part(0, 0, [0, 1], [1, 0])] }] }, [0, 1]);
  assert.deepEqual(healthy, { brokersDown: [], underReplicated: [], offline: [] });
  const many = { brokersDown: [4, 5], underReplicated: Array.from({ length: 8 }, (_, i) => `t-${i}`), offline: [] };
  assert.equal(describeHealth(many), 'brokers 4, 5 are down (named as replicas, missing from the cluster); 8 partitions are under-replicated: t-0, t-1, t-2, t-3, t-4 and 3 more');
});
