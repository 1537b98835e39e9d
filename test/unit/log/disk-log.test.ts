// The disk log: file layout, reopening, recovery from torn and corrupt tails, index rebuilds,
// durability knobs.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { logConfig } from '../../../src/broker/log/config.js';
import { RECOVERY_POINT_FILE, CLEAN_SHUTDOWN_FILE, DiskPartitionLog, LOG_START_OFFSET_FILE } from '../../../src/broker/log/diskLog.js';
import { readBatchHeader } from '../../../src/protocol/recordBatch.js';
import { batch, batchesOf, recordsOf, tempDir } from './helpers.js';

function open(dir: string, configs: Record<string, string> = {}, messages: string[] = []): DiskPartitionLog {
  return new DiskPartitionLog({ dir, topic: 't', partition: 0, config: logConfig(configs), log: (m) => messages.push(m) });
}

function fill(log: DiskPartitionLog, batches: number, valueSize = 30): void {
  for (let i = 0; i < batches; i++) log.append(batch(1 + (i % 3), { prefix: `b${i}`, valueSize }));
}

const seg = (dir: string, base: number, suffix = '.log') => path.join(dir, String(base).padStart(20, '0') + suffix);

/**
 * Offsets of every record in [from, to), read back batch by batch. An offset in damaged data
 * (CORRUPT_MESSAGE) is stepped over, as a consumer seeks past it.
 */
function allOffsets(log: DiskPartitionLog, from = log.logStartOffset, to = log.logEndOffset): number[] {
  const out: number[] = [];
  for (let next = from; next < to;) {
    let recs;
    try {
      recs = recordsOf(log.read(next, 1 << 20)).filter((r) => r.offset >= next && r.offset < to);
    } catch (e) {
      if ((e as Error).name !== 'CORRUPT_MESSAGE') throw e;
      next++;
      continue;
    }
    out.push(...recs.map((r) => r.offset));
    if (recs.length === 0) break;
    next = recs[recs.length - 1].offset + 1;
  }
  return out;
}

test('segment files are named by base offset and hold the batches as stored', () => {
  const dir = path.join(tempDir(), 'orders-3');
  const log = open(dir, { 'segment.bytes': '600' });
  const sent = batch(4, { valueSize: 100 });
  log.append(batch(2, { valueSize: 100 }));
  log.append(sent); // the log owns `sent` now and rewrote its base offset
  log.close(); // the active segment's indexes are written when it rolls or closes
  const files = fs.readdirSync(dir).sort();
  assert.ok(files.includes('00000000000000000000.log'));
  assert.ok(files.includes('00000000000000000002.log'), files.join(' '));
  assert.ok(files.includes('00000000000000000002.index'));
  assert.ok(files.includes('00000000000000000002.timeindex'));
  const onDisk = fs.readFileSync(seg(dir, 2));
  assert.deepEqual(onDisk, sent);
  assert.equal(readBatchHeader(onDisk).baseOffset, 2);
  // the first batch of a segment always has an index entry: (relative offset 0, position 0)
  assert.deepEqual(fs.readFileSync(seg(dir, 2, '.index')), Buffer.alloc(8));
});

test('the offset index has an entry per index.interval.bytes, the time index grows with it', () => {
  const dir = path.join(tempDir(), 't-0');
  const log = open(dir, { 'index.interval.bytes': '1000' });
  const T0 = 1_700_000_000_000;
  const starts: number[] = [];
  for (let i = 0; i < 50; i++) {
    starts.push(log.sizeBytes);
    log.append(batch(2, { valueSize: 100, timestamp: T0 + i }));
  }
  log.close(); // the active segment's indexes are written when it rolls or closes
  const index = fs.readFileSync(seg(dir, 0, '.index'));
  const time = fs.readFileSync(seg(dir, 0, '.timeindex'));
  const entries: [number, number][] = [];
  for (let at = 0; at < index.length; at += 8) entries.push([index.readInt32BE(at), index.readInt32BE(at + 4)]);
  const batchSize = starts[1];
  // an entry when >= 1000 bytes were appended since the last one: every ceil(1000 / size) batches
  const every = Math.ceil(1000 / batchSize);
  assert.equal(entries.length, Math.ceil(50 / every));
  entries.forEach(([rel, pos], i) => {
    assert.equal(pos, starts[i * every]);
    assert.equal(rel, i * every * 2);
  });
  assert.equal(time.length, entries.length * 12);
  for (let i = 0; i < entries.length; i++) {
    assert.equal(Number(time.readBigInt64BE(i * 12)), T0 + i * every);
    assert.equal(time.readInt32BE(i * 12 + 8), entries[i][0]);
  }
});

