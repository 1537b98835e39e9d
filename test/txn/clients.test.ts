// Transactions with third-party clients. Writers: kafkajs (producer.transaction(): one batch
// committed, one aborted, and sendOffsets) and kcat (-X transactional.id: a kcat killed in the
// middle of its transaction leaves it open; the next kcat with the same transactional.id
// aborts it by InitProducerId, then commits its own input at EOF), plus kcat with
// enable.idempotence=true. Readers with read_committed: kt, kafkajs, kcat, confluent-kafka
// see exactly the committed records; read_uncommitted readers see the aborted ones too.
// confluent-kafka also runs a consume-transform-produce transaction with
// send_offsets_to_transaction (TxnOffsetCommit v3).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { ATTR_CONTROL, batchesIn } from '../../src/protocol/recordBatch.js';
import { WireClient } from '../../src/client/wireClient.js';
import type { Broker } from '../../src/index.js';
import { REPO, isolatedEnv, kt, requirePeer, run, testBroker } from '../helpers.js';
import { fetchOnce, readValues } from './helpers.js';

const PYTHON = process.env.KT_TEST_PYTHON ?? '/usr/bin/python3';
const CK_PEER = path.join(REPO, 'test', 'txn', 'peers', 'confluent_txn_peer.py');

function confluentMissing(): string | false {
  const r = spawnSync(PYTHON, ['-c', 'import confluent_kafka'], { encoding: 'utf8' });
  if (r.status === 0) return false;
  if (process.env.CI) throw new Error('python3-confluent-kafka is required in CI');
  return `confluent-kafka is not importable by ${PYTHON}`;
}

async function confluent(req: Record<string, unknown>): Promise<Record<string, unknown>> {
  const r = await run(PYTHON, [CK_PEER], { stdin: JSON.stringify(req), timeoutMs: 40_000 });
  let out: Record<string, unknown> | undefined;
  try {
    out = JSON.parse(r.out) as Record<string, unknown>;
  } catch {
    // below
  }
  if (!out || out.error) throw new Error(`confluent-kafka ${req.op}: ${String(out?.error ?? r.stderr.slice(-500))}`);
  return out;
}

const kafkaFor = (b: Broker) => new Kafka({ clientId: 'kt-txn-test', brokers: [b.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 50 } });

