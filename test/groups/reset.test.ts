// kt groups reset-offsets as a process against the broker: dry run by default, --execute,
// every scenario, clamping with Apache's warnings, --export / --from-file, refusal while the
// group has members, usage errors, and the Apache-style spelling.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test, before } from 'node:test';
import { forTheFile, kt, tempDir } from '../helpers.js';
import { Member, groupBroker, kafkaFor, waitFor } from './helpers.js';

// Apache 4.4's words
const WARN =
  'WARN: No action will be performed as the --execute option is missing. In version 5.0, this command will require either --dry-run or ' +
  '--execute to be specified. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current ' +
  'default behavior without prompting.';
const T0 = Date.UTC(2024, 0, 1);

const broker = await forTheFile(groupBroker());
const B = broker.bootstrap;
before(async () => {
  const kafka = kafkaFor(B);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'events', numPartitions: 2 }, { topic: 'recent', numPartitions: 1 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  // events: offsets 0-9 in both partitions, record i written at T0 + i s.
  for (const partition of [0, 1]) {
    await producer.send({ topic: 'events', messages: Array.from({ length: 10 }, (_, i) => ({ partition, value: `e${partition}-${i}`, timestamp: String(T0 + i * 1000) })) });
  }
  // recent: record i written (10 - i) × 10 minutes ago.
  const now = Date.now();
  await producer.send({ topic: 'recent', messages: Array.from({ length: 10 }, (_, i) => ({ partition: 0, value: `r${i}`, timestamp: String(now - (10 - i) * 600_000) })) });
  await producer.disconnect();
});

const ktB = (args: string[]) => kt([...args, '-b', B]);
const committed = (group: string, topic: string, partition: number) => broker.store.offsets.get(group, topic, partition)?.offset;

/** The rows of the plan table: [group, topic, partition, new offset]. */
function plan(out: string): string[][] {
  return out
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/));
}

/** A group that read everything of `topic` (kt consume --group … --exit commits what it printed). */
async function consumedAll(group: string, topic = 'events'): Promise<void> {
  const r = await ktB(['consume', '-t', topic, '-g', group, '--from-beginning', '--exit']);
  assert.equal(r.code, 0, r.stderr);
}

