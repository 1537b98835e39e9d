// kt offsets (kafka-get-offsets) against records with known timestamps, produced with kafkajs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import type { Broker } from '../../src/index.js';
import { kt, testBroker } from '../helpers.js';

let broker: Broker;
let B: string;
const T0 = 1_700_000_000_000;

before(async () => {
  broker = await testBroker();
  B = broker.bootstrap;
  const c = await kt(['topics', 'create', 'clock', '--partitions', '2', '-b', B]);
  assert.equal(c.code, 0, c.stderr);
  const kafka = new Kafka({ brokers: [B], logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  // partition 0: 10 records at T0, T0+1s, ... T0+9s; partition 1: 5 records from T0+100s
  await producer.send({
    topic: 'clock',
    messages: [
      ...Array.from({ length: 10 }, (_, i) => ({ partition: 0, value: `p0-${i}`, timestamp: String(T0 + i * 1000) })),
      ...Array.from({ length: 5 }, (_, i) => ({ partition: 1, value: `p1-${i}`, timestamp: String(T0 + 100_000 + i * 1000) })),
    ],
  });
  await producer.disconnect();
  const other = await kt(['produce', '-t', 'other', '-b', B], { stdin: 'x\ny\n' });
  assert.equal(other.code, 0, other.stderr);
});
after(async () => {
  await broker?.stop();
});

test('default: latest offsets as kafka-get-offsets lines (topic:partition:offset)', async () => {
  const r = await kt(['offsets', 'clock', '-b', B]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.out, 'clock:0:10\nclock:1:5\n');
  const p1 = await kt(['offsets', 'clock:1', '-b', B]);
  assert.equal(p1.out, 'clock:1:5\n');
  const all = await kt(['offsets', '-b', B]);
  assert.equal(all.out, 'clock:0:10\nclock:1:5\nother:0:2\n');
});

test('--time earliest|-2 and latest|-1', async () => {
  assert.equal((await kt(['offsets', 'clock', '--time', '-2', '-b', B])).out, 'clock:0:0\nclock:1:0\n');
  assert.equal((await kt(['offsets', 'clock', '--time', 'latest', '-b', B])).out, 'clock:0:10\nclock:1:5\n');
});

test('--time earliest-local|-4: the earliest without tiered storage; latest-tiered|-5 and earliest-pending-upload|-6: no line', async () => {
  for (const t of ['earliest-local', '-4']) assert.equal((await kt(['offsets', 'clock', '--time', t, '-b', B])).out, 'clock:0:0\nclock:1:0\n', t);
  for (const t of ['latest-tiered', '-5', 'earliest-pending-upload', '-6']) {
    const r = await kt(['offsets', 'clock', '--time', t, '-b', B]);
    assert.deepEqual([r.code, r.out, r.stderr], [0, '', ''], t);
  }
  const j = JSON.parse((await kt(['offsets', 'clock:1', '--time', '-5', '--json', '-b', B])).out);
  assert.deepEqual(j, { time: 'latest-tiered', timestamp: null, partitions: [{ topic: 'clock', partition: 1, offset: null, earliest: 0, latest: 5 }] });
  const bad = await kt(['offsets', 'clock', '--time', '-7', '-b', B]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /invalid --time '-7'/);
});

test('--time by timestamp: the first offset at or after it; partitions without one are left out', async () => {
  const at = async (t: string) => (await kt(['offsets', 'clock', '--time', t, '-b', B])).out;
  assert.equal(await at(String(T0 + 3000)), 'clock:0:3\nclock:1:0\n', 'a record exactly at the time');
  assert.equal(await at(new Date(T0 + 2500).toISOString()), 'clock:0:3\nclock:1:0\n');
  assert.equal(await at(String(T0 + 101_500)), 'clock:1:2\n');
  assert.equal(await at(String(T0 + 999_000)), '');
  // the record with the highest timestamp (ListOffsets -3)
  assert.equal(await at('max-timestamp'), 'clock:0:9\nclock:1:4\n');
});

test('--json: one stable shape with earliest, latest and the offset for the time (null when none)', async () => {
  const r = await kt(['offsets', 'clock', '--time', String(T0 + 50_000), '--json', '-b', B]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.out), {
    time: 'timestamp',
    timestamp: T0 + 50_000,
    partitions: [
      { topic: 'clock', partition: 0, offset: null, earliest: 0, latest: 10 },
      { topic: 'clock', partition: 1, offset: 0, earliest: 0, latest: 5 },
    ],
  });
  const l = JSON.parse((await kt(['offsets', 'clock:0', '--json', '-b', B])).out);
  assert.deepEqual(l, { time: 'latest', timestamp: null, partitions: [{ topic: 'clock', partition: 0, offset: 10, earliest: 0, latest: 10 }] });
});

test('--long table; the Apache --topic/--partitions and --topic-partitions selectors', async () => {
  const t = await kt(['offsets', 'clock', '--long', '-b', B]);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.out, /^TOPIC\s+PARTITION\s+EARLIEST\s+LATEST\s+MESSAGES\s+OFFSET\nclock\s+0\s+0\s+10\s+10\s+10\nclock\s+1\s+0\s+5\s+5\s+5\n$/);
  assert.equal((await kt(['offsets', '--topic', 'cl.*', '--partitions', '1', '-b', B])).out, 'clock:1:5\n');
  assert.equal((await kt(['offsets', '--topic-partitions', 'clock:1-,other', '--time', '-2', '-b', B])).out, 'clock:1:0\nother:0:0\n');
  assert.equal((await kt(['offsets', '--topic-partitions', 'clock:-1', '-b', B])).out, 'clock:0:10\n');
});

test('errors: unknown topic or partition → 1; bad --time or mixed selectors → 2; nothing on stdout', async () => {
  const missing = await kt(['offsets', 'no-such-topic', '-b', B]);
  assert.equal(missing.code, 1);
  assert.equal(missing.out, '');
  assert.match(missing.stderr, /^kt: error: Topic 'no-such-topic' does not exist\./);
  const list = await kt(['topics', 'list', '-b', B]);
  assert.ok(!list.out.includes('no-such-topic'), 'kt offsets must not auto-create topics');
  const part = await kt(['offsets', 'clock:7', '-b', B]);
  assert.equal(part.code, 1);
  assert.match(part.stderr, /topic clock has no partition 7 \(it has 2\)/);
  for (const args of [['clock', '--time', 'yesterday'], ['clock', '--topic-partitions', 'clock:0']]) {
    const r = await kt(['offsets', ...args, '-b', B]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.out, '');
  }
});
