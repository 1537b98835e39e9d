// kt produce --idempotent (kt's own InitProducerId and sequence numbers) against the bundled
// broker and Apache Kafka 4.4: every record read back exactly once, in order per partition,
// and the batches in the log carry one producer id with sequences that follow each other from
// 0 in every partition (what both brokers check before writing).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WireClient } from '../../src/client/wireClient.js';
import { batchesIn, type BatchHeader } from '../../src/protocol/recordBatch.js';
import { fetchOnce } from '../txn/helpers.js';
import { forEachTarget, type Target } from './targets.js';

/** The batch headers of one partition, from offset 0 (the target has one broker). */
async function batchHeaders(t: Target, topic: string, partition: number): Promise<BatchHeader[]> {
  const [host, port] = t.bootstrap.split(':');
  const c = await WireClient.connect(host, Number(port));
  try {
    const out: BatchHeader[] = [];
    let offset = 0;
    for (;;) {
      const p = await fetchOnce(c, topic, partition, offset, 0);
      assert.equal(p.errorCode, 0, `fetch ${topic}-${partition}`);
      const buf = p.records ?? Buffer.alloc(0);
      let any = false;
      for (const [, h] of batchesIn(buf)) {
        out.push(h);
        offset = h.baseOffset + h.lastOffsetDelta + 1;
        any = true;
      }
      if (!any) return out;
    }
  } finally {
    c.close();
  }
}

forEachTarget((t) => {
  test('kt produce --idempotent: every record once, in order per partition; one producer id per run, sequences from 0 without gaps', async () => {
    const topic = t.unique('idem');
    assert.equal((await t.kt(['topics', 'create', topic, '--partitions', '3'])).code, 0);
    // small batches, no linger: many requests in flight at once
    const plain = Array.from({ length: 4000 }, (_, i) => `plain-${i}`);
    const a = await t.kt(['produce', '-t', topic, '--idempotent', '--batch-size', '2048', '--linger-ms', '0'], { stdin: plain.join('\n') + '\n' });
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stderr, /Produced 4000 messages/);
    // keyed records (the record-by-record path), compressed
    const keyed = Array.from({ length: 1500 }, (_, i) => `k${i % 7}\tkeyed-${i}`);
    const b = await t.kt(['produce', '-t', topic, '--idempotent', '-z', 'zstd', '--batch-size', '4096', '--property', 'parse.key=true'], { stdin: keyed.join('\n') + '\n' });
    assert.equal(b.code, 0, b.stderr);

    const c = await t.kt(['consume', '-t', topic, '--from-beginning', '--exit', '--format', '%p\t%k\t%v\n']);
    assert.equal(c.code, 0, c.stderr);
    const rows = c.out.split('\n').filter(Boolean).map((l) => l.split('\t'));
    const values = rows.map((r) => r[2]);
    assert.equal(values.length, plain.length + keyed.length, 'no record lost, none twice');
    assert.deepEqual([...values].sort(), [...plain, ...keyed.map((l) => l.split('\t')[1])].sort());
    // per partition, each run's records in input order; a key's records in one partition
    const partOfKey = new Map<string, string>();
    for (const p of ['0', '1', '2']) {
      const mine = rows.filter((r) => r[0] === p);
      for (const prefix of ['plain-', 'keyed-']) {
        const nums = mine.filter((r) => r[2].startsWith(prefix)).map((r) => Number(r[2].slice(prefix.length)));
        assert.deepEqual(nums, [...nums].sort((x, y) => x - y), `partition ${p}: ${prefix} records in order`);
      }
      for (const [, key] of mine) {
        if (!key) continue;
        assert.equal(partOfKey.get(key) ?? p, p, `key ${key} in one partition`);
        partOfKey.set(key, p);
      }
    }

    const producers = new Set<number>();
    for (const p of [0, 1, 2]) {
      const next = new Map<number, number>();
      for (const h of await batchHeaders(t, topic, p)) {
        assert.ok(h.producerId >= 0 && h.producerEpoch >= 0, `partition ${p}: a batch with producer id ${h.producerId}`);
        producers.add(h.producerId);
        assert.equal(h.baseSequence, next.get(h.producerId) ?? 0, `partition ${p}: producer ${h.producerId}'s sequences follow each other`);
        next.set(h.producerId, h.baseSequence + h.recordCount);
      }
    }
    assert.equal(producers.size, 2, 'one producer id per run');
  });

  test('kt produce --idempotent --acks 1 is a usage error', async () => {
    const r = await t.kt(['produce', '-t', t.unique('idem-acks'), '--idempotent', '--acks', '1', '--value', 'x']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--idempotent needs --acks all/);
  });
});
