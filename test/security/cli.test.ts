// kt as a user runs it against secured brokers: Java client properties through
// --command-config and -X (SASL_SSL with a self-signed CA, SCRAM), one clear error line for a
// wrong password that never shows it, and `kt local start` with SASL and TLS flags (remembered;
// no plaintext password in local.json, credentials.json or the log).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { freePort, isolatedEnv, kt, requirePeer, tempDir, testBroker, type RunResult } from '../helpers.js';
import { makePki, type TestPki } from './helpers.js';

const PASSWORD = 'Sup3r-s3cret-pw';
const skip = requirePeer('openssl');
let pki: TestPki;
let dir: string;

before(async () => {
  if (skip) return;
  dir = tempDir('kt-cli-sec-');
  pki = await makePki(dir);
});

function props(file: string, lines: string[]): string {
  const p = path.join(dir, file);
  fs.writeFileSync(p, `${lines.join('\n')}\n`);
  return p;
}

function assertNoSecret(r: RunResult, secret = PASSWORD): void {
  assert.ok(!r.out.includes(secret), `the password appears on stdout: ${r.out}`);
  assert.ok(!r.stderr.includes(secret), `the password appears on stderr: ${r.stderr}`);
}

test('kt --command-config / -X: SASL_SSL + SCRAM-SHA-256 with a self-signed CA; a wrong password is one error line', { skip }, async () => {
  const broker = await testBroker({ tls: { cert: pki.cert, key: pki.key }, sasl: { mechanisms: ['SCRAM-SHA-256', 'SCRAM-SHA-512'], users: { alice: PASSWORD } } });
  const b = ['-b', broker.bootstrap];
  const jaas = (pw: string): string => `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="${pw}";`;
  const good = props('client.properties', ['security.protocol=SASL_SSL', 'sasl.mechanism=SCRAM-SHA-256', jaas(PASSWORD), `ssl.ca.location=${pki.ca}`]);
  const bad = props('bad.properties', ['security.protocol=SASL_SSL', 'sasl.mechanism=SCRAM-SHA-256', jaas('wrong-pw-123'), `ssl.ca.location=${pki.ca}`]);
  const truststore = props('truststore.properties', ['security.protocol=SASL_SSL', 'sasl.mechanism=SCRAM-SHA-512', jaas(PASSWORD), `ssl.truststore.location=${pki.ca}`, 'ssl.truststore.type=PEM']);
  try {
    const create = await kt(['topics', 'create', 'secured', '--partitions', '2', ...b, '--command-config', good]);
    assert.equal(create.code, 0, create.stderr);
    assert.equal(create.out, 'Created topic secured.\n');
    const produce = await kt(['produce', '-t', 'secured', ...b, '--command-config', good], { stdin: 'one\ntwo\n' });
    assert.equal(produce.code, 0, produce.stderr);

    const X = ['-X', 'security.protocol=SASL_SSL', '-X', 'sasl.mechanism=SCRAM-SHA-256', '-X', 'sasl.username=alice', '-X', `ssl.ca.location=${pki.ca}`];
    const [consume, viaX, viaTruststore, wrong, wrongX, wrongDebug, plaintext, noCa] = await Promise.all([
      kt(['consume', '-t', 'secured', '--from-beginning', '-n', '2', ...b, '--command-config', good]),
      kt(['topics', 'list', ...b, ...X, '-X', `sasl.password=${PASSWORD}`]),
      kt(['topics', 'list', ...b, '--command-config', truststore]),
      kt(['topics', 'list', ...b, '--command-config', bad]),
      kt(['topics', 'list', ...b, ...X, '-X', 'sasl.password=wrong-pw-123']),
      kt(['topics', 'list', '--debug', ...b, '--command-config', bad]),
      kt(['topics', 'list', ...b]),
      kt(['topics', 'list', ...b, '-X', 'security.protocol=SASL_SSL', '-X', 'sasl.mechanism=SCRAM-SHA-256', '-X', 'sasl.username=alice', '-X', `sasl.password=${PASSWORD}`]),
    ]);
    assert.equal(consume.code, 0, consume.stderr);
    assert.deepEqual(consume.out.split('\n').filter(Boolean).sort(), ['one', 'two']);
    assert.equal(viaX.code, 0, viaX.stderr);
    assert.equal(viaX.out, 'secured\n');
    assert.equal(viaTruststore.code, 0, viaTruststore.stderr);
    for (const r of [wrong, wrongX]) {
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.out, '');
      assert.equal(
        r.stderr,
        'kt: error: authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256 — check sasl.mechanism and the credentials\n',
      );
      assertNoSecret(r, 'wrong-pw-123');
    }
    assert.equal(wrongDebug.code, 1);
    assertNoSecret(wrongDebug, 'wrong-pw-123');
    assert.match(wrongDebug.stderr, /authentication failed/);
    assert.equal(plaintext.code, 1);
    assert.match(plaintext.stderr, /^kt: error: cannot connect to 127\.0\.0\.1:\d+: connection closed by the broker — .*security\.protocol/);
    assert.equal(noCa.code, 1);
    assert.match(noCa.stderr, /^kt: error: TLS handshake failed: .*certificate.* — check ssl\.ca\.location/);
    for (const r of [create, produce, consume, viaX, viaTruststore, noCa]) assertNoSecret(r);
  } finally {
    await broker.stop();
  }
});