test('a reopened log has the same data, offsets and segments', () => {
  const dir = path.join(tempDir(), 't-0');
  const log = open(dir, { 'segment.bytes': '800', 'index.interval.bytes': '200' });
  fill(log, 40);
  const segs = log.describeSegments();
  const end = log.logEndOffset;
  const data = Buffer.concat(log.read(0, 1 << 20).chunks);
  log.close();
  assert.ok(fs.existsSync(path.join(dir, CLEAN_SHUTDOWN_FILE)));
  const messages: string[] = [];
  const again = open(dir, { 'segment.bytes': '800', 'index.interval.bytes': '200' }, messages);
  assert.equal(again.logEndOffset, end);
  assert.deepEqual(again.describeSegments(), segs);
  assert.deepEqual(Buffer.concat(again.read(0, 1 << 20).chunks), data);
  assert.deepEqual(allOffsets(again), Array.from({ length: end }, (_, i) => i));
  assert.deepEqual(messages, [], 'a clean reopen has nothing to report');
  assert.equal(again.append(batch(1)).baseOffset, end);
  assert.ok(!fs.existsSync(path.join(dir, CLEAN_SHUTDOWN_FILE)), 'the marker goes before the first write');
  again.close();
  // An unclean reopen of intact data checks from the recovery point and finds nothing to repair.
  fs.rmSync(path.join(dir, CLEAN_SHUTDOWN_FILE));
  const unclean: string[] = [];
  const third = open(dir, { 'segment.bytes': '800', 'index.interval.bytes': '200' }, unclean);
  const n = third.describeSegments().length;
  assert.deepEqual(unclean, [`t-0: no clean-shutdown marker: checking 1 segment(s) from the recovery point ${end + 1}; ${n - 1} older segment(s) trusted`]);
  assert.equal(third.logEndOffset, end + 1);
  third.close();
  // Without a recovery point (a data directory from an older kt) every segment is checked.
  fs.rmSync(path.join(dir, CLEAN_SHUTDOWN_FILE), { force: true });
  fs.rmSync(path.join(dir, RECOVERY_POINT_FILE));
  const old: string[] = [];
  const fourth = open(dir, { 'segment.bytes': '800', 'index.interval.bytes': '200' }, old);
  assert.deepEqual(old, [`t-0: no clean-shutdown marker and no ${RECOVERY_POINT_FILE}: checking all ${n} segment(s)`]);
  assert.equal(fourth.logEndOffset, end + 1);
  fourth.close();
  assert.equal(fs.readFileSync(path.join(dir, RECOVERY_POINT_FILE), 'utf8'), `${end + 1}\n`);
});

