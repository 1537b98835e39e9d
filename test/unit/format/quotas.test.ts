import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkQuotaAlter,
  javaDouble,
  javaHashOrder,
  javaStringHash,
  parseJavaDouble,
  quotaAlteredText,
  quotaDescribeLines,
  quotaEntity,
  quotaFilter,
  quotaOps,
  scramDescribeLine,
  type QuotaFlags,
} from '../../../src/format/quotas.js';

const flags = (f: Partial<QuotaFlags>): QuotaFlags => ({ types: [], names: [], alter: false, ...f });

test("javaStringHash is Java's String.hashCode", () => {
  assert.equal(javaStringHash(''), 0);
  assert.equal(javaStringHash('a'), 97);
  assert.equal(javaStringHash('user'), 3599307);
  // overflow wraps as int32: "polygenelubricants".hashCode() == Integer.MIN_VALUE
  assert.equal(javaStringHash('polygenelubricants'), -2147483648);
});

test('javaDouble prints as Java Double.toString', () => {
  assert.equal(javaDouble(1024), '1024.0');
  assert.equal(javaDouble(12.5), '12.5');
  assert.equal(javaDouble(10485760), '1.048576E7');
  assert.equal(javaDouble(1e7), '1.0E7');
  assert.equal(javaDouble(9999999), '9999999.0');
  assert.equal(javaDouble(0.001), '0.001');
  assert.equal(javaDouble(0.0001), '1.0E-4');
  assert.equal(javaDouble(0), '0.0');
  assert.equal(javaDouble(-2.5), '-2.5');
  assert.equal(javaDouble(Infinity), 'Infinity');
});

test('parseJavaDouble accepts what Double.parseDouble does and nothing else', () => {
  assert.equal(parseJavaDouble('1024'), 1024);
  assert.equal(parseJavaDouble(' 1.5e3 '), 1500);
  assert.equal(parseJavaDouble('.5'), 0.5);
  assert.equal(parseJavaDouble('2d'), 2);
  assert.equal(parseJavaDouble('abc'), null);
  assert.equal(parseJavaDouble(''), null);
  assert.equal(parseJavaDouble('1,5'), null);
});

test('javaHashOrder: by bucket then insertion, the table grown past 3/4 full', () => {
  // in 16 buckets "bar" (hash 97299, bucket 3) comes before "foo" (hash 101574, bucket 6)... whatever the input order
  assert.deepEqual(javaHashOrder(['foo', 'bar'], javaStringHash), ['bar', 'foo']);
  assert.deepEqual(javaHashOrder(['bar', 'foo'], javaStringHash), ['bar', 'foo']);
  // the same bucket keeps insertion order: 0 and 16 share bucket 0 of 16
  assert.deepEqual(javaHashOrder([16, 0], (n) => n), [16, 0]);
  // 13 keys outgrow 16 buckets (threshold 12): 16 then lands in bucket 16 of 32
  const keys = [16, ...Array.from({ length: 12 }, (_, i) => i)];
  assert.deepEqual(javaHashOrder(keys, (n) => n), [...Array.from({ length: 12 }, (_, i) => i), 16]);
  // an initial capacity of 1 grows as Java's: 2 entries need 4 buckets
  assert.deepEqual(javaHashOrder([3, 1], (n) => n, 1), [1, 3]);
});

