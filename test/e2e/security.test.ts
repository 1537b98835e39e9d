// kt against Apache Kafka 4.4 listeners with SASL and TLS: SASL_PLAINTEXT with PLAIN,
// SCRAM-SHA-256 and SCRAM-SHA-512 (credentials stored by kafka-storage format --add-scram), and
// SASL_SSL (SCRAM-SHA-256) with a certificate from a self-signed CA; a wrong password is one
// clear error line that never shows the password. (The bundled broker's SASL/TLS: test/security.)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { freePort, kt, tempDir } from '../helpers.js';
import { startKafka, type KafkaNode } from '../kafka/kafka.js';
import { makePki } from '../security/helpers.js';

const PASSWORD = 'alice-Secret-9';
let node: KafkaNode;
let dir: string;
let saslPlain = '';
let saslSsl = '';
let ca = '';

before(async () => {
  dir = tempDir('kt-e2e-sec-');
  const pki = await makePki(dir);
  ca = pki.ca;
  // Apache reads a PEM keystore from one file: the PKCS#8 key, then the certificate chain
  const keystore = path.join(dir, 'server-keystore.pem');
  fs.writeFileSync(keystore, fs.readFileSync(pki.key, 'utf8') + fs.readFileSync(pki.cert, 'utf8'));
  const ports = { SASL_PLAINTEXT: await freePort(), SASL_SSL: await freePort() };
  const scram = 'org.apache.kafka.common.security.scram.ScramLoginModule required;';
  node = await startKafka({
    listeners: ports,
    formatArgs: ['--add-scram', `SCRAM-SHA-256=[name=alice,password=${PASSWORD}]`, '--add-scram', `SCRAM-SHA-512=[name=alice,password=${PASSWORD}]`],
    props: {
      'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
      'listener.name.sasl_plaintext.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="${PASSWORD}";`,
      'listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config': scram,
      'listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config': scram,
      'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config': scram,
      'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': scram,
      'listener.name.sasl_ssl.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="${PASSWORD}";`,
      'ssl.keystore.type': 'PEM',
      'ssl.keystore.location': keystore,
    },
  });
  saslPlain = `127.0.0.1:${ports.SASL_PLAINTEXT}`;
  saslSsl = `127.0.0.1:${ports.SASL_SSL}`;
});
after(async () => {
  await node?.stop();
});

function props(name: string, lines: string[]): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, `${lines.join('\n')}\n`);
  return p;
}
const jaas = (mechanism: string, pw: string) =>
  `sasl.jaas.config=org.apache.kafka.common.security.${mechanism === 'PLAIN' ? 'plain.PlainLoginModule' : 'scram.ScramLoginModule'} required username="alice" password="${pw}";`;

for (const [protocol, mechanism] of [['SASL_PLAINTEXT', 'PLAIN'], ['SASL_PLAINTEXT', 'SCRAM-SHA-256'], ['SASL_PLAINTEXT', 'SCRAM-SHA-512'], ['SASL_SSL', 'SCRAM-SHA-256'], ['SASL_SSL', 'PLAIN']]) {
  test(`${protocol} ${mechanism}: topics create, produce, consume --group; a wrong password is one error line`, async () => {
    const b = protocol === 'SASL_SSL' ? saslSsl : saslPlain;
    const tls = protocol === 'SASL_SSL' ? [`ssl.ca.location=${ca}`] : [];
    const tag = `${protocol}-${mechanism}`.toLowerCase();
    const good = props(`${tag}.properties`, [`security.protocol=${protocol}`, `sasl.mechanism=${mechanism}`, jaas(mechanism, PASSWORD), ...tls]);
    const bad = props(`${tag}-bad.properties`, [`security.protocol=${protocol}`, `sasl.mechanism=${mechanism}`, jaas(mechanism, 'wrong-pw-123'), ...tls]);
    const topic = `secured-${tag}-${process.pid}`;
    const c = await kt(['topics', 'create', topic, '--partitions', '2', '-b', b, '--command-config', good]);
    assert.equal(c.code, 0, c.stderr);
    const p = await kt(['produce', '-t', topic, '-b', b, '--command-config', good], { stdin: 'one\ntwo\n' });
    assert.equal(p.code, 0, p.stderr);
    const r = await kt(['consume', '-t', topic, '-g', `g-${tag}`, '--from-beginning', '-n', '2', '-b', b, '--command-config', good]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.out.split('\n').filter(Boolean).sort(), ['one', 'two']);
    const wrong = await kt(['topics', 'list', '-b', b, '--command-config', bad]);
    assert.equal(wrong.code, 1);
    assert.equal(wrong.out, '');
    assert.equal(wrong.stderr.trim().split('\n').length, 1, wrong.stderr);
    assert.match(wrong.stderr, /^kt: error: .*(authentication|Authentication|SASL)/);
    assert.ok(!wrong.stderr.includes('wrong-pw-123') && !wrong.stderr.includes(PASSWORD), 'no password in the message');
  });
}

test('SASL_SSL: a client that does not trust the CA fails with one line naming the certificate problem', async () => {
  const noCa = props('no-ca.properties', ['security.protocol=SASL_SSL', 'sasl.mechanism=SCRAM-SHA-256', jaas('SCRAM-SHA-256', PASSWORD)]);
  const r = await kt(['topics', 'list', '-b', saslSsl, '--command-config', noCa]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /certificate/i);
});
