// Producer state in the partition log (disk and memory alike): idempotent sequence checks,
// the last stable offset, the aborted-transaction index, rebuilding at open, and compaction
// of transactional data.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { KafkaError } from '../../src/protocol/errors.js';
import { ATTR_TRANSACTIONAL, batchesIn, buildBatch, readRecords } from '../../src/protocol/recordBatch.js';
import { PRODUCER_SNAPSHOT_FILE } from '../../src/broker/log/diskLog.js';
import { markerBatch } from '../../src/broker/txn/markers.js';
import { IMPLS, readAll, tempDir, type AnyLog } from '../unit/log/helpers.js';

/** `count` keyed records of producer (pid, epoch) from sequence `seq`, transactional or not. */
function pbatch(pid: number, epoch: number, seq: number, values: string[], opts: { txn?: boolean; keys?: string[] } = {}): Buffer {
  return buildBatch(values.map((v, i) => ({ key: Buffer.from(opts.keys?.[i] ?? `k-${v}`), value: Buffer.from(v) })), {
    producerId: pid,
    producerEpoch: epoch,
    baseSequence: seq,
    attributes: opts.txn ? ATTR_TRANSACTIONAL : 0,
  });
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof KafkaError) return e.name;
    throw e;
  }
  return 'NONE';
}

/** Values a read_committed reader gets: batches below the LSO, aborted transactions dropped (as kafkajs filters), markers skipped. */
function readCommitted(log: AnyLog): string[] {
  const lso = log.lastStableOffset;
  const aborted = log.abortedTransactions(log.logStartOffset, lso);
  const active = new Set<number>();
  const out: string[] = [];
  let next = log.logStartOffset;
  let ai = 0;
  while (next < lso) {
    const r = log.read(next, 1 << 20, lso);
    if (r.bytes === 0) break;
    const buf = Buffer.concat(r.chunks);
    for (const [pos, h] of batchesIn(buf)) {
      assert.ok(h.baseOffset < lso, 'nothing at or past the LSO');
      while (ai < aborted.length && aborted[ai].firstOffset <= h.baseOffset) active.add(aborted[ai++].producerId);
      if (h.attributes & 0x20) active.delete(h.producerId);
      else if (!((h.attributes & ATTR_TRANSACTIONAL) && active.has(h.producerId))) {
        for (const rec of readRecords(buf, pos)) out.push(rec.value?.toString() ?? '');
      }
      next = h.baseOffset + h.lastOffsetDelta + 1;
    }
  }
  return out;
}

