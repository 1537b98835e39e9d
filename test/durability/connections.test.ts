// Hostile connections: silent ones, idle ones and half-sent requests. connections.max.idle.ms
// closes a connection with nothing going on; a connection that has not sent a request (on a
// SASL listener: not authenticated) within authenticationTimeoutMs is closed, and at
// max.connections the oldest such connection makes room for a new one; bytes of requests still
// arriving are bounded broker-wide (receiveMemoryBytes: the request that has gone longest
// without a byte is closed to make room) and a request must arrive whole within frameTimeoutMs.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { ApiVersions } from '../../src/protocol/apis/apiVersions.js';
import { DescribeConfigs } from '../../src/protocol/apis/describeConfigs.js';
import { Fetch } from '../../src/protocol/apis/fetch.js';
import { Produce } from '../../src/protocol/apis/produce.js';
import { buildBatch } from '../../src/protocol/recordBatch.js';
import { WireClient } from '../../src/client/wireClient.js';
import type { Broker } from '../../src/index.js';
import { exec } from '../security/helpers.js';
import { requirePeer } from '../helpers.js';
import { eventually, testBroker } from './helpers.js';

const kcatMissing = requirePeer('kcat');

function silent(port: number): Promise<net.Socket> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(s));
    s.on('error', () => {});
  });
}

const isClosed = (s: net.Socket): boolean => s.destroyed || s.readyState === 'closed' || s.readableEnded;

function closed(s: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (isClosed(s)) resolve();
    s.on('close', () => resolve());
    s.on('end', () => resolve());
  });
}

async function brokerConfig(broker: Broker, name: string): Promise<string | null | undefined> {
  const c = await WireClient.connect('127.0.0.1', broker.port);
  try {
    const r = await c.request(DescribeConfigs, 1, { resources: [{ resourceType: 4, resourceName: '0', configurationKeys: [name] }], includeSynonyms: false });
    return r.results[0].configs.find((x) => x.name === name)?.value;
  } finally {
    c.close();
  }
}

test('connections.max.idle.ms: an idle connection is closed, a long-polling one is not; DescribeConfigs reports the value', { timeout: 60_000 }, async () => {
  const lines: string[] = [];
  const broker = await testBroker({ connectionsMaxIdleMs: 400, log: (l) => lines.push(l) });
  const other = await testBroker();
  try {
    assert.equal(await brokerConfig(broker, 'connections.max.idle.ms'), '400');
    assert.equal(await brokerConfig(other, 'connections.max.idle.ms'), '600000', "Kafka's default");

    const idle = await WireClient.connect('127.0.0.1', broker.port);
    assert.equal((await idle.request(ApiVersions, 0, {})).errorCode, 0);
    await eventually('the idle connection is closed', () => broker.connectionCount === 0, 30_000);
    await assert.rejects(idle.request(ApiVersions, 0, {}));
    assert.ok(lines.some((l) => /closing connection from .*: idle for more than 400 ms \(connections.max.idle.ms\)/.test(l)), lines.join('\n'));

    // a Fetch waiting three times the idle time is a request in progress, not idleness
    broker.store.createTopic('quiet', 1);
    const polling = await WireClient.connect('127.0.0.1', broker.port);
    const r = await polling.request(Fetch, 11, { maxWaitMs: 1200, minBytes: 1, maxBytes: 1024, topics: [{ topic: 'quiet', partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1024 }] }] });
    assert.equal(r.responses[0].partitions[0].errorCode, 0);
    polling.close();

    // the same through the broker config, as `kt local start --config` passes it
    const viaConfig = await testBroker({ configs: { 'connections.max.idle.ms': 1234 } });
    assert.equal(await brokerConfig(viaConfig, 'connections.max.idle.ms'), '1234');
    await viaConfig.stop();
  } finally {
    await broker.stop();
    await other.stop();
  }
});

