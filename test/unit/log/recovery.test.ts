// Recovery bounded by a recovery point, and damage that is reported, never amplified
// (docs/durability.md, "Recovery at start" and "Damaged data"). Each test flips bits in files
// a log wrote, then opens the directory again as a restart would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { logConfig } from '../../../src/broker/log/config.js';
import { CLEAN_SHUTDOWN_FILE, DiskPartitionLog, RECOVERY_POINT_FILE } from '../../../src/broker/log/diskLog.js';
import { batchesIn } from '../../../src/protocol/recordBatch.js';
import { batch, consumeStepping, flipBits, flipRandom, recordsOf, tempDir } from './helpers.js';

const RECORDS_PER_BATCH = 10;
const BATCHES = 500; // 5000 records
const seg = (dir: string, base: number, suffix = '.log') => path.join(dir, String(base).padStart(20, '0') + suffix);

function open(dir: string, configs: Record<string, string>, messages: string[] = []): DiskPartitionLog {
  return new DiskPartitionLog({ dir, topic: 't', partition: 0, config: logConfig(configs), log: (m) => messages.push(m) });
}

/**
 * 5000 records in 9 segments, written with flush.messages=1 (every append fsynced and
 * acknowledged) and never closed: the state a SIGKILL leaves.
 */
function nineSegments(): { dir: string; configs: Record<string, string>; log: DiskPartitionLog; values: Map<number, string> } {
  const dir = path.join(tempDir(), 't-0');
  const size = batch(RECORDS_PER_BATCH, { prefix: 'x', valueSize: 40 }).length;
  const configs = { 'segment.bytes': String(56 * size), 'flush.messages': '1' };
  const log = open(dir, configs);
  const values = new Map<number, string>();
  for (let i = 0; i < BATCHES; i++) {
    const r = log.append(batch(RECORDS_PER_BATCH, { prefix: `b${i}`, valueSize: 40 }));
    for (let j = 0; j < RECORDS_PER_BATCH; j++) values.set(r.baseOffset + j, `b${i}-${j}`.padEnd(40, '.'));
  }
  assert.equal(log.describeSegments().length, 9);
  assert.equal(log.logEndOffset, BATCHES * RECORDS_PER_BATCH);
  return { dir, configs, log, values };
}

/** Byte positions of the batches of a segment file. */
function batchPositions(file: string): number[] {
  return [...batchesIn(fs.readFileSync(file))].map(([pos]) => pos);
}

