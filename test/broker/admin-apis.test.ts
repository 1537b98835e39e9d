// The admin APIs of issue 13 part 3 against the bundled broker over TCP, every advertised
// version (test/e2e/admin-apis.test.ts sends the same requests to Apache Kafka 4.4 too).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as A from '../../src/broker/protocol/apis/index.js';
import { code } from '../../src/broker/protocol/errors.js';
import { withWireBroker } from '../helpers.js';

test('ACLs without an authorizer: DescribeAcls, CreateAcls, DeleteAcls v1-3 answer SECURITY_DISABLED', async () => {
  await withWireBroker(async (_b, c) => {
    for (let v = 1; v <= 3; v++) {
      const d = await c.request(A.DescribeAcls, v, { resourceTypeFilter: 1, resourceNameFilter: null, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 });
      assert.deepEqual([d.errorCode, d.errorMessage, d.resources], [code('SECURITY_DISABLED'), 'No Authorizer is configured on the broker', []]);
      const creation = { resourceType: 2, resourceName: 't', resourcePatternType: 3, principal: 'User:a', host: '*', operation: 3, permissionType: 3 };
      const cr = await c.request(A.CreateAcls, v, { creations: [creation, creation, creation] });
      assert.deepEqual(cr.results.map((r) => [r.errorCode, r.errorMessage]), Array(3).fill([code('SECURITY_DISABLED'), 'No Authorizer is configured.']));
      const del = await c.request(A.DeleteAcls, v, { filters: [{ resourceTypeFilter: 1, resourceNameFilter: null, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 }] });
      assert.deepEqual(del.filterResults, [{ errorCode: code('SECURITY_DISABLED'), errorMessage: 'No Authorizer is configured.', matchingAcls: [] }]);
    }
    // v0 was removed in Kafka 4.0 and is not advertised
    const v = await c.request(A.ApiVersions, 3, { clientSoftwareName: 'kt-test', clientSoftwareVersion: '1' });
    assert.deepEqual(v.apiKeys.filter((k) => k.apiKey >= 29 && k.apiKey <= 31).map((k) => [k.apiKey, k.minVersion, k.maxVersion]), [[29, 1, 3], [30, 1, 3], [31, 1, 3]]);
  });
});
