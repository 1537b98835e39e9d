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

test('the port kt local start --port chose wins over KT_LOCAL_PORT later; without --port, KT_LOCAL_PORT decides', async () => {
  const [p1, p2, p3] = [await freePort(), await freePort(), await freePort()];
  const env = isolatedEnv({ KT_LOCAL_PORT: String(p1) });
  const started = (r: { stderr: string }) => /started local broker on 127\.0\.0\.1:(\d+)/.exec(r.stderr)?.[1];
  try {
    // no --port: KT_LOCAL_PORT, and a new KT_LOCAL_PORT on the next start
    assert.equal((await kt(['local', 'start'], { env })).out, `127.0.0.1:${p1}\n`);
    assert.equal((await kt(['local', 'stop'], { env })).code, 0);
    const moved = await kt(['topics', 'list'], { env: { ...env, KT_LOCAL_PORT: String(p3) } });
    assert.equal(moved.code, 0, moved.stderr);
    assert.equal(started(moved), String(p3));
    assert.equal((await kt(['local', 'stop'], { env })).code, 0);
    // --port: remembered, and it wins over KT_LOCAL_PORT for the broker kt starts later
    assert.equal((await kt(['local', 'start', '--port', String(p2)], { env })).out, `127.0.0.1:${p2}\n`);
    assert.equal((await kt(['local', 'stop'], { env })).code, 0);
    const later = await kt(['topics', 'list'], { env });
    assert.equal(later.code, 0, later.stderr);
    assert.equal(started(later), String(p2));
    const status = JSON.parse((await kt(['local', 'status', '--json'], { env })).out);
    assert.equal(status.address, `127.0.0.1:${p2}`);
  } finally {
    await kt(['local', 'stop'], { env });
  }
});
