// kt configs describe|alter (kafka-configs): incremental semantics keep unrelated overrides.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Broker } from '../../src/index.js';
import { kt, tempDir, testBroker } from '../helpers.js';

let broker: Broker;
let B: string;
before(async () => {
  broker = await testBroker();
  B = broker.bootstrap;
  const c = await kt(['topics', 'create', 'orders', '--config', 'retention.ms=3600000', '--config', 'segment.bytes=1048576', '-b', B]);
  assert.equal(c.code, 0, c.stderr);
});
after(async () => {
  await broker?.stop();
});

interface Cfg {
  name: string;
  value: string | null;
  source: string;
}
const overrides = async (topic = 'orders'): Promise<Record<string, string | null>> => {
  const r = await kt(['configs', 'describe', '--topic', topic, '--json', '-b', B]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.out);
  assert.equal(doc.resources.length, 1);
  return Object.fromEntries(doc.resources[0].configs.map((c: Cfg) => [c.name, c.value]));
};

test('describe: the overrides, as a table, as kafka-configs lines, and as JSON', async () => {
  const t = await kt(['configs', 'describe', '--topic', 'orders', '-b', B]);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.out, /^Topic orders\nNAME\s+VALUE\s+SOURCE\s+SENSITIVE\nretention\.ms\s+3600000\s+DYNAMIC_TOPIC_CONFIG\s+no\nsegment\.bytes\s+1048576\s+DYNAMIC_TOPIC_CONFIG\s+no\n$/);
  const a = await kt(['configs', '--describe', '--entity-type', 'topics', '--entity-name', 'orders', '-b', B]);
  assert.equal(a.code, 0, a.stderr);
  const lines = a.out.trimEnd().split('\n');
  assert.equal(lines[0], 'Dynamic configs for topic orders are:');
  assert.match(lines[1], /^ {2}retention\.ms=3600000 sensitive=false synonyms=\{DYNAMIC_TOPIC_CONFIG:retention\.ms=3600000(, DEFAULT_CONFIG:log\.retention\.\w+=\d+)?\}$/);
  assert.match(lines[2], /^ {2}segment\.bytes=1048576 sensitive=false synonyms=\{DYNAMIC_TOPIC_CONFIG:segment\.bytes=1048576[^}]*\}$/);
  const j = JSON.parse((await kt(['configs', 'describe', '--topic', 'orders', '--json', '-b', B])).out);
  const ret = j.resources[0].configs.find((c: Cfg) => c.name === 'retention.ms');
  assert.deepEqual(Object.keys(ret).sort(), ['name', 'readOnly', 'sensitive', 'source', 'synonyms', 'value']);
  assert.deepEqual(ret.synonyms[0], { name: 'retention.ms', value: '3600000', source: 'DYNAMIC_TOPIC_CONFIG' });
  assert.equal(j.resources[0].type, 'topic');
  const all = JSON.parse((await kt(['configs', 'describe', '--topic', 'orders', '--all', '--json', '-b', B])).out);
  const cleanup = all.resources[0].configs.find((c: Cfg) => c.name === 'cleanup.policy');
  assert.deepEqual([cleanup.value, cleanup.source], ['delete', 'DEFAULT_CONFIG']);
  const apacheAll = await kt(['configs', 'describe', '--topic', 'orders', '--all', '--apache', '-b', B]);
  assert.match(apacheAll.out, /^All configs for topic orders are:\n/);
});

test('alter --add-config keeps unrelated overrides; describe shows the change', async () => {
  const r = await kt(['configs', 'alter', '--topic', 'orders', '--add-config', 'cleanup.policy=[compact,delete],max.message.bytes=2000000', '-b', B]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.out, 'Completed updating config for topic orders.\n');
  assert.deepEqual(await overrides(), {
    'cleanup.policy': 'compact,delete',
    'max.message.bytes': '2000000',
    'retention.ms': '3600000',
    'segment.bytes': '1048576',
  });
});

test('alter --delete-config removes only that override; --json shape; Apache --alter style', async () => {
  const r = await kt(['configs', 'alter', '--topic', 'orders', '--delete-config', 'max.message.bytes', '--add-config', 'retention.ms=7200000', '--json', '-b', B]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.out), { type: 'topic', name: 'orders', set: { 'retention.ms': '7200000' }, deleted: ['max.message.bytes'] });
  assert.deepEqual(await overrides(), { 'cleanup.policy': 'compact,delete', 'retention.ms': '7200000', 'segment.bytes': '1048576' });
  const a = await kt(['configs', '--alter', '--entity-type', 'topics', '--entity-name', 'orders', '--delete-config', 'cleanup.policy', '-b', B]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(a.out, 'Completed updating config for topic orders.\n');
  assert.deepEqual(await overrides(), { 'retention.ms': '7200000', 'segment.bytes': '1048576' });
});

