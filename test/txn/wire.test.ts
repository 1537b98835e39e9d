// Idempotent producers and transactions over the wire, request by request (the broker's own
// WireClient): exact-bytes retries, sequence and epoch errors, fencing, the LSO and aborted
// transactions in Fetch and ListOffsets, TxnOffsetCommit, timeouts, restarts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ApiVersions } from '../../src/protocol/apis/apiVersions.js';
import { EndTxn } from '../../src/protocol/apis/endTxn.js';
import { InitProducerId } from '../../src/protocol/apis/initProducerId.js';
import { ListOffsets } from '../../src/protocol/apis/listOffsets.js';
import { OffsetFetch } from '../../src/protocol/apis/offsetFetch.js';
import { Produce } from '../../src/protocol/apis/produce.js';
import { TxnOffsetCommit } from '../../src/protocol/apis/txnOffsetCommit.js';
import { code } from '../../src/protocol/errors.js';
import { batchesIn, readRecords } from '../../src/protocol/recordBatch.js';
import { WireClient } from '../../src/client/wireClient.js';
import { TXN_STATE_FILE } from '../../src/broker/txn/stateLog.js';
import { createTopicWire, tempDir, testBroker, withWireBroker } from '../helpers.js';
import { RawTxnProducer, batchOf, fetchOnce, produce, produceBody, readValues, sendRawProduce } from './helpers.js';

const E = (name: Parameters<typeof code>[0]) => code(name);

async function latest(c: WireClient, topic: string, isolationLevel: 0 | 1): Promise<number> {
  const r = await c.request(ListOffsets, 5, { replicaId: -1, isolationLevel, topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -1 }] }] });
  return r.topics[0].partitions[0].offset;
}

test('ApiVersions advertises InitProducerId 0-5, AddPartitionsToTxn 0-5, AddOffsetsToTxn 0-4, EndTxn 0-5, TxnOffsetCommit 0-6 (Kafka 4.4)', async () => {
  await withWireBroker(async (_b, c) => {
    const r = await c.request(ApiVersions, 3, { clientSoftwareName: 'kt-test', clientSoftwareVersion: '1' });
    const range = (k: number) => { const x = r.apiKeys.find((a) => a.apiKey === k); return x && [x.minVersion, x.maxVersion]; };
    assert.deepEqual([22, 24, 25, 26, 28].map(range), [[0, 5], [0, 5], [0, 4], [0, 5], [0, 6]]);
  });
});

test('an idempotent producer retrying the exact same Produce bytes: one copy stored, the retry answered with the original offset', async () => {
  await withWireBroker(async (broker, c) => {
    await createTopicWire(c, 'idem');
    const init = await c.request(InitProducerId, 1, { transactionalId: null, transactionTimeoutMs: 60000 });
    assert.equal(init.errorCode, 0);
    const pid = init.producerId;
    assert.equal(init.producerEpoch, 0);
    // something before, so that the original offset is not 0
    assert.deepEqual(await produce(c, 'idem', 0, batchOf(['first', 'second'], { pid, epoch: 0, seq: 0 })), [0, 0]);
    // the same request bytes twice, pipelined on one connection (a retry after a lost answer)
    const frame = c.encode(Produce, 7, produceBody('idem', 0, batchOf(['r1', 'r2', 'r3'], { pid, epoch: 0, seq: 2 })), 4242);
    const answers = await sendRawProduce(broker.port, frame, 2);
    assert.deepEqual(answers, [{ errorCode: 0, baseOffset: 2 }, { errorCode: 0, baseOffset: 2 }]);
    // and again later, on another connection
    assert.deepEqual(await sendRawProduce(broker.port, frame, 1), [{ errorCode: 0, baseOffset: 2 }]);
    assert.equal(broker.store.partition('idem', 0)?.logEndOffset, 5, 'the batch is stored once');
    assert.deepEqual(await readValues(c, 'idem', 0, 0), ['first', 'second', 'r1', 'r2', 'r3']);
    // a gap: OUT_OF_ORDER_SEQUENCE_NUMBER (45); the next in sequence still works
    assert.deepEqual(await produce(c, 'idem', 0, batchOf(['gap'], { pid, epoch: 0, seq: 9 })), [E('OUT_OF_ORDER_SEQUENCE_NUMBER'), -1]);
    assert.equal(E('OUT_OF_ORDER_SEQUENCE_NUMBER'), 45);
    assert.deepEqual(await produce(c, 'idem', 0, batchOf(['next'], { pid, epoch: 0, seq: 5 })), [0, 5]);
    // a higher epoch must start at 0; after it the old epoch is refused: INVALID_PRODUCER_EPOCH (47)
    assert.deepEqual(await produce(c, 'idem', 0, batchOf(['e1'], { pid, epoch: 1, seq: 0 })), [0, 6]);
    assert.deepEqual(await produce(c, 'idem', 0, batchOf(['stale'], { pid, epoch: 0, seq: 6 })), [E('INVALID_PRODUCER_EPOCH'), -1]);
    // a producer the partition never saw may start anywhere (Kafka 2.5+)
    const other = await c.request(InitProducerId, 1, { transactionalId: null, transactionTimeoutMs: 60000 });
    assert.notEqual(other.producerId, pid);
    assert.deepEqual(await produce(c, 'idem', 0, batchOf(['late'], { pid: other.producerId, epoch: 0, seq: 17 })), [0, 7]);
  });
});

