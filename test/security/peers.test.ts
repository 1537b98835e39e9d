// Third-party clients against the SASL and TLS listeners: kcat (librdkafka 2.0: ApiVersions,
// SaslHandshake v1, SaslAuthenticate; its SCRAM nonce quirk) and kafka-python 2.0 (SaslHandshake
// v0 and raw SASL tokens). Right password: records go through; wrong one: Kafka's error.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { before, test } from 'node:test';
import { requirePeer, tempDir, testBroker } from '../helpers.js';
import { exec, kcatSasl, makePki, type TestPki } from './helpers.js';

const PYTHON = process.env.KT_TEST_PYTHON ?? '/usr/bin/python3';
const USERS = { alice: 'alice-secret' };

function pythonKafka(): string | false {
  const r = spawnSync(PYTHON, ['-c', 'import kafka'], { encoding: 'utf8' });
  if (r.status === 0) return false;
  if (process.env.CI) throw new Error(`kafka-python is required in CI (apt: python3-kafka): ${r.stderr ?? r.error}`);
  return 'kafka-python is not installed (apt: python3-kafka)';
}

const noKcat = requirePeer('kcat');
const noOpenssl = requirePeer('openssl');
const noPython = pythonKafka();
let pki: TestPki | undefined;

before(async () => {
  if (!noOpenssl) pki = await makePki(tempDir('kt-pki-'));
});

