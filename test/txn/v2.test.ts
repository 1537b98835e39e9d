// Transactions V2 (KIP-890 part 2) and the batched AddPartitionsToTxn over the wire, answered
// as a Kafka 4.4 broker answers the same requests: EndTxn v5 bumps the epoch at every end
// (retries with the old epoch get the same answer), TxnOffsetCommit v5 adds its group itself,
// v6 names topics by id, and AddPartitionsToTxn v4+ carries several transactions or only
// verifies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AddPartitionsToTxn } from '../../src/protocol/apis/addPartitionsToTxn.js';
import { EndTxn } from '../../src/protocol/apis/endTxn.js';
import { OffsetFetch } from '../../src/protocol/apis/offsetFetch.js';
import { TxnOffsetCommit } from '../../src/protocol/apis/txnOffsetCommit.js';
import { code } from '../../src/protocol/errors.js';
import { WireClient } from '../../src/client/wireClient.js';
import { createTopicWire, withWireBroker } from '../helpers.js';
import { RawTxnProducer, readValues } from './helpers.js';

const E = (name: Parameters<typeof code>[0]) => code(name);

const endTxn = (c: WireClient, p: RawTxnProducer, epoch: number, committed: boolean, version = 5) =>
  c.request(EndTxn, version, { transactionalId: p.transactionalId, producerId: p.pid, producerEpoch: epoch, committed });

test('EndTxn v5 bumps the epoch at every end; retries with the old epoch get the same answer; the old epoch is fenced', async () => {
  await withWireBroker(async (_b, c) => {
    await createTopicWire(c, 'v2');
    const p = new RawTxnProducer(c, 'tv2');
    assert.equal(await p.init(5), 0);
    const e0 = p.epoch;
    assert.deepEqual(await p.addPartitions('v2', [0], 3), [0]);
    assert.equal((await p.send('v2', 0, ['a', 'b']))[0], 0);
    const commit = await endTxn(c, p, e0, true);
    assert.deepEqual(commit, { throttleTimeMs: 0, errorCode: 0, producerId: p.pid, producerEpoch: e0 + 1 });
    // a retry (the answer was lost): same answer; the other outcome is refused
    assert.deepEqual(await endTxn(c, p, e0, true), commit);
    assert.equal((await endTxn(c, p, e0, false)).errorCode, E('INVALID_TXN_STATE'));
    // committing with the new epoch and nothing open is not a retry
    assert.equal((await endTxn(c, p, e0 + 1, true)).errorCode, E('INVALID_TXN_STATE'));
    // the old epoch is fenced
    const fencedAdd = await c.request(AddPartitionsToTxn, 4, {
      transactions: [{ transactionalId: 'tv2', producerId: p.pid, producerEpoch: e0, verifyOnly: false, topics: [{ name: 'v2', partitions: [0] }] }],
    });
    assert.equal(fencedAdd.resultsByTransaction[0].topicResults[0].resultsByPartition[0].partitionErrorCode, E('PRODUCER_FENCED'));
    // the next transaction runs with the new epoch (sequences restart at 0): the markers of
    // the last one carried it, so the partition accepts it
    const fresh = new RawTxnProducer(c, 'tv2');
    Object.assign(fresh, { pid: p.pid, epoch: e0 + 1 });
    assert.deepEqual(await fresh.addPartitions('v2', [0], 3), [0]);
    assert.equal((await fresh.send('v2', 0, ['c']))[0], 0);
    const abort = await endTxn(c, fresh, e0 + 1, false);
    assert.deepEqual([abort.errorCode, abort.producerEpoch], [0, e0 + 2]);
    assert.deepEqual(await readValues(c, 'v2', 0, 1), ['a', 'b']);
    assert.deepEqual(await readValues(c, 'v2', 0, 0), ['a', 'b', 'c']);
  });
});

test('EndTxn v5 aborts with nothing open (bumping the epoch); v4 keeps Kafka 3.x answers', async () => {
  await withWireBroker(async (_b, c) => {
    const p = new RawTxnProducer(c, 'empty');
    assert.equal(await p.init(5), 0);
    const e0 = p.epoch;
    const a1 = await endTxn(c, p, e0, false);
    assert.deepEqual([a1.errorCode, a1.producerId, a1.producerEpoch], [0, p.pid, e0 + 1]);
    assert.deepEqual(await endTxn(c, p, e0, false), a1); // retry
    // v4 in CompleteAbort with the current epoch: a retry, NONE, epoch unchanged
    assert.equal((await endTxn(c, p, e0 + 1, false, 4)).errorCode, 0);
    assert.equal((await endTxn(c, p, e0 + 1, true, 4)).errorCode, E('INVALID_TXN_STATE'));
    const a2 = await endTxn(c, p, e0 + 1, false);
    assert.deepEqual([a2.errorCode, a2.producerEpoch], [0, e0 + 2]);
    // v4 never bumps, and answers the Kafka 3.x way when nothing is open
    const q = new RawTxnProducer(c, 'v4');
    assert.equal(await q.init(4), 0);
    assert.equal((await endTxn(c, q, q.epoch, false, 4)).errorCode, E('INVALID_TXN_STATE'));
    assert.equal((await endTxn(c, q, q.epoch + 1, false)).errorCode, E('PRODUCER_FENCED'));
    assert.equal((await c.request(EndTxn, 5, { transactionalId: 'unknown', producerId: 77, producerEpoch: 0, committed: true })).errorCode, E('INVALID_PRODUCER_ID_MAPPING'));
  });
});