test('transactions over the wire: LSO, aborted transactions in Fetch, ListOffsets read_committed, markers', async () => {
  await withWireBroker(async (broker, c) => {
    await createTopicWire(c, 'tx', 2);
    const p = new RawTxnProducer(c, 'tx-wire');
    assert.equal(await p.init(), 0);
    // committed: both partitions
    assert.deepEqual(await p.addPartitions('tx', [0, 1]), [0, 0]);
    assert.equal((await p.send('tx', 0, ['c1', 'c2']))[0], 0);
    assert.equal((await p.send('tx', 1, ['c3']))[0], 0);
    assert.equal(await latest(c, 'tx', 1), 0, 'read_committed latest is the LSO while open');
    assert.equal(await latest(c, 'tx', 0), 2);
    const open = await fetchOnce(c, 'tx', 0, 0, 1);
    assert.deepEqual([open.highWatermark, open.lastStableOffset, open.records?.length ?? 0], [2, 0, 0]);
    assert.equal((await fetchOnce(c, 'tx', 0, 0, 0)).records?.length !== 0, true, 'read_uncommitted sees the open data');
    assert.equal(await p.end(true), 0);
    assert.equal(await p.end(true), 0, 'a retried commit is answered NONE');
    assert.equal(await latest(c, 'tx', 1), 3, 'two records and the COMMIT marker');
    // aborted
    assert.deepEqual(await p.addPartitions('tx', [0]), [0]);
    const [, abortedAt] = await p.send('tx', 0, ['a1', 'a2']);
    assert.equal(await p.end(false), 0);
    assert.equal(await p.end(true), E('INVALID_TXN_STATE'), 'commit after abort');
    // committed again
    await p.addPartitions('tx', [0]);
    await p.send('tx', 0, ['c4']);
    assert.equal(await p.end(true), 0);
    const all = await fetchOnce(c, 'tx', 0, 0, 1);
    assert.equal(all.lastStableOffset, all.highWatermark);
    assert.deepEqual(all.abortedTransactions, [{ producerId: p.pid, firstOffset: abortedAt }]);
    assert.deepEqual((await fetchOnce(c, 'tx', 0, 0, 0)).abortedTransactions, null, 'read_uncommitted gets no aborted list (null, as Kafka)');
    assert.deepEqual((await fetchOnce(c, 'tx', 0, abortedAt + 3, 1)).abortedTransactions, [], 'none overlapping a later fetch');
    assert.deepEqual(await readValues(c, 'tx', 0, 1), ['c1', 'c2', 'c4']);
    assert.deepEqual(await readValues(c, 'tx', 0, 0), ['c1', 'c2', 'a1', 'a2', 'c4']);
    assert.deepEqual(await readValues(c, 'tx', 1, 1), ['c3']);
    // the markers are control batches with the key version 0 + type (0 abort, 1 commit)
    const raw = (await fetchOnce(c, 'tx', 0, 0, 0)).records as Buffer;
    const markers = [...batchesIn(raw)].filter(([, h]) => (h.attributes & 0x30) === 0x30).map(([pos, h]) => {
      const key = readRecords(raw, pos)[0].key as Buffer;
      return [h.producerId, key.readInt16BE(0), key.readInt16BE(2)];
    });
    assert.deepEqual(markers, [[p.pid, 0, 1], [p.pid, 0, 0], [p.pid, 0, 1]]);
    const log = broker.store.partition('tx', 0)!;
    assert.equal(log.lastStableOffset, 8);
    // a transactional batch for a partition not added: INVALID_TXN_STATE
    await p.addPartitions('tx', [1]);
    assert.deepEqual(await p.send('tx', 0, ['not-added']), [E('INVALID_TXN_STATE'), -1]);
    // and EndTxn of an empty (never begun) transaction
    const q = new RawTxnProducer(c, 'tx-empty');
    await q.init();
    assert.equal(await q.end(true), E('INVALID_TXN_STATE'));
  });
});

