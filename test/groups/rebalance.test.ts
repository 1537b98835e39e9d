// Coordinator fidelity with kafkajs over TCP: partitions shared out evenly, moved on a leave
// at once and on a crash after the session timeout, and — with commits after processing —
// no record lost or read twice by the group while it rebalances under a steady producer.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test, before, after } from 'node:test';
import type { Broker } from '../../src/index.js';
import {
  HEARTBEAT_MS,
  Member,
  SESSION_MS,
  SteadyProducer,
  duplicatesAndMissing,
  expectedValues,
  groupBroker,
  kafkaFor,
  waitFor,
  type Read,
} from './helpers.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'member-child.js');

let broker: Broker;
before(async () => {
  broker = await groupBroker();
});
after(async () => {
  await broker?.stop();
});

async function createTopic(name: string, partitions: number): Promise<void> {
  const admin = kafkaFor(broker.bootstrap).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions }] });
  await admin.disconnect();
}

const owns = (members: Member[]) => members.map((m) => `${m.name}:${m.owned.join(',')}`).join(' ');

/** Every partition owned by exactly one member, each member owning `each`. */
function evenlyShared(members: Member[], partitions: number, each: number): boolean {
  const all = members.flatMap((m) => m.owned).sort((a, b) => a - b);
  return members.every((m) => m.owned.length === each) && all.length === partitions && all.every((p, i) => p === i);
}

test('three members own two partitions each; after a leave the two left own three each within the session timeout; every record is read exactly once', async () => {
  const topic = 'shared6';
  await createTopic(topic, 6);
  const kafka = kafkaFor(broker.bootstrap);
  const producer = kafka.producer();
  await producer.connect();
  const steady = new SteadyProducer(producer, topic, 6);
  steady.start();
  const reads: Read[] = [];
  const members = ['a', 'b', 'c'].map((n) => new Member(kafka, n, 'g-share', topic, reads));
  try {
    for (const m of members) await m.start();
    await waitFor(() => evenlyShared(members, 6, 2), 60_000, () => `2 partitions each (${owns(members)})`);

    // A leave (LeaveGroup) rebalances at once: the others hear it on their next heartbeat.
    // Read from the coordinator as soon as the leave is answered (an event, not a clock): the
    // member is gone at once, with no session timeout involved.
    const before = broker.groups.describeGroups(['g-share'])[0].members.length;
    await members[0].stop();
    const left = broker.groups.describeGroups(['g-share'])[0];
    assert.equal(left.members.length, before - 1, 'the leaving member is removed when its LeaveGroup is answered');
    const rest = members.slice(1);
    await waitFor(() => evenlyShared(rest, 6, 3), 60_000, () => `3 partitions each (${owns(rest)})`);

    // A fourth member joins while records keep arriving.
    const d = new Member(kafka, 'd', 'g-share', topic, reads);
    members.push(d);
    await d.start();
    const three = [members[1], members[2], d];
    await waitFor(() => evenlyShared(three, 6, 2), 60_000, () => `2 each again (${owns(three)})`);

    const sent = await steady.stop();
    assert.ok(sent > 100, `the producer kept writing during the rebalances (${sent})`);
    const expected = expectedValues(sent);
    await waitFor(() => new Set(reads.map((r) => r.value)).size >= sent, 20_000, () => `all ${sent} records (have ${new Set(reads.map((r) => r.value)).size})`);
    const { duplicates, missing } = duplicatesAndMissing(reads, expected);
    assert.deepEqual(missing, [], 'no record lost');
    assert.deepEqual(duplicates, [], 'no record read twice');
    // Each of the four members did real work.
    for (const m of members) assert.ok(reads.some((r) => r.member === m.name), `${m.name} read records`);
  } finally {
    await steady.stop();
    for (const m of members) if (!m.stopped) await m.stop().catch(() => undefined);
    await producer.disconnect();
  }
});

