import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { GroupCoordinator } from '../../../src/broker/groups/coordinator.js';
import { joinReq, MemoryOffsetStore } from './helpers.js';

test('close() cancels every timer and answers waiting JoinGroups', async () => {
  const gc = new GroupCoordinator(new MemoryOffsetStore(), { minSessionTimeoutMs: 1000 });
  const a = await gc.join(joinReq({ clientId: 'a' }));
  const waiting = gc.join(joinReq({ clientId: 'b' }));
  assert.ok(gc.timerCount >= 3, `session, join and sync timers are running (${gc.timerCount})`);
  gc.close();
  assert.equal(gc.timerCount, 0);
  assert.equal((await waiting).errorCode, 15);
  assert.equal(gc.heartbeat({ groupId: 'g', generationId: a.generationId, memberId: a.memberId, groupInstanceId: null }).errorCode, 15);
  assert.equal((await gc.join(joinReq())).errorCode, 15);
  assert.equal(gc.timerCount, 0, 'nothing new is scheduled after close');
});

// A child process with a clock whose timers are *not* unref'd: it can only exit if close()
// really clears them. Without close() it stays alive (which shows the check means something).
const SCRIPT = `
const [url, mode] = process.argv.slice(1);
const { GroupCoordinator } = await import(url);
const store = { commit() {}, get() {}, list: () => [], groups: () => [], groupMeta() {}, setGroupMeta() {}, deleteGroup() {}, deleteOffsets() {} };
const clock = { now: () => Date.now(), setTimer: (fn, ms) => setTimeout(fn, ms), clearTimer: (h) => clearTimeout(h) };
const gc = new GroupCoordinator(store, { clock });
const req = { groupId: 'g', memberId: '', groupInstanceId: null, sessionTimeoutMs: 60000, rebalanceTimeoutMs: 120000,
  protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }], clientId: 'a', clientHost: 'h',
  requireKnownMemberId: false };
await gc.join(req);
gc.join({ ...req, clientId: 'b' });
if (mode === 'close') gc.close();
// what keeps the event loop alive (unref'd timers are not listed)
console.log('timers', gc.timerCount, 'keeping alive', process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length);
`;

/**
 * Runs the child. 'close' is waited for until it exits (no time limit beyond the test's).
 * 'keep' is not waited out on a clock: once it printed, its ref'd timers are what would keep
 * it alive, read from the child itself; then it is stopped.
 */
function runChild(mode: 'close' | 'keep'): Promise<{ exited: boolean; code: number | null; out: string }> {
  const url = new URL('../../../src/broker/groups/coordinator.js', import.meta.url).href;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT, url, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let done = false;
    const finish = (r: { exited: boolean; code: number | null }) => {
      if (done) return;
      done = true;
      resolve({ ...r, out });
    };
    child.stdout.on('data', (d) => {
      out += d;
      if (mode === 'keep' && /keeping alive \d+/.test(out)) {
        finish({ exited: child.exitCode !== null, code: child.exitCode });
        child.kill();
      }
    });
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => finish({ exited: true, code }));
  });
}

test('a process exits after close() even with ref’d timers', { timeout: 120_000 }, async () => {
  const [closed, kept] = await Promise.all([runChild('close'), runChild('keep')]);
  assert.equal(closed.exited, true, closed.out);
  assert.equal(closed.code, 0, closed.out);
  assert.match(closed.out, /timers 0 keeping alive 0/);
  assert.equal(kept.exited, false, `without close() the timers keep it alive: ${kept.out}`);
  assert.match(kept.out, /timers [1-9]\d* keeping alive [1-9]/, 'without close() ref’d timers keep the event loop alive');
});

test('the default clock unrefs its timers', { timeout: 120_000 }, async () => {
  const script = `
const { GroupCoordinator } = await import(process.argv[1]);
const store = { commit() {}, get() {}, list: () => [], groups: () => [], groupMeta() {}, setGroupMeta() {}, deleteGroup() {}, deleteOffsets() {} };
const gc = new GroupCoordinator(store);
await gc.join({ groupId: 'g', memberId: '', groupInstanceId: null, sessionTimeoutMs: 60000, rebalanceTimeoutMs: 120000,
  protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }], clientId: 'a', clientHost: 'h',
  requireKnownMemberId: false });
console.log('timers', gc.timerCount);
`;
  const url = new URL('../../../src/broker/groups/coordinator.js', import.meta.url).href;
  // waited for until it exits: a process that hangs fails the test by its own timeout
  const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ code, out }));
  });
  assert.equal(result.code, 0, result.out);
  assert.match(result.out, /timers [1-9]/, 'timers were pending, yet the process exited');
});
