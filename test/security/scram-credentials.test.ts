// SCRAM users managed over the wire: DescribeUserScramCredentials (50) and
// AlterUserScramCredentials (51) as Kafka 4.4 answers them (ScramImage.describe,
// ScramControlManager.alterCredentials), and a user upserted that way logging in with kafkajs
// on the SASL listener, kept in the credentials file across a restart, and refused once deleted.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import * as A from '../../src/protocol/apis/index.js';
import { code } from '../../src/protocol/errors.js';
import type { Broker } from '../../src/index.js';
import { tempDir, testBroker, withWireBroker } from '../helpers.js';
import { RawConn } from './helpers.js';

const SHA256 = 1;
const SHA512 = 2;

/** What a Kafka client sends for a password: salt, iterations and PBKDF2's salted password. */
function upsertion(name: string, password: string, mechanism = SHA256, iterations = 8192) {
  const salt = crypto.randomBytes(24);
  const [hash, bytes] = mechanism === SHA512 ? (['sha512', 64] as const) : (['sha256', 32] as const);
  return { name, mechanism, iterations, salt, saltedPassword: crypto.pbkdf2Sync(password, salt, iterations, bytes, hash) };
}

/** A connection authenticated with SASL/PLAIN as alice. */
async function adminConn(broker: Broker): Promise<RawConn> {
  const c = await RawConn.connect(broker.port);
  assert.equal((await c.request(A.SaslHandshake, 1, { mechanism: 'PLAIN' }))?.errorCode, 0);
  assert.equal((await c.request(A.SaslAuthenticate, 2, { authBytes: Buffer.from('\0alice\0alice-secret') }))?.errorCode, 0);
  return c;
}