for (const impl of IMPLS) {
  const name = (s: string) => `${impl.name}: ${s}`;

  test(name('idempotence: a retried batch is not written again and gets its original offset; gaps and old epochs are refused'), () => {
    const log = impl.open();
    assert.equal(log.append(pbatch(7, 0, 0, ['a', 'b'])).baseOffset, 0);
    assert.equal(log.append(pbatch(7, 0, 2, ['c'])).baseOffset, 2);
    // the exact retry of the first batch
    const dup = log.append(pbatch(7, 0, 0, ['a', 'b']));
    assert.deepEqual([dup.baseOffset, dup.duplicate], [0, true]);
    assert.equal(log.logEndOffset, 3, 'nothing appended');
    assert.equal(errorOf(() => log.append(pbatch(7, 0, 5, ['gap']))), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    assert.equal(errorOf(() => log.append(pbatch(7, 0, 1, ['overlap']))), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    // a new epoch starts at sequence 0; then the old epoch is fenced
    assert.equal(errorOf(() => log.append(pbatch(7, 1, 3, ['x']))), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    assert.equal(log.append(pbatch(7, 1, 0, ['d'])).baseOffset, 3);
    assert.equal(errorOf(() => log.append(pbatch(7, 0, 3, ['old']))), 'INVALID_PRODUCER_EPOCH');
    // an unknown producer may start at any sequence (KIP-360, Kafka 2.5+)
    assert.equal(log.append(pbatch(8, 0, 42, ['e'])).baseOffset, 4);
    assert.equal(log.append(pbatch(8, 0, 43, ['f'])).baseOffset, 5);
    // only the last five batches are remembered
    for (let s = 1; s <= 5; s++) log.append(pbatch(7, 1, s, [`n${s}`]));
    assert.equal(errorOf(() => log.append(pbatch(7, 1, 0, ['d']))), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    assert.equal(log.append(pbatch(7, 1, 5, ['n5'])).duplicate, true);
    assert.deepEqual(readAll(log).map((r) => r.value), ['a', 'b', 'c', 'd', 'e', 'f', 'n1', 'n2', 'n3', 'n4', 'n5']);
    log.close();
  });

  test(name('idempotence: sequences wrap at INT32_MAX'), () => {
    const log = impl.open();
    log.append(pbatch(3, 0, 2147483646, ['a', 'b'])); // 2147483646, 2147483647
    assert.equal(log.append(pbatch(3, 0, 0, ['c'])).baseOffset, 2);
    assert.equal(log.append(pbatch(3, 0, 2147483646, ['a', 'b'])).duplicate, true);
    const wrapping = pbatch(3, 0, 1, ['d', 'e']);
    assert.equal(log.append(wrapping).baseOffset, 3);
    log.close();
  });

  test(name('transactions: the LSO stops at the first open transaction; aborted ones are indexed for read_committed'), () => {
    const log = impl.open();
    log.append(pbatch(-1, -1, -1, ['plain-0']));
    log.append(pbatch(10, 0, 0, ['t10-a'], { txn: true })); // offset 1, open
    assert.equal(log.lastStableOffset, 1);
    log.append(pbatch(11, 0, 0, ['t11-a'], { txn: true })); // offset 2
    log.append(pbatch(-1, -1, -1, ['plain-1'])); // 3
    log.append(pbatch(11, 0, 1, ['t11-b'], { txn: true })); // 4
    assert.deepEqual(log.openTransactions().map((t) => [t.producerId, t.firstOffset]), [[10, 1], [11, 2]]);
    assert.equal(log.lastStableOffset, 1);
    assert.equal(log.read(0, 1 << 20, log.lastStableOffset).bytes > 0, true);
    assert.equal(readCommitted(log).join(), 'plain-0');
    // a non-transactional write from a producer inside a transaction is refused
    assert.equal(errorOf(() => log.append(pbatch(11, 0, 2, ['no-txn']))), 'INVALID_TXN_STATE');
    log.append(markerBatch(10, 0, true)); // 5: commit 10; LSO moves to 11's start
    assert.equal(log.lastStableOffset, 2);
    log.append(markerBatch(11, 0, false)); // 6: abort 11
    assert.equal(log.lastStableOffset, log.logEndOffset);
    assert.deepEqual(log.abortedTransactions(0, 7), [{ producerId: 11, firstOffset: 2 }]);
    assert.deepEqual(log.abortedTransactions(7, 8), [], 'ended before the fetch');
    assert.deepEqual(log.abortedTransactions(0, 2), [], 'began after the fetched range');
    assert.deepEqual(readCommitted(log), ['plain-0', 't10-a', 'plain-1']);
    // markers with a bumped epoch fence the producer in this partition
    log.append(pbatch(10, 0, 1, ['t10-b'], { txn: true }));
    log.append(markerBatch(10, 1, false));
    assert.equal(errorOf(() => log.append(pbatch(10, 0, 2, ['zombie'], { txn: true }))), 'INVALID_PRODUCER_EPOCH');
    assert.deepEqual(readCommitted(log), ['plain-0', 't10-a', 'plain-1']);
    log.close();
  });
}

test('disk: producer state survives a restart, from the snapshot or rebuilt from the log alone', () => {
  const impl = IMPLS[0];
  const dir = path.join(tempDir(), 'p-0');
  const lines: string[] = [];
  let log = impl.open({ 'segment.bytes': '400' }, { dir, log: (m) => lines.push(m) });
  log.append(pbatch(5, 0, 0, ['a'])); // 0
  log.append(pbatch(6, 0, 0, ['t6'], { txn: true })); // 1
  log.append(markerBatch(6, 0, false)); // 2
  log.append(pbatch(7, 0, 0, ['t7'], { txn: true })); // 3, left open
  for (let i = 0; i < 6; i++) log.append(pbatch(5, 0, 1 + i, [`a${i}`.padEnd(60, '.')])); // rolls
  assert.ok(log.describeSegments().length > 2);
  const expect = (l: AnyLog) => {
    assert.equal(l.lastStableOffset, 3);
    assert.deepEqual(l.openTransactions().map((t) => [t.producerId, t.firstOffset]), [[7, 3]]);
    assert.deepEqual(l.abortedTransactions(0, 100), [{ producerId: 6, firstOffset: 1 }]);
    assert.equal(errorOf(() => l.append(pbatch(5, 0, 9, ['gap']))), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    assert.equal(l.append(pbatch(5, 0, 6, ['a5'.padEnd(60, '.')])).duplicate, true, 'the last batch is known');
  };
  expect(log);
  log.close();
  // clean restart: the snapshot written at close, nothing replayed
  lines.length = 0;
  log = impl.open({ 'segment.bytes': '400' }, { dir, log: (m) => lines.push(m) });
  expect(log);
  assert.deepEqual(lines.filter((l) => l.includes('producer state')), []);
  log.close();
  // no snapshot (an older data directory): rebuilt from every batch
  fs.rmSync(path.join(dir, PRODUCER_SNAPSHOT_FILE));
  lines.length = 0;
  log = impl.open({ 'segment.bytes': '400' }, { dir, log: (m) => lines.push(m) });
  expect(log);
  assert.ok(lines.some((l) => /producer state snapshot there is none; rebuilt/.test(l)), lines.join('\n'));
  // a crash (no close): the snapshot of the last roll plus the batches after it
  log.append(pbatch(7, 0, 1, ['t7-b'], { txn: true }));
  log.append(markerBatch(7, 0, true));
  log.append(pbatch(5, 0, 7, ['after']));
  const crashed = impl.open({ 'segment.bytes': '400' }, { dir: (() => {
    const copy = path.join(tempDir(), 'p-0');
    fs.cpSync(dir, copy, { recursive: true });
    fs.rmSync(path.join(copy, '.kt-clean-shutdown'), { force: true });
    return copy;
  })() });
  assert.equal(crashed.lastStableOffset, crashed.logEndOffset, 'the transaction committed before the crash is closed');
  assert.equal(crashed.append(pbatch(5, 0, 7, ['after'])).duplicate, true);
  crashed.close();
  log.close();
});

for (const impl of IMPLS) {
  test(`${impl.name}: compaction removes aborted data, compacts committed data, keeps markers until their data is gone and delete.retention.ms passed`, () => {
    const configs = { 'cleanup.policy': 'compact', 'segment.bytes': '600', 'delete.retention.ms': '1000', 'min.cleanable.dirty.ratio': '0.01' };
    const log = impl.open(configs);
    const t0 = Date.now();
    log.append(pbatch(20, 0, 0, ['v1', 'v1'], { txn: true, keys: ['a', 'b'] }), t0);
    log.append(markerBatch(20, 0, true), t0); // commit
    log.append(pbatch(21, 0, 0, ['aborted'], { txn: true, keys: ['a'] }), t0);
    log.append(markerBatch(21, 0, false), t0); // abort
    log.append(pbatch(20, 0, 2, ['v2'], { txn: true, keys: ['a'] }), t0);
    log.append(markerBatch(20, 0, true), t0); // commit
    const open = pbatch(22, 0, 0, ['open'], { txn: true, keys: ['c'] });
    // roll so everything above is in sealed segments, then leave a transaction open
    const committedEnd = log.logEndOffset;
    for (let i = 0; log.describeSegments().at(-1)!.baseOffset < committedEnd; i++) log.append(pbatch(-1, -1, -1, [`f${i}`.padEnd(80, '.')], { keys: [`f${i}`] }), t0);
    const openAt = log.logEndOffset;
    log.append(open, t0);
    for (let i = 0; log.describeSegments().at(-1)!.baseOffset <= openAt; i++) log.append(pbatch(-1, -1, -1, [`g${i}`.padEnd(80, '.')], { keys: [`g${i}`] }), t0);
    assert.equal(log.lastStableOffset, openAt);
    const before = readAll(log).map((r) => `${r.key}=${r.value}`);
    assert.ok(before.includes('a=aborted'));
    let r = log.clean(t0 + 10, true);
    assert.ok(r);
    assert.equal(r.abortedRecordsRemoved, 1);
    const after = readAll(log);
    const values = after.map((x) => `${x.key}=${x.value}`);
    assert.ok(!values.includes('a=aborted'), 'aborted data removed');
    assert.ok(!values.includes('a=v1'), 'committed data compacted');
    assert.ok(values.includes('a=v2') && values.includes('b=v1'));
    assert.ok(values.includes('c=open'), 'the open transaction is not touched');
    // markers: the abort marker's data is gone, but delete.retention.ms has not passed
    const markers = () => after.filter((x) => x.key === '\u0000\u0000\u0000\u0000' || x.key === '\u0000\u0000\u0000\u0001').length;
    assert.equal(markers(), 3);
    assert.deepEqual(log.abortedTransactions(0, openAt), [{ producerId: 21, firstOffset: 3 }]);
    // later: the abort marker and the first commit marker (its data v1/a is gone, b=v1 stays: kept)
    r = log.clean(t0 + 5000, true);
    assert.ok(r);
    const later = readAll(log);
    const markerKeys = later.filter((x) => x.key.startsWith('\u0000\u0000\u0000')).map((x) => x.offset);
    assert.deepEqual(markerKeys, [2, 6], 'both commit markers stay: each transaction still has data');
    assert.deepEqual(log.abortedTransactions(0, openAt), [], 'the removed ABORT marker left the index');
    assert.equal(r.markersRemoved, 1);
    assert.deepEqual(readCommitted(log).filter((v) => !v.startsWith('f') && !v.startsWith('g')), ['v1', 'v2']);
    log.close();
  });
}
