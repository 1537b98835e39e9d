// Differential tests of CreateTopics, DeleteTopics and the transaction APIs (InitProducerId,
// AddPartitionsToTxn, EndTxn) (issue 13 part 6): valid and invalid requests (invalid names,
// duplicates, validateOnly, a bad replication factor, a stale epoch, an invalid transaction
// state) at their newest version and an older one, sent to the bundled broker and to Apache
// Kafka 4.4 and compared field by field (test/e2e/differential.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as A from '../../src/protocol/apis/index.js';
import { createTopic, differential, type Side } from './differential.js';

const d = differential();

const topic = (name: string, numPartitions = 1, replicationFactor = 1, configs: { name: string; value: string | null }[] = []) =>
  ({ name, numPartitions, replicationFactor, assignments: [], configs });

test('CreateTopics v7 and v4: invalid names, duplicates, validateOnly, bad replication factor and partitions, an existing topic', async () => {
  for (const v of [7, 4]) {
    const k = (x: string) => `ct${v}-${x}`;
    await d.request('invalid and valid', A.CreateTopics, v, (s) => ({
      topics: [
        topic('bad/name'), topic(''), topic('..'), topic('x'.repeat(250)),
        topic(s.n(k('rf')), 1, 3), topic(s.n(k('zero')), 0), topic(s.n(k('cfg')), 1, 1, [{ name: 'cleanup.policy', value: 'bogus' }]),
        topic(s.n(k('unknown-cfg')), 1, 1, [{ name: 'no.such.config', value: '1' }]),
      ],
      timeoutMs: 30000, validateOnly: false,
    }));
    await d.request('duplicates', A.CreateTopics, v, (s) => ({ topics: [topic(s.n(k('dup'))), topic(s.n(k('dup')), 2)], timeoutMs: 30000, validateOnly: false }));
    await d.request('validateOnly', A.CreateTopics, v, (s) => ({ topics: [topic(s.n(k('validate')), 3), topic('bad/name')], timeoutMs: 30000, validateOnly: true }));
    await d.same('the validated topic was not created', async (s) => {
      const md = await s.c.request(A.Metadata, 12, { topics: [{ name: s.n(k('validate')), topicId: Buffer.alloc(16) }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      return md.topics.map((x) => x.errorCode);
    });
    await d.same('create', async (s) => {
      await createTopic(s, s.n(k('exists')), 2);
      return null;
    });
    await d.request('an existing topic', A.CreateTopics, v, (s) => ({ topics: [topic(s.n(k('exists')), 2)], timeoutMs: 30000, validateOnly: false }));
  }
});

test('DeleteTopics v6 (names and ids) and v5: unknown names and ids, a topic named and given by id', async () => {
  const ids = new Map<string, Buffer>();
  await d.same('create', async (s) => {
    await createTopic(s, s.n('del-a'), 1);
    ids.set(s.name, await createTopic(s, s.n('del-b'), 1));
    await createTopic(s, s.n('del-c'), 1);
    return null;
  });
  await d.request('v6', A.DeleteTopics, 6, (s) => ({
    topics: [
      { name: s.n('del-a'), topicId: Buffer.alloc(16) }, { name: null, topicId: ids.get(s.name) as Buffer },
      { name: `${s.n('del-a')}-none`, topicId: Buffer.alloc(16) }, { name: null, topicId: Buffer.alloc(16, 4) },
    ],
    timeoutMs: 30000,
  }));
  await d.request('v5', A.DeleteTopics, 5, (s) => ({ topicNames: [s.n('del-c'), `${s.n('del-c')}-none`, 'bad/name'], timeoutMs: 30000 }));
});

test('InitProducerId v5 and v3, AddPartitionsToTxn v5 and v3, EndTxn v5 and v4: a transaction, a stale epoch, an invalid state', async () => {
  const pids = new Map<string, { producerId: number; producerEpoch: number }>();
  const pid = (s: Side) => pids.get(s.name) as { producerId: number; producerEpoch: number };
  for (const [iv, av, ev] of [[5, 5, 5], [3, 3, 4]]) {
    const k = (x: string) => `txn${iv}-${x}`;
    await d.same('create', async (s) => {
      await createTopic(s, s.n(k('topic')), 2);
      return null;
    });
    await d.same(`InitProducerId v${iv}`, async (s) => {
      const r = await s.c.request(A.InitProducerId, iv, { transactionalId: s.n(k('tx')), transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
      pids.set(s.name, { producerId: r.producerId, producerEpoch: r.producerEpoch });
      // again: the epoch is bumped
      const again = await s.c.request(A.InitProducerId, iv, { transactionalId: s.n(k('tx')), transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
      assert.equal(again.producerId, r.producerId);
      pids.set(s.name, { producerId: again.producerId, producerEpoch: again.producerEpoch });
      return [r, again];
    });
    await d.request('idempotent only (no transactional id)', A.InitProducerId, iv, () => ({ transactionalId: null, transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 }));
    await d.request('a bad transaction timeout', A.InitProducerId, iv, (s) => ({ transactionalId: s.n(k('tx-timeout')), transactionTimeoutMs: 0x7fffffff, producerId: -1, producerEpoch: -1 }));
    await d.request('a wrong producer id and epoch', A.InitProducerId, iv, (s) => ({ transactionalId: s.n(k('tx')), transactionTimeoutMs: 60000, producerId: 123456, producerEpoch: 3 }));

    await d.request('EndTxn with no transaction', A.EndTxn, ev, (s) => ({ transactionalId: s.n(k('tx')), ...pid(s), committed: true }));
    const add = (epoch: (s: Side) => number) => (s: Side) => av >= 4
      ? { transactions: [{ transactionalId: s.n(k('tx')), producerId: pid(s).producerId, producerEpoch: epoch(s), verifyOnly: false, topics: [{ name: s.n(k('topic')), partitions: [0, 1] }] }] }
      : { v3AndBelowTransactionalId: s.n(k('tx')), v3AndBelowProducerId: pid(s).producerId, v3AndBelowProducerEpoch: epoch(s), v3AndBelowTopics: [{ name: s.n(k('topic')), partitions: [0, 1] }] };
    await d.request('a stale epoch', A.AddPartitionsToTxn, av, add((s) => pid(s).producerEpoch - 1));
    await d.request('add', A.AddPartitionsToTxn, av, add((s) => pid(s).producerEpoch));
    await d.request('an unknown partition', A.AddPartitionsToTxn, 3, (s) => ({
      v3AndBelowTransactionalId: s.n(k('tx')), v3AndBelowProducerId: pid(s).producerId, v3AndBelowProducerEpoch: pid(s).producerEpoch,
      v3AndBelowTopics: [{ name: s.n(k('topic')), partitions: [0, 9] }, { name: `${s.n(k('topic'))}-none`, partitions: [0] }],
    }));
    await d.request('EndTxn with a stale epoch', A.EndTxn, ev, (s) => ({ transactionalId: s.n(k('tx')), producerId: pid(s).producerId, producerEpoch: pid(s).producerEpoch - 1, committed: false }));
    await d.same('EndTxn abort', async (s) => {
      const r = await s.c.request(A.EndTxn, ev, { transactionalId: s.n(k('tx')), ...pid(s), committed: false });
      if (ev >= 5) pids.set(s.name, { producerId: r.producerId, producerEpoch: r.producerEpoch }); // v5 bumps the epoch
      return r;
    });
    await d.request('EndTxn for an unknown transactional id', A.EndTxn, ev, (s) => ({ transactionalId: s.n(k('tx-none')), ...pid(s), committed: true }));
  }
});