test('quotaDescribeLines: kafka-configs lines, entities and values in Java HashMap order', () => {
  const rate = (v: number) => [{ key: 'request_percentage', value: v }];
  const client = (name: string | null, values: Array<{ key: string; value: number }>) => ({ entity: [{ entityType: 'client-id', entityName: name }], values });
  // in the order the bundled broker answered (its insertion order, which breaks ties within a
  // bucket: c3 and app-1 share one); Apache 4.4's kafka-configs printed these eight so
  const lines = quotaDescribeLines([
    client('c1', [{ key: 'request_percentage', value: 50 }, { key: 'consumer_byte_rate', value: 2048 }]),
    client('c2', [{ key: 'request_percentage', value: 3 }, { key: 'controller_mutation_rate', value: 4 }, { key: 'producer_byte_rate', value: 1 }, { key: 'consumer_byte_rate', value: 2 }]),
    client(null, [{ key: 'producer_byte_rate', value: 9 }]),
    client('c3', rate(0.0001)),
    client('c4', rate(0.0001)),
    client('c5', rate(0.0001)),
    client('app-1', rate(0.0001)),
    client('zz', rate(0.0001)),
  ]);
  assert.deepEqual(lines, [
    "Quota configs for client-id 'c2' are producer_byte_rate=1.0, consumer_byte_rate=2.0, controller_mutation_rate=4.0, request_percentage=3.0",
    "Quota configs for client-id 'c1' are consumer_byte_rate=2048.0, request_percentage=50.0",
    "Quota configs for client-id 'c4' are request_percentage=1.0E-4",
    'Quota configs for the default client-id are producer_byte_rate=9.0',
    "Quota configs for client-id 'c3' are request_percentage=1.0E-4",
    "Quota configs for client-id 'app-1' are request_percentage=1.0E-4",
    "Quota configs for client-id 'zz' are request_percentage=1.0E-4",
    "Quota configs for client-id 'c5' are request_percentage=1.0E-4",
  ]);
  assert.deepEqual(
    quotaDescribeLines([{ entity: [{ entityType: 'client-id', entityName: 'c1' }, { entityType: 'user', entityName: 'alice' }], values: [{ key: 'producer_byte_rate', value: 10485760 }] }]),
    ["Quota configs for user-principal 'alice', client-id 'c1' are producer_byte_rate=1.048576E7"],
  );
  assert.deepEqual(quotaDescribeLines([{ entity: [{ entityType: 'ip', entityName: null }], values: [{ key: 'connection_creation_rate', value: 10 }] }]), ['Quota configs for the default ip are connection_creation_rate=10.0']);
  assert.deepEqual(quotaDescribeLines([]), []);
  assert.equal(scramDescribeLine('bob', [{ mechanism: 1, iterations: 4096 }, { mechanism: 2, iterations: 8192 }]), "SCRAM credential configs for user-principal 'bob' are SCRAM-SHA-256=iterations=4096, SCRAM-SHA-512=iterations=8192");
});

test('quotaEntity: the entity types and names of kafka-configs, with its checks', () => {
  assert.equal(quotaEntity(flags({ types: ['topics'], names: ['t'] })), null);
  assert.deepEqual(quotaEntity(flags({ types: ['users', 'clients'], names: ['alice', 'c1'], alter: true })), { types: ['users', 'clients'], names: ['alice', 'c1'] });
  assert.deepEqual(quotaEntity(flags({ types: ['users'], names: [''] })), { types: ['users'], names: [''] });
  assert.deepEqual(quotaEntity(flags({ user: 'alice', client: 'c1' })), { types: ['clients', 'users'], names: ['c1', 'alice'] });
  assert.deepEqual(quotaEntity(flags({ ipDefaults: true })), { types: ['ips'], names: [''] });
  assert.throws(() => quotaEntity(flags({ types: ['users', 'topics'] })), { message: "Only 'users' and 'clients' entity types may be specified together" });
  assert.throws(() => quotaEntity(flags({ types: ['users', 'foo'] })), { message: /^Invalid entity type foo, the entity type must be one of broker-loggers, topics, clients, users, brokers, ips, client-metrics, groups with a --bootstrap-server/ });
  assert.throws(() => quotaEntity(flags({ types: ['users', 'users'] })), { message: 'Duplicate entity type(s) specified: users' });
  assert.throws(() => quotaEntity(flags({ types: ['users'], alter: true })), { message: 'An entity-name or default entity must be specified with --alter of users, clients, brokers or ips' });
  assert.throws(() => quotaEntity(flags({ types: ['users', 'clients'], names: ['alice'], alter: true })), { message: 'An entity name must be specified for every entity type' });
  assert.throws(() => quotaEntity(flags({ types: ['users'], names: ['a', 'b'] })), { message: 'More entity names specified than entity types' });
  assert.throws(() => quotaEntity(flags({ types: ['ips'], names: ['notanip_'] })), { message: 'The entity name for ips must be a valid IP or resolvable host, but it is: notanip_' });
  assert.throws(() => quotaEntity(flags({ types: ['users'], user: 'x' })), { message: 'Duplicate entity type(s) specified: users' });
  assert.throws(() => quotaEntity(flags({ types: ['clients'], user: 'x' })), { message: '--entity-{type,name,default} should not be used in conjunction with specific entity flags' });
});