test('kcat: SASL/SCRAM-SHA-256 and -512 and PLAIN log in, produce and consume; a wrong password fails with Kafka\'s error', { skip: noKcat }, async () => {
  const broker = await testBroker({ sasl: { mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'], users: USERS } });
  const b = broker.bootstrap;
  try {
    const ok = kcatSasl('SASL_PLAINTEXT', 'SCRAM-SHA-256', 'alice', USERS.alice);
    const produced = await exec('kcat', ['-b', b, ...ok, '-P', '-t', 'kcat-sasl', '-K', ':'], { input: 'k1:one\nk2:two\n' });
    assert.equal(produced.code, 0, produced.stderr);
    const [read, s512, plain, wrong256, wrong512] = await Promise.all([
      exec('kcat', ['-b', b, ...ok, '-C', '-t', 'kcat-sasl', '-e', '-q', '-f', '%k=%s\n']),
      exec('kcat', ['-b', b, ...kcatSasl('SASL_PLAINTEXT', 'SCRAM-SHA-512', 'alice', USERS.alice), '-L', '-m', '30']),
      exec('kcat', ['-b', b, ...kcatSasl('SASL_PLAINTEXT', 'PLAIN', 'alice', USERS.alice), '-L', '-m', '30']),
      exec('kcat', ['-b', b, ...kcatSasl('SASL_PLAINTEXT', 'SCRAM-SHA-256', 'alice', 'wrong-password'), '-L', '-m', '1']),
      exec('kcat', ['-b', b, ...kcatSasl('SASL_PLAINTEXT', 'SCRAM-SHA-512', 'alice', 'wrong-password'), '-L', '-m', '1']),
    ]);
    assert.equal(read.code, 0, read.stderr);
    assert.deepEqual(read.stdout.trim().split('\n'), ['k1=one', 'k2=two']);
    for (const r of [s512, plain]) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /topic "kcat-sasl" with 1 partitions/);
    }
    assert.notEqual(wrong256.code, 0);
    assert.match(wrong256.stderr, /SASL authentication error: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256/);
    assert.match(wrong512.stderr, /invalid credentials with SASL mechanism SCRAM-SHA-512/);
    // without SASL settings: the broker closes the connection
    const anonymous = await exec('kcat', ['-b', b, '-L', '-m', '1']);
    assert.notEqual(anonymous.code, 0);
  } finally {
    await broker.stop();
  }
});

test('kcat: SSL and SASL_SSL with a self-signed CA (ssl.ca.location)', { skip: noKcat || noOpenssl }, async () => {
  const p = pki as TestPki;
  const ssl = await testBroker({ tls: { cert: p.cert, key: p.key } });
  const saslSsl = await testBroker({ tls: { cert: p.cert, key: p.key }, sasl: { mechanisms: ['SCRAM-SHA-512'], users: USERS } });
  try {
    const tlsArgs = ['-X', `ssl.ca.location=${p.ca}`];
    const produced = await exec('kcat', ['-b', ssl.bootstrap, '-X', 'security.protocol=SSL', ...tlsArgs, '-P', '-t', 'tls-topic'], { input: 'a\nb\n' });
    assert.equal(produced.code, 0, produced.stderr);
    const [read, sasl, untrusted] = await Promise.all([
      exec('kcat', ['-b', ssl.bootstrap, '-X', 'security.protocol=SSL', ...tlsArgs, '-C', '-t', 'tls-topic', '-e', '-q']),
      exec('kcat', ['-b', saslSsl.bootstrap, ...kcatSasl('SASL_SSL', 'SCRAM-SHA-512', 'alice', USERS.alice), ...tlsArgs, '-L', '-m', '30']),
      exec('kcat', ['-b', ssl.bootstrap, '-X', 'security.protocol=SSL', '-L', '-m', '1']),
    ]);
    assert.equal(read.code, 0, read.stderr);
    assert.deepEqual(read.stdout.trim().split('\n'), ['a', 'b']);
    assert.equal(sasl.code, 0, sasl.stderr);
    assert.match(sasl.stdout, /sasl_ssl:\/\/127\.0\.0\.1:\d+/);
    assert.notEqual(untrusted.code, 0, 'a CA kcat does not trust');
    assert.match(untrusted.stderr, /certificate verify failed|SSL handshake failed/);
  } finally {
    await Promise.all([ssl.stop(), saslSsl.stop()]);
  }
});

const PY = `
import json, sys
from kafka import KafkaProducer, KafkaConsumer
cfg = json.loads(sys.argv[1])
out = []
for case in cfg['cases']:
    common = dict(bootstrap_servers=cfg['bootstrap'], security_protocol=cfg['protocol'], sasl_mechanism=case['mechanism'],
                  sasl_plain_username='alice', sasl_plain_password=case['password'], api_version_auto_timeout_ms=30000)
    if cfg.get('cafile'):
        common['ssl_cafile'] = cfg['cafile']
    topic = 'py-' + case['mechanism']
    try:
        p = KafkaProducer(max_block_ms=4000, **common)
        p.send(topic, key=b'k', value=b'from kafka-python').get(timeout=60)
        p.close()
        c = KafkaConsumer(topic, auto_offset_reset='earliest', consumer_timeout_ms=60000, **common)
        values = []
        for m in c:
            values.append(m.value.decode())
            break
        c.close()
        out.append({'ok': True, 'values': values})
    except Exception as e:
        out.append({'ok': False, 'error': type(e).__name__})
print(json.dumps(out))
`;

test('kafka-python: PLAIN, SCRAM-SHA-256/512 over SaslHandshake v0 framing, SASL_PLAINTEXT', { skip: noPython }, async () => {
  const broker = await testBroker({ sasl: { mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'], users: USERS, failedAuthenticationDelayMs: 0 } });
  try {
    const cases = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap((mechanism) => [
      { mechanism, password: USERS.alice },
      { mechanism, password: 'wrong-password' },
    ]);
    const r = await exec(PYTHON, ['-c', PY, JSON.stringify({ bootstrap: broker.bootstrap, protocol: 'SASL_PLAINTEXT', cases })], { timeoutMs: 240_000 });
    assert.equal(r.code, 0, r.stderr);
    const results = JSON.parse(r.stdout) as { ok: boolean; values?: string[]; error?: string }[];
    results.forEach((res, i) => {
      const c = cases[i];
      if (c.password === USERS.alice) assert.deepEqual(res, { ok: true, values: ['from kafka-python'] }, `${c.mechanism}: ${JSON.stringify(res)}`);
      else assert.equal(res.ok, false, `${c.mechanism} with a wrong password must fail`);
    });
  } finally {
    await broker.stop();
  }
});

test('kafka-python: SCRAM-SHA-512 over SASL_SSL with a self-signed CA', { skip: noPython || noOpenssl }, async () => {
  assert.ok(pki, 'the test CA was made (openssl)');
  const tls = await testBroker({ tls: { cert: pki.cert, key: pki.key }, sasl: { mechanisms: ['SCRAM-SHA-512'], users: USERS } });
  try {
    const cases = [{ mechanism: 'SCRAM-SHA-512', password: USERS.alice }];
    const r = await exec(PYTHON, ['-c', PY, JSON.stringify({ bootstrap: tls.bootstrap, protocol: 'SASL_SSL', cafile: pki.ca, cases })], { timeoutMs: 240_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [{ ok: true, values: ['from kafka-python'] }]);
  } finally {
    await tls.stop();
  }
});
