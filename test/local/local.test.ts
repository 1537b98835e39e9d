// `kt local start|status|stop` as a new user types them, against a private data directory
// and port.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { freePort, isolatedEnv, kt } from '../helpers.js';

test('kt local start, status, stop: a detached broker that keeps its data', async () => {
  const port = await freePort();
  const env = isolatedEnv({ KT_LOCAL_PORT: String(port) });
  try {
    const before = await kt(['local', 'status'], { env });
    assert.equal(before.code, 1, 'status exits 1 while stopped');
    assert.match(before.out, /running\s+no/);

    const start = await kt(['local', 'start'], { env });
    assert.equal(start.code, 0, start.stderr);
    assert.equal(start.out, `127.0.0.1:${port}\n`);
    assert.match(start.stderr, /started local broker on 127\.0\.0\.1:\d+/);
    const again = await kt(['local', 'start'], { env });
    assert.equal(again.code, 0);
    assert.match(again.stderr, /already running/);

    const kafka = new Kafka({ clientId: 'kt-test', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'kept', messages: [{ value: 'survives a restart' }] });
    await producer.disconnect();

    const status = await kt(['local', 'status', '--json'], { env });
    assert.equal(status.code, 0, status.stderr);
    const s = JSON.parse(status.out);
    assert.equal(s.running, true);
    assert.equal(s.address, `127.0.0.1:${port}`);
    assert.equal(s.topics, 1);
    assert.ok(s.bytesOnDisk > 0);

    const stop = await kt(['local', 'stop'], { env });
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal((await kt(['local', 'status'], { env })).code, 1);

    const restart = await kt(['local', 'start'], { env });
    assert.equal(restart.code, 0, restart.stderr);
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets('kept');
    await admin.disconnect();
    assert.deepEqual(offsets.map((o) => [o.partition, o.low, o.high]), [[0, '0', '1']]);
  } finally {
    await kt(['local', 'stop'], { env });
  }
});

test('a port taken by the local broker of another data directory: the error says how to find it', async () => {
  const port = await freePort();
  const env = isolatedEnv({ KT_LOCAL_PORT: String(port) });
  const other = `${env.KT_DATA_DIR}-other`;
  try {
    const start = await kt(['local', 'start', '--data-dir', other], { env });
    assert.equal(start.code, 0, start.stderr);
    const r = await kt(['produce', '-t', 'x', '--value', 'v'], { env });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^kt: error: cannot start the local broker: port ${port} on 127\\.0\\.0\\.1 is in use by another program \\(or by the local broker of another data directory: kt local stop --data-dir DIR\\)`));
  } finally {
    await kt(['local', 'stop', '--data-dir', other], { env });
  }
});
