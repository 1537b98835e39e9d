// A consumer outlives a broker restart (issue 16 item 1): with and without --group it keeps
// retrying, prints every record once, and its final count is the number it printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, kt, spawnKt, tempDir, testBroker } from '../helpers.js';
import type { Broker } from '../../src/index.js';

async function restartCase(extra: string[]): Promise<void> {
  const dataDir = tempDir('kt-restart-');
  const port = await freePort();
  let broker: Broker = await testBroker({ port, dataDir });
  const B = broker.bootstrap;
  const topic = `restart-${process.pid}-${extra.length}`;
  try {
    const p1 = await kt(['produce', '-b', B, '-t', topic], { stdin: '1\n2\n3\n4\n5\n' });
    assert.equal(p1.code, 0, p1.stderr);
    const live = spawnKt(['consume', '-b', B, '-t', topic, '--from-beginning', ...extra]);
    try {
      await live.until('5 records', () => live.stdout.split('\n').length > 5);
      await broker.stop();
      if (extra.length === 0) await live.until('the retry notice', () => /retrying/.test(live.stderr));
      broker = await testBroker({ port, dataDir });
      const p2 = await kt(['produce', '-b', B, '-t', topic], { stdin: '6\n7\n8\n', timeoutMs: 60_000 });
      assert.equal(p2.code, 0, p2.stderr);
      await live.until('8 records', () => live.stdout.split('\n').length > 8);
      live.child.kill('SIGINT');
      const { code } = await live.exited;
      assert.equal(live.stdout, '1\n2\n3\n4\n5\n6\n7\n8\n');
      assert.match(live.stderr, /^Processed a total of 8 messages$/m, live.stderr);
      assert.equal(code, 130, live.stderr);
    } finally {
      live.child.kill('SIGKILL');
    }
  } finally {
    await broker.stop();
  }
}

test('consume without --group waits out a broker restart and counts what it printed', async () => {
  await restartCase([]);
});

test('consume --group waits out a broker restart and counts what it printed', async () => {
  await restartCase(['--group', `g-restart-${process.pid}`]);
});
