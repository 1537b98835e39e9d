// The consumer group protocol (KIP-848) with real consumers: two confluent-kafka consumers
// (PyPI's, librdkafka >= 2.4) with group.protocol=consumer split a 4-partition topic on the
// bundled broker, one leaves, the other takes every partition; every record produced is
// consumed exactly once, and the committed offsets are where the records end. Event-driven:
// each step waits for what the consumers report (assignments, records), never for time.
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { ConsumerGroupDescribe } from '../../src/protocol/apis/consumerGroupDescribe.js';
import { ListGroups } from '../../src/protocol/apis/listGroups.js';
import { OffsetFetch } from '../../src/protocol/apis/offsetFetch.js';
import { Produce } from '../../src/protocol/apis/produce.js';
import { buildBatch } from '../../src/protocol/recordBatch.js';
import { createTopicWire, kt, REPO, withWireBroker } from '../helpers.js';
import { skipUnless, VENV_PYTHON } from './lib.js';

const SCRIPT = path.join(REPO, 'test', 'interop', 'peers', 'kip848_member.py');

type Event = { assigned?: number[]; revoked?: number[]; record?: [number, number, string]; closed?: boolean; error?: string };

class Member {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly owned = new Set<number>();
  readonly records: [number, number, string][] = [];
  private readonly waiters: { check: () => boolean; resolve: () => void }[] = [];
  private stderr = '';
  exited = false;

  constructor(bootstrap: string, group: string, topic: string) {
    this.proc = spawn(VENV_PYTHON, [SCRIPT, bootstrap, group, topic]);
    let buf = '';
    this.proc.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        this.on(JSON.parse(buf.slice(0, i)) as Event);
        buf = buf.slice(i + 1);
      }
    });
    this.proc.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.proc.on('exit', () => {
      this.exited = true;
      this.poke();
    });
  }

  private on(e: Event): void {
    if (e.assigned) for (const p of e.assigned) this.owned.add(p);
    if (e.revoked) for (const p of e.revoked) this.owned.delete(p);
    if (e.record) this.records.push(e.record);
    if (e.error) this.stderr += `consumer error: ${e.error}\n`;
    this.poke();
  }

  private poke(): void {
    for (const w of [...this.waiters]) {
      if (w.check()) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  }

  /** Resolves once `check` holds (checked after each event); fails if the process ends first. */
  until(what: string, check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({
        check: () => {
          if (check()) return true;
          if (this.exited) reject(new Error(`consumer exited before: ${what}\n${this.stderr}`));
          return this.exited;
        },
        resolve,
      });
    });
  }

  close(): Promise<void> {
    this.proc.stdin.write('close\n');
    return this.until('closed', () => this.exited);
  }
}

/** Waits for a condition over several members (re-checked on any member's event). */
function untilAll(members: Member[], what: string, check: () => boolean): Promise<void> {
  return Promise.race(members.map((m) => m.until(what, check)));
}