for (const [what, damage] of [
  ['cut off in the middle of the last batch', (f: string) => fs.truncateSync(f, fs.statSync(f).size - 10)],
  ['cut off inside the last batch header', (f: string) => fs.truncateSync(f, fs.statSync(f).size - lastBatchSize(f) + 30)],
  ['garbage appended', (f: string) => fs.appendFileSync(f, Buffer.from('this is not a record batch at all, just garbage bytes'))],
  ['zeros appended (preallocated tail)', (f: string) => fs.appendFileSync(f, Buffer.alloc(4096))],
] as const) {
  for (const clean of [true, false]) {
    test(`torn tail (${what}, ${clean ? 'clean' : 'unclean'} shutdown): complete batches kept, appends continue`, () => {
      const dir = path.join(tempDir(), 't-0');
      const log = open(dir, { 'segment.bytes': '2000' });
      fill(log, 30);
      const segs = log.describeSegments();
      const last = segs[segs.length - 1];
      const lastSize = lastBatchSize(seg(dir, last.baseOffset));
      const end = log.logEndOffset;
      const lastBatchRecords = recordsOf(log.read(end - 1, 1)).length;
      log.close();
      if (!clean) fs.rmSync(path.join(dir, CLEAN_SHUTDOWN_FILE));
      // What a crash during the last write leaves: the recovery point of the last roll.
      fs.writeFileSync(path.join(dir, RECOVERY_POINT_FILE), `${last.baseOffset}\n`);
      const file = seg(dir, last.baseOffset);
      damage(file);
      const messages: string[] = [];
      const again = open(dir, { 'segment.bytes': '2000' }, messages);
      const appendedGarbage = what.includes('appended');
      const expectedEnd = appendedGarbage ? end : end - lastBatchRecords;
      assert.equal(again.logEndOffset, expectedEnd);
      assert.equal(fs.statSync(file).size, appendedGarbage ? last.size : last.size - lastSize);
      assert.ok(messages.some((m) => m.includes('truncated')), messages.join('\n'));
      assert.deepEqual(allOffsets(again), Array.from({ length: expectedEnd }, (_, i) => i));
      assert.equal(again.append(batch(2)).baseOffset, expectedEnd);
      assert.equal(again.append(batch(1)).baseOffset, expectedEnd + 2);
      again.close();
      const third = open(dir, { 'segment.bytes': '2000' });
      assert.deepEqual(allOffsets(third), Array.from({ length: expectedEnd + 3 }, (_, i) => i));
      third.close();
    });
  }
}

function lastBatchSize(file: string): number {
  const buf = fs.readFileSync(file);
  let pos = 0;
  let size = 0;
  while (pos < buf.length) {
    size = buf.readInt32BE(pos + 8) + 12;
    pos += size;
  }
  return size;
}

test('a corrupt CRC in the middle of the last segment is kept and reported; the batches after it stay', () => {
  const dir = path.join(tempDir(), 't-0');
  const log = open(dir);
  const positions: number[] = [];
  for (let i = 0; i < 10; i++) {
    positions.push(log.sizeBytes);
    log.append(batch(2, { valueSize: 50 }));
  }
  log.close();
  fs.rmSync(path.join(dir, CLEAN_SHUTDOWN_FILE));
  fs.writeFileSync(path.join(dir, RECOVERY_POINT_FILE), '0\n'); // a crash: nothing checkpointed in this segment
  const file = seg(dir, 0);
  const size = fs.statSync(file).size;
  const buf = fs.readFileSync(file);
  buf[positions[6] + 70] ^= 0x55; // inside batch 6's records
  fs.writeFileSync(file, buf);
  const messages: string[] = [];
  const again = open(dir, {}, messages);
  assert.equal(again.logEndOffset, 20, 'nothing cut: the high watermark stays');
  assert.equal(fs.statSync(file).size, size);
  assert.ok(messages.some((m) => m.includes('CRC32C mismatch') && m.includes('offsets 12..13 cannot be read')), messages.join('\n'));
  assert.deepEqual(allOffsets(again, 0, 12), Array.from({ length: 12 }, (_, i) => i));
  assert.throws(() => again.read(12, 1 << 20), (e: Error & { code?: number }) => e.name === 'CORRUPT_MESSAGE' && /fetch from offset 14/.test(e.message));
  assert.throws(() => again.read(13, 1 << 20), { name: 'CORRUPT_MESSAGE' });
  assert.deepEqual(allOffsets(again, 14), Array.from({ length: 6 }, (_, i) => 14 + i));
  assert.equal(again.append(batch(1)).baseOffset, 20, 'offsets are not reused');
  again.close();
});