for (const variant of ['with a recovery point', 'without a recovery point (an older data directory)'] as const) {
  for (const where of ['in the records', 'in the length field', 'in the base offset', 'in the base offset, raising it a little', 'in the base offset, lowering it a little'] as const) {
    // The base offset is outside the CRC: a small change makes the batch overlap a neighbour,
    // and which of the two is wrong cannot be known, so both are lost (never served wrong).
    const batchesLost = where.includes('a little') ? 2 : 1;
    test(`a bit flip ${where} of a batch in segment 2 of 9 after a SIGKILL, ${variant}: only ${batchesLost === 1 ? 'that batch is' : 'it and its neighbour are'} lost`, () => {
      const { dir, configs, values } = nineSegments();
      // no close(): the restart below is unclean
      assert.ok(!fs.existsSync(path.join(dir, CLEAN_SHUTDOWN_FILE)));
      if (variant !== 'with a recovery point') fs.rmSync(path.join(dir, RECOVERY_POINT_FILE));
      const bases = fs.readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
      const file = path.join(dir, bases[1]);
      const positions = batchPositions(file);
      const victim = positions[Math.floor(positions.length / 2)];
      if (where.includes('a little')) {
        const buf = fs.readFileSync(file);
        const base = Number(buf.readBigInt64BE(victim));
        const raise = where.includes('raising');
        const bit = [4, 5, 6, 7].find((b) => ((base >> b) & 1) === (raise ? 0 : 1));
        assert.ok(bit !== undefined);
        flipBits(file, victim + 7, 1 << bit); // a low byte of the base offset: it moves by 16 to 128
      } else {
        flipBits(file, victim + (where === 'in the records' ? 100 : where === 'in the length field' ? 9 : 3), 0x10);
      }

      const messages: string[] = [];
      const again = open(dir, configs, messages);
      assert.equal(again.logEndOffset, 5000, 'the high watermark does not go back');
      assert.equal(again.describeSegments().length, 9, 'no segment is deleted');
      assert.ok(!messages.some((m) => /deleted|truncated/.test(m)), messages.join('\n'));
      const { records, reported } = consumeStepping(again, again.logStartOffset, 64 * 1024);
      assert.equal(records.size, 5000 - batchesLost * RECORDS_PER_BATCH, `kept ${records.size} of 5000`);
      assert.equal(reported.length, batchesLost * RECORDS_PER_BATCH, 'each offset of the damaged batch is reported');
      for (const [offset, value] of records) assert.equal(value, values.get(offset), `offset ${offset}`);
      const lost = [...values.keys()].filter((o) => !records.has(o));
      assert.deepEqual(lost, reported);
      assert.ok(messages.some((m) => m.includes(`offsets ${lost[0]}..${lost[lost.length - 1]}`)), messages.join('\n'));
      // New records get new offsets.
      assert.equal(again.append(batch(1)).baseOffset, 5000);
      again.close();
      console.log(`bit flip ${where} of segment 2 of 9, ${variant}: ${records.size} of 5000 records kept (before: 840, the log cut in the middle of segment 2 and 7 segments deleted)`);
    });
  }
}

test('segments below the recovery point are not read at an unclean start', () => {
  const { dir, configs, log } = nineSegments();
  const segs = log.describeSegments();
  const active = segs[segs.length - 1].baseOffset;
  assert.equal(fs.readFileSync(path.join(dir, RECOVERY_POINT_FILE), 'utf8'), `${active}\n`, 'a roll checkpoints the new segment base');
  // Damage in a trusted segment is not looked for at start: nothing is read, nothing logged about it.
  flipBits(seg(dir, segs[3].baseOffset), 200, 0x10);
  const messages: string[] = [];
  const again = open(dir, configs, messages);
  assert.equal(messages[0], `t-0: no clean-shutdown marker: checking 1 segment(s) from the recovery point ${active}; 8 older segment(s) trusted`);
  // The active segment's indexes live in memory until it rolls: rebuilt, as after any crash.
  assert.deepEqual(messages.slice(1).filter((m) => !m.includes(`${String(active).padStart(20, '0')}.log: rebuilt`)), []);
  messages.length = 0;
  // A read finds it, reports it once and refuses those offsets only.
  const { records, reported } = consumeStepping(again, again.logStartOffset, 64 * 1024);
  assert.equal(records.size, 5000 - RECORDS_PER_BATCH);
  assert.equal(reported.length, RECORDS_PER_BATCH);
  assert.equal(messages.filter((m) => m.includes('damaged data')).length, 1, messages.join('\n'));
  again.close();
  assert.equal(fs.readFileSync(path.join(dir, RECOVERY_POINT_FILE), 'utf8'), '5000\n', 'a clean stop checkpoints the log end');
});