test('a member killed with SIGKILL: its partitions move after the session timeout; nothing committed is read again', async () => {
  const topic = 'killed6';
  await createTopic(topic, 6);
  const kafka = kafkaFor(broker.bootstrap);
  const producer = kafka.producer();
  await producer.connect();
  const steady = new SteadyProducer(producer, topic, 6);
  steady.start(20);
  const reads: Read[] = [];
  const members = ['a', 'b'].map((n) => new Member(kafka, n, 'g-kill', topic, reads));
  const child = spawn(process.execPath, [CHILD, broker.bootstrap, 'g-kill', topic, String(SESSION_MS), String(HEARTBEAT_MS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let childOwned: number[] = [];
  // The child's last successful commit per partition, and what it processed.
  const childCommitted = new Map<number, number>();
  const childReads: Array<{ p: number; o: number; v: string }> = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    const e = JSON.parse(line) as { t: string; owned?: number[]; p?: number; o?: number; v?: string };
    if (e.t === 'join') childOwned = e.owned ?? [];
    if (e.t === 'c') childCommitted.set(e.p!, Math.max(childCommitted.get(e.p!) ?? 0, e.o!));
    if (e.t === 'm') {
      childReads.push({ p: e.p!, o: e.o!, v: e.v! });
      reads.push({ member: 'child', partition: e.p!, offset: e.o!, value: e.v! });
    }
  });
  try {
    for (const m of members) await m.start();
    await waitFor(
      () => childOwned.length === 2 && members.every((m) => m.owned.length === 2),
      20_000,
      () => `2 partitions each (${owns(members)} child:${childOwned.join(',')})`,
    );
    await waitFor(() => childReads.length > 10, 10_000, 'the child to read records');
    const lost = childOwned.slice();

    const killedAt = Date.now();
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    // Not before the session timeout (nobody told the coordinator), and soon after it.
    await waitFor(() => evenlyShared(members, 6, 3), 60_000, () => `3 each after the session timeout (${owns(members)})`);
    const moved = Date.now() - killedAt;
    // Not at once (as a LeaveGroup would): the session has to run out since the last heartbeat.
    assert.ok(moved >= SESSION_MS - 1000, `partitions moved after ${moved} ms, not before the ${SESSION_MS} ms session timeout`);
    for (const p of lost) assert.ok(members.some((m) => m.owned.includes(p)), `partition ${p} of the killed member has a new owner`);

    const sent = await steady.stop();
    await waitFor(() => new Set(reads.map((r) => r.value)).size >= sent, 20_000, () => `all ${sent} records`);
    const { duplicates, missing } = duplicatesAndMissing(reads, expectedValues(sent));
    assert.deepEqual(missing, [], 'no record lost');
    // Only records the killed member processed but had not committed may be read again.
    const uncommitted = new Set(childReads.filter((r) => r.o >= (childCommitted.get(r.p) ?? 0)).map((r) => r.v));
    assert.deepEqual(duplicates.filter((v) => !uncommitted.has(v)), [], 'a record read twice was committed already');
    assert.ok(duplicates.length <= 2, `at most the record in flight per partition was read again (${duplicates.length})`);
  } finally {
    child.kill('SIGKILL');
    await steady.stop();
    for (const m of members) if (!m.stopped) await m.stop().catch(() => undefined);
    await producer.disconnect();
  }
});

test('two groups on one topic each receive every record', async () => {
  const topic = 'fanout3';
  await createTopic(topic, 3);
  const kafka = kafkaFor(broker.bootstrap);
  const producer = kafka.producer();
  await producer.connect();
  const readsA: Read[] = [];
  const readsB: Read[] = [];
  const members = [
    new Member(kafka, 'a1', 'g-one', topic, readsA),
    new Member(kafka, 'a2', 'g-one', topic, readsA),
    new Member(kafka, 'b1', 'g-two', topic, readsB),
  ];
  try {
    for (const m of members) await m.start();
    await waitFor(() => members[0].owned.length + members[1].owned.length === 3 && members[2].owned.length === 3, 60_000, () => owns(members));
    const values = expectedValues(300, 'f');
    await producer.send({ topic, messages: values.map((value, i) => ({ partition: i % 3, value })) });
    for (const [name, reads] of [['g-one', readsA], ['g-two', readsB]] as const) {
      await waitFor(() => reads.length >= 300, 60_000, () => `${name}: 300 records (have ${reads.length})`);
      const { duplicates, missing } = duplicatesAndMissing(reads, values);
      assert.deepEqual({ duplicates, missing }, { duplicates: [], missing: [] }, name);
    }
    // g-one shared the work, g-two's single member read everything.
    assert.ok(readsA.some((r) => r.member === 'a1') && readsA.some((r) => r.member === 'a2'));
  } finally {
    for (const m of members) await m.stop().catch(() => undefined);
    await producer.disconnect();
  }
});
