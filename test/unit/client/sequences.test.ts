// The idempotent producer's sequence bookkeeping (src/client/sequences.ts), and the engine
// using it against the bundled broker: a retried batch keeps its sequence (the broker
// writes it once), a sequence the broker does not expect fails as one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forTheFile, testBroker } from '../../helpers.js';
import { SequenceBook, incrementSequence } from '../../../src/client/sequences.js';
import { openKafka } from '../../../src/client/index.js';
import { DirectProducerSession } from '../../../src/client/directProducer.js';
import type { ProducerOptions } from '../../../src/client/producer.js';
import { WireClient } from '../../../src/client/wireClient.js';
import { batchesIn, readRecords, type BatchHeader } from '../../../src/protocol/recordBatch.js';
import { fetchOnce } from '../../txn/helpers.js';

const INT32_MAX = 2 ** 31 - 1;

test('sequences: per-partition counters, each batch takes its base once', () => {
  const book = new SequenceBook(42, 3);
  assert.equal(book.take(0, 10), 0);
  assert.equal(book.take(1, 4), 0, 'partition 1 counts on its own');
  assert.equal(book.take(0, 5), 10);
  assert.equal(book.take(0, 1), 15);
  assert.equal(book.take(1, 1), 4);
  assert.equal(book.peek(0), 16);
  assert.equal(book.peek(2), 0, 'an unused partition starts at 0');
  assert.equal(book.producerId, 42);
  assert.equal(book.producerEpoch, 3);
});

test('sequences: wrap to 0 after 2^31-1, as Kafka\'s incrementSequence', () => {
  assert.equal(incrementSequence(5, 3), 8);
  assert.equal(incrementSequence(INT32_MAX - 2, 2), INT32_MAX);
  assert.equal(incrementSequence(INT32_MAX - 2, 3), 0);
  assert.equal(incrementSequence(INT32_MAX, 1), 0);
  assert.equal(incrementSequence(INT32_MAX - 1, 10), 8);
  const book = new SequenceBook(1, 0);
  (book as unknown as { next: number[] }).next[0] = INT32_MAX - 4;
  assert.equal(book.take(0, 10), INT32_MAX - 4, 'a batch may cross the wrap');
  assert.equal(book.take(0, 1), 5, 'the next batch follows the wrapped sequence');
});

test('sequences: unanswered batches, oldest first (an out-of-order answer is retried only behind an older batch)', () => {
  const book = new SequenceBook(1, 0);
  const a = book.take(0, 3);
  const b = book.take(0, 3);
  const c = book.take(1, 3);
  assert.equal(book.pending(0), 2);
  assert.equal(book.hasEarlier(0, a), false, 'the oldest batch has none before it');
  assert.equal(book.hasEarlier(0, b), true);
  assert.equal(book.hasEarlier(1, c), false, 'partitions are independent');
  book.settle(0, a);
  assert.equal(book.hasEarlier(0, b), false);
  book.settle(0, b);
  book.settle(0, b); // twice: no effect
  assert.equal(book.pending(0), 0);
  assert.equal(book.pending(1), 1);
});

// ---- the engine against the bundled broker

const broker = await forTheFile(testBroker());

function options(topic: string, o: Partial<ProducerOptions> = {}): ProducerOptions {
  return { topic, acks: -1, compression: 'none', batchBytes: 400, lingerMs: 0, idempotent: true, sync: false, maxInFlight: 5, ...o };
}

/** Every batch of partition 0 with its record values. */
async function batchesOf(topic: string): Promise<Array<{ h: BatchHeader; values: string[] }>> {
  const [host, port] = broker.bootstrap.split(':');
  const c = await WireClient.connect(host, Number(port));
  try {
    const out: Array<{ h: BatchHeader; values: string[] }> = [];
    let offset = 0;
    for (;;) {
      const p = await fetchOnce(c, topic, 0, offset, 0);
      assert.equal(p.errorCode, 0);
      const buf = p.records ?? Buffer.alloc(0);
      if (buf.length === 0) return out;
      for (const [pos, h] of batchesIn(buf)) {
        out.push({ h, values: readRecords(buf, pos).map((r) => r.value!.toString()) });
        offset = h.baseOffset + h.lastOffsetDelta + 1;
      }
    }
  } finally {
    c.close();
  }
}

