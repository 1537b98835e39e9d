// The kafkajs-facing mappings that the CLI depends on: properties → TLS/SASL options,
// kafkajs errors → one clear line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { securityFromProperties } from '../../../src/client/security.js';
import { connectError, toKtError, errorChain } from '../../../src/client/errors.js';
import { findType, matchTopics, isInternalTopic } from '../../../src/client/topics.js';
import { toRecord } from '../../../src/client/consumer.js';
import { KtError, UsageError } from '../../../src/cli/errors.js';

test('PLAINTEXT by default: no ssl, no sasl', () => {
  const s = securityFromProperties({});
  assert.equal(s.ssl, undefined);
  assert.equal(s.sasl, undefined);
});

test('SASL_SSL with SCRAM from sasl.jaas.config', () => {
  const s = securityFromProperties({
    'security.protocol': 'SASL_SSL',
    'sasl.mechanism': 'SCRAM-SHA-512',
    'sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="pw";',
  });
  assert.equal(s.ssl, true);
  assert.deepEqual(s.sasl, { mechanism: 'scram-sha-512', username: 'alice', password: 'pw' });
});

test('SASL_PLAINTEXT PLAIN with librdkafka-style names', () => {
  const s = securityFromProperties({ 'security.protocol': 'sasl_plaintext', 'sasl.username': 'u', 'sasl.password': 'p' });
  assert.equal(s.ssl, undefined);
  assert.deepEqual(s.sasl, { mechanism: 'plain', username: 'u', password: 'p' });
});

test('SSL with PEM files and host name checks off', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kt-tls-'));
  for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, f), `-----BEGIN ${f}-----\n`);
  const s = securityFromProperties({
    'security.protocol': 'SSL',
    'ssl.truststore.location': join(dir, 'ca.pem'),
    'ssl.certificate.location': join(dir, 'cert.pem'),
    'ssl.key.location': join(dir, 'key.pem'),
    'ssl.key.password': 'kp',
    'ssl.endpoint.identification.algorithm': '',
  });
  const tls = s.ssl as { ca: Buffer[]; cert: Buffer; key: Buffer; passphrase: string; checkServerIdentity: () => undefined };
  assert.match(tls.ca[0].toString(), /ca\.pem/);
  assert.match(tls.cert.toString(), /cert\.pem/);
  assert.match(tls.key.toString(), /key\.pem/);
  assert.equal(tls.passphrase, 'kp');
  assert.equal(tls.checkServerIdentity(), undefined);
});

test('bad security settings are usage errors', () => {
  assert.throws(() => securityFromProperties({ 'security.protocol': 'TLS' }), UsageError);
  assert.throws(() => securityFromProperties({ 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'GSSAPI', 'sasl.username': 'u', 'sasl.password': 'p' }), /GSSAPI/);
  assert.throws(() => securityFromProperties({ 'security.protocol': 'SASL_SSL' }), /username and password/);
  assert.deepEqual(securityFromProperties({ 'ssl.ca.location': '/x' }).ignored, ['ssl.ca.location']);
  assert.throws(() => securityFromProperties({ 'security.protocol': 'SSL', 'ssl.ca.location': '/nonexistent/ca.pem' }), (e: unknown) => e instanceof KtError && /no such file/.test(e.message));
});

test('unused properties are reported, client.id and request.timeout.ms used', () => {
  const s = securityFromProperties({ 'client.id': 'me', 'request.timeout.ms': '5000', 'foo.bar': 'x' });
  assert.equal(s.clientId, 'me');
  assert.equal(s.requestTimeout, 5000);
  assert.deepEqual(s.ignored, ['foo.bar']);
});

function kjsConn(message: string, code?: string) {
  const e = Object.assign(new Error(message), { name: 'KafkaJSConnectionError', code, broker: '127.0.0.1:9999' });
  return Object.assign(new Error('retries exceeded'), { name: 'KafkaJSNumberOfRetriesExceeded', originalError: e });
}

test('connection refused → one clear line with a hint', () => {
  // the bundled broker's port is 9999 here, and none runs (an empty data directory)
  process.env.KT_LOCAL_PORT = '9999';
  process.env.KT_DATA_DIR = mkdtempSync(join(tmpdir(), 'kt-unit-'));
  const e = toKtError(kjsConn('Connection error: connect ECONNREFUSED 127.0.0.1:9999', 'ECONNREFUSED'), ['127.0.0.1:9999']) as KtError;
  assert.equal(e.message, 'cannot connect to 127.0.0.1:9999: connection refused');
  assert.equal(e.hint, 'is the broker running? try kt local start');
  assert.equal(e.exitCode, 1);
});

