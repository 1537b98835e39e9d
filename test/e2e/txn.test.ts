// Transactions through kt consume --isolation-level, against the bundled broker and Apache
// Kafka 4.4: committed, aborted and still-open transactions written by kafkajs's
// transactional producer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { forEachTarget } from './targets.js';

forEachTarget((t) => {
  test('read_committed shows committed transactions only and stops before an open one; read_uncommitted shows everything', async () => {
    const topic = t.unique('payments');
    assert.equal((await t.kt(['topics', 'create', topic])).code, 0);
    const kafka = new Kafka({ brokers: [t.bootstrap], clientId: 'kt-e2e-txn', logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ transactionalId: t.unique('txn'), maxInFlightRequests: 1, idempotent: true });
    const open = kafka.producer({ transactionalId: t.unique('txn-open'), maxInFlightRequests: 1, idempotent: true });
    await producer.connect();
    await open.connect();
    try {
      let tx = await producer.transaction();
      await tx.send({ topic, messages: [{ value: 'c1' }, { value: 'c2' }] });
      await tx.commit();
      tx = await producer.transaction();
      await tx.send({ topic, messages: [{ value: 'aborted' }] });
      await tx.abort();
      tx = await producer.transaction();
      await tx.send({ topic, messages: [{ value: 'c3' }] });
      await tx.commit();
      const pending = await open.transaction();
      await pending.send({ topic, messages: [{ value: 'open' }] });
      tx = await producer.transaction();
      await tx.send({ topic, messages: [{ value: 'after-open' }] });
      await tx.commit();

      const read = async (iso: string) => {
        const r = await t.kt(['consume', '-t', topic, '--from-beginning', '--exit', '--isolation-level', iso]);
        assert.equal(r.code, 0, r.stderr);
        return r.out.split('\n').filter(Boolean);
      };
      assert.deepEqual(await read('read_committed'), ['c1', 'c2', 'c3'], 'stops at the last stable offset');
      assert.deepEqual(await read('read_uncommitted'), ['c1', 'c2', 'aborted', 'c3', 'open', 'after-open']);
      await pending.commit();
      assert.deepEqual(await read('read_committed'), ['c1', 'c2', 'c3', 'open', 'after-open']);
    } finally {
      await producer.disconnect();
      await open.disconnect();
    }
  });
});