async function login(broker: Broker, username: string, password: string, mechanism: 'scram-sha-256' | 'scram-sha-512' = 'scram-sha-256'): Promise<string[]> {
  const admin = new Kafka({ brokers: [broker.bootstrap], sasl: { mechanism, username, password } as SASLOptions, logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
  try {
    await admin.connect();
    return await admin.listTopics();
  } finally {
    await admin.disconnect();
  }
}

test('Describe: every user, the asked ones, RESOURCE_NOT_FOUND and DUPLICATE_RESOURCE with Kafka\'s messages', async () => {
  const broker = await testBroker({ sasl: { mechanisms: ['PLAIN', 'SCRAM-SHA-256'], users: { alice: 'alice-secret', bob: 'bob-secret' }, iterations: 4096 } });
  const c = await adminConn(broker);
  try {
    const both = [{ mechanism: SHA256, iterations: 4096 }, { mechanism: SHA512, iterations: 4096 }];
    for (const users of [null, []]) {
      assert.deepEqual(await c.request(A.DescribeUserScramCredentials, 0, { users }), {
        throttleTimeMs: 0,
        errorCode: 0,
        errorMessage: '',
        results: [
          { user: 'alice', errorCode: 0, errorMessage: '', credentialInfos: both },
          { user: 'bob', errorCode: 0, errorMessage: '', credentialInfos: both },
        ],
      });
    }
    const r = await c.request(A.DescribeUserScramCredentials, 0, { users: [{ name: 'bob' }, { name: 'nobody' }, { name: 'alice' }, { name: 'alice' }] });
    assert.deepEqual(r?.results, [
      { user: 'alice', errorCode: code('DUPLICATE_RESOURCE'), errorMessage: 'Cannot describe SCRAM credentials for the same user twice in a single request: alice', credentialInfos: [] },
      { user: 'bob', errorCode: 0, errorMessage: '', credentialInfos: both },
      { user: 'nobody', errorCode: code('RESOURCE_NOT_FOUND'), errorMessage: 'Attempt to describe a user credential that does not exist: nobody', credentialInfos: [] },
    ]);
  } finally {
    c.close();
    await broker.stop();
  }
});

test('Alter: Kafka\'s per-user errors; nothing of a failed user is applied', async () => {
  await withWireBroker(async (b, c) => {
    const r = await c.request(A.AlterUserScramCredentials, 0, {
      deletions: [{ name: 'ghost', mechanism: SHA256 }, { name: 'twice', mechanism: SHA256 }, { name: 'x', mechanism: 0 }],
      upsertions: [
        upsertion('ok', 'pw'),
        upsertion('twice', 'pw'),
        upsertion('again', 'pw'),
        upsertion('again', 'pw', SHA512),
        { ...upsertion('mech', 'pw'), mechanism: 3 },
        upsertion('few', 'pw', SHA256, 4095),
        { ...upsertion('many', 'pw', SHA256, 4096), iterations: 16385 },
        upsertion('', 'pw'),
      ],
    });
    const E = (n: Parameters<typeof code>[0]) => code(n);
    assert.deepEqual(r.results, [
      { user: 'ok', errorCode: 0, errorMessage: null },
      { user: 'ghost', errorCode: E('RESOURCE_NOT_FOUND'), errorMessage: 'Attempt to delete a user credential that does not exist' },
      { user: 'twice', errorCode: E('RESOURCE_NOT_FOUND'), errorMessage: 'Attempt to delete a user credential that does not exist' },
      { user: 'x', errorCode: E('UNSUPPORTED_SASL_MECHANISM'), errorMessage: 'Unknown SCRAM mechanism' },
      { user: 'again', errorCode: E('DUPLICATE_RESOURCE'), errorMessage: 'A user credential cannot be altered twice in the same request' },
      { user: 'mech', errorCode: E('UNSUPPORTED_SASL_MECHANISM'), errorMessage: 'Unknown SCRAM mechanism' },
      { user: 'few', errorCode: E('UNACCEPTABLE_CREDENTIAL'), errorMessage: 'Too few iterations' },
      { user: 'many', errorCode: E('UNACCEPTABLE_CREDENTIAL'), errorMessage: 'Too many iterations' },
      { user: '', errorCode: E('UNACCEPTABLE_CREDENTIAL'), errorMessage: 'Username must not be empty' },
    ]);
    assert.deepEqual(b.credentials.userNames, ['ok']);
    // a deletion and an upsertion of one user in one request: DUPLICATE_RESOURCE, ok is kept
    const dup = await c.request(A.AlterUserScramCredentials, 0, { deletions: [{ name: 'ok', mechanism: SHA256 }], upsertions: [upsertion('ok', 'other')] });
    assert.deepEqual(dup.results, [{ user: 'ok', errorCode: E('DUPLICATE_RESOURCE'), errorMessage: 'A user credential cannot be altered twice in the same request' }]);
    const d = await c.request(A.DescribeUserScramCredentials, 0, { users: [{ name: 'ok' }] });
    assert.deepEqual(d.results, [{ user: 'ok', errorCode: 0, errorMessage: '', credentialInfos: [{ mechanism: SHA256, iterations: 8192 }] }]);
  });
});

test('a user upserted over the wire logs in with SCRAM (kafkajs), survives a restart, and is refused once deleted', async () => {
  const dataDir = tempDir();
  const sasl = { mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as ('PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512')[], failedAuthenticationDelayMs: 0 };
  let broker = await testBroker({ dataDir, sasl: { ...sasl, users: { alice: 'alice-secret' } } });
  try {
    await assert.rejects(login(broker, 'carol', 'carol-secret'), /SASL|authentication/i);
    let c = await adminConn(broker);
    const r = await c.request(A.AlterUserScramCredentials, 0, { deletions: [], upsertions: [upsertion('carol', 'carol-secret', SHA256, 8192), upsertion('dave', 'dave-secret', SHA512, 4096)] });
    assert.deepEqual(r?.results.map((x) => [x.user, x.errorCode]), [['carol', 0], ['dave', 0]]);
    assert.ok(Array.isArray(await login(broker, 'carol', 'carol-secret')));
    assert.ok(Array.isArray(await login(broker, 'dave', 'dave-secret', 'scram-sha-512')));
    await assert.rejects(login(broker, 'carol', 'wrong'), /SASL|authentication/i);
    // carol has no SHA-512 credential
    await assert.rejects(login(broker, 'carol', 'carol-secret', 'scram-sha-512'), /SASL|authentication/i);
    c.close();

    // the credentials file holds them (StoredKey/ServerKey, never the salted password)
    const file = JSON.parse(fs.readFileSync(path.join(dataDir, 'credentials.json'), 'utf8'));
    assert.deepEqual(Object.keys(file.users), ['alice', 'carol', 'dave']);
    assert.deepEqual(Object.keys(file.users.carol), ['SCRAM-SHA-256']);
    assert.match(file.users.carol['SCRAM-SHA-256'], /,iterations=8192$/);

    await broker.stop();
    broker = await testBroker({ dataDir, sasl });
    assert.ok(Array.isArray(await login(broker, 'carol', 'carol-secret')));

    c = await adminConn(broker);
    const del = await c.request(A.AlterUserScramCredentials, 0, { deletions: [{ name: 'carol', mechanism: SHA256 }], upsertions: [] });
    assert.deepEqual(del?.results, [{ user: 'carol', errorCode: 0, errorMessage: null }]);
    await assert.rejects(login(broker, 'carol', 'carol-secret'), /SASL|authentication/i);
    const d = await c.request(A.DescribeUserScramCredentials, 0, { users: [{ name: 'carol' }] });
    assert.equal(d?.results[0].errorCode, code('RESOURCE_NOT_FOUND'));
    c.close();
    assert.deepEqual(Object.keys(JSON.parse(fs.readFileSync(path.join(dataDir, 'credentials.json'), 'utf8')).users), ['alice', 'dave']);
  } finally {
    await broker.stop();
  }
});