test('dry run by default: --to-earliest prints the plan and Apache\'s WARN and changes nothing; --execute commits; the next consume reads from the start', async () => {
  await consumedAll('g-reset');
  assert.deepEqual([committed('g-reset', 'events', 0), committed('g-reset', 'events', 1)], [10, 10]);

  const dry = await ktB(['groups', 'reset-offsets', 'g-reset', '--topic', 'events', '--to-earliest']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(dry.stderr.trim(), WARN);
  assert.deepEqual(plan(dry.out), [['g-reset', 'events', '0', '0'], ['g-reset', 'events', '1', '0']]);
  assert.match(dry.out, /^GROUP\s+TOPIC\s+PARTITION\s+NEW-OFFSET\n/);
  assert.deepEqual([committed('g-reset', 'events', 0), committed('g-reset', 'events', 1)], [10, 10], 'a dry run changes nothing');

  const quiet = await ktB(['groups', 'reset-offsets', 'g-reset', '--topic', 'events', '--to-earliest', '--dry-run', '--json']);
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.equal(quiet.stderr, '', '--dry-run silences the warning');
  assert.deepEqual(JSON.parse(quiet.out), {
    executed: false,
    offsets: [
      { group: 'g-reset', topic: 'events', partition: 0, currentOffset: 10, newOffset: 0 },
      { group: 'g-reset', topic: 'events', partition: 1, currentOffset: 10, newOffset: 0 },
    ],
  });

  const exec = await ktB(['groups', 'reset-offsets', 'g-reset', '--topic', 'events', '--to-earliest', '--execute']);
  assert.equal(exec.code, 0, exec.stderr);
  assert.equal(exec.stderr, '');
  assert.deepEqual([committed('g-reset', 'events', 0), committed('g-reset', 'events', 1)], [0, 0]);
  const d = JSON.parse((await ktB(['groups', 'describe', 'g-reset', '--json'])).out).groups[0];
  assert.deepEqual(d.offsets.map((o: { lag: number }) => o.lag), [10, 10]);

  const again = await ktB(['consume', '-t', 'events', '-g', 'g-reset', '--exit', '--property', 'print.offset=true']);
  assert.equal(again.code, 0, again.stderr);
  const offsets = again.out.trim().split('\n').map((l) => Number(/^Offset:(\d+)/.exec(l)?.[1]));
  assert.equal(offsets.length, 20, 'the group reads both partitions again from the start');
  assert.equal(offsets.filter((o) => o === 0).length, 2);
});

test('--shift-by ±N and --to-offset N, clamped to the log with Apache\'s warnings; --to-current, --to-latest', async () => {
  await consumedAll('g-shift');
  const shift = await ktB(['groups', 'reset-offsets', 'g-shift', '--topic', 'events', '--shift-by', '-5', '--execute']);
  assert.equal(shift.code, 0, shift.stderr);
  assert.deepEqual(plan(shift.out), [['g-shift', 'events', '0', '5'], ['g-shift', 'events', '1', '5']]);
  assert.deepEqual([committed('g-shift', 'events', 0), committed('g-shift', 'events', 1)], [5, 5]);

  const low = await ktB(['groups', 'reset-offsets', 'g-shift', '--topic', 'events:0', '--shift-by', '-50', '--dry-run']);
  assert.equal(low.code, 0, low.stderr);
  assert.deepEqual(plan(low.out), [['g-shift', 'events', '0', '0']]);
  assert.match(low.stderr, /WARN: New offset \(-45\) is lower than earliest offset for topic partition events-0\. Value will be set to 0\./);

  const to = await ktB(['groups', 'reset-offsets', 'g-shift', '--topic', 'events:1', '--to-offset', '3', '--execute']);
  assert.equal(to.code, 0, to.stderr);
  assert.deepEqual([committed('g-shift', 'events', 0), committed('g-shift', 'events', 1)], [5, 3], 'only partition 1 moved');

  const high = await ktB(['groups', 'reset-offsets', 'g-shift', '--topic', 'events', '--to-offset', '100', '--dry-run']);
  assert.deepEqual(plan(high.out), [['g-shift', 'events', '0', '10'], ['g-shift', 'events', '1', '10']]);
  assert.match(high.stderr, /WARN: New offset \(100\) is higher than latest offset for topic partition events-1\. Value will be set to 10\./);

  const current = await ktB(['groups', 'reset-offsets', 'g-shift', '--all-topics', '--to-current', '--dry-run']);
  assert.deepEqual(plan(current.out), [['g-shift', 'events', '0', '5'], ['g-shift', 'events', '1', '3']]);
  const latest = await ktB(['groups', 'reset-offsets', 'g-shift', '--all-topics', '--to-latest', '--dry-run']);
  assert.deepEqual(plan(latest.out), [['g-shift', 'events', '0', '10'], ['g-shift', 'events', '1', '10']]);

  const none = await ktB(['groups', 'reset-offsets', 'g-shift', '--topic', 'recent', '--shift-by', '1', '--dry-run']);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /Cannot shift offset for partition recent-0 since there is no current committed offset/);
});

test('--to-datetime and --by-duration: the first offset at or after the time; past the end falls back to the log end', async () => {
  const at = async (args: string[]) => {
    const r = await ktB(['groups', 'reset-offsets', 'g-time', ...args, '--dry-run', '--json']);
    assert.equal(r.code, 0, r.stderr);
    return { offsets: JSON.parse(r.out).offsets.map((o: { newOffset: number }) => o.newOffset), stderr: r.stderr };
  };
  assert.deepEqual((await at(['--topic', 'events', '--to-datetime', '2024-01-01T00:00:05.000'])).offsets, [5, 5]);
  assert.deepEqual((await at(['--topic', 'events', '--to-datetime', '2024-01-01T01:00:03.500+01:00'])).offsets, [4, 4]);
  const future = await at(['--topic', 'events:1', '--to-datetime', '2030-01-01T00:00:00Z']);
  assert.deepEqual(future.offsets, [10]);
  assert.match(future.stderr, /Warn: Partition 1 from topic events is empty\. Falling back to latest known offset\./);
  assert.deepEqual((await at(['--topic', 'recent', '--by-duration', 'PT25M'])).offsets, [8]);
  assert.deepEqual((await at(['--topic', 'recent', '--by-duration', 'P1D'])).offsets, [0]);
  assert.deepEqual((await at(['--topic', 'recent', '--by-duration', 'PT1M'])).offsets, [10]);
  const exec = await ktB(['groups', 'reset-offsets', 'g-time', '--topic', 'recent', '--by-duration', 'PT45M', '--execute']);
  assert.equal(exec.code, 0, exec.stderr);
  assert.equal(committed('g-time', 'recent', 0), 6, 'a new group is created with the planned offset');
});