test('kt: ssl.endpoint.identification.algorithm= (empty) skips the host name check', { skip }, async () => {
  const broker = await testBroker({ tls: { cert: pki.otherCert, key: pki.otherKey } });
  try {
    const base = ['topics', 'list', '-b', broker.bootstrap, '-X', 'security.protocol=SSL', '-X', `ssl.ca.location=${pki.ca}`];
    const [checked, unchecked] = await Promise.all([kt(base), kt([...base, '-X', 'ssl.endpoint.identification.algorithm='])]);
    assert.equal(checked.code, 1);
    assert.match(checked.stderr, /^kt: error: TLS handshake failed: .*127\.0\.0\.1/);
    assert.equal(unchecked.code, 0, unchecked.stderr);
  } finally {
    await broker.stop();
  }
});

test('kt local start --user --tls-self-signed: SASL_SSL remembered, no password in local.json, credentials.json or the log', async () => {
  const port = await freePort();
  const env = isolatedEnv({ KT_LOCAL_PORT: String(port) });
  const data = env.KT_DATA_DIR as string;
  try {
    const start = await kt(['local', 'start', '--sasl-mechanism', 'SCRAM-SHA-256', '--user', `alice:${PASSWORD}`, '--user', 'bob:bob-pw-1', '--tls-self-signed'], { env });
    assert.equal(start.code, 0, start.stderr);
    assert.equal(start.out, `127.0.0.1:${port}\n`);
    const ca = path.join(data, 'tls', 'ca.pem');
    assert.match(start.stderr, new RegExp(`^kt: started local broker on 127\\.0\\.0\\.1:${port} \\(SASL_SSL: SCRAM-SHA-256; trust ${ca.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}; pid \\d+; stop: kt local stop\\)$`, 'm'));
    assertNoSecret(start);

    const X = ['--local', '-X', 'security.protocol=SASL_SSL', '-X', 'sasl.mechanism=SCRAM-SHA-256', '-X', 'sasl.username=alice', '-X', `ssl.ca.location=${ca}`];
    const produce = await kt(['produce', '-t', 'local-secured', '--value', 'hello', ...X, '-X', `sasl.password=${PASSWORD}`], { env });
    assert.equal(produce.code, 0, produce.stderr);
    const [consume, wrong, anonymous, status] = await Promise.all([
      kt(['consume', '-t', 'local-secured', '--from-beginning', '-n', '1', ...X, '-X', `sasl.password=${PASSWORD}`], { env }),
      kt(['topics', 'list', ...X, '-X', 'sasl.password=not-it-42'], { env }),
      kt(['topics', 'list', '--local'], { env }),
      kt(['local', 'status', '--json'], { env }),
    ]);
    assert.equal(consume.code, 0, consume.stderr);
    assert.equal(consume.out, 'hello\n');
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /^kt: error: authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256/);
    assertNoSecret(wrong, 'not-it-42');
    assert.equal(anonymous.code, 1);
    assert.equal(status.code, 0, status.stderr);
    assert.equal(JSON.parse(status.out).securityProtocol, 'SASL_SSL');
    for (const r of [produce, consume, status]) assertNoSecret(r);

    for (const f of ['local.json', 'credentials.json', 'local.log']) {
      const text = fs.readFileSync(path.join(data, f), 'utf8');
      assert.ok(!text.includes(PASSWORD) && !text.includes('bob-pw-1'), `a password in ${f}`);
    }
    assert.equal(fs.statSync(path.join(data, 'credentials.json')).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.join(data, 'tls', 'server-key.pem')).mode & 0o777, 0o600);
    const state = JSON.parse(fs.readFileSync(path.join(data, 'local.json'), 'utf8'));
    assert.deepEqual(state.security, { protocol: 'SASL_SSL', saslMechanisms: ['SCRAM-SHA-256'], tls: { selfSigned: true } });
    assert.deepEqual(Object.keys(JSON.parse(fs.readFileSync(path.join(data, 'credentials.json'), 'utf8')).users), ['alice', 'bob']);

    // changing the security of a running broker is refused; after a stop it is remembered
    const change = await kt(['local', 'start', '--security-protocol', 'PLAINTEXT'], { env });
    assert.equal(change.code, 1);
    assert.match(change.stderr, /stop it first to change its security/);
    assert.equal((await kt(['local', 'stop'], { env })).code, 0);
    const again = await kt(['local', 'start'], { env });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /\(SASL_SSL: SCRAM-SHA-256; trust /);
    assert.equal((await kt(['local', 'stop'], { env })).code, 0);
    const plain = await kt(['local', 'start', '--security-protocol', 'PLAINTEXT'], { env });
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stderr, /\(PLAINTEXT; pid \d+; stop: kt local stop\)/);
    const list = await kt(['topics', 'list', '--local'], { env });
    assert.equal(list.code, 0, list.stderr);
    assert.equal(list.out, 'local-secured\n');
  } finally {
    await kt(['local', 'stop'], { env });
  }
});

