// DescribeCluster v0-1 (flexible only): the one broker is the cluster and its controller.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DescribeCluster } from '../../src/protocol/apis/describeCluster.js';
import { code } from '../../src/protocol/errors.js';
import { WireClient } from '../../src/client/wireClient.js';
import { testBroker } from '../helpers.js';

test('DescribeCluster answers brokers and controllers, and refuses an unknown endpoint type', async () => {
  const broker = await testBroker();
  const c = await WireClient.connect('127.0.0.1', broker.port);
  try {
    const v0 = await c.request(DescribeCluster, 0, { includeClusterAuthorizedOperations: false });
    assert.equal(v0.errorCode, 0);
    assert.equal(v0.clusterId, broker.store.clusterId);
    assert.equal(v0.controllerId, 0);
    assert.deepEqual(v0.brokers.map((b) => [b.brokerId, b.host, b.port]), [[0, '127.0.0.1', broker.port]]);
    const controllers = await c.request(DescribeCluster, 1, { endpointType: 2 });
    assert.equal(controllers.endpointType, 2);
    assert.equal(controllers.brokers.length, 1);
    const bad = await c.request(DescribeCluster, 1, { endpointType: 9 });
    assert.equal(bad.errorCode, code('UNSUPPORTED_ENDPOINT_TYPE'));
  } finally {
    c.close();
    await broker.stop();
  }
});
