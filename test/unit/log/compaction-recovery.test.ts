// Compaction on disk across crashes and restarts: a crash at every step of the segment swap
// leaves a correct log; the cleaner checkpoint and the cleaned segments survive a reopen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { logConfig } from '../../../src/broker/log/config.js';
import { CLEAN_SHUTDOWN_FILE, CLEANER_CHECKPOINT_FILE, DiskPartitionLog, type SwapStep } from '../../../src/broker/log/diskLog.js';
import { kv, readAll, tempDir, type Rec } from './helpers.js';

const CFG = { 'cleanup.policy': 'compact', 'segment.bytes': '600', 'delete.retention.ms': '0' };
/** Every pass runs "a minute later": the tombstone's delete.retention.ms (0) has surely passed,
 *  so whether it goes does not depend on the millisecond a pass happens to start in. */
const later = (): number => Date.now() + 60_000;

function open(dir: string, opts: { messages?: string[]; onSwapStep?: (s: SwapStep) => void } = {}): DiskPartitionLog {
  return new DiskPartitionLog({
    dir, topic: 't', partition: 0, config: logConfig(CFG), log: (m) => opts.messages?.push(m), onSwapStep: opts.onSwapStep,
  });
}

/** 8 keys x 12 rounds (a tombstone for k7 last), then unique fillers until all of it is sealed. */
function fill(log: DiskPartitionLog): void {
  for (let r = 0; r < 12; r++) {
    for (let k = 0; k < 8; k++) log.append(kv([[`k${k}`, k === 7 && r === 11 ? null : `r${r}-${'.'.repeat(30)}`]]));
  }
  const end = log.logEndOffset;
  for (let i = 0; log.describeSegments().at(-1)!.baseOffset < end; i++) log.append(kv([[`f${i}`, 'filler']]));
}

/** What must hold for any state between "not compacted" and "compacted". */
function assertValid(recs: Rec[], before: Rec[]): void {
  const byOffset = new Map(before.map((r) => [r.offset, r]));
  for (const r of recs) assert.deepEqual(r, byOffset.get(r.offset), `record at ${r.offset} is one that was written`);
  for (let i = 1; i < recs.length; i++) assert.ok(recs[i].offset > recs[i - 1].offset, 'offsets increase');
  const latest = new Map<string, Rec>();
  for (const r of before) latest.set(r.key, r);
  for (const r of latest.values()) {
    if (r.value === null) continue; // a tombstone may go (delete.retention.ms=0)
    assert.ok(recs.some((x) => x.offset === r.offset), `the latest record of ${r.key} (offset ${r.offset}) is kept`);
  }
}

for (const step of ['cleaned-written', 'swap-renamed', 'old-deleted', 'swap-installed'] as const) {
  test(`a crash after the swap step "${step}" leaves a correct log, and the next pass finishes the job`, () => {
    const dir = path.join(tempDir(), 't-0');
    const crashed = path.join(tempDir(), 't-0');
    let armed = false;
    const log = open(dir, {
      onSwapStep: (s) => {
        if (!armed || s !== step) return;
        armed = false;
        fs.cpSync(dir, crashed, { recursive: true }); // the files as a crash right here leaves them
        throw new Error('simulated crash');
      },
    });
    fill(log);
    const before = readAll(log);
    const end = log.logEndOffset;
    // the fully compacted result, from a copy
    const refDir = path.join(tempDir(), 't-0');
    fs.cpSync(dir, refDir, { recursive: true });
    const ref = open(refDir);
    ref.clean(later(), true);
    const expected = readAll(ref);
    ref.close();
    assert.ok(expected.length < before.length / 3);

    armed = true;
    assert.throws(() => log.clean(later(), true), /simulated crash/);
    const messages: string[] = [];
    const again = open(crashed, { messages });
    const recs = readAll(again);
    assertValid(recs, before);
    if (step === 'cleaned-written') assert.deepEqual(recs, before, 'nothing was swapped in yet');
    else assert.ok(recs.length < before.length, 'the first cleaned group is in');
    assert.equal(again.logEndOffset, end);
    const leftovers = fs.readdirSync(crashed).filter((f) => f.endsWith('.cleaned') || f.endsWith('.swap') || f.endsWith('.tmp'));
    assert.deepEqual(leftovers, []);
    assert.ok(messages.some((m) => m.includes('no clean-shutdown marker')), 'a compaction pass drops the clean-shutdown marker first');
    if (step === 'cleaned-written') assert.ok(messages.some((m) => m.includes('removed incomplete compaction output')), messages.join('\n'));
    if (step === 'swap-renamed' || step === 'old-deleted') assert.ok(messages.some((m) => m.includes('finished an interrupted compaction swap')), messages.join('\n'));
    again.clean(later(), true);
    assert.deepEqual(readAll(again), expected);
    assert.equal(again.append(kv([['k0', 'after']])).baseOffset, end);
    again.close();
  });
}

test('cleaned segments and the cleaner checkpoint survive clean and unclean reopens', () => {
  const dir = path.join(tempDir(), 't-0');
  const log = open(dir);
  fill(log);
  assert.ok(log.clean(later()));
  const recs = readAll(log);
  const segs = log.describeSegments();
  log.close();
  assert.match(fs.readFileSync(path.join(dir, CLEANER_CHECKPOINT_FILE), 'utf8'), /^\d+ -?\d+\n$/);

  const messages: string[] = [];
  const clean = open(dir, { messages });
  assert.deepEqual(readAll(clean), recs);
  assert.deepEqual(clean.describeSegments(), segs);
  assert.equal(clean.clean(later()), null, 'the checkpoint says the log is clean');
  assert.deepEqual(messages, []);
  clean.close();

  fs.rmSync(path.join(dir, CLEAN_SHUTDOWN_FILE));
  const unclean = open(dir);
  assert.deepEqual(readAll(unclean), recs);
  assert.deepEqual(unclean.describeSegments(), segs);
  unclean.close();

  fs.writeFileSync(path.join(dir, CLEANER_CHECKPOINT_FILE), 'garbage');
  const damaged: string[] = [];
  const third = open(dir, { messages: damaged });
  assert.ok(third.clean(later()), 'without a checkpoint the log is cleaned again');
  assert.ok(damaged.some((m) => m.includes('ignoring unreadable cleaner-offset-checkpoint')), damaged.join('\n'));
  assert.deepEqual(readAll(third), recs, 'cleaning a clean log changes nothing');
  third.close();
});

test('a cleaner checkpoint past a truncated end is pulled back, so new records count as dirty', () => {
  const dir = path.join(tempDir(), 't-0');
  const log = open(dir);
  fill(log);
  log.clean(later(), true);
  const end = log.logEndOffset;
  log.close();
  fs.writeFileSync(path.join(dir, CLEANER_CHECKPOINT_FILE), `${end + 500} -1\n`); // as if records were lost since
  const again = open(dir);
  assert.equal(fs.readFileSync(path.join(dir, CLEANER_CHECKPOINT_FILE), 'utf8'), `${end} -1\n`);
  again.close();
});
