// Helpers shared by the kafkajs cross-check tests.
import assert from 'node:assert/strict';
import { require } from './helpers.js';

/** Versions kafkajs implements for an API (keys of its requests/<api>/index.js table). */
export function kafkajsVersions(api: string): number[] {
  const index = require(`kafkajs/src/protocol/requests/${api}/index.js`);
  return (index.versions as string[]).map(Number).sort((a, b) => a - b);
}

/** kafkajs' { request, response } for a version, built through its own index table. */
export function kafkajsProtocol(api: string, version: number, args: unknown) {
  const index = require(`kafkajs/src/protocol/requests/${api}/index.js`);
  return index.protocol({ version })(args);
}

/**
 * Subset deep-equality: every key of `expected` must match in `actual` (recursively);
 * arrays must have the same length. Buffers and primitives compare strictly.
 */
export function like(actual: unknown, expected: unknown, path = '$'): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: expected an array, got ${String(actual)}`);
    assert.equal(actual.length, expected.length, `${path}: length`);
    expected.forEach((e, i) => like(actual[i], e, `${path}[${i}]`));
    return;
  }
  if (expected !== null && typeof expected === 'object' && !Buffer.isBuffer(expected)) {
    assert.ok(actual !== null && typeof actual === 'object', `${path}: expected an object, got ${String(actual)}`);
    for (const [k, e] of Object.entries(expected)) like((actual as Record<string, unknown>)[k], e, `${path}.${k}`);
    return;
  }
  if (Buffer.isBuffer(expected)) {
    assert.ok(Buffer.isBuffer(actual) || actual instanceof Uint8Array, `${path}: expected bytes`);
    assert.equal(Buffer.from(actual as Uint8Array).toString('hex'), expected.toString('hex'), path);
    return;
  }
  assert.deepEqual(actual, expected, path);
}
