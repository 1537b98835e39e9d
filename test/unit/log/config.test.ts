// Topic configs (names, validation, effective values) and topic-name rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BROKER_CONFIGS,
  TOPIC_CONFIGS,
  brokerDefaults,
  describeTopicConfigs,
  logConfig,
  resolveTopicConfig,
  validateTopicConfigs,
} from '../../../src/broker/log/config.js';
import { validateTopicName } from '../../../src/broker/log/names.js';

test('valid topic configs pass', () => {
  assert.equal(validateTopicConfigs({}), null);
  assert.equal(validateTopicConfigs({
    'cleanup.policy': 'compact,delete',
    'retention.ms': '-1',
    'retention.bytes': '1073741824',
    'segment.bytes': '1024',
    'flush.messages': '9223372036854775807',
    'message.timestamp.type': 'LogAppendTime',
    'compression.type': 'producer',
    'min.cleanable.dirty.ratio': '0.25',
    preallocate: 'FALSE',
  }), null);
});

test('a config the broker cannot act on accepts only the value in effect (nothing reported is not in effect)', () => {
  assert.equal(validateTopicConfigs({ 'compression.type': 'zstd' }), 'Invalid value zstd for configuration compression.type: the bundled broker supports only producer');
  assert.match(validateTopicConfigs({ preallocate: 'true' }) ?? '', /supports only false/);
  assert.match(validateTopicConfigs({ 'segment.jitter.ms': '10' }) ?? '', /supports only 0/);
  assert.match(validateTopicConfigs({ 'file.delete.delay.ms': '60000' }) ?? '', /supports only 0/);
  assert.throws(() => brokerDefaults({ 'log.preallocate': true }), /supports only false/);
  assert.equal(brokerDefaults({ 'log.segment.delete.delay.ms': '0' })['log.segment.delete.delay.ms'], '0');
});

test('unknown names and invalid values get a clear message', () => {
  assert.equal(validateTopicConfigs({ 'retention.mss': '1' }), 'Unknown topic config name: retention.mss');
  assert.equal(validateTopicConfigs({ 'retention.ms': 'abc' }), 'Invalid value abc for configuration retention.ms: Not a number of type LONG');
  assert.equal(validateTopicConfigs({ 'retention.ms': '-2' }), 'Invalid value -2 for configuration retention.ms: Value must be at least -1');
  assert.equal(validateTopicConfigs({ 'segment.bytes': '13' }), 'Invalid value 13 for configuration segment.bytes: Value must be at least 14');
  assert.equal(validateTopicConfigs({ 'segment.bytes': '2147483648' }), 'Invalid value 2147483648 for configuration segment.bytes: Not a number of type INT');
  assert.equal(validateTopicConfigs({ 'retention.ms': '9223372036854775808' }), 'Invalid value 9223372036854775808 for configuration retention.ms: Not a number of type LONG');
  assert.match(validateTopicConfigs({ 'cleanup.policy': 'delete,forever' }) ?? '', /String must be one of: compact, delete/);
  assert.match(validateTopicConfigs({ 'message.timestamp.type': 'createtime' }) ?? '', /String must be one of/);
  assert.match(validateTopicConfigs({ preallocate: 'yes' }) ?? '', /either true or false/);
  assert.match(validateTopicConfigs({ 'min.cleanable.dirty.ratio': '1.5' }) ?? '', /no more than 1/);
  assert.match(validateTopicConfigs({ 'flush.messages': '0' }) ?? '', /at least 1/);
});

test('every topic config has a valid Kafka default and a broker synonym', () => {
  for (const d of TOPIC_CONFIGS) {
    assert.equal(validateTopicConfigs({ [d.name]: d.default }), null, d.name);
    assert.ok(d.synonym && BROKER_CONFIGS.some((b) => b.name === d.synonym), d.name);
  }
});

test('effective values: topic override, else broker default, else Kafka default', () => {
  const defaults = brokerDefaults({ 'log.retention.ms': '1000', numPartitions: 4 });
  assert.deepEqual(
    [resolveTopicConfig('retention.ms', { 'retention.ms': '5' }, defaults)?.value, resolveTopicConfig('retention.ms', { 'retention.ms': '5' }, defaults)?.source],
    ['5', 'TOPIC_CONFIG'],
  );
  assert.equal(resolveTopicConfig('retention.ms', {}, defaults)?.value, '1000');
  assert.equal(resolveTopicConfig('retention.ms', {}, defaults)?.source, 'STATIC_BROKER_CONFIG');
  assert.equal(resolveTopicConfig('segment.bytes', {}, defaults)?.value, '1073741824');
  assert.equal(resolveTopicConfig('segment.bytes', {}, defaults)?.source, 'DEFAULT_CONFIG');
  assert.equal(resolveTopicConfig('no.such', {}, defaults), undefined);
  assert.equal(defaults['num.partitions'], '4');
  assert.equal(describeTopicConfigs({}, defaults).length, TOPIC_CONFIGS.length);
});

test('logConfig parses the values the log acts on', () => {
  const c = logConfig({ 'cleanup.policy': 'compact', 'retention.ms': '-1', 'flush.messages': '1' });
  assert.equal(c.compact, true);
  assert.equal(c.delete, false);
  assert.equal(c.retentionMs, -1);
  assert.equal(c.flushMessages, 1);
  const d = logConfig();
  assert.equal(d.delete, true);
  assert.equal(d.flushMessages, Infinity, 'Long.MAX means never');
  assert.equal(d.flushMs, Infinity);
  assert.equal(d.retentionMs, 604800000);
  assert.equal(d.retentionBytes, -1);
  assert.equal(d.segmentBytes, 1073741824);
  assert.equal(d.maxMessageBytes, 1048588);
  assert.equal(d.indexIntervalBytes, 4096);
  assert.equal(d.logAppendTime, false);
  assert.equal(logConfig({}, brokerDefaults({ 'log.flush.interval.messages': 1 })).flushMessages, 1);
});

test('topic names follow Kafka rules', () => {
  for (const ok of ['a', 'orders', 'my.topic_1-x', 'A'.repeat(249), '...a']) assert.equal(validateTopicName(ok), null, ok);
  for (const bad of ['', '.', '..', 'A'.repeat(250), 'with space', 'slash/', 'ümlaut', 'tab\t']) {
    assert.equal(typeof validateTopicName(bad), 'string', JSON.stringify(bad));
  }
  assert.match(validateTopicName('a b') ?? '', /ASCII alphanumerics, '.', '_' and '-'/);
});
