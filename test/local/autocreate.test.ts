// `kt local start --config auto.create.topics.enable=false` (issue 13: reported but ignored):
// the detached broker creates no topic a Metadata request names, and reports the setting.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DescribeConfigs } from '../../src/protocol/apis/describeConfigs.js';
import { Metadata } from '../../src/protocol/apis/metadata.js';
import { code } from '../../src/protocol/errors.js';
import { WireClient } from '../../src/broker/wireClient.js';
import { freePort, isolatedEnv, kt } from '../helpers.js';

test('kt local start --config auto.create.topics.enable=false: Metadata creates nothing; DescribeConfigs says false', async () => {
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
      const cfg = await c.request(DescribeConfigs, 4, { resources: [{ resourceType: 4, resourceName: '0', configurationKeys: ['auto.create.topics.enable'] }] });
      assert.deepEqual(cfg.results[0].configs.map((e) => [e.name, e.value]), [['auto.create.topics.enable', 'false']]);
    } finally {
      c.close();
    }
  } finally {
    await kt(['local', 'stop'], { env });
  }
});