test('--add-config-file (Java properties)', async () => {
  const file = path.join(tempDir(), 'o.properties');
  fs.writeFileSync(file, '# overrides\nmin.compaction.lag.ms=1000\nmessage.timestamp.type = LogAppendTime\n');
  const r = await kt(['configs', 'alter', '--topic', 'orders', '--add-config-file', file, '-b', B]);
  assert.equal(r.code, 0, r.stderr);
  const o = await overrides();
  assert.equal(o['min.compaction.lag.ms'], '1000');
  assert.equal(o['message.timestamp.type'], 'LogAppendTime');
  assert.equal(o['segment.bytes'], '1048576');
});

test('the AlterConfigs fallback (brokers without IncrementalAlterConfigs) also keeps unrelated overrides', async () => {
  assert.equal((await kt(['topics', 'create', 'legacy', '--config', 'retention.ms=1000', '--config', 'segment.bytes=2097152', '-b', B])).code, 0);
  const { openKafka } = await import('../../src/client/index.js');
  const { withSession, alterConfigs } = await import('../../src/client/admin.js');
  const h = await openKafka({ brokers: [B], properties: {}, source: 'flag', debug: false });
  const res = await withSession(h, (s) => alterConfigs(s, { type: 'topic', name: 'legacy' }, { set: { 'cleanup.policy': 'compact' }, delete: ['retention.ms'] }, { legacy: true }));
  assert.equal(res.api, 'AlterConfigs');
  assert.deepEqual(await overrides('legacy'), { 'cleanup.policy': 'compact', 'segment.bytes': '2097152' });
  const inc = await withSession(h, (s) => alterConfigs(s, { type: 'topic', name: 'legacy' }, { set: { 'retention.ms': '5000' }, delete: [] }));
  assert.equal(inc.api, 'IncrementalAlterConfigs');
  assert.deepEqual(await overrides('legacy'), { 'cleanup.policy': 'compact', 'retention.ms': '5000', 'segment.bytes': '2097152' });
});

test('brokers: describe (dynamic: none on the bundled broker; --all: every config); alter is refused by it', async () => {
  const d = await kt(['configs', 'describe', '--broker', '0', '--apache', '-b', B]);
  assert.equal(d.code, 0, d.stderr);
  assert.equal(d.out, 'Dynamic configs for broker 0 are:\n');
  const all = JSON.parse((await kt(['configs', 'describe', '--broker', '0', '--all', '--json', '-b', B])).out);
  assert.deepEqual([all.resources[0].type, all.resources[0].name], ['broker', '0']);
  assert.ok(all.resources[0].configs.some((c: Cfg) => c.name === 'auto.create.topics.enable'));
  const every = JSON.parse((await kt(['configs', 'describe', '--entity-type', 'brokers', '--json', '-b', B])).out);
  assert.deepEqual(every.resources.map((r: { name: string }) => r.name), ['0', '']);
  const alter = await kt(['configs', 'alter', '--broker', '0', '--add-config', 'log.retention.ms=1000', '-b', B]);
  assert.equal(alter.code, 1);
  assert.match(alter.stderr, /^kt: error: broker 0: .*\(INVALID_REQUEST\)\n$/);
  const nobroker = await kt(['configs', 'describe', '--broker', '7', '-b', B]);
  assert.equal(nobroker.code, 1);
  assert.match(nobroker.stderr, /broker 7 is not in the cluster/);
});

test('errors: unknown topic → 1; unknown config name → 1; deleting what is not set, bad syntax, no entity → 2', async () => {
  const missing = await kt(['configs', 'describe', '--topic', 'nope', '-b', B]);
  assert.equal(missing.code, 1);
  assert.equal(missing.out, '');
  assert.match(missing.stderr, /Topic 'nope' does not exist/);
  const bogus = await kt(['configs', 'alter', '--topic', 'orders', '--add-config', 'bogus.key=1', '-b', B]);
  assert.equal(bogus.code, 1);
  assert.match(bogus.stderr, /INVALID_CONFIG/);
  const before = await overrides();
  for (const args of [
    ['alter', '--topic', 'orders', '--delete-config', 'cleanup.policy'],
    ['alter', '--topic', 'orders', '--add-config', 'novalue'],
    ['describe'],
  ]) {
    const r = await kt(['configs', ...args, '-b', B]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.out, '');
  }
  assert.deepEqual(await overrides(), before, 'failed alters changed nothing');
});
