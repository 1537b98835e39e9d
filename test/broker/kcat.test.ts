// kcat (librdkafka 2.0) from Debian's packages is a judge of the broker: metadata, produce
// and consume, and reading what kafkajs wrote.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { requirePeer, testBroker } from '../helpers.js';

const skip = requirePeer('kcat');

function kcat(args: string[], input?: string, timeoutMs = 20_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

test('kcat: -L lists topics and partitions, -P writes, -C -e reads what kafkajs wrote', { skip }, async () => {
  const broker = await testBroker();
  const b = broker.bootstrap;
  try {
    const kafka = new Kafka({ clientId: 'kt-test', brokers: [b], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'events', numPartitions: 3 }] });
    await admin.disconnect();

    const list = await kcat(['-b', b, '-L', '-t', 'events']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /topic "events" with 3 partitions/);
    for (const p of [0, 1, 2]) assert.match(list.stdout, new RegExp(`partition ${p}, leader 0`));

    // kafkajs writes, kcat reads
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'events',
      messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `from-kafkajs-${i}`, headers: { h: `v${i}` } })),
    });
    await producer.disconnect();
    const read = await kcat(['-b', b, '-C', '-t', 'events', '-e', '-q', '-f', '%k=%s;%h\n']);
    assert.equal(read.code, 0, read.stderr);
    const lines = read.stdout.trim().split('\n').sort();
    assert.equal(lines.length, 30);
    for (let i = 0; i < 30; i++) assert.ok(lines.includes(`k${i}=from-kafkajs-${i};h=v${i}`), `missing record ${i}`);

    // kcat writes (keys via -K), kafkajs reads
    const input = Array.from({ length: 20 }, (_, i) => `kk${i}:from-kcat-${i}`).join('\n') + '\n';
    const produced = await kcat(['-b', b, '-P', '-t', 'kcat-topic', '-K', ':']);
    assert.equal(produced.code, 0, produced.stderr);
    const produced2 = await kcat(['-b', b, '-P', '-t', 'kcat-topic', '-K', ':'], input);
    assert.equal(produced2.code, 0, produced2.stderr);
    const consumer = kafka.consumer({ groupId: 'reader' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'kcat-topic', fromBeginning: true });
    const got: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${got.length} records`)), 20_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          got.push(`${message.key?.toString()}:${message.value?.toString()}`);
          if (got.length === 20) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();
    assert.deepEqual(got, input.trim().split('\n'));
  } finally {
    await broker.stop();
  }
});

test('kcat -G: a librdkafka group consumer joins, consumes and commits', { skip }, async () => {
  const broker = await testBroker();
  const b = broker.bootstrap;
  try {
    const input = Array.from({ length: 10 }, (_, i) => `rec-${i}`).join('\n') + '\n';
    const produced = await kcat(['-b', b, '-P', '-t', 'grouped'], input);
    assert.equal(produced.code, 0, produced.stderr);
    // -G with -e: exit at the end of the partitions; offsets are committed on the way out
    const consumed = await kcat(['-b', b, '-G', 'kcat-group', '-X', 'auto.offset.reset=earliest', '-e', '-q', '-f', '%s\n', 'grouped'], undefined, 40_000);
    assert.equal(consumed.code, 0, consumed.stderr);
    assert.deepEqual(consumed.stdout.trim().split('\n'), input.trim().split('\n'));
    const offsets = broker.store.offsets.get('kcat-group', 'grouped', 0);
    assert.equal(offsets?.offset, 10, 'kcat committed the end offset');
  } finally {
    await broker.stop();
  }
});
