// kt local start offers itself as the `local` profile (rememberLocalProfile in
// src/cli/config.ts, called by src/commands/local/start.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, isolatedEnv, kt } from '../helpers.js';

test('kt local start creates the local profile (current unchanged); --profile local reaches the broker', async () => {
  const port = await freePort();
  const env = isolatedEnv({ KT_LOCAL_PORT: undefined });
  try {
    assert.equal((await kt(['profile', 'add', 'prod', '-b', 'kafka:9093', '--use'], { env })).code, 0);
    const start = await kt(['local', 'start', '--port', String(port)], { env });
    assert.equal(start.code, 0, start.stderr);
    assert.match(start.stderr, new RegExp(`kt: created profile 'local' for 127\\.0\\.0\\.1:${port}`));
    const list = JSON.parse((await kt(['profile', 'list', '--json'], { env })).out);
    assert.equal(list.current, 'prod');
    const local = list.profiles.find((p: { name: string }) => p.name === 'local');
    assert.deepEqual(local, { name: 'local', bootstrap: `127.0.0.1:${port}`, securityProtocol: 'PLAINTEXT', saslMechanism: null, current: false, managedBy: 'kt local start' });
    const c = await kt(['topics', 'create', 'via-local-profile', '--profile', 'local'], { env });
    assert.equal(c.code, 0, c.stderr);
    const again = await kt(['local', 'start', '--port', String(port)], { env });
    assert.equal(again.code, 0);
    assert.doesNotMatch(again.stderr, /profile 'local'/, 'nothing to say when unchanged');
  } finally {
    await kt(['local', 'stop'], { env });
  }
});
