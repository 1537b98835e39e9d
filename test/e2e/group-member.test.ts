// kt's own consumer-group member (src/client/groupMember.ts) as `kt consume --group`
// processes: members sharing a topic, one leaving and the other taking its partitions over
// from the committed offsets (on both targets), and a group shared with Apache's
// ConsoleConsumer, which kafka-consumer-groups --describe shows with kt's member and its
// partitions (Apache).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { test } from 'node:test';
import { kt as ktRun, spawnKt, type Live } from '../helpers.js';
import { TOOLS, runTool, toolArgs } from '../kafka/kafka.js';
import { apacheNode, forEachTarget, type Target } from './targets.js';

interface Member {
  consumerId: string;
  clientId: string;
  assignment: Array<{ topic: string; partition: number }>;
}
interface Described {
  state: string;
  protocol: string;
  members: Member[];
  offsets: Array<{ partition: number; currentOffset: number | null; lag: number | null }>;
}

async function describe(t: Pick<Target, 'kt'>, group: string): Promise<Described | undefined> {
  const r = await t.kt(['groups', 'describe', group, '--json']);
  return r.code === 0 ? (JSON.parse(r.out).groups[0] as Described) : undefined;
}

/** Polls `cond` (every 200 ms) until it holds; fails naming `what` after `ms`. */
async function until(what: () => string, ms: number, cond: () => Promise<boolean> | boolean): Promise<void> {
  for (const deadline = Date.now() + ms; !(await cond()); ) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const lines = (s: string) => s.split('\n').filter(Boolean);
const values = (from: number, n: number) => Array.from({ length: n }, (_, i) => `v${from + i}`);

forEachTarget((t) => {
  test('two kt consume --group members split four partitions; one leaves, the other takes over at the committed offsets: every record once', { timeout: 180_000 }, async () => {
    const topic = t.unique('split');
    const group = t.unique('split-g');
    assert.equal((await t.kt(['topics', 'create', topic, '--partitions', '4'])).code, 0);
    const produce = async (from: number, n: number) => {
      const p = await t.kt(['produce', '-t', topic], { stdin: values(from, n).join('\n') + '\n' });
      assert.equal(p.code, 0, p.stderr);
    };
    const member = () => spawnKt(['consume', '-t', topic, '--group', group, '--from-beginning', '--bootstrap-server', t.bootstrap]);
    const printed = (...ms: Live[]) => ms.flatMap((m) => lines(m.stdout));
    await produce(0, 100);
    const a = member();
    let b: Live | undefined;
    try {
      await a.until('member A read the first 100 records', () => lines(a.stdout).length >= 100);
      b = member();
      const both = b;
      // the group rebalances: two members, two partitions each
      let d: Described | undefined;
      await until(() => `two members with two partitions each: ${JSON.stringify(d)}`, 60_000, async () => {
        d = await describe(t, group);
        return d?.state === 'Stable' && d.members.length === 2 && d.members.every((m) => m.assignment.length === 2 && m.clientId === 'kt-consumer');
      });
      assert.equal(d!.protocol, 'range');
      await produce(100, 100);
      await until(() => `200 records printed: ${printed(a, both).length}`, 60_000, () => printed(a, both).length >= 200);
      assert.ok(lines(both.stdout).length > 0, 'the second member read its partitions');
      // A leaves (Ctrl-C: it commits what it printed and leaves the group); B takes over
      a.child.kill('SIGINT');
      assert.equal((await a.exited).code, 130, a.stderr);
      await until(() => `one member owning all four partitions: ${JSON.stringify(d)}`, 60_000, async () => {
        d = await describe(t, group);
        return d?.state === 'Stable' && d.members.length === 1 && d.members[0].assignment.length === 4;
      });
      await produce(200, 100);
      await until(() => `300 records printed: ${printed(a, both).length}`, 60_000, () => printed(a, both).length >= 300);
      both.child.kill('SIGINT');
      assert.equal((await both.exited).code, 130, both.stderr);
      // every record exactly once across the two members
      const all = printed(a, both);
      assert.equal(all.length, 300, 'no record printed twice');
      assert.deepEqual(new Set(all), new Set(values(0, 300)));
      // and the group's offsets are at the end of every partition
      d = await describe(t, group);
      assert.equal(d?.offsets.length, 4);
      assert.ok(d!.offsets.every((o) => o.lag === 0), JSON.stringify(d!.offsets));
      assert.equal(d!.offsets.reduce((s, o) => s + (o.currentOffset ?? 0), 0), 300);
    } finally {
      a.child.kill('SIGKILL');
      b?.child.kill('SIGKILL');
    }
  });
});

test('a group shared with Apache ConsoleConsumer: both members get partitions, kafka-consumer-groups --describe lists kt\'s member with its own', { timeout: 240_000 }, async (ctx) => {
  const node = await apacheNode();
  ctx.after(() => node.stop());
  const B = node.bootstrap;
  const ktB = (args: string[], stdin?: string) => ktRun([...args, '--bootstrap-server', B], stdin === undefined ? {} : { stdin });
  const topic = `mixed-${process.pid}`;
  const group = `mixed-g-${process.pid}`;
  assert.equal((await ktB(['topics', 'create', topic, '--partitions', '4'])).code, 0);
  assert.equal((await ktB(['produce', '-t', topic], values(0, 40).join('\n') + '\n')).code, 0);
  const kt = spawnKt(['consume', '-t', topic, '--group', group, '--from-beginning', '--bootstrap-server', B]);
  let java: ChildProcess | undefined;
  try {
    await kt.until('kt read the 40 records', () => lines(kt.stdout).length >= 40);
    // Java's ConsoleConsumer joins the same group (the classic protocol, its default assignors)
    java = spawn('java', toolArgs(TOOLS.consoleConsumer, ['--bootstrap-server', B, '--topic', topic, '--group', group, '--consumer-property', 'group.protocol=classic']), { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let members = '';
    await until(() => `two members with two partitions each in kafka-consumer-groups --describe --members:\n${members}`, 120_000, async () => {
      const r = await runTool(TOOLS.consumerGroups, ['--bootstrap-server', B, '--describe', '--group', group, '--members']);
      members = r.stdout;
      const rows = lines(r.stdout).filter((l) => l.startsWith(group));
      return rows.length === 2 && rows.every((l) => / 2\s*$/.test(l));
    });
    const ktRow = lines(members).find((l) => l.includes('kt-consumer'));
    assert.ok(ktRow, `kt's member is listed by its client id:\n${members}`);
    const ktMemberId = ktRow.split(/\s+/)[1];
    assert.match(ktMemberId, /^kt-consumer-/);
    // --describe: each partition with its owner; kt's member owns two of them
    const described = await runTool(TOOLS.consumerGroups, ['--bootstrap-server', B, '--describe', '--group', group]);
    assert.equal(described.code, 0, described.stderr);
    const rows = lines(described.stdout).filter((l) => l.startsWith(group));
    assert.equal(rows.length, 4, described.stdout);
    assert.equal(rows.filter((l) => l.includes(ktMemberId)).length, 2, described.stdout);
    // the common protocol: range (first in both lists)
    const state = await runTool(TOOLS.consumerGroups, ['--bootstrap-server', B, '--describe', '--group', group, '--state']);
    assert.match(state.stdout, new RegExp(`^${group} .*\\) +range +Stable +2\\s*$`, 'm'), state.stdout);
  } finally {
    kt.child.kill('SIGINT');
    await kt.exited;
    if (java?.pid) process.kill(-java.pid, 'SIGKILL');
  }
});
