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
console.log('timers', gc.timerCount);
`;

function runChild(mode: string, waitMs: number): Promise<{ exited: boolean; code: number | null; out: string }> {
  const url = new URL('../../../src/broker/groups/coordinator.js', import.meta.url).href;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT, url, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      child.kill();
      resolve({ exited: false, code: null, out });
    }, waitMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ exited: true, code, out });
    });
  });
}

test('a process exits after close() even with ref’d timers', async () => {
  const [closed, kept] = await Promise.all([runChild('close', 20_000), runChild('keep', 1500)]);
  assert.equal(closed.exited, true, closed.out);
  assert.equal(closed.code, 0, closed.out);
  assert.match(closed.out, /timers 0/);
  assert.equal(kept.exited, false, `without close() the timers keep it alive: ${kept.out}`);
  assert.match(kept.out, /timers [1-9]/);
});

test('the default clock unrefs its timers', async () => {
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
  const result = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`still running: ${out}`));
    }, 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
  assert.equal(result.code, 0, result.out);
  assert.match(result.out, /timers [1-9]/, 'timers were pending, yet the process exited');
});
