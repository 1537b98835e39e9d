// The journals (consumer-offsets.log, transaction-state.log) replay entry by entry: damage in
// the middle costs that entry only; only a torn tail is cut off (docs/durability.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { OffsetStoreImpl } from '../../../src/broker/log/offsetStore.js';
import { TxnStateLog } from '../../../src/broker/txn/stateLog.js';
import type { StoredTxn } from '../../../src/broker/txn/types.js';
import { flipBits, flipRandom, tempDir } from './helpers.js';

const commit = (offset: number, partition = 0) => ({ topic: 'orders', partition, offset, leaderEpoch: 0, metadata: null });

/** consumer-offsets.log with 100 commits (offsets 1..100 of partition 0, one per entry); returns entry starts. */
function hundredCommits(): { file: string; starts: number[] } {
  const file = path.join(tempDir(), 'consumer-offsets.log');
  const s = new OffsetStoreImpl(file);
  const starts: number[] = [];
  for (let i = 1; i <= 100; i++) {
    starts.push(s.fileSize);
    s.commit('g', [commit(i), commit(i * 10, i)]);
  }
  s.close();
  return { file, starts };
}

for (const [where, delta] of [['in the JSON', 20], ['in the CRC', 5], ['in the length field', 2]] as const) {
  test(`a bit flip ${where} of the middle entry of consumer-offsets.log: every later commit survives`, () => {
    const { file, starts } = hundredCommits();
    flipBits(file, starts[49] + delta, 0x04);
    const messages: string[] = [];
    const s = new OffsetStoreImpl(file, (m) => messages.push(m));
    assert.equal(s.get('g', 'orders', 0)?.offset, 100, 'the newest commit of partition 0');
    let kept = 0;
    for (let i = 1; i <= 100; i++) if (s.get('g', 'orders', i)?.offset === i * 10) kept++;
    assert.equal(kept, 99, 'only the damaged entry is lost');
    assert.equal(s.get('g', 'orders', 50), undefined);
    assert.ok(messages.some((m) => m.includes('consumer-offsets.log: damaged entry at bytes')), messages.join('\n'));
    s.commit('g', [commit(101)]);
    s.close();
    const again = new OffsetStoreImpl(file);
    assert.equal(again.get('g', 'orders', 0)?.offset, 101);
    assert.equal(again.get('g', 'orders', 99)?.offset, 990);
    again.close();
    console.log(`bit flip ${where} of entry 50 of 100 in consumer-offsets.log: ${kept} of 100 commits kept (before: 49)`);
  });
}

test('a torn last entry of consumer-offsets.log is cut off; zeros after the last entry too', () => {
  const { file } = hundredCommits();
  const size = fs.statSync(file).size;
  fs.truncateSync(file, size - 3);
  const messages: string[] = [];
  const s = new OffsetStoreImpl(file, (m) => messages.push(m));
  assert.equal(s.get('g', 'orders', 0)?.offset, 99);
  assert.ok(messages.some((m) => m.includes('dropped')), messages.join('\n'));
  s.close();
  fs.appendFileSync(file, Buffer.alloc(4096)); // a tail the file system extended but never wrote
  const z: string[] = [];
  const again = new OffsetStoreImpl(file, (m) => z.push(m));
  assert.equal(again.get('g', 'orders', 0)?.offset, 99);
  assert.ok(z.some((m) => m.includes('dropped 4096 trailing bytes')), z.join('\n'));
  again.close();
});

function txn(id: string, epoch: number): StoredTxn {
  return {
    v: 1, id, pid: 1000 + Number(id.slice(1)), lastPid: -1, epoch, lastEpoch: -1, timeoutMs: 60000, state: 'CompleteCommit',
    partitions: [], groups: [], offsets: [], start: -1, updated: epoch, last: 'commit',
  };
}

test('a bit flip in the middle of transaction-state.log costs that entry only', () => {
  const file = path.join(tempDir(), 'transaction-state.log');
  const log = new TxnStateLog(file);
  log.load();
  const starts: number[] = [];
  for (let i = 0; i < 40; i++) {
    starts.push(log.fileSize);
    log.write(txn(`t${i % 10}`, Math.floor(i / 10)));
  }
  log.close();
  flipBits(file, starts[15] + 30, 0x04); // t5, epoch 1; t5 epoch 2 and 3 come later
  flipBits(file, starts[38] + 30, 0x04); // t8, epoch 3: its last entry, so t8 falls back to epoch 2
  const messages: string[] = [];
  const again = new TxnStateLog(file, (m) => messages.push(m));
  const state = again.load();
  assert.equal(state.size, 10);
  for (let i = 0; i < 10; i++) assert.equal(state.get(`t${i}`)?.epoch, i === 8 ? 2 : 3, `t${i}`);
  assert.equal(messages.filter((m) => m.includes('damaged entry')).length, 2, messages.join('\n'));
  again.close();
});

test('random bit flips in consumer-offsets.log: each costs at most the entry it hits, never a wrong offset', () => {
  const { seed, random } = flipRandom();
  const { file: source } = hundredCommits();
  const runs = Number(process.env.KT_FLIP_RUNS ?? 40);
  for (let run = 0; run < runs; run++) {
    const file = path.join(tempDir(), 'consumer-offsets.log');
    fs.copyFileSync(source, file);
    const size = fs.statSync(file).size;
    const flips = 1 + random(3);
    const where: number[] = [];
    for (let i = 0; i < flips; i++) {
      const at = random(size);
      where.push(at);
      flipBits(file, at, 1 << random(8));
    }
    const what = `seed ${seed}, run ${run}: bytes ${where.join(',')}`;
    const s = new OffsetStoreImpl(file);
    let kept = 0;
    for (let i = 1; i <= 100; i++) {
      const o = s.get('g', 'orders', i)?.offset;
      if (o !== undefined) {
        assert.equal(o, i * 10, what);
        kept++;
      }
    }
    assert.ok(kept >= 100 - flips, `${what}: ${kept} of 100 kept`);
    const latest = s.get('g', 'orders', 0)?.offset ?? 0;
    assert.ok(latest >= 100 - flips && latest <= 100, `${what}: partition 0 at ${latest}`);
    s.close();
  }
});