test('kt local start: security usage errors (exit 2), before anything starts', async () => {
  const env = isolatedEnv({ KT_LOCAL_PORT: String(await freePort()) });
  const cases: [string[], RegExp][] = [
    [['--sasl-mechanism', 'SCRAM-SHA-256'], /SASL_PLAINTEXT needs at least one user — add --user NAME:PASSWORD/],
    [['--sasl-mechanism', 'GSSAPI', '--user', 'a:b'], /--sasl-mechanism GSSAPI: expected PLAIN, SCRAM-SHA-256, SCRAM-SHA-512/],
    [['--user', 'alice'], /--user alice: expected NAME:PASSWORD/],
    [['--user', 'alice:'], /--user alice: the password is empty/],
    [['--security-protocol', 'PLAINTEXT', '--user', 'a:b'], /need --security-protocol SASL_PLAINTEXT or SASL_SSL/],
    [['--tls-cert', '/nonexistent/cert.pem'], /--tls-cert and --tls-key go together/],
    [['--tls-cert', '/nonexistent/cert.pem', '--tls-key', '/nonexistent/key.pem'], /--tls-cert \/nonexistent\/cert\.pem: no such file/],
    [['--security-protocol', 'TLS'], /expected PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL/],
  ];
  const results = await Promise.all(cases.map(([args]) => kt(['local', 'start', ...args], { env })));
  results.forEach((r, i) => {
    assert.equal(r.code, 2, `${cases[i][0].join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, cases[i][1]);
  });
  assert.equal(fs.existsSync(path.join(env.KT_DATA_DIR as string, 'local.json')), false, 'nothing started');
});
