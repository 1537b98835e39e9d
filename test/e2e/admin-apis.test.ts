// The admin APIs modern tools call (issue 13 part 3), sent as raw wire requests to the bundled
// broker and to Apache Kafka 4.4: each test asserts one literal answer, so both brokers must
// give it field for field (ids, sizes and timings excepted where named). Also kafkajs' admin
// client and Apache's own tools where they are cheap.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import * as A from '../../src/broker/protocol/apis/index.js';
import { code } from '../../src/broker/protocol/errors.js';
import { WireClient } from '../../src/broker/wireClient.js';
import { runTool, TOOLS } from '../kafka/kafka.js';
import { forEachTarget, type Target } from './targets.js';

const SECURITY_DISABLED = code('SECURITY_DISABLED');
// Kafka's AclOperation / AclPermissionType / ResourceType / PatternType codes
const ANY = 1;
const READ = 3;
const ALLOW = 3;
const TOPIC = 2;
const LITERAL = 3;

function wire(t: Target): { get: () => WireClient } {
  let c: WireClient | undefined;
  before(async () => {
    const [host, port] = t.bootstrap.split(',')[0].split(':');
    c = await WireClient.connect(host, Number(port), { clientId: 'kt-e2e-admin' });
  });
  after(() => c?.close());
  return { get: () => c as WireClient };
}

forEachTarget((t) => {
  const w = wire(t);

  test('DescribeAcls, CreateAcls, DeleteAcls v1-3 without an authorizer: SECURITY_DISABLED with Kafka\'s messages', async () => {
    const c = w.get();
    for (let v = 1; v <= 3; v++) {
      const d = await c.request(A.DescribeAcls, v, {
        resourceTypeFilter: ANY, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: ANY, permissionType: ANY,
      });
      assert.deepEqual(d, { throttleTimeMs: 0, errorCode: SECURITY_DISABLED, errorMessage: 'No Authorizer is configured on the broker', resources: [] }, `DescribeAcls v${v}`);
      const creation = { resourceType: TOPIC, resourceName: 'orders', resourcePatternType: LITERAL, principal: 'User:alice', host: '*', operation: READ, permissionType: ALLOW };
      const cr = await c.request(A.CreateAcls, v, { creations: [creation, { ...creation, principal: 'User:bob' }] });
      assert.deepEqual(cr, {
        throttleTimeMs: 0,
        results: [
          { errorCode: SECURITY_DISABLED, errorMessage: 'No Authorizer is configured.' },
          { errorCode: SECURITY_DISABLED, errorMessage: 'No Authorizer is configured.' },
        ],
      }, `CreateAcls v${v}`);
      const filter = { resourceTypeFilter: TOPIC, resourceNameFilter: 'orders', patternTypeFilter: LITERAL, principalFilter: null, hostFilter: null, operation: ANY, permissionType: ANY };
      const del = await c.request(A.DeleteAcls, v, { filters: [filter, { ...filter, resourceNameFilter: null }] });
      assert.deepEqual(del, {
        throttleTimeMs: 0,
        filterResults: [
          { errorCode: SECURITY_DISABLED, errorMessage: 'No Authorizer is configured.', matchingAcls: [] },
          { errorCode: SECURITY_DISABLED, errorMessage: 'No Authorizer is configured.', matchingAcls: [] },
        ],
      }, `DeleteAcls v${v}`);
      // empty requests are answered with empty lists
      assert.deepEqual((await c.request(A.CreateAcls, v, { creations: [] })).results, []);
      assert.deepEqual((await c.request(A.DeleteAcls, v, { filters: [] })).filterResults, []);
    }
  });

  test('kafkajs admin describeAcls / createAcls: SECURITY_DISABLED', async () => {
    const admin = new Kafka({ brokers: [t.bootstrap], clientId: 'kt-e2e-admin', logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    await admin.connect();
    try {
      await assert.rejects(
        admin.describeAcls({ resourceType: TOPIC, resourcePatternType: 1, operation: ANY, permissionType: ANY }),
        (e: { type?: string }) => e.type === 'SECURITY_DISABLED',
      );
      await assert.rejects(
        admin.createAcls({ acl: [{ resourceType: TOPIC, resourceName: 'orders', resourcePatternType: LITERAL, principal: 'User:alice', host: '*', operation: READ, permissionType: ALLOW }] }),
        (e: { type?: string }) => e.type === 'SECURITY_DISABLED',
      );
    } finally {
      await admin.disconnect();
    }
  });

  test('Apache\'s kafka-acls --list: "Security features are disabled."', async () => {
    const r = await runTool(TOOLS.acls, ['--bootstrap-server', t.bootstrap, '--list']);
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /SecurityDisabledException: No Authorizer is configured on the broker/);
  });
});