test('the recovery point follows flushes once a minute; a damaged last batch below it is kept, not cut', () => {
  const dir = path.join(tempDir(), 't-0');
  const configs = { 'flush.messages': '1' };
  const log = open(dir, configs);
  for (let i = 0; i < 20; i++) log.append(batch(5, { prefix: `b${i}` }));
  assert.ok(!fs.existsSync(path.join(dir, RECOVERY_POINT_FILE)), 'one segment, always checked: nothing to record yet');
  log.maintain(Date.now() + 61_000);
  assert.equal(fs.readFileSync(path.join(dir, RECOVERY_POINT_FILE), 'utf8'), '100\n');
  // SIGKILL, then the last (fsynced, acknowledged) batch turns out damaged.
  const file = seg(dir, 0);
  const positions = batchPositions(file);
  flipBits(file, positions[positions.length - 1] + 70, 0x10);
  const messages: string[] = [];
  const again = open(dir, configs, messages);
  assert.equal(again.logEndOffset, 100, 'not cut: the offsets are not reused');
  assert.ok(messages.some((m) => m.includes('offsets 95..99 cannot be read')), messages.join('\n'));
  assert.throws(() => again.read(97, 1 << 20), { name: 'CORRUPT_MESSAGE' });
  assert.equal(again.append(batch(1)).baseOffset, 100);
  assert.deepEqual(recordsOf(again.read(100, 1 << 20)).map((r) => r.offset), [100]);
  again.close();
});

test('a torn tail above the recovery point is still cut off', () => {
  const dir = path.join(tempDir(), 't-0');
  const log = open(dir, {});
  for (let i = 0; i < 20; i++) log.append(batch(5, { prefix: `b${i}` }));
  // SIGKILL in the middle of the last write: the recovery point is the segment's base (0).
  const file = seg(dir, 0);
  fs.truncateSync(file, fs.statSync(file).size - 7);
  const messages: string[] = [];
  const again = open(dir, {}, messages);
  assert.equal(again.logEndOffset, 95);
  assert.ok(messages.some((m) => m.includes('truncated')), messages.join('\n'));
  assert.equal(again.append(batch(1)).baseOffset, 95);
  again.close();
});

test('ListOffsets by timestamp over damaged data answers its first offset; compaction leaves the segment as it is', () => {
  const dir = path.join(tempDir(), 't-0');
  const configs = { 'segment.bytes': '1200', 'cleanup.policy': 'compact', 'min.cleanable.dirty.ratio': '0.01' };
  const log = open(dir, configs);
  const T = 1_700_000_000_000;
  for (let i = 0; i < 30; i++) log.append(batch(2, { prefix: `b${i}`, timestamp: T + i * 1000 }));
  const segs = log.describeSegments();
  assert.ok(segs.length >= 3);
  log.close();
  const file = seg(dir, segs[0].baseOffset);
  const positions = batchPositions(file);
  flipBits(file, positions[2] + 80, 0x10); // offsets 4..5, timestamps T + 2000
  const bytes = fs.readFileSync(file);
  const messages: string[] = [];
  const again = open(dir, configs, messages);
  assert.deepEqual(again.offsetForTimestamp(T + 1500), { offset: 4, timestamp: T + 1500 });
  // The damaged batch might hold any timestamp: later ones in its segment answer it too.
  assert.equal(again.offsetForTimestamp(T + 3000)?.offset, 4);
  assert.deepEqual(again.offsetForTimestamp(T + 20_000), { offset: 40, timestamp: T + 20_000 });
  again.clean(Date.now(), true);
  assert.deepEqual(fs.readFileSync(file), bytes, 'the damaged segment is not rewritten');
  assert.ok(messages.some((m) => m.includes('compaction leaves segments with damaged data')), messages.join('\n'));
  assert.throws(() => again.read(4, 1 << 20), { name: 'CORRUPT_MESSAGE' });
  again.close();
});

test('the producer-state replay steps over a damaged batch: idempotence still works after it', () => {
  const dir = path.join(tempDir(), 't-0');
  const log = open(dir, {});
  const send = (seq: number) => log.append(batch(2, { prefix: `s${seq}`, producerId: 7, producerEpoch: 0, baseSequence: seq }));
  for (let i = 0; i < 6; i++) send(i * 2);
  log.close();
  // A crash without a usable snapshot: every batch is replayed.
  fs.rmSync(path.join(dir, CLEAN_SHUTDOWN_FILE));
  fs.rmSync(path.join(dir, 'producer-state.snapshot'));
  const positions = batchPositions(seg(dir, 0));
  flipBits(seg(dir, 0), positions[2] + 70, 0x10);
  const messages: string[] = [];
  const again = open(dir, {}, messages);
  assert.ok(messages.some((m) => m.includes('offsets 4..5 cannot be read')), messages.join('\n'));
  assert.ok(messages.some((m) => m.includes('rebuilt from 12 offset(s)') && m.includes('5 batch(es) with a producer id')), messages.join('\n'));
  assert.equal(again.append(batch(2, { prefix: 'retry', producerId: 7, producerEpoch: 0, baseSequence: 10 })).duplicate, true, 'a retry of the last batch is still recognised');
  assert.equal(again.append(batch(2, { prefix: 's12', producerId: 7, producerEpoch: 0, baseSequence: 12 })).baseOffset, 12);
  again.close();
});

