import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KtError, UsageError, ExitSignal, exitCodeOf, describeError, redact, registerSecret, clearSecrets, isParseError, oneLine, EXIT } from '../../../src/cli/errors.js';

test('exit codes: KtError, UsageError, ExitSignal, parse errors, others', () => {
  assert.equal(exitCodeOf(new KtError('x')), 1);
  assert.equal(exitCodeOf(new UsageError('x')), 2);
  assert.equal(exitCodeOf(new KtError('x', { exitCode: 3 })), 3);
  assert.equal(exitCodeOf(new ExitSignal(130)), 130);
  assert.equal(exitCodeOf(Object.assign(new Error('Nonexistent flag: --nope'), { parse: {}, oclif: { exit: 2 } })), 2);
  assert.equal(exitCodeOf(Object.assign(new Error('exit'), { code: 'EEXIT', oclif: { exit: 7 } })), 7);
  assert.equal(exitCodeOf(new Error('command foo not found')), 2);
  assert.equal(exitCodeOf(new Error('boom')), 1);
  assert.deepEqual(EXIT, { OK: 0, ERROR: 1, USAGE: 2, TIMEOUT: 3, INTERRUPTED: 130 });
});

test('isParseError recognises oclif parser errors by shape and class name', () => {
  class NonExistentFlagsError extends Error {}
  assert.ok(isParseError(new NonExistentFlagsError('x')));
  assert.ok(!isParseError(new Error('x')));
  assert.ok(!isParseError(null));
});

test('one line, with the hint after a dash', () => {
  assert.equal(describeError(new KtError('cannot connect', { hint: 'is it running?' })), 'cannot connect — is it running?');
  assert.equal(oneLine('first\n  second \n\nSee more help with --help'), 'first second');
  assert.equal(oneLine('\u001b[31mred\u001b[39m'), 'red');
});

test('unknown flag wording', () => {
  const e = Object.assign(new Error('Nonexistent flag: --nope\nSee more help with --help'), { parse: {} });
  assert.equal(describeError(e), 'unknown flag --nope — see kt --help');
});

test('secrets are redacted: registered values and common patterns', () => {
  clearSecrets();
  registerSecret('hunter2-secret');
  assert.equal(redact('auth failed for hunter2-secret'), 'auth failed for ***');
  assert.equal(redact('sasl.jaas.config=x required username="u" password="p@ss";'), 'sasl.jaas.config=x required username="u" password="***";');
  assert.equal(redact('sasl.password=abc123 next'), 'sasl.password=*** next');
  assert.equal(redact('ssl.key.password: abc'), 'ssl.key.password: ***');
  assert.equal(redact('url sasl://user:pw@host'), 'url sasl://user:***@host');
  assert.match(describeError(new KtError('bad login hunter2-secret')), /bad login \*\*\*/);
  clearSecrets();
});