test('confluent-kafka consumers with group.protocol=consumer share a topic, hand over partitions, consume each record once', { skip: skipUnless('confluent-kafka-pypi'), timeout: 120_000 }, async (t) => {
  const members: Member[] = [];
  // a failed or timed-out test leaves no consumer behind (it exits when its stdin closes too)
  t.after(() => {
    for (const m of members) if (!m.exited) m.proc.kill();
  });
  await withWireBroker(
    async (broker, c) => {
      const topic = 'kip848';
      await createTopicWire(c, topic, 4);
      const bootstrap = `127.0.0.1:${broker.port}`;
      let sent = 0;
      const produce = async (perPartition: number) => {
        for (let p = 0; p < 4; p++) {
          const records = Array.from({ length: perPartition }, () => ({ key: null, value: Buffer.from(`v${sent++}`) }));
          const r = await c.request(Produce, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: p, records: buildBatch(records) }] }] });
          assert.equal(r.responses[0]?.partitionResponses[0]?.errorCode, 0);
        }
      };
      const a = new Member(bootstrap, 'g848', topic);
      members.push(a);
      await a.until('A owns all four partitions', () => a.owned.size === 4);
      const b = new Member(bootstrap, 'g848', topic);
      members.push(b);
      try {
        const ab = [a, b];
        await untilAll(ab, 'A and B own two partitions each', () => a.owned.size === 2 && b.owned.size === 2);
        assert.deepEqual([...a.owned, ...b.owned].sort(), [0, 1, 2, 3]);

        const listed = await c.request(ListGroups, 5, { statesFilter: [], typesFilter: ['consumer'] });
        assert.deepEqual(listed.groups.map((g) => [g.groupId, g.groupType, g.protocolType]), [['g848', 'consumer', 'consumer']]);
        const described = await c.request(ConsumerGroupDescribe, 1, { groupIds: ['g848'], includeAuthorizedOperations: false });
        const g = described.groups[0];
        assert.equal(g.errorCode, 0);
        assert.equal(g.assignorName, 'uniform');
        assert.equal(g.members.length, 2);
        for (const m of g.members) assert.equal(m.assignment.topicPartitions[0]?.partitions.length, 2);
        // kt groups list / describe show the group's type and its members' partitions
        const ktList = await kt(['groups', 'list', '--json', '-b', bootstrap]);
        assert.equal(ktList.code, 0, ktList.stderr);
        assert.deepEqual(JSON.parse(ktList.out).groups, [{ group: 'g848', type: 'consumer', protocolType: 'consumer', state: 'Stable', protocol: 'uniform', members: 2 }]);
        const ktDescribe = await kt(['groups', 'describe', 'g848', '--members', '--json', '-b', bootstrap]);
        assert.equal(ktDescribe.code, 0, ktDescribe.stderr);
        const dg = JSON.parse(ktDescribe.out).groups[0];
        assert.equal(dg.type, 'consumer');
        // Apache's --list --type layout (as kafka-consumer-groups 4.4 prints it for this group)
        const typed = await kt(['groups', '--list', '--type', 'consumer', '-b', bootstrap]);
        assert.equal(typed.out, `${'GROUP'.padEnd(25)} ${'TYPE'.padEnd(20)}\n${'g848'.padEnd(25)} ${'Consumer'.padEnd(20)}\n`);
        const classicOnly = await kt(['groups', '--list', '--type', 'classic', '--state', '-b', bootstrap]);
        assert.equal(classicOnly.out, `${'GROUP'.padEnd(25)} ${'TYPE'.padEnd(20)} ${'STATE'.padEnd(20)}\n`);
        assert.deepEqual(dg.members.flatMap((m: { assignment: { partition: number }[] }) => m.assignment.map((a) => a.partition)).sort(), [0, 1, 2, 3]);

        await produce(10);
        await untilAll(ab, '40 records consumed', () => a.records.length + b.records.length === 40);
        const partitionsOf = (m: Member) => new Set(m.records.map((r) => r[0]));
        assert.equal([...partitionsOf(a)].filter((p) => partitionsOf(b).has(p)).length, 0, 'no partition read by both');

        await a.close();
        await b.until('B owns all four partitions', () => b.owned.size === 4);
        await produce(10);
        await b.until('80 records consumed', () => a.records.length + b.records.length === 80);

        const values = [...a.records, ...b.records].map((r) => r[2]).sort();
        assert.deepEqual(values, Array.from({ length: 80 }, (_, i) => `v${i}`).sort(), 'every record once');
        const fetched = await c.request(OffsetFetch, 8, { groups: [{ groupId: 'g848', topics: null }], requireStable: false });
        const committed = fetched.groups[0].topics[0].partitions.map((p) => [p.partitionIndex, p.committedOffset]);
        assert.deepEqual(committed, [[0, 20], [1, 20], [2, 20], [3, 20]]);
        await b.close();
        const after = await c.request(ConsumerGroupDescribe, 1, { groupIds: ['g848'], includeAuthorizedOperations: false });
        assert.equal(after.groups[0].groupState, 'Empty');
      } finally {
        for (const m of [a, b]) if (!m.exited) m.proc.kill();
      }
    },
    { groupConsumerHeartbeatIntervalMs: 500 },
  );
});
