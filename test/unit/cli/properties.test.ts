import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseProperties, parseJaasConfig, parseKeyValues, readPropertiesFile, isSecretProperty } from '../../../src/cli/properties.js';
import { KtError, UsageError, redact, clearSecrets } from '../../../src/cli/errors.js';

test('Java properties: separators, comments, continuations, escapes', () => {
  const p = parseProperties(
    [
      '# comment',
      '! also comment',
      'security.protocol=SASL_SSL',
      'sasl.mechanism : SCRAM-SHA-512',
      'client.id kt-test',
      'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\',
      '    username="alice" \\',
      '    password="s3cr=t";',
      'tab=a\\tb',
      'uni=\\u0041',
      'empty=',
      '',
    ].join('\n'),
  );
  assert.equal(p['security.protocol'], 'SASL_SSL');
  assert.equal(p['sasl.mechanism'], 'SCRAM-SHA-512');
  assert.equal(p['client.id'], 'kt-test');
  assert.equal(p['sasl.jaas.config'], 'org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="s3cr=t";');
  assert.equal(p.tab, 'a\tb');
  assert.equal(p.uni, 'A');
  assert.equal(p.empty, '');
  assert.equal(Object.keys(p).length, 7);
});

test('JAAS config: username and password, quoted or not', () => {
  assert.deepEqual(parseJaasConfig('org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p w";'), {
    module: 'org.apache.kafka.common.security.plain.PlainLoginModule',
    username: 'u',
    password: 'p w',
  });
  assert.deepEqual(parseJaasConfig("X required username='a' password=b;"), { module: 'X', username: 'a', password: 'b' });
  assert.deepEqual(parseJaasConfig('X required password="with \\"quote\\"";').password, 'with "quote"');
});

test('-X KEY=VALUE pairs', () => {
  assert.deepEqual(parseKeyValues(['a=b', 'c=d=e', 'e='], '-X'), { a: 'b', c: 'd=e', e: '' });
  assert.throws(() => parseKeyValues(['novalue'], '-X'), UsageError);
  assert.throws(() => parseKeyValues(['=v'], '-X'), UsageError);
  assert.deepEqual(parseKeyValues(undefined, '-X'), {});
});

test('a properties file registers its secrets for redaction', () => {
  clearSecrets();
  const dir = mkdtempSync(join(tmpdir(), 'kt-props-'));
  const f = join(dir, 'client.properties');
  writeFileSync(f, 'security.protocol=SASL_PLAINTEXT\nsasl.jaas.config=X required username="bob" password="TopSecret99";\nssl.key.password=KeyPass42\n');
  readPropertiesFile(f);
  assert.equal(redact('echo TopSecret99 KeyPass42'), 'echo *** ***');
  clearSecrets();
  assert.throws(() => readPropertiesFile(join(dir, 'missing')), (e: unknown) => e instanceof KtError && /no such file/.test(e.message));
});

test('isSecretProperty', () => {
  assert.ok(isSecretProperty('sasl.password'));
  assert.ok(isSecretProperty('sasl.jaas.config'));
  assert.ok(isSecretProperty('ssl.key.password'));
  assert.ok(!isSecretProperty('security.protocol'));
});
