// The consumer group protocol (KIP-848) with Apache's own Java client (kafka-clients 4.4, as
// ConsoleConsumer with group.protocol=consumer), on both targets: two members split a
// 4-partition topic (server-side assignment), kt groups describe shows a consumer-type group
// with both members, one member stops (it commits and leaves), the other takes every
// partition, and every record is printed exactly once across the two. Then kafka-consumer-groups'
// --verbose views (offsets, --state, --members) of such a group and of a classic one, which kt
// prints byte for byte.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { test } from 'node:test';
import { TOOLS, runTool, toolArgs } from '../kafka/kafka.js';
import { forEachTarget, type Target } from './targets.js';

const lines = (s: string) => s.split('\n').filter(Boolean);
const values = (from: number, n: number) => Array.from({ length: n }, (_, i) => `j${from + i}`);

/** A ConsoleConsumer process; `until` resolves when its output satisfies a check. */
class JavaMember {
  readonly child: ChildProcess;
  out = '';
  err = '';
  exited: Promise<number | null>;
  private waiters: Array<() => void> = [];

  constructor(bootstrap: string, topic: string, group: string) {
    this.child = spawn('java', toolArgs(TOOLS.consoleConsumer, [
      '--bootstrap-server', bootstrap, '--topic', topic, '--group', group, '--from-beginning',
      '--command-property', 'group.protocol=consumer',
    ]), { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.child.stdout!.on('data', (d: Buffer) => { this.out += d.toString(); this.poke(); });
    this.child.stderr!.on('data', (d: Buffer) => { this.err += d.toString(); });
    this.exited = new Promise((res) => this.child.on('exit', (code) => { res(code); this.poke(); }));
  }

  private poke(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  get printed(): string[] {
    return lines(this.out);
  }

  /** Waits (on output events) until `check` holds; fails if the process ends first or after `ms`. */
  async until(what: string, check: () => boolean, ms = 120_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      assert.ok(this.child.exitCode === null, `ConsoleConsumer exited before: ${what}\n${this.err}`);
      assert.ok(Date.now() < deadline, `timed out waiting for ${what}\n${this.err}`);
      await new Promise<void>((res) => {
        this.waiters.push(res);
        setTimeout(res, 500).unref(); // re-check the deadline
      });
    }
  }

  kill(sig: NodeJS.Signals): void {
    if (this.child.pid && this.child.exitCode === null) {
      try {
        process.kill(-this.child.pid, sig);
      } catch {
        // already gone
      }
    }
  }
}

interface Described {
  type?: string;
  state: string;
  members: Array<{ assignment: Array<{ partition: number }> }>;
}

async function describe(t: Target, group: string): Promise<Described | undefined> {
  const r = await t.kt(['groups', 'describe', group, '--members', '--json']);
  return r.code === 0 ? (JSON.parse(r.out).groups[0] as Described) : undefined;
}

forEachTarget((t) => {
  test('Java consumers with group.protocol=consumer split a topic, one leaves, the other takes over: every record once', { timeout: 300_000 }, async () => {
    const topic = t.unique('j848');
    const group = t.unique('j848-g');
    assert.equal((await t.kt(['topics', 'create', topic, '--partitions', '4'])).code, 0);
    const produce = async (from: number, n: number) => {
      const p = await t.kt(['produce', '-t', topic], { stdin: values(from, n).join('\n') + '\n' });
      assert.equal(p.code, 0, p.stderr);
    };
    await produce(0, 100);
    const a = new JavaMember(t.bootstrap, topic, group);
    let b: JavaMember | undefined;
    try {
      await a.until('the first member printed 100 records', () => a.printed.length >= 100);
      const second = (b = new JavaMember(t.bootstrap, topic, group));
      // server-side assignment: two members with two partitions each, a consumer-type group
      let d: Described | undefined;
      for (const deadline = Date.now() + 120_000; ; ) {
        d = await describe(t, group);
        if (d?.members.length === 2 && d.members.every((m) => m.assignment.length === 2)) break;
        assert.ok(Date.now() < deadline, `two members with two partitions each: ${JSON.stringify(d)}`);
        await new Promise((res) => setTimeout(res, 300)); // a pause between polls
      }
      assert.equal(d.type, 'consumer');
      await produce(100, 100);
      const all = () => [...a.printed, ...second.printed];
      await a.until('200 records printed by the two', () => all().length >= 200);
      assert.ok(second.printed.length > 0, 'the second member read its partitions');
      // the first member stops (SIGTERM: it commits and leaves); the second takes every partition
      a.kill('SIGTERM');
      await a.exited;
      await produce(200, 100);
      await second.until('300 records printed by the two', () => all().length >= 300);
      const printed = all();
      assert.equal(printed.length, 300, `no record printed twice: ${JSON.stringify(printed.filter((v, i) => printed.indexOf(v) !== i))}`);
      assert.deepEqual(new Set(printed), new Set(values(0, 300)));
    } finally {
      a.kill('SIGKILL');
      b?.kill('SIGKILL');
    }
  });
  test('kafka-consumer-groups --describe --verbose (offsets, --state, --members) of a KIP-848 group and a classic group: kt prints the same', { timeout: 240_000 }, async () => {
    const topic = t.unique('j848v');
    const g848 = t.unique('j848v-g');
    const classic = t.unique('j848v-classic');
    assert.equal((await t.kt(['topics', 'create', topic, '--partitions', '3'])).code, 0);
    const p = await t.kt(['produce', '-t', topic], { stdin: values(0, 30).join('\n') + '\n' });
    assert.equal(p.code, 0, p.stderr);
    const c = await t.kt(['consume', '-t', topic, '-g', classic, '--from-beginning', '-e']);
    assert.equal(c.code, 0, c.stderr);
    const java = new JavaMember(t.bootstrap, topic, g848);
    try {
      await java.until('the member printed 30 records', () => java.printed.length >= 30);
      // Stable, every partition assigned to the one member and committed to the end (the Java
      // consumer commits every 5 s): nothing changes between the two tools' answers then
      for (const deadline = Date.now() + 120_000; ; ) {
        const r = await t.kt(['groups', 'describe', g848, '--json']);
        const g = r.code === 0 ? JSON.parse(r.out).groups[0] : undefined;
        const settled = g?.state === 'Stable' && g.members.length === 1 && g.members[0].assignment.length === 3 &&
          g.members[0].targetAssignment?.length === 3 && g.offsets.length === 3 && g.offsets.every((o: { lag: number | null }) => o.lag === 0);
        if (settled) break;
        assert.ok(Date.now() < deadline, `the group never settled: ${r.out}${r.stderr}`);
        await new Promise((res) => setTimeout(res, 300)); // a pause between polls
      }
      const views = [[], ['--state'], ['--members']];
      for (const group of [g848, classic]) {
        for (const view of views) {
          const args = ['--describe', '--group', group, ...view, '--verbose'];
          const a = await runTool(TOOLS.consumerGroups, ['--bootstrap-server', t.bootstrap, ...args]);
          const k = await t.kt(['groups', ...args]);
          assert.equal(a.code, 0, a.stderr);
          assert.equal(k.code, 0, k.stderr);
          assert.equal(k.out, a.stdout, args.join(' '));
          assert.equal(k.stderr, a.stderr, args.join(' '));
        }
      }
      // the values Apache adds with --verbose: a committed leader epoch, the group's epochs, the
      // member's epoch and target assignment (the KIP-848 group); '-' for the classic group's epochs
      const ktOut = (args: string[]) => t.kt(['groups', '--describe', '--group', ...args, '--verbose']).then((r) => r.out.split('\n'));
      const offsets = await ktOut([g848]);
      assert.match(offsets[1], /^GROUP +TOPIC +PARTITION  LEADER-EPOCH    CURRENT-OFFSET/);
      assert.match(offsets[2], new RegExp(`^${g848} +${topic} +0 {10}\\d+ +(\\d+) +\\1 +0 `));
      const state = await ktOut([g848, '--state']);
      assert.match(state[2], /(Stable) +(\d+) +(\d+) +1$/);
      assert.match((await ktOut([classic, '--state']))[2], / Empty +- {15}- {25}0$/);
      const members = await ktOut([g848, '--members']);
      assert.match(members[2], new RegExp(`console-consumer +3 +\\d+ +${topic}:0,1,2 +\\d+ +${topic}:0,1,2 *$`));
    } finally {
      java.kill('SIGKILL');
    }
  });
});
