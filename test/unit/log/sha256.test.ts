// src/broker/log/sha256.ts: the same digest as node:crypto's SHA-256 (the data-directory lock's
// name must not change with the implementation: a broker and a CLI agree on it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { sha256Hex } from '../../../src/broker/log/sha256.js';

const node = (s: string) => createHash('sha256').update(s).digest('hex');

test('known digests (FIPS 180-4 examples)', () => {
  assert.equal(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'), '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
});

test('the same as node:crypto for every length across the block boundaries, and UTF-8 text', () => {
  for (let n = 0; n <= 300; n++) {
    const s = randomBytes(n).toString('latin1').slice(0, n);
    assert.equal(sha256Hex(s), node(s), `length ${n}`);
  }
  for (const s of ['2049:131073', '64769:9223372036854775807', 'dévice:ïnode ✓', '\u{1F600}'.repeat(40)]) assert.equal(sha256Hex(s), node(s), s);
});
