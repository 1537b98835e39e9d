import { test } from 'node:test';
import assert from 'node:assert/strict';
import { colorLevel, canPrompt } from '../../../src/cli/output.js';

test('colour only on a TTY', () => {
  assert.equal(colorLevel({ isTTY: false, env: {} }), 0);
  assert.ok(colorLevel({ isTTY: true, env: {} }) > 0);
});

test('NO_COLOR and --no-color turn colour off; FORCE_COLOR turns it on', () => {
  assert.equal(colorLevel({ isTTY: true, env: { NO_COLOR: '1' } }), 0);
  assert.equal(colorLevel({ isTTY: true, env: {}, flag: false }), 0);
  assert.equal(colorLevel({ isTTY: true, env: { FORCE_COLOR: '1' }, flag: false }), 0);
  assert.equal(colorLevel({ isTTY: false, env: { FORCE_COLOR: '1' } }), 1);
  assert.equal(colorLevel({ isTTY: false, env: { FORCE_COLOR: '3' } }), 3);
  assert.equal(colorLevel({ isTTY: true, env: { FORCE_COLOR: '0' } }), 0);
  assert.equal(colorLevel({ isTTY: true, env: { TERM: 'dumb' } }), 0);
  assert.equal(colorLevel({ isTTY: true, env: { NO_COLOR: '' } }) > 0, true);
});

test('prompts only with TTY stdin and stdout, no --yes, no CI', () => {
  assert.equal(canPrompt({ env: {}, stdinTTY: true, stderrTTY: true }), true);
  assert.equal(canPrompt({ env: {}, stdinTTY: false, stderrTTY: true }), false);
  assert.equal(canPrompt({ env: {}, stdinTTY: true, stderrTTY: false }), false);
  assert.equal(canPrompt({ env: {}, stdinTTY: true, stderrTTY: true, yes: true }), false);
  assert.equal(canPrompt({ env: { CI: 'true' }, stdinTTY: true, stderrTTY: true }), false);
  assert.equal(canPrompt({ env: { CI: 'false' }, stdinTTY: true, stderrTTY: true }), true);
});