test('quotaFilter: exact, default and any-entity components', () => {
  assert.deepEqual(quotaFilter(['users', 'clients'], ['alice', '']), [
    { entityType: 'user', matchType: 0, match: 'alice' },
    { entityType: 'client-id', matchType: 1, match: null },
  ]);
  assert.deepEqual(quotaFilter(['ips'], []), [{ entityType: 'ip', matchType: 2, match: null }]);
});

test('checkQuotaAlter and quotaOps: the names and values kafka-configs accepts, with its messages', () => {
  assert.doesNotThrow(() => checkQuotaAlter(['users'], ['u'], { producer_byte_rate: '1024' }, ['consumer_byte_rate']));
  assert.throws(() => checkQuotaAlter(['users'], ['u'], { foo: '1', bar: '2', producer_byte_rate: '3' }, []), {
    message: "Only quota and SCRAM credential configs can be added for 'users' using --bootstrap-server. Unexpected config names: bar,foo",
  });
  assert.throws(() => checkQuotaAlter(['clients'], ['c'], {}, ['foo', 'bar']), { message: "Only quota configs can be deleted for 'clients' using --bootstrap-server. Unexpected config names: bar,foo" });
  assert.throws(() => checkQuotaAlter(['users', 'clients'], ['u', 'c'], { 'SCRAM-SHA-256': '[password=x]' }, []), { message: /Only quota configs can be added for 'clients'.*SCRAM-SHA-256$/ });
  assert.throws(() => checkQuotaAlter(['users'], ['u'], { 'SCRAM-SHA-256': '[password=x]', producer_byte_rate: '1' }, []), {
    message: "Cannot alter both quota and SCRAM credential configs simultaneously for 'users' using --bootstrap-server.",
  });
  assert.throws(() => checkQuotaAlter(['users'], [''], { 'SCRAM-SHA-256': '[password=x]' }, []), {
    message: 'The use of --entity-default or --user-defaults is not allowed with User SCRAM Credentials using --bootstrap-server.',
  });
  assert.throws(() => checkQuotaAlter(['users'], ['u'], {}, ['SCRAM-SHA-512']), { message: 'kt configs does not alter SCRAM credentials' });
  assert.throws(() => checkQuotaAlter(['ips'], ['1.2.3.4'], { foo: '1', bar: '2' }, []), { message: "Only connection quota configs can be added for 'ips' using --bootstrap-server. Unexpected config names: bar, foo" });
  assert.throws(() => quotaOps({ producer_byte_rate: 'abc' }, []), { message: 'Cannot parse quota configuration value for producer_byte_rate: abc' });
  assert.deepEqual(quotaOps({ producer_byte_rate: '1024' }, ['request_percentage']), [
    { key: 'producer_byte_rate', value: 1024 },
    { key: 'request_percentage', value: null },
  ]);
  assert.equal(quotaAlteredText(['users'], ['alice']), 'Completed updating config for user alice.');
  assert.equal(quotaAlteredText(['users', 'clients'], ['alice', 'c1']), 'Completed updating config for user alice.');
  assert.equal(quotaAlteredText(['clients'], ['']), 'Completed updating default config for clients in the cluster.');
  assert.equal(quotaAlteredText(['ips'], ['1.2.3.4']), 'Completed updating config for ip 1.2.3.4.');
});
