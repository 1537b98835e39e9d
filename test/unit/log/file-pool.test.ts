// The budget of open segment files (filePool.ts): many partitions through a pool of two
// descriptors, a descriptor the pool closed never written through, pinned handles kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { logConfig } from '../../../src/broker/log/config.js';
import { DiskPartitionLog } from '../../../src/broker/log/diskLog.js';
import { FilePool } from '../../../src/broker/log/filePool.js';
import { batch, recordsOf, tempDir } from './helpers.js';

const openDescriptors = (): number => fs.readdirSync('/proc/self/fd').length;

test('50 partitions through a pool of 2 descriptors: appends, rolls, reads and compaction interleave, nothing is lost', { skip: !fs.existsSync('/proc/self/fd') && 'needs /proc' }, () => {
  const root = tempDir();
  const files = new FilePool(2);
  const before = openDescriptors();
  const config = logConfig({ 'segment.bytes': '600', 'cleanup.policy': 'compact', 'min.cleanable.dirty.ratio': '0.01' });
  const logs = Array.from({ length: 50 }, (_, p) => new DiskPartitionLog({ dir: path.join(root, `t-${p}`), topic: 't', partition: p, config, files }));
  for (let round = 0; round < 20; round++) {
    for (const log of logs) {
      log.append(batch(2, { prefix: `r${round}`, valueSize: 60 }));
      assert.ok(files.size <= 2, `${files.size} descriptors open`);
    }
    // reads of the first and of the newest segment, in another order than the appends
    for (const log of [...logs].reverse()) {
      assert.equal(recordsOf(log.read(log.logStartOffset, 1 << 20))[0].offset, log.logStartOffset);
      assert.equal(recordsOf(log.read(log.logEndOffset - 1, 1 << 20)).at(-1)?.value, `r${round}-1`.padEnd(60, '.'));
    }
  }
  for (const log of logs) log.clean(Date.now(), true);
  assert.ok(logs.every((l) => l.describeSegments().length > 1), 'segments rolled');
  assert.ok(openDescriptors() - before <= 2, `descriptors grew by ${openDescriptors() - before}`);
  for (const log of logs) log.close();
  assert.equal(files.size, 0);
  // Everything is on disk as appended: the latest value of each key survives compaction.
  const again = new DiskPartitionLog({ dir: path.join(root, 't-7'), topic: 't', partition: 7, config, files });
  const values: string[] = [];
  for (let o = again.logStartOffset; o < again.logEndOffset;) {
    const recs = recordsOf(again.read(o, 1 << 20)).filter((r) => r.offset >= o);
    values.push(...recs.map((r) => r.value.replace(/\.+$/, '')));
    o = recs[recs.length - 1].offset + 1;
  }
  assert.ok(values.length < 40, `compaction removed records (${values.length} left)`);
  assert.deepEqual(values.slice(-2), ['r19-0', 'r19-1']);
  again.close();
});

test('a descriptor the pool closed is never written through, even when its number belongs to another file now', () => {
  const dir = tempDir();
  const files = new FilePool(1);
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  fs.writeFileSync(a, '');
  fs.writeFileSync(b, '');
  const ha = files.handle(a, true);
  const hb = files.handle(b, true);
  const first = ha.use((fd) => (fs.writeSync(fd, 'A', 0), fd));
  hb.use((fd) => fs.writeSync(fd, 'B', 0)); // the budget of 1: a's descriptor is closed
  const other = path.join(dir, 'other');
  const fd = fs.openSync(other, 'w+'); // most likely a's old number
  try {
    ha.use((n) => fs.writeSync(n, 'a', 1));
  } finally {
    fs.closeSync(fd);
  }
  assert.equal(fs.readFileSync(a, 'utf8'), 'Aa');
  assert.equal(fs.readFileSync(b, 'utf8'), 'B');
  assert.equal(fs.readFileSync(other, 'utf8'), '', `nothing went into the file that got descriptor ${first}`);
  ha.close();
  hb.close();
  assert.equal(files.size, 0);
});

test('a pinned descriptor stays open past the budget until unpinned', () => {
  const dir = tempDir();
  const files = new FilePool(1);
  const [x, y] = ['x', 'y'].map((n) => {
    fs.writeFileSync(path.join(dir, n), n.repeat(10));
    return files.handle(path.join(dir, n), false);
  });
  const fd = x.pin();
  assert.equal(y.use((n) => fs.readFileSync(n, 'utf8')), 'yyyyyyyyyy');
  assert.equal(files.size, 2, 'over the budget while x is pinned');
  const buf = Buffer.alloc(3);
  fs.readSync(fd, buf, 0, 3, 0);
  assert.equal(buf.toString(), 'xxx');
  x.unpin();
  y.close();
  y.use(() => {});
  assert.equal(files.size, 1, 'x closed at the next open past the budget');
  y.close();
});
