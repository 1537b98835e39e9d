// Multi-broker behaviour against a 3-node Apache Kafka 4.4 cluster (three combined
// broker+controller nodes, a controller quorum of 3): a replication-factor-3 topic with leaders
// on every broker; kt produce (--acks all, idempotent) and kt consume --group keep going while
// the group's coordinator broker is killed and started again, and every acknowledged record is
// read back exactly once; kt topics --describe matches kafka-topics while the broker is down, and
// kt cluster check fails (exit 1) naming the broker that is down and the under-replicated partitions.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { KT, isolatedEnv, kt } from '../helpers.js';
import { TOOLS, runTool, startKafkaCluster, type KafkaCluster } from '../kafka/kafka.js';

let cluster: KafkaCluster;
let B = '';
before(async () => {
  cluster = await startKafkaCluster(3, {
    props: {
      'group.initial.rebalance.delay.ms': 0,
      // a killed follower leaves the ISR after 5 s rather than 30 s
      'replica.lag.time.max.ms': 5000,
    },
  });
  B = cluster.bootstrap;
});
after(async () => {
  await cluster?.stop();
});

const ktB = (args: string[], stdin?: string) => kt([...args, '--bootstrap-server', B], { stdin, timeoutMs: 120_000 });

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** `kt topics --describe` rows: partition → [leader, replicas, isr] */
function rows(out: string): Map<number, [string, string, string]> {
  const m = new Map<number, [string, string, string]>();
  for (const l of out.split('\n')) {
    const r = /\tPartition: (\d+)\tLeader: (-?\d+|none)\tReplicas: ([\d,]+)\tIsr: ([\d,]*)/.exec(l);
    if (r) m.set(Number(r[1]), [r[2], r[3], r[4]]);
  }
  return m;
}

