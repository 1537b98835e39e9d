// client/kafkajsPatches.ts's randomBytes: kafkajs' partitioner random source, looked up on
// first use instead of at load (no WebCrypto in every call); the same bytes source and checks.
// That kafkajs loads this module and the other replaced ones: test/unit/client/gateway.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { KAFKAJS_REPLACED, randomBytes } from '../../../src/client/kafkajsPatches.js';

test('random bytes of the size asked for, kafkajs\' error past 64 KiB', () => {
  assert.equal(KAFKAJS_REPLACED['producer/partitioners/legacy/randomBytes.js'], randomBytes);
  const a = randomBytes(32);
  const b = randomBytes(32);
  assert.ok(Buffer.isBuffer(a));
  assert.equal(a.length, 32);
  assert.notDeepEqual(a, b);
  assert.equal(randomBytes(65536).length, 65536);
  const { KafkaJSNonRetriableError } = createRequire(import.meta.url)('kafkajs/src/errors') as { KafkaJSNonRetriableError: new (m: string) => Error };
  assert.throws(() => randomBytes(65537), (e: Error) => e instanceof KafkaJSNonRetriableError && /Byte length \(65537\) exceeds/.test(e.message));
});