async function waitFor(cond: () => boolean, what: string, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sorted = (xs: string[]) => [...xs].sort();

test('transactional producers (kafkajs, kcat) commit and abort; read_committed readers (kt, kafkajs, kcat, confluent-kafka) see only committed records', async (t) => {
  const skipKcat = requirePeer('kcat');
  const skipCk = confluentMissing();
  const lines: string[] = [];
  const broker = await testBroker({ log: (l) => lines.push(l) });
  const kafka = kafkaFor(broker);
  const admin = kafka.admin();
  const topic = 'txn-clients';
  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    const committed: string[] = [];
    const aborted: string[] = [];

    // kafkajs: one transaction committed, one aborted, over both partitions
    const producer = kafka.producer({ transactionalId: 'kafkajs-txn', maxInFlightRequests: 1, idempotent: true });
    await producer.connect();
    let tx = await producer.transaction();
    await tx.send({ topic, messages: [{ value: 'kafkajs-committed-0', partition: 0 }, { value: 'kafkajs-committed-1', partition: 1 }] });
    await tx.commit();
    committed.push('kafkajs-committed-0', 'kafkajs-committed-1');
    tx = await producer.transaction();
    await tx.send({ topic, messages: [{ value: 'kafkajs-aborted-0', partition: 0 }, { value: 'kafkajs-aborted-1', partition: 1 }] });
    await tx.abort();
    aborted.push('kafkajs-aborted-0', 'kafkajs-aborted-1');

    if (!skipKcat) {
      // kcat A: its transaction is under way (records written) when it is killed
      const log0 = broker.store.partition(topic, 0)!;
      const before = log0.logEndOffset;
      const a = spawn('kcat', ['-P', '-b', broker.bootstrap, '-t', topic, '-p', '0', '-X', 'transactional.id=kcat-txn', '-X', 'linger.ms=5'], { env: isolatedEnv() as NodeJS.ProcessEnv, stdio: ['pipe', 'ignore', 'pipe'] });
      const exited = new Promise<void>((resolve) => a.on('close', () => resolve()));
      // kcat reads its input 1 KiB at a time: write enough that it gets the first records now
      const killed: string[] = [];
      for (let i = 0; i < 40; i++) killed.push(`kcat-aborted-${String(i).padStart(2, '0')}-${'x'.repeat(40)}`);
      a.stdin.write(killed.map((v) => `${v}\n`).join(''));
      await waitFor(() => log0.logEndOffset > before && log0.openTransactions().length > 0, 'kcat\'s first transactional records');
      await waitFor(() => log0.logEndOffset - before >= 10, 'more of kcat\'s records', 5000).catch(() => undefined);
      a.kill('SIGKILL');
      await exited;
      const open = log0.openTransactions();
      assert.equal(open.length, 1, 'the killed kcat left its transaction open');
      assert.ok(log0.lastStableOffset < log0.logEndOffset);
      // what kcat wrote before it died (it reads its input in chunks)
      const wc = await WireClient.connect('127.0.0.1', broker.port);
      const written = (await readValues(wc, topic, 0, 0)).filter((v) => v.startsWith('kcat-aborted-'));
      wc.close();
      assert.ok(written.length > 0 && written.every((v) => killed.includes(v)));
      aborted.push(...written);
      // kcat B, same transactional.id: InitProducerId aborts A's transaction; EOF commits B's
      const b = await run('kcat', ['-P', '-b', broker.bootstrap, '-t', topic, '-p', '0', '-X', 'transactional.id=kcat-txn'], {
        stdin: 'kcat-committed-0\nkcat-committed-1\nkcat-committed-2\n',
        timeoutMs: 30_000,
      });
      assert.equal(b.code, 0, b.stderr);
      assert.match(b.stderr, /Transaction successfully committed/);
      assert.ok(lines.some((l) => /transactional id kcat-txn: a new producer \(InitProducerId\) aborts the ongoing transaction/.test(l)), lines.join('\n'));
      committed.push('kcat-committed-0', 'kcat-committed-1', 'kcat-committed-2');
      assert.equal(log0.lastStableOffset, log0.logEndOffset);
    } else t.diagnostic(`kcat parts skipped: ${skipKcat}`);

    // one more committed kafkajs transaction after everything else
    tx = await producer.transaction();
    await tx.send({ topic, messages: [{ value: 'kafkajs-committed-2', partition: 0 }] });
    await tx.commit();
    committed.push('kafkajs-committed-2');
    await producer.disconnect();

    const c = await WireClient.connect('127.0.0.1', broker.port);
    const p0 = await fetchOnce(c, topic, 0, 0, 1);
    c.close();
    assert.ok((p0.abortedTransactions ?? []).length >= (skipKcat ? 1 : 2), 'Fetch names the aborted transactions');

    const readers: Record<string, { committed: string[]; uncommitted?: string[] }> = {};

    // kt
    const ktRead = async (iso: string) => {
      const r = await kt(['consume', '-b', broker.bootstrap, '-t', topic, '--from-beginning', '--exit', '--isolation-level', iso, '--output', 'json'], { timeoutMs: 30_000 });
      assert.equal(r.code, 0, r.stderr);
      return r.out.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { value: string }).value);
    };
    readers.kt = { committed: await ktRead('read_committed'), uncommitted: await ktRead('read_uncommitted') };

    // kafkajs (READ_COMMITTED is its default)
    const consumer = kafka.consumer({ groupId: 'kafkajs-reader', maxWaitTimeInMs: 100 });
    const seen: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value?.toString() ?? '') });
    await waitFor(() => seen.length >= committed.length, 'kafkajs to read the committed records');
    await new Promise((r) => setTimeout(r, 300)); // nothing else arrives
    await consumer.disconnect();
    readers.kafkajs = { committed: seen };

    if (!skipKcat) {
      const kcatRead = async (iso: string) => {
        const r = await run('kcat', ['-C', '-b', broker.bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%s\n', '-X', `isolation.level=${iso}`], { timeoutMs: 30_000 });
        assert.equal(r.code, 0, r.stderr);
        return r.out.split('\n').filter(Boolean);
      };
      readers.kcat = { committed: await kcatRead('read_committed'), uncommitted: await kcatRead('read_uncommitted') };
    }
    if (!skipCk) {
      const ck = async (isolation: string) => (await confluent({ op: 'consume', bootstrap: broker.bootstrap, topic, isolation })).values as string[];
      readers['confluent-kafka'] = { committed: await ck('read_committed'), uncommitted: await ck('read_uncommitted') };
    } else t.diagnostic(`confluent-kafka skipped: ${skipCk}`);

    for (const [name, r] of Object.entries(readers)) {
      assert.deepEqual(sorted(r.committed), sorted(committed), `${name} read_committed sees exactly the committed records`);
      if (r.uncommitted) assert.deepEqual(sorted(r.uncommitted), sorted([...committed, ...aborted]), `${name} read_uncommitted sees every record`);
    }
    t.diagnostic(`readers: ${Object.keys(readers).join(', ')}; ${committed.length} committed, ${aborted.length} aborted records`);
  } finally {
    await admin.disconnect().catch(() => undefined);
    await broker.stop();
  }
});

