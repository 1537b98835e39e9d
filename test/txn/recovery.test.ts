// The transaction coordinator's durability: a stop between a transaction's decision
// (PrepareCommit written) and its markers is finished at the next start; transaction-state.log
// survives a torn tail and is compacted.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CreateTopics } from '../../src/protocol/apis/createTopics.js';
import { OffsetFetch } from '../../src/protocol/apis/offsetFetch.js';
import { TxnOffsetCommit } from '../../src/protocol/apis/txnOffsetCommit.js';
import { WireClient } from '../../src/client/wireClient.js';
import { TXN_STATE_FILE, TxnStateLog } from '../../src/broker/txn/stateLog.js';
import { toStored } from '../../src/broker/txn/types.js';
import { tempDir, testBroker } from '../helpers.js';
import { RawTxnProducer, readValues } from './helpers.js';

test('a transaction decided (PrepareCommit) but stopped before its markers is committed at the next start', async () => {
  const dataDir = tempDir('kt-txn-prepare-');
  let broker = await testBroker({ dataDir });
  let c = await WireClient.connect('127.0.0.1', broker.port);
  await c.request(CreateTopics, 4, { topics: [{ name: 'rec', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000 });
  const p = new RawTxnProducer(c, 'prepared');
  await p.init();
  await p.addPartitions('rec', [0, 1]);
  await p.addOffsets('rec-group');
  await p.send('rec', 0, ['p0']);
  await p.send('rec', 1, ['p1']);
  await c.request(TxnOffsetCommit, 2, {
    transactionalId: 'prepared', groupId: 'rec-group', producerId: p.pid, producerEpoch: p.epoch, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null,
    topics: [{ name: 'rec', partitions: [{ partitionIndex: 0, committedOffset: 7, committedLeaderEpoch: -1, committedMetadata: '' }] }],
  });
  const ongoing = broker.txn.describe('prepared')!;
  c.close();
  await broker.stop();
  // what EndTxn writes first, as if the broker died right after it
  const stateLog = new TxnStateLog(path.join(dataDir, TXN_STATE_FILE));
  stateLog.load();
  stateLog.write(toStored({ ...ongoing, state: 'PrepareCommit' }));
  stateLog.close();

  const lines: string[] = [];
  broker = await testBroker({ dataDir, log: (l) => lines.push(l) });
  c = await WireClient.connect('127.0.0.1', broker.port);
  try {
    assert.ok(lines.some((l) => /completing the commit of prepared/.test(l)), lines.join('\n'));
    assert.equal(broker.txn.describe('prepared')?.state, 'CompleteCommit');
    assert.deepEqual(await readValues(c, 'rec', 0, 1), ['p0']);
    assert.deepEqual(await readValues(c, 'rec', 1, 1), ['p1']);
    const r = await c.request(OffsetFetch, 7, { groupId: 'rec-group', topics: [{ name: 'rec', partitionIndexes: [0] }], requireStable: true });
    assert.deepEqual([r.topics[0].partitions[0].errorCode, r.topics[0].partitions[0].committedOffset], [0, 7]);
    // the producer's own EndTxn retry is answered NONE
    const again = new RawTxnProducer(c, 'prepared');
    again.pid = p.pid;
    again.epoch = p.epoch;
    assert.equal(await again.end(true), 0);
  } finally {
    c.close();
    await broker.stop();
  }
});

test('transaction-state.log: the last entry of an id wins, a torn tail is cut, the file is compacted', () => {
  const dir = tempDir('kt-txn-statelog-');
  const file = path.join(dir, TXN_STATE_FILE);
  const meta = (id: string, epoch: number) => toStored({
    transactionalId: id, producerId: 1, lastProducerId: -1, producerEpoch: epoch, lastProducerEpoch: -1, timeoutMs: 1000, state: 'Empty',
    partitions: new Map([['t', new Set([0, 2])]]), groups: new Set(['g']), pendingOffsets: new Map([['g', [{ topic: 't', partition: 0, offset: 5, leaderEpoch: -1, metadata: null }]]]),
    txnStartTimestamp: -1, txnLastUpdateTimestamp: 0, lastResult: 'commit',
  });
  let log = new TxnStateLog(file, () => {}, 4096);
  log.load();
  for (let i = 0; i < 200; i++) log.write(meta('a', i));
  log.write(meta('b', 1));
  log.delete('b');
  log.write(meta('c', 3));
  assert.ok(log.fileSize < 4096 * 4 + 1024, `compacted as it grew (${log.fileSize} bytes)`);
  log.close();
  fs.appendFileSync(file, Buffer.from([0, 0, 1, 0, 1, 2])); // a torn entry
  const lines: string[] = [];
  log = new TxnStateLog(file, (l) => lines.push(l), 4096);
  const state = log.load();
  log.close();
  assert.deepEqual([...state.keys()].sort(), ['a', 'c']);
  assert.equal(state.get('a')?.epoch, 199);
  assert.deepEqual(state.get('a')?.partitions, [['t', [0, 2]]]);
  assert.deepEqual(state.get('a')?.offsets, [['g', [['t', 0, 5, -1, null]]]]);
  assert.ok(lines.some((l) => /dropped 6 trailing bytes/.test(l)), lines.join('\n'));
});
