import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { join } from 'node:path';
import { resolveConnection, locateBrokers, parseBrokerList } from '../../../src/cli/connection.js';
import { configDir, configPath, dataDir, readConfig } from '../../../src/cli/config.js';
import { KtError, UsageError } from '../../../src/cli/errors.js';

const cfg = {
  current: 'dev',
  profiles: {
    dev: { bootstrap: 'dev:9092' },
    prod: { bootstrap: 'p1:9093,p2:9093', properties: { 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'PLAIN' } },
  },
};

test('1. --bootstrap-server wins over everything', () => {
  const r = resolveConnection({ 'bootstrap-server': 'a:1,b:2', local: true, profile: 'prod' }, { KT_PROFILE: 'prod', KT_BOOTSTRAP_SERVERS: 'e:1' }, cfg);
  assert.deepEqual(r.brokers, ['a:1', 'b:2']);
  assert.equal(r.source, 'flag');
});

test('2. --local next', () => {
  const r = resolveConnection({ local: true, profile: 'prod' }, { KT_BOOTSTRAP_SERVERS: 'e:1' }, cfg);
  assert.equal(r.brokers, null);
  assert.equal(r.source, 'local');
});

test('3. --profile, then KT_PROFILE, with the profile properties', () => {
  const r = resolveConnection({ profile: 'prod' }, { KT_PROFILE: 'dev', KT_BOOTSTRAP_SERVERS: 'e:1' }, cfg);
  assert.deepEqual(r.brokers, ['p1:9093', 'p2:9093']);
  assert.equal(r.profile, 'prod');
  assert.equal(r.properties['security.protocol'], 'SASL_SSL');
  const e = resolveConnection({}, { KT_PROFILE: 'prod', KT_BOOTSTRAP_SERVERS: 'e:1' }, cfg);
  assert.equal(e.profile, 'prod');
});

test('4. KT_BOOTSTRAP_SERVERS before the config file', () => {
  const r = resolveConnection({}, { KT_BOOTSTRAP_SERVERS: 'env:9092' }, cfg);
  assert.deepEqual(r.brokers, ['env:9092']);
  assert.equal(r.source, 'env');
});

test('5. the current profile of the config file', () => {
  const r = resolveConnection({}, {}, cfg);
  assert.deepEqual(r.brokers, ['dev:9092']);
  assert.equal(r.source, 'config');
});

test('6. nothing configured: the local broker (default)', () => {
  const r = resolveConnection({}, {}, {});
  assert.equal(r.brokers, null);
  assert.equal(r.source, 'default');
});

test('-X overrides profile properties', () => {
  const r = resolveConnection({ profile: 'prod', X: ['sasl.mechanism=SCRAM-SHA-256'] }, {}, cfg);
  assert.equal(r.properties['sasl.mechanism'], 'SCRAM-SHA-256');
  assert.equal(r.properties['security.protocol'], 'SASL_SSL');
});

test('--command-config is read, -X wins over it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kt-conn-'));
  const f = join(dir, 'c.properties');
  writeFileSync(f, 'security.protocol=SSL\nclient.id=fromfile\n');
  const r = resolveConnection({ 'bootstrap-server': 'a:1', 'command-config': f, X: ['client.id=fromX'] }, {}, {});
  assert.equal(r.properties['security.protocol'], 'SSL');
  assert.equal(r.properties['client.id'], 'fromX');
});

test('unknown profile and bad addresses are usage errors', () => {
  assert.throws(() => resolveConnection({ profile: 'nope' }, {}, cfg), (e: unknown) => e instanceof UsageError && /known profiles: dev, prod/.test(e.message + (e as UsageError).hint));
  assert.throws(() => resolveConnection({ 'bootstrap-server': 'nohost' }, {}, {}), UsageError);
  assert.throws(() => resolveConnection({ 'bootstrap-server': '' }, {}, {}), UsageError);
  assert.throws(() => parseBrokerList('h:1,', 'x').length === 1 ? (() => { throw new UsageError('ok'); })() : undefined, UsageError);
  assert.deepEqual(parseBrokerList('[::1]:9092', 'x'), ['[::1]:9092']);
});

test('locateBrokers: explicit brokers pass through; local prints the notice only when started', async () => {
  const notes: string[] = [];
  assert.deepEqual(await locateBrokers({ brokers: ['a:1'], source: 'flag', properties: {} }, (l) => notes.push(l)), ['a:1']);
  const b = await locateBrokers({ brokers: null, source: 'default', properties: {} }, (l) => notes.push(l), async () => ({ bootstrap: '127.0.0.1:9092', started: true }));
  assert.deepEqual(b, ['127.0.0.1:9092']);
  assert.deepEqual(notes, ['kt: started local broker on 127.0.0.1:9092 (stop: kt local stop)']);
  await locateBrokers({ brokers: null, source: 'local', properties: {} }, (l) => notes.push(l), async () => ({ bootstrap: '127.0.0.1:9092', started: false }));
  assert.equal(notes.length, 1);
  await assert.rejects(
    locateBrokers({ brokers: null, source: 'default', properties: {} }, () => undefined, async () => { throw new Error('port busy'); }),
    (e: unknown) => e instanceof KtError && /cannot start the local broker: port busy/.test(e.message),
  );
});

test('config and data directories', () => {
  assert.equal(configDir({ KT_CONFIG_DIR: '/x' }), '/x');
  assert.equal(configDir({ XDG_CONFIG_HOME: '/xdg' }), '/xdg/kt');
  assert.equal(configDir({}), join(homedir(), '.config', 'kt'));
  assert.equal(dataDir({ KT_DATA_DIR: '/d' }), '/d');
  assert.equal(dataDir({ XDG_DATA_HOME: '/xd' }), '/xd/kt');
  assert.equal(dataDir({}), join(homedir(), '.local', 'share', 'kt'));
  assert.equal(configPath({ KT_CONFIG_DIR: '/x' }), '/x/config.json');
});

test('readConfig: missing file is empty, broken file is an error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kt-cfg-'));
  assert.deepEqual(readConfig({ KT_CONFIG_DIR: join(dir, 'none') }), {});
  mkdirSync(join(dir, 'bad'));
  writeFileSync(join(dir, 'bad', 'config.json'), '{oops');
  assert.throws(() => readConfig({ KT_CONFIG_DIR: join(dir, 'bad') }), KtError);
  mkdirSync(join(dir, 'good'));
  writeFileSync(join(dir, 'good', 'config.json'), JSON.stringify(cfg));
  assert.equal(readConfig({ KT_CONFIG_DIR: join(dir, 'good') }).current, 'dev');
  // resolution reads the file when no config is passed
  const r = resolveConnection({}, { KT_CONFIG_DIR: join(dir, 'good') });
  assert.deepEqual(r.brokers, ['dev:9092']);
});
