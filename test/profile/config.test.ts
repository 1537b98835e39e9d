// config.json: 0600 writes in a 0700 directory, kept keys, redaction, and the `local`
// profile that kt local start keeps (rememberLocalProfile).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  configPath, permissionWarning, readConfig, redactProperties, redactProperty, rememberLocalProfile, updateConfig, writeConfig,
} from '../../src/cli/config.js';
import { jaasConfig } from '../../src/cli/profiles.js';
import { parseJaasConfig } from '../../src/cli/properties.js';
import { tempDir } from '../helpers.js';

const envIn = (dir = path.join(tempDir(), 'cfg')) => ({ KT_CONFIG_DIR: dir });
const mode = (p: string) => fs.statSync(p).mode & 0o777;

test('writeConfig: file 0600, new directory 0700, whatever the umask; atomic (no temp files left)', () => {
  const env = envIn();
  const old = process.umask(0o000);
  try {
    writeConfig({ current: 'a', profiles: { a: { bootstrap: 'h:1', properties: { 'sasl.jaas.config': 'x password="p";' } } } }, env);
  } finally {
    process.umask(old);
  }
  assert.equal(mode(configPath(env)), 0o600);
  assert.equal(mode(env.KT_CONFIG_DIR), 0o700);
  assert.deepEqual(fs.readdirSync(env.KT_CONFIG_DIR), ['config.json']);
  // a file someone loosened is tightened by the next write
  fs.chmodSync(configPath(env), 0o644);
  assert.match(permissionWarning(env) ?? '', /can be read by other users \(mode 0644\).*chmod 600/);
  updateConfig((c) => void (c.current = 'a'), env);
  assert.equal(mode(configPath(env)), 0o600);
  assert.equal(permissionWarning(env), undefined);
});

test('updateConfig keeps keys kt does not know (forward compatible)', () => {
  const env = envIn();
  fs.mkdirSync(env.KT_CONFIG_DIR, { recursive: true });
  fs.writeFileSync(configPath(env), JSON.stringify({ future: { x: 1 }, profiles: { a: { bootstrap: 'h:1', note: 'mine' } } }));
  updateConfig((c) => void (c.current = 'a'), env);
  const raw = JSON.parse(fs.readFileSync(configPath(env), 'utf8'));
  assert.deepEqual(raw, { future: { x: 1 }, profiles: { a: { bootstrap: 'h:1', note: 'mine' } }, current: 'a' });
});

test('readConfig: missing file is empty; broken JSON or a bad "profiles" is an error naming the file', () => {
  const env = envIn();
  assert.deepEqual(readConfig(env), {});
  fs.mkdirSync(env.KT_CONFIG_DIR, { recursive: true });
  fs.writeFileSync(configPath(env), '{"profiles": [1]}');
  assert.throws(() => readConfig(env), /cannot parse .*config\.json: "profiles" is not an object/);
  fs.writeFileSync(configPath(env), '{oops');
  assert.throws(() => readConfig(env), /cannot parse .*config\.json/);
});

test('redaction: the JAAS password only; any other secret property whole; the rest untouched', () => {
  const jaas = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="app" password="s3cret";';
  assert.equal(redactProperty('sasl.jaas.config', jaas), 'org.apache.kafka.common.security.plain.PlainLoginModule required username="app" password="***";');
  assert.equal(redactProperty('sasl.jaas.config', "M required password='a b' username=u;"), 'M required password="***" username=u;');
  assert.equal(redactProperty('sasl.jaas.config', 'M required username=u password=bare;'), 'M required username=u password="***";');
  assert.deepEqual(redactProperties({ 'ssl.key.password': 'k', 'sasl.password': 'p', 'ssl.truststore.password': 't', 'security.protocol': 'SASL_SSL' }), {
    'ssl.key.password': '***', 'sasl.password': '***', 'ssl.truststore.password': '***', 'security.protocol': 'SASL_SSL',
  });
});

test('jaasConfig quotes what it must, and kt reads it back', () => {
  const text = jaasConfig('SCRAM-SHA-512', 'a"b', 'p\\w"d;x');
  assert.match(text, /^org\.apache\.kafka\.common\.security\.scram\.ScramLoginModule required /);
  assert.deepEqual(parseJaasConfig(text), { module: 'org.apache.kafka.common.security.scram.ScramLoginModule', username: 'a"b', password: 'p\\w"d;x' });
  assert.match(jaasConfig('plain', 'u', 'p'), /PlainLoginModule/);
  assert.throws(() => jaasConfig('GSSAPI', 'u', 'p'), /sasl\.mechanism must be/);
});

test('rememberLocalProfile: created, unchanged, updated on a new port; current never changed', () => {
  const env = envIn();
  writeConfig({ current: 'prod', profiles: { prod: { bootstrap: 'kafka:9093' } } }, env);
  const a = rememberLocalProfile('127.0.0.1:9092', { env });
  assert.equal(a.action, 'created');
  assert.match(a.message!, /created profile 'local' for 127\.0\.0\.1:9092/);
  assert.deepEqual(readConfig(env).profiles!.local, { bootstrap: '127.0.0.1:9092', properties: {}, managedBy: 'kt local start' });
  assert.deepEqual(rememberLocalProfile('127.0.0.1:9092', { env }), { action: 'unchanged' });
  const c = rememberLocalProfile('0.0.0.0:19092', { env });
  assert.equal(c.action, 'updated');
  assert.equal(readConfig(env).profiles!.local.bootstrap, '127.0.0.1:19092', 'the wildcard address becomes loopback');
  assert.equal(readConfig(env).current, 'prod');
  assert.equal(mode(configPath(env)), 0o600);
  // a broker restarted with SASL: the profile gets the client properties it needs
  const props = { 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN', 'sasl.jaas.config': 'M required username="a" password="b";' };
  assert.equal(rememberLocalProfile('127.0.0.1:19092', { env, properties: props }).action, 'updated');
  assert.deepEqual(readConfig(env).profiles!.local.properties, props);
  assert.equal(rememberLocalProfile('127.0.0.1:19092', { env, properties: { ...props } }).action, 'unchanged');
  assert.equal(rememberLocalProfile('127.0.0.1:19092', { env }).action, 'updated', 'back to plaintext');
  assert.deepEqual(readConfig(env).profiles!.local.properties, {});
});

test("rememberLocalProfile leaves a user's own 'local' profile alone, and never throws", () => {
  const env = envIn();
  writeConfig({ profiles: { local: { bootstrap: 'devbox:9092', properties: { 'security.protocol': 'SSL' } } } }, env);
  const r = rememberLocalProfile('127.0.0.1:9092', { env });
  assert.equal(r.action, 'kept');
  assert.match(r.message!, /is yours; left unchanged/);
  assert.deepEqual(readConfig(env).profiles!.local, { bootstrap: 'devbox:9092', properties: { 'security.protocol': 'SSL' } });

  const broken = envIn();
  fs.mkdirSync(broken.KT_CONFIG_DIR, { recursive: true });
  fs.writeFileSync(configPath(broken), '{not json');
  const f = rememberLocalProfile('127.0.0.1:9092', { env: broken });
  assert.equal(f.action, 'failed');
  assert.match(f.message!, /^kt: warning: could not save profile 'local': cannot parse/);
  assert.equal(fs.readFileSync(configPath(broken), 'utf8'), '{not json', 'a broken file is not overwritten');
});
