// What the bundled broker answers to DescribeConfigs, as kt configs shows it, against what
// Kafka answers. Kafka's synonyms of a topic config are the topic override, then the broker
// config it falls back to under the broker config's own name (log.retention.ms, not
// retention.ms), with STATIC_BROKER_CONFIG when the broker sets it and DEFAULT_CONFIG for the
// built-in default. (DynamicBrokerConfig / ConfigHelper.createTopicConfigEntry in Kafka.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Broker } from '../../src/index.js';
import { kt, testBroker } from '../helpers.js';

let broker: Broker;
let B: string;
before(async () => {
  broker = await testBroker({ configs: { 'log.retention.ms': 3600000 } });
  B = broker.bootstrap;
  assert.equal((await kt(['topics', 'create', 'overridden', '--config', 'retention.ms=5000', '-b', B])).code, 0);
  assert.equal((await kt(['topics', 'create', 'plain', '-b', B])).code, 0);
});
after(async () => {
  await broker?.stop();
});

interface Entry {
  name: string;
  value: string;
  source: string;
  synonyms: Array<{ name: string; value: string; source: string }>;
}
async function all(topic: string): Promise<Map<string, Entry>> {
  const r = await kt(['configs', 'describe', '--topic', topic, '--all', '--json', '-b', B]);
  assert.equal(r.code, 0, r.stderr);
  return new Map(JSON.parse(r.out).resources[0].configs.map((c: Entry) => [c.name, c]));
}

test('DescribeConfigs synonyms name the broker config and its source (STATIC_BROKER_CONFIG when the broker sets it)', async () => {
  const o = (await all('overridden')).get('retention.ms')!;
  assert.deepEqual(o.synonyms[0], { name: 'retention.ms', value: '5000', source: 'DYNAMIC_TOPIC_CONFIG' });
  // the broker was started with log.retention.ms: a static broker config, not a default
  assert.deepEqual(o.synonyms[1], { name: 'log.retention.ms', value: '3600000', source: 'STATIC_BROKER_CONFIG' });

  const p = await all('plain');
  const ret = p.get('retention.ms')!;
  assert.deepEqual([ret.value, ret.source], ['3600000', 'STATIC_BROKER_CONFIG']);
  assert.deepEqual(ret.synonyms[0], { name: 'log.retention.ms', value: '3600000', source: 'STATIC_BROKER_CONFIG' });
  const cleanup = p.get('cleanup.policy')!;
  assert.deepEqual(cleanup.synonyms[0], { name: 'log.cleanup.policy', value: 'delete', source: 'DEFAULT_CONFIG' });
});