test('1000 silent connections do not lock out kcat and kafkajs; they are closed after authenticationTimeoutMs', { timeout: 120_000 }, async () => {
  const lines: string[] = [];
  const broker = await testBroker({ authenticationTimeoutMs: 60_000, log: (l) => lines.push(l) });
  const sockets: net.Socket[] = [];
  try {
    for (let i = 0; i < 1000; i++) sockets.push(await silent(broker.port));
    await eventually('all 1000 connections are open', () => broker.connectionCount === 1000);

    // max.connections is reached by connections that never sent a request: a new one takes
    // the place of the oldest of them
    const kafka = new Kafka({ clientId: 'real', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 2 } });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'still-here', numPartitions: 2 }] });
    assert.deepEqual(await admin.listTopics(), ['still-here']);
    await admin.disconnect();
    if (!kcatMissing) {
      const kcat = await exec('kcat', ['-b', broker.bootstrap, '-L', '-t', 'still-here', '-m', '10']);
      assert.equal(kcat.code, 0, kcat.stderr);
      assert.match(kcat.stdout, /topic "still-here" with 2 partitions/);
    }
    assert.ok(broker.connectionCount <= 1000);
    assert.ok(lines.some((l) => /closed the oldest connection that has not sent a request .* to make room/.test(l)), lines.filter((l) => !l.includes('auto-created')).slice(-5).join('\n'));
    assert.ok(sockets.some(isClosed), 'some silent connections made room');
  } finally {
    for (const s of sockets) s.destroy();
    await broker.stop();
  }

  // with a short timeout, silent connections go by themselves
  const quick = await testBroker({ authenticationTimeoutMs: 300, log: (l) => lines.push(l) });
  const more: net.Socket[] = [];
  try {
    for (let i = 0; i < 50; i++) more.push(await silent(quick.port));
    await Promise.all(more.map(closed));
    assert.equal(quick.connectionCount, 0);
    assert.ok(lines.some((l) => /no request within 300 ms \(authenticationTimeoutMs\)/.test(l)), lines.slice(-3).join('\n'));
    // a connection that sent its request is established: the timeout is for silent ones only
    const c = await WireClient.connect('127.0.0.1', quick.port);
    assert.equal((await c.request(ApiVersions, 0, {})).errorCode, 0);
    await new Promise((r) => setTimeout(r, 900));
    assert.equal((await c.request(ApiVersions, 0, {})).errorCode, 0);
    c.close();
  } finally {
    for (const s of more) s.destroy();
    await quick.stop();
  }
});

test('half-sent requests: their bytes are bounded broker-wide, and a request that stays incomplete is closed', { timeout: 120_000 }, async () => {
  const lines: string[] = [];
  const MiB = 1 << 20;
  const broker = await testBroker({ maxFrameBytes: 16 * MiB, receiveMemoryBytes: 40 * MiB, frameTimeoutMs: 3000, log: (l) => lines.push(l) });
  const sockets: net.Socket[] = [];
  try {
    global.gc?.();
    const before = process.memoryUsage().arrayBuffers;
    // 8 clients announce 16 MiB requests and send 10 MiB of each, then nothing
    for (let i = 0; i < 8; i++) {
      const s = await silent(broker.port);
      const head = Buffer.alloc(4 + 10 * MiB, i);
      head.writeInt32BE(16 * MiB, 0);
      s.write(head);
      sockets.push(s);
    }
    await eventually('the clients that did not fit are closed', () => sockets.filter(isClosed).length >= 6);
    assert.ok(broker.receiveMemory.usedBytes <= 40 * MiB, `${broker.receiveMemory.usedBytes} bytes held`);
    assert.ok(lines.some((l) => /receive memory .* used up: closing the request that has waited longest for its bytes/.test(l)), lines.join('\n'));

    // a real client still gets its 1 MiB produce request in while the budget is in use
    broker.store.createTopic('fits', 1);
    const c = await WireClient.connect('127.0.0.1', broker.port);
    const batch = buildBatch([{ key: null, value: Buffer.alloc(MiB - 100, 1) }]);
    const r = await c.request(Produce, 7, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'fits', partitionData: [{ index: 0, records: batch }] }] });
    assert.equal(r.responses[0].partitionResponses[0].errorCode, 0);
    c.close();

    // the rest never complete: closed after frameTimeoutMs, and their memory is back
    await Promise.all(sockets.map(closed));
    await eventually('receive memory is returned', () => broker.receiveMemory.usedBytes === 0);
    assert.ok(lines.some((l) => /request incomplete after 3000 ms \(frameTimeoutMs\)/.test(l)), lines.join('\n'));
    global.gc?.();
    const held = process.memoryUsage().arrayBuffers - before;
    console.log(`8 half-sent 16 MiB requests: ${lines.filter((l) => l.includes('receive memory')).length} closed to make room; array buffers ${(held / MiB).toFixed(0)} MiB above the start after the timeout`);
  } finally {
    for (const s of sockets) s.destroy();
    await broker.stop();
  }
});