test('after an unclean shutdown, damage in a rolled segment deletes nothing', () => {
  const dir = path.join(tempDir(), 't-0');
  const log = open(dir, { 'segment.bytes': '600' });
  fill(log, 30, 60);
  const segs = log.describeSegments();
  assert.ok(segs.length >= 4);
  const end = log.logEndOffset;
  log.close();
  fs.rmSync(path.join(dir, CLEAN_SHUTDOWN_FILE));
  fs.rmSync(path.join(dir, RECOVERY_POINT_FILE)); // an older data directory: every segment is checked
  const damaged = segs[1];
  const file = seg(dir, damaged.baseOffset);
  const buf = fs.readFileSync(file);
  buf[buf.length - 5] ^= 0xff; // the last batch of segment 1
  fs.writeFileSync(file, buf);
  const messages: string[] = [];
  const again = open(dir, { 'segment.bytes': '600' }, messages);
  assert.deepEqual(again.describeSegments().map((s) => s.baseOffset), segs.map((s) => s.baseOffset));
  for (const s of segs) assert.ok(fs.existsSync(seg(dir, s.baseOffset)), `segment ${s.baseOffset} is kept`);
  assert.ok(!messages.some((m) => m.includes('deleted segment') || m.includes('truncated')), messages.join('\n'));
  assert.ok(messages.some((m) => m.includes('damaged data') && m.includes('CRC32C mismatch')), messages.join('\n'));
  assert.equal(again.logEndOffset, end);
  const readable = allOffsets(again);
  const lost = Array.from({ length: end }, (_, i) => i).filter((o) => !readable.includes(o));
  assert.ok(lost.length > 0 && lost.length <= 3, `only the damaged batch is unreadable: ${lost.join(',')}`);
  assert.ok(lost.every((o) => o >= damaged.baseOffset && o < segs[2].baseOffset));
  assert.equal(again.append(batch(1)).baseOffset, end);
  again.close();
});

test('missing and stale index files are rebuilt from the log', () => {
  const dir = path.join(tempDir(), 't-0');
  const cfg = { 'segment.bytes': '1000', 'index.interval.bytes': '150' };
  const log = open(dir, cfg);
  fill(log, 40);
  const segs = log.describeSegments();
  assert.ok(segs.length >= 3);
  log.close();
  const indexes = segs.map((s) => [fs.readFileSync(seg(dir, s.baseOffset, '.index')), fs.readFileSync(seg(dir, s.baseOffset, '.timeindex'))]);
  fs.rmSync(seg(dir, segs[0].baseOffset, '.index'));
  fs.rmSync(seg(dir, segs[1].baseOffset, '.timeindex'));
  fs.writeFileSync(seg(dir, segs[2].baseOffset, '.index'), Buffer.from([0, 0, 0, 9, 0, 0, 1])); // garbage
  const messages: string[] = [];
  const again = open(dir, cfg, messages);
  assert.ok(messages.some((m) => m.includes('missing')), messages.join('\n'));
  segs.forEach((s, i) => {
    assert.deepEqual(fs.readFileSync(seg(dir, s.baseOffset, '.index')), indexes[i][0], `.index of ${s.baseOffset}`);
    assert.deepEqual(fs.readFileSync(seg(dir, s.baseOffset, '.timeindex')), indexes[i][1], `.timeindex of ${s.baseOffset}`);
  });
  assert.deepEqual(again.describeSegments(), segs);
  for (let o = 0; o < again.logEndOffset; o++) {
    const b = batchesOf(again.read(o, 1))[0];
    assert.ok(b.baseOffset <= o && o <= b.lastOffset);
  }
  again.close();
});

test('deleteRecordsBefore survives a reopen', () => {
  const dir = path.join(tempDir(), 't-0');
  const log = open(dir, { 'segment.bytes': '500' });
  fill(log, 20);
  log.deleteRecordsBefore(17);
  log.close();
  assert.equal(fs.readFileSync(path.join(dir, LOG_START_OFFSET_FILE), 'utf8').trim(), '17');
  const again = open(dir, { 'segment.bytes': '500' });
  assert.equal(again.logStartOffset, 17);
  assert.equal(allOffsets(again)[0] <= 17, true);
  assert.throws(() => again.read(16, 100));
  again.close();
});

