// The CI smoke script (test/smoke/smoke.sh) as CI would run it: bash, no terminal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { freePort, isolatedEnv, REPO, run } from '../helpers.js';

const SCRIPT = path.join(REPO, 'test', 'smoke', 'smoke.sh');

test('smoke.sh: start, create, produce, cluster check, consume --exit, JSON counts, wrong steps, stop', { timeout: 300_000 }, async () => {
  const port = await freePort();
  const r = await run('bash', [SCRIPT, String(port)], { env: isolatedEnv(), timeoutMs: 280_000 });
  assert.equal(r.code, 0, `smoke.sh failed:\n${r.stderr}`);
  assert.equal(r.out, '', 'the script itself writes nothing on stdout');
  for (const s of ['create a topic', 'cluster check', 'deliberately wrong step', 'usage error', 'stop the broker', 'smoke: ok']) {
    assert.ok(r.stderr.includes(s), `step '${s}' ran`);
  }
});

test('smoke.sh fails loudly when a step misbehaves (port already taken by a non-Kafka server)', { timeout: 300_000 }, async () => {
  const net = await import('node:net');
  const server = net.createServer((s) => {
    s.on('error', () => undefined);
    s.end('not kafka\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as import('node:net').AddressInfo).port;
  try {
    const r = await run('bash', [SCRIPT, String(port)], { env: isolatedEnv(), timeoutMs: 280_000 });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /smoke: FAIL|kt: error/);
  } finally {
    server.close();
  }
});
