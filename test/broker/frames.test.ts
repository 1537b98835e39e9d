// Hostile bytes on the port close only the offending connection: the next client is served.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { WireClient } from '../../src/client/wireClient.js';
import { ApiVersions } from '../../src/protocol/apis/apiVersions.js';
import { Metadata } from '../../src/protocol/apis/metadata.js';
import { testBroker } from '../helpers.js';

function sendAndAwaitClose(port: number, bytes: Buffer): Promise<{ closed: boolean; received: number }> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    let received = 0;
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ closed: false, received });
    }, 3000);
    s.on('data', (b) => (received += b.length));
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(timer);
      resolve({ closed: true, received });
    });
    s.on('connect', () => s.write(bytes));
  });
}

test('garbage and oversized frames close only that connection', async () => {
  const broker = await testBroker({ maxFrameBytes: 1024 * 1024 });
  try {
    const oversized = Buffer.alloc(8);
    oversized.writeInt32BE(0x7fffffff, 0);
    assert.deepEqual(await sendAndAwaitClose(broker.port, oversized), { closed: true, received: 0 });

    const negative = Buffer.from([0xff, 0xff, 0xff, 0xfe, 1, 2, 3]);
    assert.equal((await sendAndAwaitClose(broker.port, negative)).closed, true);

    // a well-sized frame full of garbage: undecodable header/body
    const garbage = Buffer.alloc(64, 0xab);
    garbage.writeInt32BE(60, 0);
    assert.equal((await sendAndAwaitClose(broker.port, garbage)).closed, true);

    // an unknown API key
    const unknownApi = Buffer.alloc(14);
    unknownApi.writeInt32BE(10, 0);
    unknownApi.writeInt16BE(999, 4);
    assert.equal((await sendAndAwaitClose(broker.port, unknownApi)).closed, true);

    // the broker still answers a good client
    const c = await WireClient.connect('127.0.0.1', broker.port);
    const md = await c.request(Metadata, 1, { topics: null });
    assert.equal(md.brokers[0].port, broker.port);
    c.close();
  } finally {
    await broker.stop();
  }
});

test('an unsupported ApiVersions version gets UNSUPPORTED_VERSION with our range, in a v0 body', async () => {
  const broker = await testBroker();
  try {
    const c = await WireClient.connect('127.0.0.1', broker.port);
    // ApiVersions v9 (a future client): the body is answered as v0
    const frame = c.encode(ApiVersions, 3, {});
    frame.writeInt16BE(9, 6);
    const reply = await new Promise<Buffer>((resolve) => {
      const s = net.connect({ port: broker.port, host: '127.0.0.1' }, () => s.write(frame));
      s.once('data', (b) => {
        s.destroy();
        resolve(b);
      });
    });
    // size, correlation id, error code 35, one api key (18) with its range
    assert.equal(reply.readInt16BE(8), 35);
    assert.equal(reply.readInt32BE(10), 1);
    assert.equal(reply.readInt16BE(14), 18);
    assert.equal(reply.readInt16BE(16), 0);
    assert.equal(reply.readInt16BE(18), 5);
    // and the same connection's peers can retry lower
    const ok = await c.request(ApiVersions, 3, { clientSoftwareName: 'kt-test', clientSoftwareVersion: '1' });
    assert.equal(ok.errorCode, 0);
    assert.ok(ok.apiKeys.some((k) => k.apiKey === 0));
    c.close();
  } finally {
    await broker.stop();
  }
});
