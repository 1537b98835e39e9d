// The SASL mechanisms and the credential store on their own: RFC 7677's SCRAM-SHA-256
// example to the byte, Kafka's credential string form, PLAIN's messages, the 0600 file, and
// the self-signed certificates kt makes without openssl.
import assert from 'node:assert/strict';
import crypto, { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CredentialStore } from '../../src/broker/auth/credentials.js';
import { SaslFailure } from '../../src/broker/auth/mechanism.js';
import { PlainServer } from '../../src/broker/auth/plain.js';
import { credentialFromString, credentialToString, scramCredential, ScramServer, verifyPassword, type ScramCredential } from '../../src/broker/auth/scram.js';
import { ensureSelfSigned } from '../../src/broker/auth/tls.js';
import { generateSelfSigned } from '../../src/broker/auth/x509.js';
import { tempDir } from '../helpers.js';

async function failure(p: Promise<unknown>): Promise<SaslFailure> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof SaslFailure, String(err));
    return err;
  }
  assert.fail('expected a SaslFailure');
}

test('SCRAM-SHA-256: RFC 7677 section 3 example, byte for byte', async () => {
  const cred = await scramCredential('SCRAM-SHA-256', 'pencil', 4096, Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'));
  const server = new ScramServer('SCRAM-SHA-256', (u) => (u === 'user' ? cred : undefined), () => '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0');
  const first = await server.evaluate(Buffer.from('n,,n=user,r=rOprNGfwEbeRWgbNEkqO'));
  assert.equal(first.toString(), 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
  assert.equal(server.complete, false);
  const final = await server.evaluate(Buffer.from('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ='));
  assert.equal(final.toString(), 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
  assert.equal(server.complete, true);
  assert.equal(server.username, 'user');
  // a token after completion is a state error
  const late = await failure(server.evaluate(Buffer.from('n,,n=user,r=x')));
  assert.equal(late.toClient, true);
});

/** A SCRAM client, for the failure cases (RFC 5802 section 3). */
async function clientFinal(mech: 'SCRAM-SHA-256' | 'SCRAM-SHA-512', password: string, clientFirstBare: string, serverFirst: string, nonce: string, cbind = 'biws'): Promise<string> {
  const h = mech === 'SCRAM-SHA-256' ? 'sha256' : 'sha512';
  const attrs = Object.fromEntries(serverFirst.split(',').map((kv) => [kv[0], kv.slice(2)]));
  const salted = crypto.pbkdf2Sync(password, Buffer.from(attrs.s, 'base64'), Number(attrs.i), h === 'sha256' ? 32 : 64, h);
  const clientKey = crypto.createHmac(h, salted).update('Client Key').digest();
  const storedKey = crypto.createHash(h).update(clientKey).digest();
  const withoutProof = `c=${cbind},r=${nonce}`;
  const sig = crypto.createHmac(h, storedKey).update(`${clientFirstBare},${serverFirst},${withoutProof}`).digest();
  const proof = Buffer.from(clientKey.map((b, i) => b ^ sig[i]));
  return `${withoutProof},p=${proof.toString('base64')}`;
}

test('SCRAM: wrong password, unknown user, foreign authzid, bad nonce and channel binding fail; librdkafka\'s doubled nonce passes', async () => {
  const creds = new Map<string, ScramCredential>([['alice', await scramCredential('SCRAM-SHA-512', 'secret')]]);
  const lookup = (u: string) => creds.get(u);
  const bare = 'n=alice,r=cnonce123';
  const start = async (): Promise<{ server: ScramServer; serverFirst: string; nonce: string }> => {
    const server = new ScramServer('SCRAM-SHA-512', lookup);
    const serverFirst = (await server.evaluate(Buffer.from(`n,,${bare}`))).toString();
    const nonce = /^r=([^,]+)/.exec(serverFirst)![1];
    assert.ok(nonce.startsWith('cnonce123') && nonce.length > 'cnonce123'.length + 10);
    return { server, serverFirst, nonce };
  };

  let s = await start();
  const ok = await s.server.evaluate(Buffer.from(await clientFinal('SCRAM-SHA-512', 'secret', bare, s.serverFirst, s.nonce)));
  assert.match(ok.toString(), /^v=[A-Za-z0-9+/]+=*$/);

  s = await start();
  let f = await failure(s.server.evaluate(Buffer.from(await clientFinal('SCRAM-SHA-512', 'wrong', bare, s.serverFirst, s.nonce))));
  assert.equal(f.toClient, false, 'a SaslException: the client gets the generic message');
  assert.equal(f.message, 'Invalid client credentials');

  // librdkafka < 2.6.1 sends its nonce once more in front (Kafka 3.8.1-3.9 accept it: endsWith)
  s = await start();
  const doubled = await s.server.evaluate(Buffer.from(await clientFinal('SCRAM-SHA-512', 'secret', bare, s.serverFirst, `cnonce123${s.nonce}`)));
  assert.match(doubled.toString(), /^v=/);

  s = await start();
  f = await failure(s.server.evaluate(Buffer.from(await clientFinal('SCRAM-SHA-512', 'secret', bare, s.serverFirst, `${s.nonce}x`))));
  assert.equal(f.message, 'Invalid client nonce in the final client message.');

  s = await start();
  f = await failure(s.server.evaluate(Buffer.from(await clientFinal('SCRAM-SHA-512', 'secret', bare, s.serverFirst, s.nonce, Buffer.from('y,,').toString('base64')))));
  assert.match(f.message, /channel binding/);

  f = await failure(new ScramServer('SCRAM-SHA-512', lookup).evaluate(Buffer.from('n,,n=mallory,r=abc')));
  assert.equal(f.message, 'Authentication failed: Invalid user credentials');
  assert.equal(f.toClient, false);

  f = await failure(new ScramServer('SCRAM-SHA-512', lookup).evaluate(Buffer.from('n,a=bob,n=alice,r=abc')));
  assert.equal(f.message, 'Authentication failed: Client requested an authorization id that is different from username');
  assert.equal(f.toClient, true);

  f = await failure(new ScramServer('SCRAM-SHA-512', lookup).evaluate(Buffer.from('garbage')));
  assert.equal(f.message, 'Invalid SCRAM client first message format');

  // user names with ',' and '=' travel as =2C and =3D
  creds.set('a,b=c', await scramCredential('SCRAM-SHA-512', 'pw'));
  const odd = new ScramServer('SCRAM-SHA-512', lookup);
  await odd.evaluate(Buffer.from('n,,n=a=2Cb=3Dc,r=n1'));
  assert.equal(odd.username, 'a,b=c');
});

test("credentials: Kafka's ScramCredentialUtils form, a 0600 file without the password, PLAIN checks against it", async () => {
  const cred = await scramCredential('SCRAM-SHA-256', 'alice-secret');
  const text = credentialToString(cred);
  assert.match(text, /^salt=[A-Za-z0-9+/=]+,stored_key=[A-Za-z0-9+/=]+,server_key=[A-Za-z0-9+/=]+,iterations=4096$/);
  assert.deepEqual(credentialFromString(text), cred);
  assert.equal(await verifyPassword('SCRAM-SHA-256', cred, 'alice-secret'), true);
  assert.equal(await verifyPassword('SCRAM-SHA-256', cred, 'alice-secreT'), false);
  await assert.rejects(scramCredential('SCRAM-SHA-256', 'x', 1000), /iterations must be between 4096 and 16384/);

  const dir = tempDir();
  const file = path.join(dir, 'sub', 'credentials.json');
  const store = await CredentialStore.fromUsers({ alice: 'alice-secret', bob: 'bob-secret' });
  store.save(file);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  const raw = fs.readFileSync(file, 'utf8');
  assert.ok(!raw.includes('alice-secret') && !raw.includes('bob-secret'), 'no password in the file');
  const doc = JSON.parse(raw);
  assert.equal(doc.version, 1);
  assert.deepEqual(Object.keys(doc.users), ['alice', 'bob']);
  assert.deepEqual(Object.keys(doc.users.alice), ['SCRAM-SHA-256', 'SCRAM-SHA-512']);
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ['credentials.json'], 'no temporary file left');
  const loaded = CredentialStore.load(file);
  assert.deepEqual(loaded.userNames, ['alice', 'bob']);
  assert.equal(CredentialStore.load(path.join(dir, 'missing.json')).size, 0);
  fs.writeFileSync(path.join(dir, 'bad.json'), '{"version":7}');
  assert.throws(() => CredentialStore.load(path.join(dir, 'bad.json')), /invalid SASL credentials file/);

  const lookup = (u: string, m: 'SCRAM-SHA-256' | 'SCRAM-SHA-512') => loaded.get(u, m);
  const plain = new PlainServer(lookup);
  assert.deepEqual(await plain.evaluate(Buffer.from('\u0000alice\u0000alice-secret')), Buffer.alloc(0));
  assert.equal(plain.complete, true);
  const cases: [string, string][] = [
    ['\u0000alice\u0000wrong', 'Authentication failed: Invalid username or password'],
    ['\u0000nobody\u0000alice-secret', 'Authentication failed: Invalid username or password'],
    ['\u0000\u0000alice-secret', 'Authentication failed: username not specified'],
    ['\u0000alice\u0000', 'Authentication failed: password not specified'],
    ['alice\u0000alice-secret', 'Invalid SASL/PLAIN response: expected 3 tokens, got 2'],
    ['bob\u0000alice\u0000alice-secret', 'Authentication failed: Client requested an authorization id that is different from username'],
  ];
  for (const [token, message] of cases) {
    const f = await failure(new PlainServer(lookup).evaluate(Buffer.from(token)));
    assert.equal(f.message, message);
    assert.equal(f.toClient, true);
  }
});

test('self-signed TLS material from node:crypto alone: a CA and a server certificate it issued', () => {
  const m = generateSelfSigned(['localhost', '127.0.0.1', '::1', 'broker.internal']);
  const ca = new X509Certificate(m.caCert);
  const cert = new X509Certificate(m.cert);
  assert.equal(ca.ca, true);
  assert.equal(cert.ca, false);
  assert.ok(cert.verify(ca.publicKey), 'signed by the CA');
  assert.ok(ca.verify(ca.publicKey), 'the CA signed itself');
  assert.ok(cert.checkIssued(ca));
  assert.equal(cert.checkHost('localhost'), 'localhost');
  assert.equal(cert.checkHost('broker.internal'), 'broker.internal');
  assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
  assert.equal(cert.checkIP('::1'), '::1');
  assert.equal(cert.checkHost('example.com'), undefined);
  assert.ok(Date.parse(cert.validTo) > Date.now() + 365 * 24 * 3600 * 1000);
  assert.equal(crypto.createPublicKey(crypto.createPrivateKey(m.key)).export({ type: 'spki', format: 'der' }).equals(cert.publicKey.export({ type: 'spki', format: 'der' })), true);

  const dir = path.join(tempDir(), 'tls');
  const a = ensureSelfSigned(dir, ['localhost', '127.0.0.1']);
  assert.equal(a.created, true);
  assert.equal(fs.statSync(a.key).mode & 0o777, 0o600);
  assert.equal(ensureSelfSigned(dir, ['localhost', '127.0.0.1']).created, false, 'kept while it covers the hosts');
  assert.equal(ensureSelfSigned(dir, ['localhost', '10.1.2.3']).created, true, 'made anew for a new host');
});