test('idempotent engine: responses lost twice, the batches resent with the same sequences, written once', async () => {
  const topic = 'idem-retry';
  const h = await openKafka({ brokers: [broker.bootstrap], properties: {}, debug: false });
  const s = await DirectProducerSession.open(h, options(topic));
  // the first two Produce requests reach the broker, their answers are "lost"
  const entry = (s as unknown as { route: { connections(): Array<{ broker: { connectionPool: { send(r: unknown): Promise<unknown> } } }> } }).route.connections()[0];
  const pool = entry.broker.connectionPool;
  const send = pool.send.bind(pool);
  let lost = 0;
  pool.send = async (r: unknown) => {
    const res = await send(r);
    if ((r as { request: { apiKey: number } }).request.apiKey === 0 && lost < 2) {
      lost++;
      throw new Error('connection reset (test)');
    }
    return res;
  };
  const values = Array.from({ length: 60 }, (_, i) => `v${i}-${'x'.repeat(20)}`);
  for (const v of values) {
    const w = s.add({ key: null, value: Buffer.from(v), headers: [], partition: 0 });
    if (w) await w;
  }
  const summary = await s.close();
  assert.equal(lost, 2, 'two answers were dropped');
  assert.equal(summary.failed, 0, summary.firstError?.message);
  assert.equal(summary.sent, 60);
  const batches = await batchesOf(topic);
  assert.deepEqual(batches.flatMap((b) => b.values), values, 'every record once, in order');
  assert.ok(batches.length > 2, 'several batches');
  let next = 0;
  for (const { h: b } of batches) {
    assert.ok(b.producerId >= 0, 'a producer id');
    assert.equal(b.producerId, batches[0].h.producerId);
    assert.equal(b.producerEpoch, batches[0].h.producerEpoch);
    assert.equal(b.baseSequence, next, 'sequences follow each other from 0');
    next += b.recordCount;
  }
});

test('idempotent engine: a sequence the broker does not expect fails as one line naming it', async () => {
  const topic = 'idem-gap';
  const h = await openKafka({ brokers: [broker.bootstrap], properties: {}, debug: false });
  const s = await DirectProducerSession.open(h, options(topic));
  await s.sendOne({ key: null, value: Buffer.from('first'), headers: [], partition: 0 });
  // skip ahead: the broker has sequence 0 and is sent 100
  (s as unknown as { sequences: { next: number[] } }).sequences.next[0] = 100;
  await assert.rejects(s.sendOne({ key: null, value: Buffer.from('second'), headers: [], partition: 0 }), (e: Error) => {
    assert.match(e.message, /^idempotent produce to idem-gap-0 refused: OUT_OF_ORDER_SEQUENCE_NUMBER \(batch of 1 at sequence 100, producer id \d+, epoch \d+\)/);
    assert.doesNotMatch(e.message, /\n/);
    return true;
  });
  const summary = await s.close();
  assert.equal(summary.sent, 1);
  assert.equal(summary.failed, 1);
  assert.deepEqual((await batchesOf(topic)).flatMap((b) => b.values), ['first'], 'nothing written out of order');
});

test('non-idempotent engine: batches carry no producer id; onAck reports every record once with its queue time', async () => {
  const topic = 'plain-acks';
  const h = await openKafka({ brokers: [broker.bootstrap], properties: {}, debug: false });
  const acked: number[] = [];
  let bytes = 0;
  const before = Date.now();
  const s = await DirectProducerSession.open(h, options(topic, { idempotent: false, onAck: (times, sizes) => {
    acked.push(...times);
    for (const n of sizes) bytes += n;
  } }));
  for (let i = 0; i < 30; i++) {
    const w = s.add({ key: null, value: Buffer.from(`value-${i}`), headers: [], partition: 0, timestamp: before + i });
    if (w) await w;
  }
  await s.close();
  assert.deepEqual(acked.sort((a, b) => a - b), Array.from({ length: 30 }, (_, i) => before + i));
  assert.equal(bytes, Array.from({ length: 30 }, (_, i) => `value-${i}`.length).reduce((a, b) => a + b));
  for (const { h: b } of await batchesOf(topic)) {
    assert.equal(b.producerId, -1);
    assert.equal(b.baseSequence, -1);
  }
});