test('a log start offset past the recovered end restarts the log there, so offsets never repeat', () => {
  const dir = path.join(tempDir(), 't-0');
  const log = open(dir);
  fill(log, 5);
  log.deleteRecordsBefore(log.logEndOffset);
  const end = log.logEndOffset;
  log.close();
  fs.truncateSync(seg(dir, 0), 10); // the data is lost, the checkpoint is not
  const again = open(dir);
  assert.equal(again.logStartOffset, end);
  assert.equal(again.append(batch(1)).baseOffset, end);
  again.close();
});

test('retention by time survives a reopen (segment max timestamps come from the time index)', () => {
  const dir = path.join(tempDir(), 't-0');
  const T0 = 1_700_000_000_000;
  const cfg = { 'segment.bytes': '300', 'retention.ms': '1000' };
  const log = open(dir, cfg);
  for (let i = 0; i < 5; i++) log.append(batch(1, { timestamp: T0 + i * 1000, valueSize: 150 }));
  log.close();
  const again = open(dir, cfg);
  again.maintain(T0 + 2500); // segments with T0 and T0+1000 expire
  assert.deepEqual(again.describeSegments().map((s) => s.baseOffset), [2, 3, 4]);
  assert.equal(again.logStartOffset, 2);
  again.close();
});

test('flush.messages=1 fsyncs every append before it returns; the default never does', () => {
  const dir = path.join(tempDir(), 't-0');
  const spy = mock.method(fs, 'fdatasyncSync');
  try {
    const log = open(dir, { 'flush.messages': '1' });
    const before = spy.mock.callCount();
    log.append(batch(1));
    log.append(batch(3));
    assert.equal(spy.mock.callCount() - before, 2);
    log.close();
    const lazy = open(path.join(tempDir(), 't-0'));
    const start = spy.mock.callCount();
    for (let i = 0; i < 50; i++) lazy.append(batch(1));
    assert.equal(spy.mock.callCount(), start);
    lazy.flush();
    assert.equal(spy.mock.callCount(), start + 1);
    lazy.close();
  } finally {
    spy.mock.restore();
  }
});

test('flush.messages=N fsyncs after N messages; flush.ms flushes in maintain', () => {
  const spy = mock.method(fs, 'fdatasyncSync');
  try {
    const log = open(path.join(tempDir(), 't-0'), { 'flush.messages': '5', 'flush.ms': '1000' });
    const c0 = spy.mock.callCount();
    log.append(batch(3));
    assert.equal(spy.mock.callCount(), c0);
    log.append(batch(3));
    assert.equal(spy.mock.callCount(), c0 + 1);
    log.append(batch(1));
    log.maintain(Date.now() + 10);
    assert.equal(spy.mock.callCount(), c0 + 1, 'flush.ms not reached');
    log.maintain(Date.now() + 5000);
    assert.equal(spy.mock.callCount(), c0 + 2);
    log.maintain(Date.now() + 10_000);
    assert.equal(spy.mock.callCount(), c0 + 2, 'nothing unflushed');
    log.close();
  } finally {
    spy.mock.restore();
  }
});

test('sealed segments hold no open file: open descriptors do not grow with the segment count', () => {
  const fds = () => fs.readdirSync('/dev/fd').length;
  const before = fds();
  const dir = path.join(tempDir(), 't-0');
  const log = open(dir, { 'segment.bytes': '500' });
  fill(log, 120, 60);
  assert.ok(log.describeSegments().length > 50);
  assert.ok(fds() - before <= 3, `${fds() - before} descriptors for ${log.describeSegments().length} segments`);
  // sealed segments are still read, searched by time and reopened
  assert.deepEqual(allOffsets(log), Array.from({ length: log.logEndOffset }, (_, i) => i));
  assert.ok(log.offsetForTimestamp(0));
  log.close();
  assert.equal(fds(), before);
  const again = open(dir, { 'segment.bytes': '500' });
  assert.ok(fds() - before <= 3);
  assert.deepEqual(allOffsets(again), Array.from({ length: again.logEndOffset }, (_, i) => i));
  again.close();
});
