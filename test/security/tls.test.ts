// TLS listeners (SSL, SASL_SSL): a CA and certificates made with openssl in a temp dir,
// kafkajs trusting it (or not), host name checks, ssl.client.auth, plaintext clients refused,
// and the self-signed material kt makes itself.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { ensureSelfSigned } from '../../src/broker/auth/tls.js';
import { Metadata } from '../../src/protocol/apis/metadata.js';
import { requirePeer, tempDir, testBroker } from '../helpers.js';
import { makePki, RawConn, type TestPki } from './helpers.js';

const skip = requirePeer('openssl');
let pki: TestPki;

before(async () => {
  if (!skip) pki = await makePki(tempDir('kt-pki-'));
});

async function listTopics(config: Omit<KafkaConfig, 'logLevel'>): Promise<string[]> {
  const admin = new Kafka({ ...config, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 3000 }).admin();
  try {
    await admin.connect();
    return await admin.listTopics();
  } finally {
    await admin.disconnect();
  }
}

test('SSL listener with an openssl CA: trusted clients connect, others fail the handshake', { skip }, async () => {
  const lines: string[] = [];
  const broker = await testBroker({ tls: { cert: pki.cert, key: pki.key }, log: (l) => lines.push(l) });
  try {
    assert.equal(broker.securityProtocol, 'SSL');
    const ca = [fs.readFileSync(pki.ca)];
    const k = new Kafka({ brokers: [broker.bootstrap], ssl: { ca }, logLevel: logLevel.NOTHING });
    const producer = k.producer();
    await producer.connect();
    await producer.send({ topic: 'secure', messages: [{ value: 'over tls' }] });
    await producer.disconnect();
    assert.deepEqual(await listTopics({ brokers: [`localhost:${broker.port}`], ssl: { ca } }), ['secure']);

    await assert.rejects(listTopics({ brokers: [broker.bootstrap], ssl: true }), /certificate/i, 'a CA the client does not trust');

    // a plaintext Kafka client: the handshake fails, the connection closes, one log line
    const c = await RawConn.connect(broker.port);
    assert.equal(await c.request(Metadata, 1, { topics: null }), null);
    for (let i = 0; i < 100 && !lines.some((l) => l.includes('TLS handshake failed')); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(lines.some((l) => /TLS handshake failed with \/127\.0\.0\.1: ERR_SSL_/.test(l)), lines.join('\n'));
  } finally {
    await broker.stop();
  }
});

test('host name checks: a certificate for another name fails unless the check is off', { skip }, async () => {
  const broker = await testBroker({ tls: { cert: fs.readFileSync(pki.otherCert, 'utf8'), key: fs.readFileSync(pki.otherKey, 'utf8') } });
  try {
    const ca = [fs.readFileSync(pki.ca)];
    await assert.rejects(listTopics({ brokers: [broker.bootstrap], ssl: { ca } }), /IP: 127\.0\.0\.1 is not in the cert's list|does not match/);
    // ssl.endpoint.identification.algorithm= (empty): kt passes a no-op checkServerIdentity
    assert.deepEqual(await listTopics({ brokers: [broker.bootstrap], ssl: { ca, checkServerIdentity: () => undefined } }), []);
  } finally {
    await broker.stop();
  }
});

test('ssl.client.auth=required: a client certificate from the CA is needed', { skip }, async () => {
  const broker = await testBroker({ tls: { cert: pki.cert, key: pki.key, ca: pki.ca, clientAuth: 'required' } });
  try {
    const ca = [fs.readFileSync(pki.ca)];
    await assert.rejects(listTopics({ brokers: [broker.bootstrap], ssl: { ca } }));
    const ssl = { ca, cert: fs.readFileSync(pki.clientCert), key: fs.readFileSync(pki.clientKey) };
    assert.deepEqual(await listTopics({ brokers: [broker.bootstrap], ssl }), []);
  } finally {
    await broker.stop();
  }
  await assert.rejects(testBroker({ tls: { cert: pki.cert, key: pki.key, clientAuth: 'required' } }), /needs tls\.ca/);
  await assert.rejects(testBroker({ tls: { cert: path.join(pki.dir, 'missing.pem'), key: pki.key } }), /cannot read the TLS certificate .*missing\.pem: no such file/);
});

test('SASL_SSL with the self-signed CA kt makes (no openssl): SCRAM inside TLS', async () => {
  const files = ensureSelfSigned(path.join(tempDir(), 'tls'), ['localhost', '127.0.0.1']);
  const broker = await testBroker({ tls: { cert: files.cert, key: files.key }, sasl: { mechanisms: ['SCRAM-SHA-512'], users: { alice: 'alice-secret' } } });
  try {
    assert.equal(broker.securityProtocol, 'SASL_SSL');
    const ssl = { ca: [fs.readFileSync(files.ca)] };
    assert.deepEqual(await listTopics({ brokers: [broker.bootstrap], ssl, sasl: { mechanism: 'scram-sha-512', username: 'alice', password: 'alice-secret' } }), []);
    await assert.rejects(
      listTopics({ brokers: [broker.bootstrap], ssl, sasl: { mechanism: 'scram-sha-512', username: 'alice', password: 'nope' } }),
      /Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512/,
    );
  } finally {
    await broker.stop();
  }
});
