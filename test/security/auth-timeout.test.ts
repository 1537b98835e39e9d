// The authentication timeout on a SASL listener: a connection that has not authenticated within
// authenticationTimeoutMs is closed, whatever it sent so far; at max.connections the oldest
// unauthenticated connection makes room, so silent connections cannot lock out the right
// password. An authenticated connection is only subject to connections.max.idle.ms.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { ApiVersions } from '../../src/protocol/apis/apiVersions.js';
import { Metadata } from '../../src/protocol/apis/metadata.js';
import { SaslAuthenticate } from '../../src/protocol/apis/saslAuthenticate.js';
import { SaslHandshake } from '../../src/protocol/apis/saslHandshake.js';
import { testBroker } from '../helpers.js';
import { RawConn } from './helpers.js';

const USERS = { alice: 'alice-secret' };
const plainToken = (user: string, password: string): Buffer => Buffer.from(`\u0000${user}\u0000${password}`);

test('SASL: a connection not authenticated within authenticationTimeoutMs is closed; an authenticated one stays', { timeout: 60_000 }, async () => {
  const lines: string[] = [];
  const broker = await testBroker({ sasl: { mechanisms: ['PLAIN'], users: USERS, failedAuthenticationDelayMs: 0 }, authenticationTimeoutMs: 500, log: (l) => lines.push(l) });
  try {
    const silentConn = await RawConn.connect(broker.port);
    const halfway = await RawConn.connect(broker.port);
    assert.ok(await halfway.request(ApiVersions, 2, {}));
    assert.equal((await halfway.request(SaslHandshake, 1, { mechanism: 'PLAIN' }))?.errorCode, 0);
    const done = await RawConn.connect(broker.port);
    assert.equal((await done.request(SaslHandshake, 1, { mechanism: 'PLAIN' }))?.errorCode, 0);
    assert.equal((await done.request(SaslAuthenticate, 2, { authBytes: plainToken('alice', USERS.alice) }))?.errorCode, 0);

    assert.ok(await silentConn.closedWithin(30_000), 'the silent connection is closed');
    assert.ok(await halfway.closedWithin(30_000), 'the connection that stopped after SaslHandshake is closed');
    assert.ok(lines.some((l) => /not authenticated within 500 ms \(authenticationTimeoutMs\)/.test(l)), lines.join('\n'));
    assert.equal(done.closed, false);
    const md = await done.request(Metadata, 1, { topics: null });
    assert.ok(md && md.brokers.length === 1, 'the authenticated connection is still served');
    done.close();
  } finally {
    await broker.stop();
  }
});

test('SASL: 1000 silent connections do not lock out the right password; a wrong one is still refused', { timeout: 120_000 }, async () => {
  const broker = await testBroker({ sasl: { mechanisms: ['PLAIN', 'SCRAM-SHA-256'], users: USERS }, log: () => {} });
  const sockets: net.Socket[] = [];
  try {
    for (let i = 0; i < 1000; i++) {
      sockets.push(await new Promise<net.Socket>((resolve) => {
        const s = net.connect({ port: broker.port, host: '127.0.0.1' }, () => resolve(s));
        s.on('error', () => {});
      }));
    }
    const deadline = Date.now() + 30_000;
    while (broker.connectionCount < 1000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(broker.connectionCount, 1000);
    const kafka = (sasl: SASLOptions): Kafka => new Kafka({ clientId: 'right', brokers: [broker.bootstrap], sasl, logLevel: logLevel.NOTHING, retry: { retries: 1 } });
    for (const mechanism of ['plain', 'scram-sha-256'] as const) {
      const admin = kafka({ mechanism, username: 'alice', password: USERS.alice } as SASLOptions).admin();
      await admin.connect();
      assert.deepEqual(await admin.listTopics(), []);
      await admin.disconnect();
    }
    const wrong = kafka({ mechanism: 'plain', username: 'alice', password: 'guess' }).admin();
    await assert.rejects(wrong.connect(), (e: Error & { type?: string }) => e.type === 'SASL_AUTHENTICATION_FAILED' || /SASL_AUTHENTICATION_FAILED|Invalid username or password/.test(e.message));
  } finally {
    for (const s of sockets) s.destroy();
    await broker.stop();
  }
});
