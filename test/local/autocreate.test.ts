// `kt local start --config auto.create.topics.enable=false` (issue 13: reported but ignored):
// the detached broker creates no topic a Metadata request names, and reports the setting;
// it reports the initial rebalance delay kt local start sets (0).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DescribeConfigs } from '../../src/protocol/apis/describeConfigs.js';
import { Metadata } from '../../src/protocol/apis/metadata.js';
import { code } from '../../src/protocol/errors.js';
import { WireClient } from '../../src/client/wireClient.js';
import { freePort, isolatedEnv, kt } from '../helpers.js';

test('kt local start --config auto.create.topics.enable=false: Metadata creates nothing; DescribeConfigs says false (and the local delay 0)', async () => {
  const port = await freePort();
  const env = isolatedEnv({ KT_LOCAL_PORT: String(port) });
  try {
    const start = await kt(['local', 'start', '--config', 'auto.create.topics.enable=false'], { env });
    assert.equal(start.code, 0, start.stderr);
    const c = await WireClient.connect('127.0.0.1', port);
    try {
      const md = await c.request(Metadata, 12, { topics: [{ name: 'never-made' }], allowAutoTopicCreation: true });
      assert.deepEqual(md.topics.map((t) => [t.name, t.errorCode]), [['never-made', code('UNKNOWN_TOPIC_OR_PARTITION')]]);
      const all = await c.request(Metadata, 12, { topics: null });
      assert.deepEqual(all.topics, []);
      const keys = ['auto.create.topics.enable', 'group.initial.rebalance.delay.ms'];
      const cfg = await c.request(DescribeConfigs, 4, { resources: [{ resourceType: 4, resourceName: '0', configurationKeys: keys }] });
      // kt local start turns Kafka's 3 s initial rebalance delay off (as Kafka's own
      // server.properties): reported as a static broker config, 0
      assert.deepEqual(
        cfg.results[0].configs.map((e) => [e.name, e.value, e.configSource]),
        [
          ['auto.create.topics.enable', 'false', 4],
          ['group.initial.rebalance.delay.ms', '0', 4],
        ],
      );
    } finally {
      c.close();
    }
  } finally {
    await kt(['local', 'stop'], { env });
  }
});