test('a broker killed and restarted under kt produce --acks all and kt consume --group: every acknowledged record exactly once', async () => {
  const topic = `failover-${process.pid}`;
  const group = `failover-group-${process.pid}`;
  const c = await ktB(['topics', 'create', topic, '--partitions', '6', '--replication-factor', '3', '--config', 'min.insync.replicas=2']);
  assert.equal(c.code, 0, c.stderr);
  const before = rows((await ktB(['topics', '--describe', '--topic', topic])).out);
  assert.equal(before.size, 6);
  assert.equal(new Set([...before.values()].map((r) => r[0])).size, 3, 'leaders on all three brokers');
  for (const [, replicas, isr] of before.values()) {
    assert.equal(replicas.split(',').length, 3);
    assert.equal(isr.split(',').length, 3);
  }

  // The consumer: a long-running kt consume --group, collecting what it prints.
  const consumer = spawn(process.execPath, [KT, 'consume', '-t', topic, '-g', group, '--from-beginning', '--bootstrap-server', B], { env: isolatedEnv() as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let consumed = '';
  let consumerErr = '';
  consumer.stdout.on('data', (d: Buffer) => (consumed += d.toString()));
  consumer.stderr.on('data', (d: Buffer) => (consumerErr += d.toString()));
  const consumerExit = new Promise<number | null>((r) => consumer.on('close', (code) => r(code)));
  try {
    const acked: string[] = [];
    const batch = async (i: number) => {
      const lines = Array.from({ length: 200 }, (_, j) => `r-${i}-${j}`);
      const p = await ktB(['produce', '-t', topic, '--acks', 'all', '--idempotent'], lines.join('\n') + '\n');
      assert.equal(p.code, 0, `batch ${i}: ${p.stderr}`);
      assert.match(p.stderr, new RegExp(`Produced 200 messages to ${topic}`));
      acked.push(...lines);
    };
    for (let i = 0; i < 3; i++) await batch(i);
    await waitFor('the consumer to read the first batches', async () => consumed.split('\n').length > 600);

    // Kill the group's coordinator (and with it the leader of two partitions).
    const state = await ktB(['groups', '--describe', '--group', group, '--state']);
    assert.equal(state.code, 0, state.stderr);
    const coordinator = Number(/\((\d+)\)/.exec(state.out)?.[1]);
    const victim = cluster.nodes.findIndex((n) => n.id === coordinator);
    assert.ok(victim >= 0, state.out);
    await cluster.stopNode(victim);
    for (let i = 3; i < 6; i++) await batch(i);

    // While it is down: leaders moved away, the ISR shrank, and kt prints what kafka-topics prints.
    const down = String(coordinator);
    const shrunk = await waitFor('the leaders to move and the ISR to shrink', async () => {
      const d = await ktB(['topics', '--describe', '--topic', topic]);
      const r = rows(d.out);
      return [...r.values()].every(([leader, , isr]) => leader !== down && !isr.split(',').includes(down)) ? d : undefined;
    });
    const apache = await runTool(TOOLS.topics, ['--bootstrap-server', B, '--describe', '--topic', topic]);
    assert.equal(apache.code, 0, apache.stderr);
    assert.deepEqual(rows(shrunk.out), rows(apache.stdout));
    for (const [, replicas] of rows(shrunk.out).values()) assert.equal(replicas.split(',').length, 3, 'replicas still name the dead broker');
    // kt cluster check: every partition still has a leader, but a broker is down and every
    // partition of the topic lost a replica: the check fails (exit 1) and says why.
    const check = await ktB(['cluster', 'check', '--topic', topic]);
    assert.equal(check.code, 1, check.stderr);
    assert.equal(check.out, '');
    assert.match(check.stderr, new RegExp(`^kt: error: cluster check failed: broker ${down} is down \\(named as replica, missing from the cluster\\); \\d+ partitions are under-replicated: `));
    const checkJson = await ktB(['cluster', 'check', '--topic', topic, '--json']);
    assert.equal(checkJson.code, 1, checkJson.stderr);
    const report = JSON.parse(checkJson.out);
    assert.equal(report.ok, false);
    assert.equal(report.exitCode, 1);
    assert.deepEqual(report.brokersDown, [coordinator]);
    assert.deepEqual(report.offline, []);
    for (let p = 0; p < 6; p++) assert.ok(report.underReplicated.includes(`${topic}-${p}`), `${topic}-${p} under-replicated: ${checkJson.out}`);

    await cluster.startNode(victim);
    for (let i = 6; i < 9; i++) await batch(i);
    // once the broker has caught up, the check passes again with three brokers
    const healthy = await waitFor('kt cluster check to pass with the broker back in every ISR', async () => {
      const r = await ktB(['cluster', 'check', '--topic', topic, '--json']);
      return r.code === 0 ? r : undefined;
    });
    assert.equal(JSON.parse(healthy.out).brokers, 3);

    await waitFor('the consumer to read every acknowledged record', async () => new Set(consumed.split('\n').filter(Boolean)).size >= acked.length, 120_000);
    consumer.kill('SIGINT');
    assert.equal(await consumerExit, 130, consumerErr);
    const got = consumed.split('\n').filter(Boolean);
    const counts = new Map<string, number>();
    for (const v of got) counts.set(v, (counts.get(v) ?? 0) + 1);
    const dups = [...counts].filter(([, n]) => n > 1).map(([v]) => v);
    assert.deepEqual(dups, [], 'no record read twice');
    assert.deepEqual([...counts.keys()].sort(), [...acked].sort(), 'every acknowledged record, nothing else');

    // The stored log agrees: a plain read to the end has every record exactly once.
    const all = await ktB(['consume', '-t', topic, '--from-beginning', '--exit']);
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual(all.out.split('\n').filter(Boolean).sort(), [...acked].sort());
    // and the group committed its position: nothing left to read
    const rest = await ktB(['consume', '-t', topic, '-g', group, '--exit']);
    assert.equal(rest.code, 0, rest.stderr);
    assert.equal(rest.out, '');
  } finally {
    consumer.kill('SIGKILL');
  }
});
