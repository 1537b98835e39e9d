// What a client can make the broker hold, and what happens at each limit: max.message.bytes
// (MESSAGE_TOO_LARGE), max.connections (excess closed at once, logged), requests in flight per
// connection (reading stops: back-pressure, no error), frame buffers (grow with the bytes that
// arrive), fetch.max.bytes and the broker-wide fetch memory (a fetch waits, holding nothing).
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { ApiVersions } from '../../src/protocol/apis/apiVersions.js';
import { Fetch } from '../../src/protocol/apis/fetch.js';
import { Produce } from '../../src/protocol/apis/produce.js';
import { buildBatch } from '../../src/protocol/recordBatch.js';
import type { ApiSchema, ReqInput } from '../../src/protocol/schema.js';
import { WireClient } from '../../src/client/wireClient.js';
import { eventually, requestFrame, testBroker } from './helpers.js';

const frame = <A extends ApiSchema>(api: A, version: number, body: ReqInput<A>, correlationId = 1): Buffer => requestFrame(api, version, body, correlationId, 'limits-test');

const fetchBody = (topic: string, maxWaitMs: number, maxBytes = 1 << 20) => ({
  maxWaitMs, minBytes: 1, maxBytes, topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: maxBytes }] }],
});

function closedWithin(socket: net.Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

test('max.message.bytes: an oversized batch gets MESSAGE_TOO_LARGE and the connection stays usable', async () => {
  const broker = await testBroker();
  const kafka = new Kafka({ clientId: 'limits', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 1, initialRetryTime: 50 } });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'small', configEntries: [{ name: 'max.message.bytes', value: '1000' }] }] });
  await admin.disconnect();
  const c = await WireClient.connect('127.0.0.1', broker.port);
  try {
    const big = buildBatch([{ key: null, value: Buffer.alloc(5000, 1) }]);
    const r = await c.request(Produce, 7, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'small', partitionData: [{ index: 0, records: big }] }] });
    assert.equal(r.responses[0].partitionResponses[0].errorCode, 10, 'MESSAGE_TOO_LARGE');
    const ok = await c.request(Produce, 7, { acks: -1, timeoutMs: 1000, topicData: [{ name: 'small', partitionData: [{ index: 0, records: buildBatch([{ key: null, value: Buffer.from('fits') }]) }] }] });
    assert.equal(ok.responses[0].partitionResponses[0].errorCode, 0);
    assert.equal(ok.responses[0].partitionResponses[0].baseOffset, 0, 'the refused batch took no offset');

    const producer = kafka.producer();
    await producer.connect();
    await assert.rejects(producer.send({ topic: 'small', messages: [{ value: Buffer.alloc(5000, 2) }] }), (e: Error & { type?: string }) => e.type === 'MESSAGE_TOO_LARGE');
    await producer.disconnect();
  } finally {
    c.close();
    await broker.stop();
  }
});

test('max.connections: connections beyond the limit are closed at once, with one log line per burst', async () => {
  const lines: string[] = [];
  const broker = await testBroker({ maxConnections: 3, log: (l) => lines.push(l) });
  const clients: WireClient[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const c = await WireClient.connect('127.0.0.1', broker.port);
      assert.equal((await c.request(ApiVersions, 0, {})).errorCode, 0);
      clients.push(c);
    }
    assert.equal(broker.connectionCount, 3);
    const extra = Array.from({ length: 5 }, () => net.connect({ port: broker.port, host: '127.0.0.1' }).on('error', () => {}));
    const closed = await Promise.all(extra.map((s) => closedWithin(s, 5000)));
    assert.deepEqual(closed, [true, true, true, true, true]);
    assert.equal(broker.connectionCount, 3);
    const refusals = lines.filter((l) => l.includes('refused connection'));
    assert.equal(refusals.length, 1, refusals.join('\n'));
    assert.match(refusals[0], /3 connections open, max.connections is 3/);
    // the admitted clients are unaffected; a freed slot admits a new client
    assert.equal((await clients[0].request(ApiVersions, 0, {})).errorCode, 0);
    clients.pop()?.close();
    await eventually('the closed connection is released', () => broker.connectionCount === 2);
    const again = await WireClient.connect('127.0.0.1', broker.port);
    clients.push(again);
    assert.equal((await again.request(ApiVersions, 0, {})).errorCode, 0);
  } finally {
    for (const c of clients) c.close();
    await broker.stop();
  }
});