test('--export prints the plan as CSV; --from-file applies a CSV plan (clamped), with or without a group column', async () => {
  await consumedAll('g-file');
  const exp = await ktB(['groups', 'reset-offsets', 'g-file', '--all-topics', '--to-earliest', '--export', '--dry-run']);
  assert.equal(exp.code, 0, exp.stderr);
  assert.equal(exp.out, 'events,0,0\nevents,1,0\n');
  const dir = tempDir();
  const file = path.join(dir, 'plan.csv');
  fs.writeFileSync(file, 'events,0,7\nevents,1,99\n');
  const r = await ktB(['groups', 'reset-offsets', 'g-file', '--from-file', file, '--execute']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /New offset \(99\) is higher than latest offset for topic partition events-1\. Value will be set to 10\./);
  assert.deepEqual([committed('g-file', 'events', 0), committed('g-file', 'events', 1)], [7, 10]);

  // Several groups: group,topic,partition,offset.
  const two = await ktB(['groups', 'reset-offsets', '-g', 'g-file', '-g', 'g-file2', '--topic', 'events:0', '--to-offset', '2', '--export', '--dry-run']);
  assert.equal(two.out, 'g-file,events,0,2\ng-file2,events,0,2\n');
  fs.writeFileSync(file, two.out);
  const applied = await ktB(['groups', 'reset-offsets', '-g', 'g-file', '-g', 'g-file2', '--from-file', file, '--execute']);
  assert.equal(applied.code, 0, applied.stderr);
  assert.deepEqual([committed('g-file', 'events', 0), committed('g-file2', 'events', 0), committed('g-file', 'events', 1)], [2, 2, 10]);
});

test('a group with active members is refused (exit 1) and keeps its offsets', async () => {
  await consumedAll('g-active');
  const kafka = kafkaFor(B);
  const member = new Member(kafka, 'm', 'g-active', 'events', []);
  try {
    await member.start();
    await waitFor(() => member.owned.length === 2, 15_000, 'the member to own both partitions');
    for (const args of [
      ['groups', 'reset-offsets', 'g-active', '--topic', 'events', '--to-earliest', '--execute'],
      ['groups', '--reset-offsets', '--group', 'g-active', '--all-topics', '--to-earliest', '--execute'],
    ]) {
      const r = await ktB(args);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /kt: error: Assignments can only be reset if the group 'g-active' is inactive, but the current state is Stable\./);
      assert.equal(r.out, '');
    }
    assert.deepEqual([committed('g-active', 'events', 0), committed('g-active', 'events', 1)], [10, 10]);
  } finally {
    await member.stop();
  }
});

test('usage errors (exit 2): no scenario, two scenarios, no scope, --execute with --dry-run, bad values', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['g', '--topic', 'events'], /reset-offsets needs a scenario/],
    [['g', '--topic', 'events', '--to-earliest', '--to-latest'], /only one scenario at a time/],
    [['g', '--to-earliest'], /One of the reset scopes should be defined: --all-topics, --topic\./],
    [['g', '--topic', 'events', '--to-earliest', '--execute', '--dry-run'], /--execute and --dry-run cannot be used together/],
    [['g', '--topic', 'events', '--to-datetime', 'yesterday'], /invalid --to-datetime 'yesterday'/],
    [['g', '--topic', 'events', '--by-duration', '15m'], /invalid --by-duration '15m'/],
    [['g', '--topic', 'events:x', '--to-earliest'], /invalid partition 'x'/],
    [['--topic', 'events', '--to-earliest'], /missing group/],
  ];
  for (const [args, re] of cases) {
    const r = await ktB(['groups', 'reset-offsets', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
  }
  const missing = await ktB(['groups', 'reset-offsets', 'g', '--topic', 'events:7', '--to-earliest']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /The partitions "events-7" do not exist/);
});

test('Apache style: kt groups --reset-offsets prints kafka-consumer-groups\' plan layout', async () => {
  await consumedAll('g-apache');
  const r = await ktB(['groups', '--reset-offsets', '--group', 'g-apache', '--topic', 'events', '--to-earliest', '--execute']);
  assert.equal(r.code, 0, r.stderr);
  // Apache 4.4: GROUP and TOPIC as wide as the longest name, at least 15; NEW-OFFSET unpadded
  const row = (c: string[]) => `${c[0].padEnd(15)} ${c[1].padEnd(15)} ${c[2].padEnd(10)} ${c[3]}`;
  assert.equal(r.out, `\n${row(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'])}\n${row(['g-apache', 'events', '0', '0'])}\n${row(['g-apache', 'events', '1', '0'])}\n`);
  assert.equal(committed('g-apache', 'events', 1), 0);
  const exp = await ktB(['groups', '--reset-offsets', '--group', 'g-apache', '--all-topics', '--shift-by', '3', '--export']);
  assert.equal(exp.out, 'events,0,3\nevents,1,3\n');
  assert.equal(exp.stderr.trim(), WARN);
});