test('a rolled segment is never cut: garbage after its last batch holds no offsets and stays', () => {
  const { dir, configs, values } = nineSegments();
  fs.rmSync(path.join(dir, RECOVERY_POINT_FILE)); // every segment is checked
  const file = path.join(dir, fs.readdirSync(dir).filter((f) => f.endsWith('.log')).sort()[2]);
  fs.appendFileSync(file, Buffer.from('not a record batch, and long enough to look like a header: '.repeat(3)));
  const size = fs.statSync(file).size;
  const messages: string[] = [];
  const again = open(dir, configs, messages);
  assert.equal(fs.statSync(file).size, size);
  assert.ok(messages.some((m) => m.includes('damaged data') && m.includes('it holds no offsets')), messages.join('\n'));
  const { records, reported } = consumeStepping(again, again.logStartOffset, 64 * 1024);
  assert.equal(records.size, 5000);
  assert.deepEqual(reported, []);
  for (const [offset, value] of records) assert.equal(value, values.get(offset));
  again.close();
});

test('random bit flips anywhere in the segments: never a wrong record, never more than two batches per flip', () => {
  const { seed, random } = flipRandom();
  const { dir: source, values } = nineSegments();
  const segs = fs.readdirSync(source).filter((f) => f.endsWith('.log')).sort();
  const runs = Number(process.env.KT_FLIP_RUNS ?? 40);
  let worst = 0;
  for (let run = 0; run < runs; run++) {
    const dir = path.join(tempDir(), 't-0');
    fs.cpSync(source, dir, { recursive: true });
    const flips = 1 + random(3);
    const where: string[] = [];
    for (let i = 0; i < flips; i++) {
      const file = path.join(dir, segs[random(segs.length)]);
      const at = random(fs.statSync(file).size);
      const bit = random(8);
      flipBits(file, at, 1 << bit);
      where.push(`${path.basename(file)}@${at}:${bit}`);
    }
    // Half the time as a data directory without a recovery point: every segment is checked at start.
    const checked = random(2) === 0;
    if (checked) fs.rmSync(path.join(dir, RECOVERY_POINT_FILE));
    const what = `seed ${seed}, run ${run}${checked ? ' (all checked at start)' : ''}: ${where.join(' ')}`;
    const log = open(dir, { 'segment.bytes': '1000000' });
    // Only the last batch of the active segment (above the recovery point) may be cut, as a torn tail.
    const end = log.logEndOffset;
    assert.ok(end === 5000 || end === 5000 - RECORDS_PER_BATCH, `${what}: log end ${end}`);
    const { records, reported } = consumeStepping(log, log.logStartOffset, 64 * 1024);
    for (const [offset, value] of records) assert.equal(value, values.get(offset), `${what}: offset ${offset}`);
    assert.equal(records.size + reported.length, end, what);
    assert.ok(5000 - records.size <= flips * 2 * RECORDS_PER_BATCH, `${what}: ${5000 - records.size} records lost`);
    worst = Math.max(worst, 5000 - records.size);
    assert.equal(log.append(batch(1)).baseOffset, end, what);
    log.close();
  }
  console.log(`random flips (seed ${seed}, ${runs} runs of 1-3 flips): at most ${worst} of 5000 records lost, none served wrong`);
});