test('kcat with enable.idempotence=true writes sequenced batches once', async (t) => {
  const skip = requirePeer('kcat');
  if (skip) return t.skip(skip);
  const broker = await testBroker();
  try {
    const input = Array.from({ length: 50 }, (_, i) => `idem-${i}`).join('\n') + '\n';
    const r = await run('kcat', ['-P', '-b', broker.bootstrap, '-t', 'kcat-idem', '-X', 'enable.idempotence=true', '-X', 'linger.ms=0', '-X', 'batch.num.messages=7'], { stdin: input, timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    const c = await WireClient.connect('127.0.0.1', broker.port);
    const raw = (await fetchOnce(c, 'kcat-idem', 0, 0, 0)).records as Buffer;
    c.close();
    const batches = [...batchesIn(raw)].map(([, h]) => h).filter((h) => !(h.attributes & ATTR_CONTROL));
    assert.ok(batches.length > 1);
    assert.ok(batches.every((h) => h.producerId >= 0 && h.producerId === batches[0].producerId && h.producerEpoch === 0));
    let seq = 0;
    for (const h of batches) {
      assert.equal(h.baseSequence, seq, 'contiguous sequences');
      seq += h.recordCount;
    }
    assert.equal(seq, 50);
    assert.equal(broker.store.partition('kcat-idem', 0)!.logEndOffset, 50);
  } finally {
    await broker.stop();
  }
});

test('consume-transform-produce: kafkajs sendOffsets and confluent-kafka send_offsets_to_transaction commit group offsets with the transaction', async (t) => {
  const skipCk = confluentMissing();
  const broker = await testBroker();
  const kafka = kafkaFor(broker);
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'eos-in', numPartitions: 1 }, { topic: 'eos-out', numPartitions: 1 }] });
    const plain = kafka.producer();
    await plain.connect();
    await plain.send({ topic: 'eos-in', messages: ['a', 'b', 'c', 'd'].map((value) => ({ key: value, value })) });
    await plain.disconnect();

    // kafkajs: an aborted transaction leaves the group's offset alone, a committed one moves it
    const producer = kafka.producer({ transactionalId: 'kafkajs-eos', maxInFlightRequests: 1, idempotent: true });
    await producer.connect();
    const groupOffset = async (groupId: string) => (await admin.fetchOffsets({ groupId, topics: ['eos-in'] }))[0].partitions[0].offset;
    let tx = await producer.transaction();
    await tx.send({ topic: 'eos-out', messages: [{ value: 'A' }] });
    await tx.sendOffsets({ consumerGroupId: 'kafkajs-eos-group', topics: [{ topic: 'eos-in', partitions: [{ partition: 0, offset: '1' }] }] });
    await tx.abort();
    assert.equal(await groupOffset('kafkajs-eos-group'), '-1');
    tx = await producer.transaction();
    await tx.send({ topic: 'eos-out', messages: [{ value: 'A' }, { value: 'B' }] });
    await tx.sendOffsets({ consumerGroupId: 'kafkajs-eos-group', topics: [{ topic: 'eos-in', partitions: [{ partition: 0, offset: '2' }] }] });
    assert.equal(await groupOffset('kafkajs-eos-group'), '-1', 'not before the commit');
    await tx.commit();
    assert.equal(await groupOffset('kafkajs-eos-group'), '2');
    await producer.disconnect();

    if (skipCk) return t.diagnostic(`confluent-kafka part skipped: ${skipCk}`);
    // confluent-kafka in a consumer group: abort first (offsets stay), then commit
    const abortRun = await confluent({ op: 'eos', bootstrap: broker.bootstrap, input: 'eos-in', output: 'eos-out', group: 'ck-eos-group', transactionalId: 'ck-eos', expected: 4, commit: false });
    assert.deepEqual(abortRun.committed, { 0: -1001 }, 'nothing committed (librdkafka reports OFFSET_INVALID)');
    const commitRun = await confluent({ op: 'eos', bootstrap: broker.bootstrap, input: 'eos-in', output: 'eos-out', group: 'ck-eos-group', transactionalId: 'ck-eos', expected: 4, commit: true });
    assert.deepEqual(commitRun.committed, { 0: 4 });
    const out = (await confluent({ op: 'consume', bootstrap: broker.bootstrap, topic: 'eos-out', isolation: 'read_committed' })).values as string[];
    assert.deepEqual(out, ['A', 'B', 'A', 'B', 'C', 'D']);
  } finally {
    await admin.disconnect().catch(() => undefined);
    await broker.stop();
  }
});