test('fencing: a second InitProducerId for the transactional id aborts the open transaction and fences the first producer', async () => {
  await withWireBroker(async (broker, c) => {
    await createTopicWire(c, 'fence');
    const first = new RawTxnProducer(c, 'fenced-id');
    await first.init();
    await first.addPartitions('fence', [0]);
    await first.send('fence', 0, ['zombie-1']);
    const second = new RawTxnProducer(c, 'fenced-id');
    assert.equal(await second.init(), 0);
    assert.equal(second.pid, first.pid);
    assert.ok(second.epoch > first.epoch);
    // the open transaction was aborted (markers with the bumped epoch)
    assert.deepEqual(await readValues(c, 'fence', 0, 1), []);
    assert.equal(broker.store.partition('fence', 0)!.lastStableOffset, broker.store.partition('fence', 0)!.logEndOffset);
    // the old producer: produce, AddPartitionsToTxn, EndTxn, InitProducerId (KIP-360) all fenced
    assert.deepEqual(await first.send('fence', 0, ['zombie-2']), [E('INVALID_PRODUCER_EPOCH'), -1]);
    assert.deepEqual(await first.addPartitions('fence', [0], 1), [E('INVALID_PRODUCER_EPOCH')]);
    assert.deepEqual(await first.addPartitions('fence', [0], 2), [E('PRODUCER_FENCED')]);
    assert.equal(await first.end(true, 1), E('INVALID_PRODUCER_EPOCH'));
    assert.equal(await first.end(true, 3), E('PRODUCER_FENCED'));
    const kip360 = async (v: number) => (await c.request(InitProducerId, v, { transactionalId: 'fenced-id', transactionTimeoutMs: 60000, producerId: first.pid, producerEpoch: first.epoch })).errorCode;
    assert.equal(await kip360(4), E('PRODUCER_FENCED'));
    assert.equal(await kip360(3), E('INVALID_PRODUCER_EPOCH'));
    // the new one works
    await second.addPartitions('fence', [0]);
    await second.send('fence', 0, ['fresh']);
    assert.equal(await second.end(true), 0);
    assert.deepEqual(await readValues(c, 'fence', 0, 1), ['fresh']);
    assert.deepEqual(await readValues(c, 'fence', 0, 0), ['zombie-1', 'fresh']);
    // KIP-360 bump by the current producer: epoch + 1, and a retry of it gets the same epoch
    const bump = await c.request(InitProducerId, 4, { transactionalId: 'fenced-id', transactionTimeoutMs: 60000, producerId: second.pid, producerEpoch: second.epoch });
    assert.deepEqual([bump.errorCode, bump.producerId, bump.producerEpoch], [0, second.pid, second.epoch + 1]);
    const retry = await c.request(InitProducerId, 4, { transactionalId: 'fenced-id', transactionTimeoutMs: 60000, producerId: second.pid, producerEpoch: second.epoch });
    assert.deepEqual([retry.errorCode, retry.producerEpoch], [0, second.epoch + 1]);
    // bad requests
    const bad = async (transactionalId: string, timeout: number) => (await c.request(InitProducerId, 1, { transactionalId, transactionTimeoutMs: timeout })).errorCode;
    assert.equal(await bad('', 1000), E('INVALID_REQUEST'));
    assert.equal(await bad('x', 900_001), E('INVALID_TRANSACTION_TIMEOUT'));
  });
});

