// The SASL listener as Kafka's SaslServerAuthenticator behaves, byte by byte (src/broker/auth/
// session.ts), and kafkajs logging in with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { ApiVersions } from '../../src/protocol/apis/apiVersions.js';
import { Metadata } from '../../src/protocol/apis/metadata.js';
import { SaslAuthenticate } from '../../src/protocol/apis/saslAuthenticate.js';
import { SaslHandshake } from '../../src/protocol/apis/saslHandshake.js';
import type { Broker } from '../../src/index.js';
import { tempDir, testBroker } from '../helpers.js';
import { RawConn } from './helpers.js';

const USERS = { alice: 'alice-secret', bob: 'bob-secret' };
const ALL = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
const plainToken = (user: string, password: string): Buffer => Buffer.from(`\u0000${user}\u0000${password}`);

async function saslBroker(lines: string[], mechanisms: (typeof ALL)[number][] = [...ALL]): Promise<Broker> {
  return testBroker({ sasl: { mechanisms, users: USERS, failedAuthenticationDelayMs: 0 }, log: (l) => lines.push(l) });
}

test('SASL listener: only ApiVersions/SaslHandshake/SaslAuthenticate before authentication, in Kafka\'s order', async () => {
  const lines: string[] = [];
  const broker = await saslBroker(lines);
  try {
    assert.equal(broker.securityProtocol, 'SASL_PLAINTEXT');
    assert.match(lines[0], /listening on 127\.0\.0\.1:\d+ \(SASL_PLAINTEXT, SASL mechanisms PLAIN,SCRAM-SHA-256,SCRAM-SHA-512, 2 user\(s\)\)/);

    // Metadata first: closed without a response
    let c = await RawConn.connect(broker.port);
    assert.equal(await c.request(Metadata, 1, { topics: null }), null);
    assert.ok(lines.some((l) => l.includes('Unexpected Kafka request of type METADATA during SASL handshake.')));

    // a frame that is no Kafka request at all: closed
    c = await RawConn.connect(broker.port);
    c.sendToken(Buffer.from([0x60, 0x01]));
    assert.equal(await c.next(), null);

    // ApiVersions (advertising the SASL APIs), then a second ApiVersions: closed
    c = await RawConn.connect(broker.port);
    const av = await c.request(ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' });
    assert.ok(av);
    assert.deepEqual(av.apiKeys.filter((k) => k.apiKey === 17 || k.apiKey === 36).map((k) => [k.apiKey, k.minVersion, k.maxVersion]), [[17, 0, 1], [36, 0, 2]]);
    assert.equal(await c.request(ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' }), null);

    // an ApiVersions version the broker does not know: error 35, and the client may go on
    c = await RawConn.connect(broker.port);
    const w = c.encode(ApiVersions, 0, {});
    w.writeInt16BE(99, 6);
    c.writeRaw(w);
    assert.notEqual(await c.next(), null);
    assert.equal((await c.request(SaslHandshake, 1, { mechanism: 'PLAIN' }))?.errorCode, 0);

    // SaslAuthenticate before SaslHandshake: closed
    c = await RawConn.connect(broker.port);
    assert.equal(await c.request(SaslAuthenticate, 1, { authBytes: plainToken('alice', USERS.alice) }), null);

    // an unknown mechanism: UNSUPPORTED_SASL_MECHANISM with the enabled list, then closed
    c = await RawConn.connect(broker.port);
    const bad = await c.request(SaslHandshake, 1, { mechanism: 'GSSAPI' });
    assert.deepEqual(bad, { errorCode: 33, mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] });
    assert.ok(await c.closedWithin());

    // Handshake v1, then something else than SaslAuthenticate: ILLEGAL_SASL_STATE answer, closed
    c = await RawConn.connect(broker.port);
    assert.equal((await c.request(SaslHandshake, 1, { mechanism: 'PLAIN' }))?.errorCode, 0);
    assert.deepEqual(await c.request(SaslHandshake, 1, { mechanism: 'PLAIN' }), { errorCode: 34, mechanisms: [] });
    assert.ok(await c.closedWithin());
    c = await RawConn.connect(broker.port);
    await c.request(SaslHandshake, 1, { mechanism: 'PLAIN' });
    assert.equal(await c.request(Metadata, 1, { topics: null }), null);
    assert.ok(lines.some((l) => l.includes('Unexpected Kafka request of type METADATA during SASL authentication.')));

    // oversized frames before authentication (sasl.server.max.receive.size 512 KiB): closed
    c = await RawConn.connect(broker.port);
    const huge = Buffer.alloc(8);
    huge.writeInt32BE(600_000, 0);
    c.writeRaw(huge);
    assert.ok(await c.closedWithin());
    assert.ok(lines.some((l) => /invalid frame size 600000 \(max 524288 before SASL authentication\)/.test(l)));
  } finally {
    await broker.stop();
  }
});

test('SaslHandshake v1 + SaslAuthenticate v0-v2: success, Kafka\'s failure message, then normal requests; ILLEGAL_SASL_STATE afterwards', async () => {
  const lines: string[] = [];
  const broker = await saslBroker(lines);
  try {
    for (const version of [0, 1, 2]) {
      const c = await RawConn.connect(broker.port);
      assert.ok(await c.request(ApiVersions, 2, {}));
      assert.deepEqual(await c.request(SaslHandshake, 1, { mechanism: 'PLAIN' }), { errorCode: 0, mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] });
      const ok = await c.request(SaslAuthenticate, version, { authBytes: plainToken('alice', USERS.alice) });
      assert.ok(ok);
      assert.equal(ok.errorCode, 0);
      assert.equal(ok.errorMessage, null);
      assert.equal(ok.authBytes?.length, 0);
      if (version >= 1) assert.equal(ok.sessionLifetimeMs, 0, 'no KIP-368 re-authentication');
      const md = await c.request(Metadata, 1, { topics: null });
      assert.ok(md && md.brokers.length === 1, 'authenticated: Metadata is answered');
      // after authentication, as Kafka's KafkaApis
      assert.deepEqual(await c.request(SaslHandshake, 1, { mechanism: 'PLAIN' }), { errorCode: 34, mechanisms: [] });
      const again = await c.request(SaslAuthenticate, version, { authBytes: plainToken('alice', USERS.alice) });
      assert.equal(again?.errorCode, 34);
      assert.equal(again?.errorMessage, 'SaslAuthenticate request received after successful authentication');
      c.close();
    }
    // wrong password: SASL_AUTHENTICATION_FAILED with PlainSaslServer's message, then closed
    const c = await RawConn.connect(broker.port);
    await c.request(SaslHandshake, 1, { mechanism: 'PLAIN' });
    const bad = await c.request(SaslAuthenticate, 2, { authBytes: plainToken('alice', 'nope') });
    assert.equal(bad?.errorCode, 58);
    assert.equal(bad?.errorMessage, 'Authentication failed: Invalid username or password');
    assert.ok(await c.closedWithin());
    assert.ok(lines.some((l) => l.includes('Failed authentication for user "alice" with SASL mechanism PLAIN')));
    assert.ok(!lines.some((l) => l.includes('nope') || l.includes(USERS.alice)), 'no password in the log');
  } finally {
    await broker.stop();
  }
});

test('SaslHandshake v0: the legacy framing (raw SASL tokens, as kafka-python sends them)', async () => {
  const broker = await saslBroker([]);
  try {
    let c = await RawConn.connect(broker.port);
    assert.equal((await c.request(SaslHandshake, 0, { mechanism: 'PLAIN' }))?.errorCode, 0);
    c.sendToken(plainToken('bob', USERS.bob));
    const answer = await c.next();
    assert.deepEqual(answer, Buffer.alloc(0), 'PLAIN answers an empty token: four zero bytes');
    const md = await c.request(Metadata, 1, { topics: null });
    assert.ok(md && md.brokers.length === 1);
    c.close();

    c = await RawConn.connect(broker.port);
    await c.request(SaslHandshake, 0, { mechanism: 'PLAIN' });
    c.sendToken(plainToken('bob', 'wrong'));
    assert.equal(await c.next(), null, 'a failure closes the connection: nothing in this framing carries an error');
  } finally {
    await broker.stop();
  }
});

test('kafkajs: PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 log in and produce/consume; wrong passwords get Kafka\'s errors', async () => {
  const lines: string[] = [];
  const broker = await testBroker({ sasl: { mechanisms: [...ALL], users: USERS }, log: (l) => lines.push(l) });
  const kafka = (sasl: SASLOptions): Kafka => new Kafka({ clientId: 'kt-sec', brokers: [broker.bootstrap], sasl, logLevel: logLevel.NOTHING, retry: { retries: 0 } });
  try {
    for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512'] as const) {
      const k = kafka({ mechanism, username: 'alice', password: USERS.alice } as SASLOptions);
      const producer = k.producer();
      await producer.connect();
      await producer.send({ topic: `t-${mechanism}`, messages: [{ key: 'k', value: `via ${mechanism}` }] });
      await producer.disconnect();
      const consumer = k.consumer({ groupId: `g-${mechanism}` });
      await consumer.connect();
      await consumer.subscribe({ topic: `t-${mechanism}`, fromBeginning: true });
      const got = await new Promise<string>((resolve) => {
        void consumer.run({ eachMessage: async ({ message }) => resolve(String(message.value)) });
      });
      await consumer.disconnect();
      assert.equal(got, `via ${mechanism}`);
    }
    const expect: [string, RegExp][] = [
      ['plain', /Authentication failed: Invalid username or password/],
      ['scram-sha-256', /Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256/],
      ['scram-sha-512', /Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512/],
    ];
    for (const [mechanism, message] of expect) {
      for (const username of ['alice', 'mallory']) {
        const admin = kafka({ mechanism, username, password: 'wrong-password' } as SASLOptions).admin();
        const started = Date.now();
        await assert.rejects(admin.connect(), (err: Error) => err.name === 'KafkaJSSASLAuthenticationError' && message.test(err.message));
        assert.ok(Date.now() - started >= 90, "failures are answered after Kafka's 100 ms delay");
        await admin.disconnect();
      }
    }
    // no credentials at all: the broker closes the connection at the first request
    const anonymous = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    await assert.rejects(
      (async () => {
        await anonymous.connect(); // ApiVersions only: allowed before authentication
        await anonymous.listTopics();
      })(),
      /Closed connection|closed/i,
    );
    await anonymous.disconnect();
    assert.ok(!lines.some((l) => l.includes('wrong-password') || l.includes(USERS.alice)), 'no password in the log');
  } finally {
    await broker.stop();
  }

  // a broker with SCRAM-SHA-256 only: PLAIN is refused with UNSUPPORTED_SASL_MECHANISM
  const scramOnly = await testBroker({ sasl: { mechanisms: ['SCRAM-SHA-256'], users: USERS, failedAuthenticationDelayMs: 0 } });
  try {
    const admin = new Kafka({ brokers: [scramOnly.bootstrap], sasl: { mechanism: 'plain', username: 'alice', password: USERS.alice }, logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    await assert.rejects(admin.connect(), (err: Error) => /UNSUPPORTED_SASL_MECHANISM|does not support the requested SASL mechanism/.test(`${err.message} ${(err as { type?: string }).type ?? ''}`));
    await admin.disconnect();
  } finally {
    await scramOnly.stop();
  }
});

test('credentials on disk: the data dir keeps SCRAM credentials only (0600); a restart without users still logs them in', async () => {
  const dataDir = tempDir();
  let broker = await testBroker({ dataDir, sasl: { mechanisms: ['SCRAM-SHA-512'], users: { carol: 'carol-secret' } } });
  await broker.stop();
  const file = path.join(dataDir, 'credentials.json');
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.ok(!fs.readFileSync(file, 'utf8').includes('carol-secret'));
  broker = await testBroker({ dataDir, sasl: { mechanisms: ['SCRAM-SHA-512'] } });
  try {
    const admin = new Kafka({ brokers: [broker.bootstrap], sasl: { mechanism: 'scram-sha-512', username: 'carol', password: 'carol-secret' }, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    assert.deepEqual(await admin.listTopics(), []);
    await admin.disconnect();
  } finally {
    await broker.stop();
  }
  await assert.rejects(testBroker({ sasl: { mechanisms: ['PLAIN'] } }), /SASL needs at least one user/);
  await assert.rejects(testBroker({ sasl: { mechanisms: ['GSSAPI' as 'PLAIN'], users: USERS } }), /GSSAPI is not supported/);
});

test('PLAINTEXT listener: SaslHandshake and SaslAuthenticate are answered with ILLEGAL_SASL_STATE', async () => {
  const broker = await testBroker();
  try {
    assert.equal(broker.securityProtocol, 'PLAINTEXT');
    const c = await RawConn.connect(broker.port);
    assert.deepEqual(await c.request(SaslHandshake, 1, { mechanism: 'PLAIN' }), { errorCode: 34, mechanisms: [] });
    assert.equal((await c.request(SaslAuthenticate, 0, { authBytes: Buffer.alloc(0) }))?.errorCode, 34);
    assert.ok(await c.request(Metadata, 1, { topics: null }));
    c.close();
    const k = new Kafka({ brokers: [broker.bootstrap], sasl: { mechanism: 'plain', username: 'a', password: 'b' }, logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    await assert.rejects(k.connect(), /ILLEGAL_SASL_STATE|not valid given the current SASL state/);
    await k.disconnect();
  } finally {
    await broker.stop();
  }
});
