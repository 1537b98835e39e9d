// Client quotas on the bundled broker: what AlterClientQuotas sets survives a restart of a broker
// with a data dir (meta.json), including Infinity for a DOUBLE quota; a memory broker starts
// empty; and the Java hash-map order the answers follow (src/broker/quotas.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { javaHashMapOrder, javaStringHash } from '../../src/broker/quotas.js';
import { WireClient } from '../../src/client/wireClient.js';
import * as A from '../../src/protocol/apis/index.js';
import { tempDir, testBroker } from '../helpers.js';

const all = { components: [], strict: false };
const sortedEntries = (r: { entries: { entity: unknown; values: { key: string; value: number }[] }[] | null }) =>
  r.entries!.map((e) => JSON.stringify(e)).sort();

test('quotas set over the wire are described the same after the broker restarts on its data dir', async () => {
  const dataDir = tempDir('kt-quotas-');
  let broker = await testBroker({ dataDir });
  let c = await WireClient.connect('127.0.0.1', broker.port);
  let before: string[];
  try {
    const set = await c.request(A.AlterClientQuotas, 1, {
      validateOnly: false,
      entries: [
        { entity: [{ entityType: 'user', entityName: 'alice' }], ops: [{ key: 'producer_byte_rate', value: 1048576, remove: false }] },
        { entity: [{ entityType: 'user', entityName: null }, { entityType: 'client-id', entityName: 'app' }], ops: [{ key: 'request_percentage', value: Infinity, remove: false }] },
        { entity: [{ entityType: 'ip', entityName: null }], ops: [{ key: 'connection_creation_rate', value: 30, remove: false }] },
        { entity: [{ entityType: 'client-id', entityName: 'gone' }], ops: [{ key: 'consumer_byte_rate', value: 5, remove: false }] },
      ],
    });
    assert.deepEqual(set.entries.map((e) => e.errorCode), [0, 0, 0, 0]);
    const removed = await c.request(A.AlterClientQuotas, 0, { validateOnly: false, entries: [{ entity: [{ entityType: 'client-id', entityName: 'gone' }], ops: [{ key: 'consumer_byte_rate', value: 0, remove: true }] }] });
    assert.equal(removed.entries[0].errorCode, 0);
    const d = await c.request(A.DescribeClientQuotas, 1, all);
    assert.equal(d.errorCode, 0);
    before = sortedEntries(d);
    assert.deepEqual(before, [
      JSON.stringify({ entity: [{ entityType: 'client-id', entityName: 'app' }, { entityType: 'user', entityName: null }], values: [{ key: 'request_percentage', value: null }] }),
      JSON.stringify({ entity: [{ entityType: 'ip', entityName: null }], values: [{ key: 'connection_creation_rate', value: 30 }] }),
      JSON.stringify({ entity: [{ entityType: 'user', entityName: 'alice' }], values: [{ key: 'producer_byte_rate', value: 1048576 }] }),
    ]); // JSON writes Infinity as null
    assert.equal(d.entries!.find((e) => e.values[0].key === 'request_percentage')!.values[0].value, Infinity);
  } finally {
    c.close();
    await broker.stop();
  }
  broker = await testBroker({ dataDir });
  c = await WireClient.connect('127.0.0.1', broker.port);
  try {
    const d = await c.request(A.DescribeClientQuotas, 0, all);
    assert.deepEqual(sortedEntries(d), before);
    assert.equal(d.entries!.find((e) => e.values[0].key === 'request_percentage')!.values[0].value, Infinity);
  } finally {
    c.close();
    await broker.stop();
  }
});

test('a memory broker starts with no quotas; validateOnly changes nothing', async () => {
  const broker = await testBroker();
  const c = await WireClient.connect('127.0.0.1', broker.port);
  try {
    const v = await c.request(A.AlterClientQuotas, 1, { validateOnly: true, entries: [{ entity: [{ entityType: 'user', entityName: 'bob' }], ops: [{ key: 'consumer_byte_rate', value: 10, remove: false }] }] });
    assert.deepEqual(v.entries, [{ errorCode: 0, errorMessage: null, entity: [{ entityType: 'user', entityName: 'bob' }] }]);
    assert.deepEqual(await c.request(A.DescribeClientQuotas, 1, all), { throttleTimeMs: 0, errorCode: 0, errorMessage: '', entries: [] });
  } finally {
    c.close();
    await broker.stop();
  }
});

test("Java's String.hashCode and HashMap iteration order", () => {
  assert.equal(javaStringHash('user'), 3599307);
  assert.equal(javaStringHash('client-id'), -1904137635);
  // bucket by (h ^ h >>> 16) & (table - 1): client-id 0, user 1, ip 3 in a table of 4
  assert.deepEqual(javaHashMapOrder(['ip', 'user', 'client-id'], 3), ['client-id', 'user', 'ip']);
  assert.deepEqual(javaHashMapOrder(['user', 'client-id'], 2), ['client-id', 'user']);
  // a key given twice keeps its first place
  assert.deepEqual(javaHashMapOrder(['user', 'client-id', 'user'], 3), ['client-id', 'user']);
  // two keys from capacity 1 grow the table to 4: consumer_byte_rate in bucket 0, producer_byte_rate 3
  assert.deepEqual(javaHashMapOrder(['producer_byte_rate', 'consumer_byte_rate'], 1), ['consumer_byte_rate', 'producer_byte_rate']);
  // capacity 5: a table of 8 (five keys stay under its threshold of 6), buckets 0, 3, 4, 6, 7
  assert.deepEqual(
    javaHashMapOrder(['producer_byte_rate', 'consumer_byte_rate', 'request_percentage', 'controller_mutation_rate', 'connection_creation_rate'], 5),
    ['connection_creation_rate', 'producer_byte_rate', 'consumer_byte_rate', 'controller_mutation_rate', 'request_percentage'],
  );
});