test('a remote broker is not sent to kt local start', () => {
  const refused = Object.assign(new Error('Connection error: connect ECONNREFUSED 10.1.2.3:9092'), { name: 'KafkaJSConnectionError', code: 'ECONNREFUSED', broker: 'kafka1.example:9092' });
  const e = toKtError(refused, ['kafka1.example:9092']) as KtError;
  assert.equal(e.message, 'cannot connect to kafka1.example:9092: connection refused');
  assert.equal(e.hint, 'is the broker running and reachable from here? check the address');
  const local = toKtError(Object.assign(new Error('x'), { name: 'KafkaJSConnectionError', code: 'ECONNREFUSED', broker: 'localhost:9999' }), ['localhost:9999']) as KtError;
  assert.equal(local.hint, 'is the broker running? try kt local start');
});

test('a refused loopback address: kt local start only for the local port; the port the local broker runs on', () => {
  const facts = (configuredPort: number, runningPort: number | null) => () => ({ configuredPort, runningPort });
  assert.equal(connectError(['127.0.0.1:9092'], 'connection refused', undefined, facts(9092, null)).hint, 'is the broker running? try kt local start');
  assert.equal(connectError(['127.0.0.1:9093'], 'connection refused', undefined, facts(9092, null)).hint, 'is a broker running on port 9093? check the address');
  assert.equal(connectError(['localhost:9092'], 'connection refused', undefined, facts(19092, 19092)).hint, 'the bundled local broker runs on port 19092, not 9092 (kt local status)');
  assert.equal(connectError(['kafka:9092'], 'connection refused', undefined, facts(9092, null)).hint, 'is the broker running and reachable from here? check the address');
});

test('timeouts and DNS failures', () => {
  assert.match(toKtError(kjsConn('Connection timeout'), ['h:1']).message, /timed out/);
  assert.match(toKtError(kjsConn('Connection error: getaddrinfo ENOTFOUND nohost'), ['nohost:1']).message, /cannot resolve host nohost/);
});

test('protocol errors name the Kafka error type in words', () => {
  const agg = Object.assign(new Error('Topic creation errors'), { name: 'KafkaJSAggregateError', errors: [Object.assign(new Error('Replication factor...'), { type: 'INVALID_REPLICATION_FACTOR' })] });
  assert.match(toKtError(agg, ['b:1']).message, /larger than the number of available brokers \(INVALID_REPLICATION_FACTOR\)/);
  assert.equal(findType(agg), 'INVALID_REPLICATION_FACTOR');
  assert.match(toKtError(Object.assign(new Error('x'), { type: 'SOME_NEW_ERROR' }), ['b:1']).message, /SOME_NEW_ERROR/);
});

test('SASL failures', () => {
  const e = toKtError(Object.assign(new Error('SASL PLAIN authentication failed'), { name: 'KafkaJSSASLAuthenticationError' }), ['b:1']) as KtError;
  assert.match(e.message, /^authentication failed/);
});

test('errorChain walks originalError/cause/errors without looping', () => {
  const a: Record<string, unknown> = { message: 'a' };
  const b = { message: 'b', cause: a };
  a.cause = b;
  assert.equal(errorChain(b).length, 2);
});

test('matchTopics: exact name first, else full-match regex', () => {
  const all = ['a.b', 'aXb', 'orders', 'orders-eu'];
  assert.deepEqual(matchTopics(all, 'a.b'), ['a.b']);
  assert.deepEqual(matchTopics(all, 'orders.*'), ['orders', 'orders-eu']);
  assert.deepEqual(matchTopics(all, 'rders'), []);
  assert.deepEqual(matchTopics(all, '('), []);
  assert.ok(isInternalTopic('__consumer_offsets'));
});

test('kafkajs messages become records: headers flattened, timestamp type kept', () => {
  const r = toRecord('t', 3, {
    offset: '12',
    timestamp: '1700000000000',
    key: null,
    value: Buffer.from('v'),
    headers: { a: [Buffer.from('1'), Buffer.from('2')], b: Buffer.from('x'), n: null },
    batchContext: { timestampType: 1 },
  });
  assert.equal(r.offset, 12);
  assert.equal(r.partition, 3);
  assert.equal(r.timestampType, 1);
  assert.deepEqual(r.headers, [['a', Buffer.from('1')], ['a', Buffer.from('2')], ['b', Buffer.from('x')], ['n', null]]);
  assert.equal(toRecord('t', 0, { offset: '0', timestamp: '-1', key: null, value: null }).timestampType, -1);
});