test('TxnOffsetCommit: offsets become the group\'s committed offsets only when the transaction commits', async () => {
  await withWireBroker(async (_broker, c) => {
    await createTopicWire(c, 'in', 1);
    await createTopicWire(c, 'out', 1);
    const fetchOffset = async (version: 5 | 7, requireStable = false) => {
      const r = await c.request(OffsetFetch, version, { groupId: 'eos-group', topics: [{ name: 'in', partitionIndexes: [0] }], requireStable });
      const p = r.topics[0].partitions[0];
      return [p.errorCode, p.committedOffset];
    };
    const commitOffsets = async (p: RawTxnProducer, offset: number, version = 2) => {
      const r = await c.request(TxnOffsetCommit, version, {
        transactionalId: p.transactionalId, groupId: 'eos-group', producerId: p.pid, producerEpoch: p.epoch,
        generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
        topics: [{ name: 'in', partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: 'm' }] }],
      });
      return r.topics[0].partitions[0].errorCode;
    };
    const p = new RawTxnProducer(c, 'eos');
    await p.init();
    await p.addPartitions('out', [0]);
    await p.send('out', 0, ['o1']);
    assert.equal(await commitOffsets(p, 10), E('INVALID_TXN_STATE'), 'the group was not added to the transaction');
    assert.equal(await p.addOffsets('eos-group'), 0);
    assert.equal(await commitOffsets(p, 10), 0);
    assert.deepEqual(await fetchOffset(5), [0, -1], 'not visible while the transaction is open');
    assert.deepEqual(await fetchOffset(7, true), [E('UNSTABLE_OFFSET_COMMIT'), -1], 'requireStable: UNSTABLE_OFFSET_COMMIT');
    assert.equal(await p.end(true), 0);
    assert.deepEqual(await fetchOffset(7, true), [0, 10]);
    // an aborted transaction's offsets are dropped
    await p.addOffsets('eos-group');
    assert.equal(await commitOffsets(p, 20, 3), 0);
    assert.equal(await p.end(false), 0);
    assert.deepEqual(await fetchOffset(5), [0, 10]);
    // v3 member checks: a generation of a group that does not exist
    await p.addOffsets('eos-group');
    const r = await c.request(TxnOffsetCommit, 3, {
      transactionalId: 'eos', groupId: 'eos-group', producerId: p.pid, producerEpoch: p.epoch, generationIdOrMemberEpoch: 5, memberId: 'ghost', groupInstanceId: null,
      topics: [{ name: 'in', partitions: [{ partitionIndex: 0, committedOffset: 30, committedLeaderEpoch: -1, committedMetadata: null }] }],
    });
    assert.equal(r.topics[0].partitions[0].errorCode, E('UNKNOWN_MEMBER_ID'));
    assert.equal(await p.end(false), 0);
  });
});

test('a transaction open longer than its timeout is aborted, its producer fenced', async () => {
  await withWireBroker(async (broker, c) => {
    await createTopicWire(c, 'slow');
    const p = new RawTxnProducer(c, 'slowpoke', 500);
    await p.init();
    await p.addPartitions('slow', [0]);
    await p.send('slow', 0, ['late-1']);
    const started = Date.now();
    while (broker.txn.describe('slowpoke')?.state !== 'CompleteAbort' && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 50));
    const state = broker.txn.describe('slowpoke');
    assert.equal(state?.state, 'CompleteAbort', 'aborted by the broker\'s maintenance');
    assert.equal(state?.producerEpoch, p.epoch + 1, 'with the epoch bumped');
    assert.deepEqual(await readValues(c, 'slow', 0, 1), []);
    assert.equal(await p.end(true, 3), E('PRODUCER_FENCED'));
    assert.deepEqual(await p.send('slow', 0, ['late-2']), [E('INVALID_PRODUCER_EPOCH'), -1]);
    // the same transactional id starts again
    const again = new RawTxnProducer(c, 'slowpoke');
    assert.equal(await again.init(), 0);
    assert.ok(again.epoch > p.epoch + 1);
  });
});

