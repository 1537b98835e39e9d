// Where kt's bundled broker answers differently from Apache Kafka 4.4, as found by the end-to-end
// suites. Each assertion pins today's difference: when one is removed the test fails and must be
// updated together with README's list ("Differences from Apache Kafka").
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Broker } from '../../src/index.js';
import { WireClient } from '../../src/client/wireClient.js';
import { ApiVersions } from '../../src/protocol/apis/apiVersions.js';
import { CreateTopics } from '../../src/protocol/apis/createTopics.js';
import { DescribeConfigs } from '../../src/protocol/apis/describeConfigs.js';
import { Metadata } from '../../src/protocol/apis/metadata.js';
import { testBroker } from '../helpers.js';
import { apacheNode } from './targets.js';

let bundled: Broker;
let apache: { bootstrap: string; stop(): Promise<void> };
before(async () => {
  // the harness gives a single Apache node 5 offsets-topic partitions (test/kafka/kafka.ts);
  // the bundled broker the same, so that the configs compared below differ only by design
  bundled = await testBroker({ configs: { 'offsets.topic.num.partitions': '5' } });
  apache = await apacheNode();
});
after(async () => {
  await bundled?.stop();
  await apache?.stop();
});

async function client(bootstrap: string): Promise<WireClient> {
  const [host, port] = bootstrap.split(',')[0].split(':');
  return WireClient.connect(host, Number(port), { clientId: 'kt-differences' });
}

test('auto-creating a topic: the bundled broker answers with the new topic, Apache with UNKNOWN_TOPIC_OR_PARTITION first', async () => {
  const ask = async (bootstrap: string) => {
    const c = await client(bootstrap);
    try {
      const md = await c.request(Metadata, 9, { topics: [{ name: `auto-${process.pid}-${Date.now()}` }], allowAutoTopicCreation: true });
      return md.topics[0];
    } finally {
      c.close();
    }
  };
  const b = await ask(bundled.bootstrap);
  assert.equal(b.errorCode, 0);
  assert.equal(b.partitions.length, 1);
  assert.ok(b.partitions[0].leaderId >= 0);
  const a = await ask(apache.bootstrap);
  assert.equal(a.errorCode, 3, 'UNKNOWN_TOPIC_OR_PARTITION while the controller creates it (kt produce asks again)');
  assert.equal(a.partitions.length, 0);
});

test('ApiVersions: every API the bundled broker implements reaches Apache Kafka 4.4\'s max version (older versions kept)', async () => {
  const versions = async (bootstrap: string) => {
    const c = await client(bootstrap);
    try {
      const v = await c.request(ApiVersions, 3, { clientSoftwareName: 'kt-test', clientSoftwareVersion: '1' });
      assert.equal(v.errorCode, 0);
      return new Map(v.apiKeys.map((k: { apiKey: number; minVersion: number; maxVersion: number }) => [k.apiKey, [k.minVersion, k.maxVersion]]));
    } finally {
      c.close();
    }
  };
  const b = await versions(bundled.bootstrap);
  const a = await versions(apache.bootstrap);
  for (const [key, [bmin, bmax]] of b) {
    assert.ok(a.has(key), `API ${key}: Apache has it too`);
    const [amin, amax] = a.get(key)!;
    assert.equal(bmax, amax, `API ${key}: the bundled broker's max version is Apache's`);
    // intended difference (docs/protocol.md): versions older than Kafka 4.4's stay, for old clients
    assert.ok(bmin <= amin, `API ${key}: min ${bmin} ≤ Apache's ${amin}`);
  }
  // Apache's APIs the bundled broker does not implement yet (issue 13: delegation tokens,
  // quotas, ...): CreateDelegationToken among them; KIP-848's are there (68, 69)
  for (const key of [68, 69]) assert.deepEqual(b.get(key), a.get(key), `API ${key}: the same versions as Apache`);
  for (const key of [38]) {
    assert.equal(b.has(key), false, `bundled broker has API ${key}: update this test and docs/protocol.md`);
    assert.equal(a.has(key), true, `Apache has API ${key}`);
  }
});

test('broker configs: the values the bundled broker reports differently from Apache (log.message.timestamp.after.max.ms is 3600000 on both), and a topic config value it cannot act on is refused', async () => {
  const describe = async (bootstrap: string) => {
    const c = await client(bootstrap);
    try {
      const md = await c.request(Metadata, 9, { topics: [], allowAutoTopicCreation: false });
      const r = await c.request(DescribeConfigs, 4, { resources: [{ resourceType: 4, resourceName: String(md.brokers[0].nodeId), configurationKeys: null }], includeSynonyms: false, includeDocumentation: false });
      return new Map(r.results[0].configs.map((e: { name: string; value: string | null }) => [e.name, e.value]));
    } finally {
      c.close();
    }
  };
  const b = await describe(bundled.bootstrap);
  const a = await describe(apache.bootstrap);
  const differ = [...b].filter(([k, v]) => a.has(k) && a.get(k) !== v).map(([k, v]) => [k, v, a.get(k)]);
  assert.deepEqual(differ.sort(), [
    // Apache reports null where its value comes from an hours setting (log.*.hours); the bundled broker reports the value
    ['log.flush.interval.ms', '9223372036854775807', null],
    ['log.retention.ms', '604800000', null],
    ['log.roll.jitter.ms', '0', null],
    ['log.roll.ms', '604800000', null],
    // the bundled broker removes a deleted segment's files at once
    ['log.segment.delete.delay.ms', '0', '60000'],
  ], 'README "Differences from Apache Kafka" lists these');
  const create = async (bootstrap: string) => {
    const c = await client(bootstrap);
    try {
      const r = await c.request(CreateTopics, 7, { topics: [{ name: `prealloc-${process.pid}`, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'preallocate', value: 'true' }] }], timeoutMs: 5000, validateOnly: true });
      return r.topics[0].errorCode;
    } finally {
      c.close();
    }
  };
  assert.equal(await create(bundled.bootstrap), 40, 'INVALID_CONFIG: the bundled broker does not preallocate, so preallocate=true is refused');
  assert.equal(await create(apache.bootstrap), 0, 'Apache takes preallocate=true');
});
