// The embedded default (PRODUCT.md §2, step 6): with nothing configured, kt starts the local
// broker itself, says so once on stderr, and later commands share it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freePort, isolatedEnv, kt } from '../helpers.js';

test('with no bootstrap configured, produce auto-starts the local broker and consume shares it', async () => {
  const port = await freePort();
  // fresh config and data directories; no KT_BOOTSTRAP_SERVERS or KT_PROFILE
  const clean = isolatedEnv({ KT_LOCAL_PORT: String(port) });
  try {
    const produced = await kt(['produce', '--topic', 't'], { env: clean, stdin: 'first\nsecond\n' });
    assert.equal(produced.code, 0, produced.stderr);
    assert.match(produced.stderr, new RegExp(`^kt: started local broker on 127\\.0\\.0\\.1:${port} \\(stop: kt local stop\\)$`, 'm'));
    assert.match(produced.stderr, /Produced 2 messages to t/);

    const consumed = await kt(['consume', '--topic', 't', '--from-beginning', '--exit'], { env: clean });
    assert.equal(consumed.code, 0, consumed.stderr);
    assert.equal(consumed.out, 'first\nsecond\n');
    assert.doesNotMatch(consumed.stderr, /started local broker/, 'the running broker is reused');
    assert.match(consumed.stderr, /Processed a total of 2 messages/);
  } finally {
    await kt(['local', 'stop'], { env: clean });
  }
});