test('a restart on the same data directory keeps producer ids, sequences, open transactions and pending offsets', async () => {
  const dataDir = tempDir('kt-txn-restart-');
  let broker = await testBroker({ dataDir });
  let c = await WireClient.connect('127.0.0.1', broker.port);
  await createTopicWire(c, 'dur');
  const idem = await c.request(InitProducerId, 1, { transactionalId: null, transactionTimeoutMs: 60000 });
  const idemBatch = () => batchOf(['i1'], { pid: idem.producerId, epoch: 0, seq: 0 });
  assert.deepEqual(await produce(c, 'dur', 0, idemBatch()), [0, 0]);
  const p = new RawTxnProducer(c, 'durable', 600_000);
  await p.init();
  await p.addPartitions('dur', [0]);
  await p.addOffsets('dur-group');
  await p.send('dur', 0, ['t1', 't2']);
  await c.request(TxnOffsetCommit, 2, {
    transactionalId: 'durable', groupId: 'dur-group', producerId: p.pid, producerEpoch: p.epoch, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
    topics: [{ name: 'dur', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: '' }] }],
  });
  c.close();
  await broker.stop();

  broker = await testBroker({ dataDir });
  c = await WireClient.connect('127.0.0.1', broker.port);
  try {
    // the idempotent producer's retry is still recognised
    assert.deepEqual(await produce(c, 'dur', 0, idemBatch()), [0, 0]);
    // the open transaction is still open (Kafka keeps it until its timeout)
    assert.equal(broker.txn.describe('durable')?.state, 'Ongoing');
    assert.equal(broker.store.partition('dur', 0)!.lastStableOffset, 1);
    const offset = async () => (await c.request(OffsetFetch, 5, { groupId: 'dur-group', topics: [{ name: 'dur', partitionIndexes: [0] }] })).topics[0].partitions[0].committedOffset;
    assert.equal(await offset(), -1);
    // ... and the producer finishes it after the restart
    const resumed = await c.request(EndTxn, 1, { transactionalId: 'durable', producerId: p.pid, producerEpoch: p.epoch, committed: true });
    assert.equal(resumed.errorCode, 0);
    assert.deepEqual(await readValues(c, 'dur', 0, 1), ['i1', 't1', 't2']);
    assert.equal(await offset(), 1, 'the pending offset was committed with it');
    // producer ids are never given twice
    const next = await c.request(InitProducerId, 1, { transactionalId: null, transactionTimeoutMs: 60000 });
    assert.ok(next.producerId > Math.max(idem.producerId, p.pid));
    // a transaction left open in a partition that the coordinator has forgotten (state file
    // lost) is aborted at start, so the LSO does not stay behind forever
    const q = new RawTxnProducer(c, 'forgotten');
    await q.init();
    await q.addPartitions('dur', [0]);
    await q.send('dur', 0, ['orphan']);
  } finally {
    c.close();
    await broker.stop();
  }
  fs.rmSync(path.join(dataDir, TXN_STATE_FILE));
  const lines: string[] = [];
  broker = await testBroker({ dataDir, log: (l) => lines.push(l) });
  c = await WireClient.connect('127.0.0.1', broker.port);
  try {
    const log = broker.store.partition('dur', 0)!;
    assert.equal(log.lastStableOffset, log.logEndOffset);
    assert.ok(lines.some((l) => /had no marker and is not open at the coordinator; wrote ABORT/.test(l)), lines.join('\n'));
    assert.deepEqual(await readValues(c, 'dur', 0, 1), ['i1', 't1', 't2']);
  } finally {
    c.close();
    await broker.stop();
  }
});