test('AddPartitionsToTxn v4-5: several transactions in one request, and verifyOnly', async () => {
  await withWireBroker(async (_b, c) => {
    await createTopicWire(c, 'b', 2);
    const p = new RawTxnProducer(c, 'one');
    const q = new RawTxnProducer(c, 'two');
    assert.equal(await p.init(5), 0);
    assert.equal(await q.init(5), 0);
    const r = await c.request(AddPartitionsToTxn, 5, {
      transactions: [
        { transactionalId: 'one', producerId: p.pid, producerEpoch: p.epoch, verifyOnly: false, topics: [{ name: 'b', partitions: [0] }] },
        { transactionalId: 'two', producerId: q.pid, producerEpoch: q.epoch + 1, verifyOnly: false, topics: [{ name: 'b', partitions: [1] }] },
        { transactionalId: 'three', producerId: 1234, producerEpoch: 0, verifyOnly: false, topics: [{ name: 'b', partitions: [1] }] },
        { transactionalId: 'one', producerId: p.pid, producerEpoch: p.epoch, verifyOnly: false, topics: [{ name: 'b', partitions: [1, 5] }, { name: 'nope', partitions: [0] }] },
      ],
    });
    assert.equal(r.errorCode, 0);
    const flat = r.resultsByTransaction.map((t) => [t.transactionalId, t.topicResults.map((x) => [x.name, x.resultsByPartition.map((y) => [y.partitionIndex, y.partitionErrorCode])])]);
    assert.deepEqual(flat, [
      ['one', [['b', [[0, 0]]]]],
      ['two', [['b', [[1, E('PRODUCER_FENCED')]]]]],
      ['three', [['b', [[1, E('INVALID_PRODUCER_ID_MAPPING')]]]]],
      ['one', [['b', [[1, E('OPERATION_NOT_ATTEMPTED')], [5, E('UNKNOWN_TOPIC_OR_PARTITION')]]], ['nope', [[0, E('UNKNOWN_TOPIC_OR_PARTITION')]]]]],
    ]);
    const verify = await c.request(AddPartitionsToTxn, 4, {
      transactions: [{ transactionalId: 'one', producerId: p.pid, producerEpoch: p.epoch, verifyOnly: true, topics: [{ name: 'b', partitions: [0, 1] }] }],
    });
    assert.deepEqual(verify.resultsByTransaction[0].topicResults[0].resultsByPartition, [
      { partitionIndex: 0, partitionErrorCode: 0 },
      { partitionIndex: 1, partitionErrorCode: E('TRANSACTION_ABORTABLE') },
    ]);
    // verifying added nothing: partition 1 is still not in the transaction
    const again = await c.request(AddPartitionsToTxn, 4, {
      transactions: [{ transactionalId: 'one', producerId: p.pid, producerEpoch: p.epoch, verifyOnly: true, topics: [{ name: 'b', partitions: [1] }] }],
    });
    assert.equal(again.resultsByTransaction[0].topicResults[0].resultsByPartition[0].partitionErrorCode, E('TRANSACTION_ABORTABLE'));
  });
});

test('TxnOffsetCommit v5 adds its group to the transaction, v6 names topics by id, v4 needs AddOffsetsToTxn', async () => {
  await withWireBroker(async (_b, c) => {
    const id = await createTopicWire(c, 'in', 1);
    const p = new RawTxnProducer(c, 'eos2');
    assert.equal(await p.init(5), 0);
    const body = { transactionalId: 'eos2', groupId: 'g2', producerId: p.pid, producerEpoch: p.epoch, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null };
    const v4 = await c.request(TxnOffsetCommit, 4, { ...body, topics: [{ name: 'in', partitions: [{ partitionIndex: 0, committedOffset: 1, committedMetadata: '' }] }] });
    assert.equal(v4.topics[0].partitions[0].errorCode, E('TRANSACTION_ABORTABLE'));
    const v3 = await c.request(TxnOffsetCommit, 3, { ...body, topics: [{ name: 'in', partitions: [{ partitionIndex: 0, committedOffset: 1, committedMetadata: '' }] }] });
    assert.equal(v3.topics[0].partitions[0].errorCode, E('INVALID_TXN_STATE'));
    const v5 = await c.request(TxnOffsetCommit, 5, { ...body, topics: [{ name: 'in', partitions: [{ partitionIndex: 0, committedOffset: 7, committedMetadata: 'x' }] }] });
    assert.equal(v5.topics[0].partitions[0].errorCode, 0);
    const v6 = await c.request(TxnOffsetCommit, 6, {
      ...body,
      topics: [
        { topicId: Buffer.alloc(16, 5), partitions: [{ partitionIndex: 0, committedOffset: 1, committedMetadata: '' }] },
        { topicId: id, partitions: [{ partitionIndex: 0, committedOffset: 8, committedMetadata: 'y' }] },
      ],
    });
    assert.deepEqual(v6.topics.map((t) => [t.topicId.toString('hex'), t.partitions[0].errorCode]), [['05'.repeat(16), E('UNKNOWN_TOPIC_ID')], [id.toString('hex'), 0]]);
    const fetch = async () => (await c.request(OffsetFetch, 8, { groups: [{ groupId: 'g2', topics: [{ name: 'in', partitionIndexes: [0] }] }], requireStable: true })).groups[0].topics[0].partitions[0];
    assert.equal((await fetch()).errorCode, E('UNSTABLE_OFFSET_COMMIT'));
    const end = await endTxn(c, p, p.epoch, true);
    assert.equal(end.errorCode, 0);
    const after = await fetch();
    assert.deepEqual([after.errorCode, after.committedOffset, after.metadata], [0, 8, 'y']);
  });
});