test('requests in flight: a connection past maxInFlightRequests stops being read until its queue drains', { timeout: 60_000 }, async () => {
  const broker = await testBroker({ maxInFlightRequests: 4, maxFrameBytes: 1 << 20 });
  broker.store.createTopic('bp', 1);
  const socket = net.connect({ port: broker.port, host: '127.0.0.1' });
  await new Promise((r) => socket.once('connect', r));
  let fetchAnsweredAt = 0;
  socket.on('data', () => (fetchAnsweredAt ||= Date.now()));
  try {
    // a long-polling fetch holds the connection (requests are handled in order) ...
    socket.write(frame(Fetch, 11, fetchBody('bp', 2500), 1));
    // ... while 400 acks=0 produce requests of 100 KB pile up behind it
    const value = Buffer.alloc(100_000, 7);
    const started = Date.now();
    for (let i = 0; i < 400; i++) {
      socket.write(frame(Produce, 7, { acks: 0, timeoutMs: 1000, topicData: [{ name: 'bp', partitionData: [{ index: 0, records: buildBatch([{ key: null, value }]) }] }] }, i + 2));
    }
    await new Promise((r) => setTimeout(r, 1000));
    // The broker stopped reading: most of the 40 MB is still in this client's buffer (the
    // kernel holds a few MB). Without back-pressure it would all be in the broker's queue.
    assert.ok(socket.writableLength > 20e6, `client still holds ${socket.writableLength} bytes`);
    assert.equal(fetchAnsweredAt, 0);
    assert.equal(broker.store.partition('bp', 0)!.logEndOffset, 0);
    // once the fetch is answered, reading resumes and every request is handled, none lost
    await eventually('all produce requests handled', () => broker.store.partition('bp', 0)!.logEndOffset === 400, 30_000);
    assert.ok(fetchAnsweredAt - started >= 2000, 'the fetch waited its max_wait_ms');
    assert.equal(socket.writableLength, 0);
    assert.ok(!socket.destroyed, 'back-pressure, not an error: the connection stays open');
  } finally {
    socket.destroy();
    await broker.stop();
  }
});

test('a frame buffer grows with the bytes that arrive, not with the size a client announces', async () => {
  const broker = await testBroker();
  const sockets: net.Socket[] = [];
  try {
    global.gc?.();
    const before = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 20; i++) {
      const s = net.connect({ port: broker.port, host: '127.0.0.1' }).on('error', () => {});
      const head = Buffer.alloc(4 + 1000, 1);
      head.writeInt32BE(90 << 20, 0); // announces 90 MiB, sends 1 KB
      s.write(head);
      sockets.push(s);
    }
    await eventually('all connections open', () => broker.connectionCount === 20);
    await new Promise((r) => setTimeout(r, 100));
    const grew = process.memoryUsage().arrayBuffers - before;
    assert.ok(grew < 32 << 20, `array buffers grew by ${grew} bytes for 20 announced 90 MiB frames`);
  } finally {
    for (const s of sockets) s.destroy();
    await broker.stop();
  }
});

test('fetch memory: fetch.max.bytes caps a response; with the pool used up a fetch waits holding nothing', { timeout: 30_000 }, async () => {
  const broker = await testBroker({ fetchMaxBytes: 64 << 10, fetchMemoryBytes: 1 << 20 });
  broker.store.createTopic('fm', 1);
  const log = broker.store.partition('fm', 0)!;
  for (let i = 0; i < 30; i++) log.append(buildBatch([{ key: null, value: Buffer.alloc(10_000, i) }]));
  const c = await WireClient.connect('127.0.0.1', broker.port);
  try {
    const capped = await c.request(Fetch, 11, fetchBody('fm', 0, 100 << 20));
    const bytes = capped.responses[0].partitions[0].records?.length ?? 0;
    assert.ok(bytes > 0 && bytes <= 64 << 10, `${bytes} bytes returned for max_bytes 100 MiB`);

    const held = broker.fetchMemory.tryReserve(1 << 20); // someone else holds all fetch memory
    assert.equal(held, 1 << 20);
    let started = Date.now();
    const starved = await c.request(Fetch, 11, fetchBody('fm', 300));
    assert.ok(Date.now() - started >= 250, 'waited for memory until max_wait_ms');
    assert.equal(starved.responses[0].partitions[0].errorCode, 0);
    assert.equal(starved.responses[0].partitions[0].records?.length ?? 0, 0, 'answered without records');
    assert.equal(starved.responses[0].partitions[0].highWatermark, 30);

    // max_wait_ms is an hour: only the released memory can answer it (a fetch that is not
    // woken leaves the test to time out), no clock involved
    const pending = c.request(Fetch, 11, fetchBody('fm', 3_600_000));
    setTimeout(() => broker.fetchMemory.release(held), 200);
    const woken = await pending;
    assert.ok((woken.responses[0].partitions[0].records?.length ?? 0) > 0);

    // no reservation outlives its response, also when the client goes away mid-fetch
    const quitter = await WireClient.connect('127.0.0.1', broker.port);
    void quitter.request(Fetch, 11, { ...fetchBody('fm', 10_000), topics: [{ topic: 'fm', partitions: [{ partition: 0, fetchOffset: 30, partitionMaxBytes: 1 << 20 }] }] }).catch(() => {});
    await new Promise((r) => setTimeout(r, 100));
    quitter.close();
    await Promise.all(Array.from({ length: 20 }, () => c.request(Fetch, 11, fetchBody('fm', 0))));
    await eventually('fetch memory returned', () => broker.fetchMemory.usedBytes === 0);
  } finally {
    c.close();
    await broker.stop();
  }
});
