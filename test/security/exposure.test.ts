// `kt local start --host` beyond loopback: a warning at each start when the listener lets
// anyone in, never remembered for the broker kt starts on demand, and Metadata advertises a
// host clients can use (the machine's name, or --advertised-host), never 0.0.0.0.
import assert from 'node:assert/strict';
import os from 'node:os';
import { test } from 'node:test';
import { Metadata } from '../../src/protocol/apis/metadata.js';
import { WireClient } from '../../src/client/wireClient.js';
import { freePort, isolatedEnv, kt } from '../helpers.js';

async function advertised(port: number): Promise<string> {
  const c = await WireClient.connect('127.0.0.1', port);
  try {
    const md = await c.request(Metadata, 1, { topics: [] });
    return md.brokers.map((b) => `${b.host}:${b.port}`).join(',');
  } finally {
    c.close();
  }
}

test('--host 0.0.0.0 in PLAINTEXT: warned at each start, advertised by host name, not reused by auto-start', async () => {
  const port = await freePort();
  const env = isolatedEnv({ KT_LOCAL_PORT: String(port) });
  try {
    const start = await kt(['local', 'start', '--host', '0.0.0.0'], { env });
    assert.equal(start.code, 0, start.stderr);
    assert.match(start.stderr, /kt: warning: .*0\.0\.0\.0.*PLAINTEXT.*anyone/);
    assert.equal(start.out, `${os.hostname()}:${port}\n`);
    assert.equal(await advertised(port), `${os.hostname()}:${port}`);
    const again = await kt(['local', 'start', '--host', '0.0.0.0'], { env });
    assert.match(again.stderr, /kt: warning: .*PLAINTEXT/);
    assert.equal((await kt(['local', 'stop'], { env })).code, 0);

    // A plain command starts the broker on demand: on loopback, whatever the last start did.
    const list = await kt(['topics', 'list'], { env });
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stderr, new RegExp(`started local broker on 127\\.0\\.0\\.1:${port}`));
    const status = JSON.parse((await kt(['local', 'status', '--json'], { env })).out);
    assert.equal(status.address, `127.0.0.1:${port}`);
    assert.equal(await advertised(port), `127.0.0.1:${port}`);
    assert.equal((await kt(['local', 'stop'], { env })).code, 0);

    const plain = await kt(['local', 'start'], { env });
    assert.equal(plain.out, `127.0.0.1:${port}\n`);
    assert.doesNotMatch(plain.stderr, /warning/);
  } finally {
    await kt(['local', 'stop'], { env });
  }
});

test('--advertised-host names the host Metadata gives clients; 0.0.0.0 is refused as one', async () => {
  const port = await freePort();
  const env = isolatedEnv({ KT_LOCAL_PORT: String(port) });
  try {
    const bad = await kt(['local', 'start', '--host', '0.0.0.0', '--advertised-host', '0.0.0.0'], { env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--advertised-host 0\.0\.0\.0/);

    const start = await kt(['local', 'start', '--host', '0.0.0.0', '--advertised-host', 'localhost'], { env });
    assert.equal(start.code, 0, start.stderr);
    assert.equal(start.out, `localhost:${port}\n`);
    assert.equal(await advertised(port), `localhost:${port}`);
    const list = await kt(['topics', 'list'], { env });
    assert.equal(list.code, 0, list.stderr);
  } finally {
    await kt(['local', 'stop'], { env });
  }
});

test('no warning for loopback, nor for a listener that authenticates and encrypts', async () => {
  const port = await freePort();
  const env = isolatedEnv({ KT_LOCAL_PORT: String(port) });
  try {
    const start = await kt(['local', 'start', '--host', '0.0.0.0', '--advertised-host', '127.0.0.1', '--user', 'alice:alice-secret', '--tls-self-signed'], { env });
    assert.equal(start.code, 0, start.stderr);
    assert.doesNotMatch(start.stderr, /warning/);
    assert.equal((await kt(['local', 'stop'], { env })).code, 0);
    const sasl = await kt(['local', 'start', '--host', '0.0.0.0', '--security-protocol', 'SASL_PLAINTEXT'], { env });
    assert.equal(sasl.code, 0, sasl.stderr);
    assert.match(sasl.stderr, /kt: warning: .*SASL_PLAINTEXT.*unencrypted/);
  } finally {
    await kt(['local', 'stop'], { env });
  }
});
