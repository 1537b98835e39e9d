// Output parity with the real Apache Kafka 4.4 tools, byte for byte where kt claims Apache's
// format: the same data through ConsoleConsumer and `kt consume` with the same formatter
// properties; kafka-topics --describe/--list, kafka-consumer-groups, kafka-get-offsets,
// kafka-configs and kafka-delete-records against
// their kt spellings. Where kt differs today the test asserts the exact difference, so it
// fails (and must be updated, with README's list) when the difference is removed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { forTheFile, isolatedEnv, KT, kt, testBroker, type RunResult } from '../helpers.js';
import { TOOLS, runTool, type ToolResult } from '../kafka/kafka.js';
import { apacheNode } from './targets.js';

const node = await forTheFile(apacheNode());
const B = node.bootstrap;

let seq = 0;
const unique = (p: string) => `${p}-parity-${process.pid}-${++seq}`;
const ktB = (args: string[], stdin?: string, bootstrap = B) => kt([...args, '--bootstrap-server', bootstrap], stdin === undefined ? {} : { stdin });
const tool = (cls: string, args: string[], stdin?: string, bootstrap = B) => runTool(cls, ['--bootstrap-server', bootstrap, ...args], { stdin });
const ok = (r: RunResult | ToolResult, what: string) => assert.equal(r.code, 0, `${what}: ${'out' in r ? r.stderr : r.stdout + r.stderr}`);
/** Apache's tools print the KIP-848 notice on stderr; everything else must match. */
const toolStderr = (r: ToolResult) => r.stderr.replace(/^The consumer rebalance protocol \(KIP-848\).*\n/m, '');
/** The Apache tool `cls` and `kt ...ktCommand` with the same arguments: both succeed and print the same, byte for byte. */
async function samePrinted(cls: string, ktCommand: string[], args: string[], names: [apache: string, kt: string], bootstrap = B): Promise<void> {
  const a = await tool(cls, args, undefined, bootstrap);
  const k = await ktB([...ktCommand, ...args], undefined, bootstrap);
  ok(a, names[0]);
  ok(k, names[1]);
  assert.equal(k.out, a.stdout, args.join(' '));
  assert.equal(k.stderr, a.stderr, args.join(' '));
}

// keys, headers (several, one with an empty value), a null key and values with separators in them
const INPUT = 'h1:v1,h2:v2\tk1\tvalue one\nNULL\tk2\tvalue|two\nh3:\tNULL\tvalue three\nNULL\tk4\t\n';
const PRODUCER_PROPS = ['parse.key=true', 'parse.headers=true', 'null.marker=NULL'];
const props = (flag: string, list: string[]) => list.flatMap((p) => [flag, p]);

test('ConsoleConsumer and kt consume print the same bytes for the same print.* properties; kt produce parses like ConsoleProducer', async () => {
  const apacheTopic = unique('fmt-apache');
  const ktTopic = unique('fmt-kt');
  for (const t of [apacheTopic, ktTopic]) ok(await ktB(['topics', 'create', t, '--partitions', '1']), 'create');
  ok(await tool(TOOLS.consoleProducer, ['--topic', apacheTopic, ...props('--reader-property', PRODUCER_PROPS)], INPUT), 'ConsoleProducer');
  ok(await ktB(['produce', '--topic', ktTopic, ...props('--reader-property', PRODUCER_PROPS)], INPUT), 'kt produce');

  const sets: string[][] = [
    [],
    ['print.key=true', 'print.partition=true', 'print.offset=true', 'print.timestamp=true', 'print.headers=true', 'key.separator=|', 'null.literal=<nil>', 'headers.separator=;'],
  ];
  for (const set of sets) {
    const args = ['--topic', apacheTopic, '--partition', '0', '--offset', 'earliest', '--max-messages', '4', ...props('--formatter-property', set)];
    const a = await tool(TOOLS.consoleConsumer, args);
    const k = await ktB(['consume', ...args]);
    ok(a, 'ConsoleConsumer');
    ok(k, 'kt consume');
    assert.equal(k.out, a.stdout, `stdout for ${set.join(' ') || 'the defaults'}`);
    assert.equal(k.stderr, toolStderr(a), `stderr for ${set.join(' ') || 'the defaults'}`);
    assert.match(k.stderr, /^Processed a total of 4 messages\n$/);
  }
  // Difference: Apache's formatter ignores properties it does not know (4.4 prints headers as
  // key:value whatever headers.key.separator says); kt refuses them, exit 2.
  const odd = ['--topic', apacheTopic, '--partition', '0', '--offset', 'earliest', '--max-messages', '1', '--formatter-property', 'print.headers=true', '--formatter-property', 'headers.key.separator=#'];
  const ao = await tool(TOOLS.consoleConsumer, odd);
  ok(ao, 'ConsoleConsumer with headers.key.separator');
  assert.equal(ao.stdout, 'h1:v1,h2:v2\tvalue one\n');
  const ko = await ktB(['consume', ...odd]);
  assert.equal(ko.code, 2);
  assert.match(ko.stderr, /unknown --property 'headers\.key\.separator'/);
  // kt produce stored the same records as ConsoleProducer (timestamps aside)
  const same = ['print.key=true', 'print.offset=true', 'print.headers=true', 'null.literal=<nil>'];
  const fromApache = await ktB(['consume', '--topic', apacheTopic, '--from-beginning', '--max-messages', '4', ...props('--property', same)]);
  const fromKt = await ktB(['consume', '--topic', ktTopic, '--from-beginning', '--max-messages', '4', ...props('--property', same)]);
  assert.equal(fromKt.out, fromApache.out);
  assert.equal(fromApache.out, 'Offset:0\th1:v1,h2:v2\tk1\tvalue one\nOffset:1\tNO_HEADERS\tk2\tvalue|two\nOffset:2\th3:\t<nil>\tvalue three\nOffset:3\tNO_HEADERS\tk4\t\n');
});

test('kafka-get-offsets and kt offsets: the same TOPIC:PARTITION:OFFSET lines', async () => {
  const topic = unique('offsets');
  ok(await ktB(['topics', 'create', topic, '--partitions', '2']), 'create');
  ok(await ktB(['produce', '-t', topic, '-p', '1'], 'a\nb\nc\n'), 'produce');
  ok(await ktB(['delete-records', `${topic}:1`, '--before', '1', '--yes']), 'delete-records');
  for (const args of [['--topic', topic], ['--topic', topic, '--time', '-2']]) {
    await samePrinted(TOOLS.getOffsets, ['offsets'], args, ['GetOffsetShell', 'kt offsets']);
  }
  assert.equal((await ktB(['offsets', '--topic', topic, '--time', '-2'])).out, `${topic}:0:0\n${topic}:1:1\n`);
});

test('kafka-get-offsets and kt offsets --time -4/-5/-6 and their names, on Apache 4.4 and the bundled broker', async () => {
  const bundled = await testBroker();
  try {
    for (const bootstrap of [B, bundled.bootstrap]) {
      const topic = unique('tiered');
      ok(await ktB(['topics', 'create', topic, '--partitions', '2'], undefined, bootstrap), 'create');
      ok(await ktB(['produce', '-t', topic, '-p', '1'], 'a\nb\nc\n', bootstrap), 'produce');
      ok(await ktB(['delete-records', `${topic}:1`, '--before', '1', '--yes'], undefined, bootstrap), 'delete-records');
      for (const time of ['earliest-local', '-4', 'latest-tiered', '-5', 'earliest-pending-upload', '-6']) {
        await samePrinted(TOOLS.getOffsets, ['offsets'], ['--topic', topic, '--time', time], ['GetOffsetShell', 'kt offsets'], bootstrap);
      }
      // without tiered storage: earliest-local is the log start; nothing is tiered, so no line
      assert.equal((await ktB(['offsets', '--topic', topic, '--time', 'earliest-local'], undefined, bootstrap)).out, `${topic}:0:0\n${topic}:1:1\n`);
      assert.equal((await ktB(['offsets', '--topic', topic, '--time', 'latest-tiered'], undefined, bootstrap)).out, '');
    }
  } finally {
    await bundled.stop();
  }
});

test('kafka-topics --describe and kt topics --describe: the same lines but for the listed Configs difference', async () => {
  const topic = unique('describe');
  ok(await ktB(['topics', 'create', topic, '--partitions', '2', '--config', 'retention.ms=3600000']), 'create');
  const a = await tool(TOOLS.topics, ['--describe', '--topic', topic]);
  const k = await ktB(['topics', '--describe', '--topic', topic]);
  ok(a, 'kafka-topics');
  ok(k, 'kt topics');
  assert.equal(k.stderr, a.stderr);
  // Both print the topic id (kt asks Metadata v10+ itself); the same id, and on the bundled
  // broker too
  assert.match(a.stdout, /^Topic: \S+\tTopicId: [\w-]{22}\t/);
  // Difference 2: Apache lists every config that is not a default, broker-level ones too
  // (min.insync.replicas=1 is set cluster-wide by KRaft); kt lists the topic's own overrides.
  assert.match(a.stdout, /\tConfigs: min\.insync\.replicas=1,retention\.ms=3600000\n/);
  // The ELR lists: both ask DescribeTopicPartitions and print them (empty here)
  assert.match(a.stdout, /\tElr: \tLastKnownElr: \n/);
  const normalised = a.stdout.replace('Configs: min.insync.replicas=1,', 'Configs: ');
  assert.equal(k.out, normalised);
});

test('kafka-consumer-groups and kt groups: --describe, --state, --list --state, --members, --reset-offsets', async () => {
  const topic = unique('groups');
  const group = unique('g');
  ok(await ktB(['topics', 'create', topic, '--partitions', '2']), 'create');
  ok(await ktB(['produce', '-t', topic], 'a\nb\nc\nd\ne\nf\n'), 'produce');
  ok(await ktB(['consume', '-t', topic, '--group', group, '--from-beginning', '--max-messages', '6']), 'consume --group');
  ok(await ktB(['produce', '-t', topic, '-p', '0'], 'late\n'), 'produce');

  for (const args of [['--describe', '--group', group], ['--describe', '--group', group, '--state'], ['--describe', '--group', group, '--offsets']]) {
    await samePrinted(TOOLS.consumerGroups, ['groups'], args, ['kafka-consumer-groups', 'kt groups']);
    // --verbose: LEADER-EPOCH in the offsets view, GROUP-EPOCH and TARGET-ASSIGNMENT-EPOCH ('-' for a classic group) with --state
    await samePrinted(TOOLS.consumerGroups, ['groups'], [...args, '--verbose'], ['kafka-consumer-groups --verbose', 'kt groups --verbose']);
  }
  assert.match((await ktB(['groups', '--describe', '--group', group, '--verbose'])).out, /^\nGROUP +TOPIC +PARTITION  LEADER-EPOCH    CURRENT-OFFSET /);
  assert.match((await ktB(['groups', '--describe', '--group', group, '--state', '--verbose'])).out, / Empty +- {15}- {25}0\n$/);
  // --list --state lists every group of the shared broker: compare the header and our row
  const mine = (s: string) => s.split('\n').filter((l, i) => i === 0 || l.startsWith(`${group} `)).join('\n');
  const al = await tool(TOOLS.consumerGroups, ['--list', '--state']);
  const kl = await ktB(['groups', '--list', '--state']);
  assert.equal(mine(kl.out), mine(al.stdout));
  assert.match(mine(kl.out), new RegExp(`\\n${group} +Empty +$`));

  // --members of a group without members: Apache 4.4's header line alone (its widths the
  // minimums, whatever the group's name), with --verbose the KIP-848 columns too
  for (const extra of [[], ['--verbose']]) {
    const args = ['--describe', '--group', group, '--members', ...extra];
    await samePrinted(TOOLS.consumerGroups, ['groups'], args, ['kafka-consumer-groups --members', 'kt groups --members']);
  }
  assert.match((await ktB(['groups', '--describe', '--group', group, '--members'])).out, /^\nGROUP {11}CONSUMER-ID {5}HOST {12}CLIENT-ID {7}#PARTITIONS {5}\n$/);

  // --reset-offsets plans: GROUP and TOPIC as wide as the longest name (at least 15), byte for
  // byte. Apache lists several partitions in its hash map's order, kt sorted: with one partition
  // the whole output is compared, with several the same lines in any order.
  const other = unique('a-second-topic-with-a-longer-name');
  ok(await ktB(['topics', 'create', other, '--partitions', '3']), 'create');
  ok(await ktB(['produce', '-t', other], 'x\ny\nz\n'), 'produce');
  ok(await ktB(['consume', '-t', other, '--group', group, '--from-beginning', '--max-messages', '3']), 'consume --group');
  const lines = (s: string) => s.split('\n').sort();
  for (const target of [['--topic', `${topic}:1`], ['--topic', topic], ['--all-topics']]) {
    const reset = ['--reset-offsets', '--group', group, ...target, '--to-earliest', '--dry-run'];
    const ar = await tool(TOOLS.consumerGroups, reset);
    const kr = await ktB(['groups', ...reset]);
    ok(ar, 'kafka-consumer-groups --reset-offsets');
    ok(kr, 'kt groups --reset-offsets');
    assert.equal(kr.stderr, ar.stderr, reset.join(' '));
    if (target[1]?.endsWith(':1')) assert.equal(kr.out, ar.stdout, reset.join(' '));
    assert.deepEqual(lines(kr.out), lines(ar.stdout), reset.join(' '));
    const T = Math.max(15, (target[0] === '--all-topics' ? other : topic).length);
    assert.equal(kr.out.split('\n')[1], `${'GROUP'.padEnd(Math.max(15, group.length))} ${'TOPIC'.padEnd(T)} PARTITION  NEW-OFFSET`);
  }
  // without --dry-run or --execute: the same plan, and Apache's warning on stderr
  const plan = ['--reset-offsets', '--group', group, '--topic', `${topic}:1`, '--to-earliest'];
  const [ap, kp] = [await tool(TOOLS.consumerGroups, plan), await ktB(['groups', ...plan])];
  ok(ap, 'kafka-consumer-groups --reset-offsets (no --dry-run)');
  assert.equal(kp.stderr, ap.stderr, plan.join(' '));
  assert.match(kp.stderr, /^WARN: No action will be performed/);
  assert.equal(kp.out, ap.stdout, plan.join(' '));
});

test('a group with an active member (kt consume --group): --describe, --members, --state as kafka-consumer-groups prints them', async () => {
  const topic = unique('active');
  const group = unique('live');
  ok(await ktB(['topics', 'create', topic, '--partitions', '3']), 'create');
  ok(await ktB(['produce', '-t', topic], 'a\nb\nc\n'), 'produce');
  const member = spawn(process.execPath, [KT, 'consume', '-t', topic, '-g', group, '--from-beginning', '--bootstrap-server', B], { env: isolatedEnv() as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let printed = '';
  member.stdout.on('data', (d: Buffer) => (printed += d.toString()));
  const exited = new Promise<number | null>((r) => member.on('close', (code) => r(code)));
  try {
    // Stable, with the three records read and committed (kt commits every 5 s while running)
    for (const deadline = Date.now() + 90_000; ; ) {
      assert.ok(Date.now() < deadline, `the group never became Stable with everything committed: ${printed}`);
      const d = await ktB(['groups', 'describe', group, '--json']);
      const g = d.code === 0 ? JSON.parse(d.out).groups[0] : undefined;
      if (g?.state === 'Stable' && printed.split('\n').filter(Boolean).length === 3 && g.offsets.every((o: { lag: number | null }) => o.lag === 0)) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    const views = [['--describe', '--group', group], ['--describe', '--group', group, '--members'], ['--describe', '--group', group, '--state']];
    for (const args of [...views, ...views.map((v) => [...v, '--verbose'])]) {
      await samePrinted(TOOLS.consumerGroups, ['groups'], args, ['kafka-consumer-groups', 'kt groups']);
    }
  } finally {
    member.kill('SIGINT');
  }
  assert.equal(await exited, 130);
});

test('kafka-configs and kt configs: --alter --add-config/--delete-config and --describe print the same', async () => {
  const topic = unique('configs');
  ok(await ktB(['topics', 'create', topic, '--partitions', '1']), 'create');
  const entity = ['--entity-type', 'topics', '--entity-name', topic];
  // the same alterations, one by each tool, and the same answer line
  const a = await tool(TOOLS.configs, ['--alter', ...entity, '--add-config', 'retention.ms=3600000,cleanup.policy=[compact,delete]']);
  const k = await ktB(['configs', '--alter', ...entity, '--add-config', 'retention.ms=7200000,max.message.bytes=65536']);
  ok(a, 'kafka-configs --alter');
  ok(k, 'kt configs --alter');
  assert.equal(k.out, a.stdout);
  assert.equal(k.out, `Completed updating config for topic ${topic}.\n`);
  // describe: the overrides as both tools print them (values the tools set last)
  await samePrinted(TOOLS.configs, ['configs'], ['--describe', ...entity], ['kafka-configs --describe', 'kt configs --describe']);
  const d = await ktB(['configs', '--describe', ...entity]);
  assert.match(d.out, /cleanup\.policy=compact,delete/);
  assert.match(d.out, /max\.message\.bytes=65536/);
  assert.match(d.out, /retention\.ms=7200000/);
  // deleting one: the same answer and the same describe afterwards
  const a2 = await tool(TOOLS.configs, ['--alter', ...entity, '--delete-config', 'max.message.bytes']);
  ok(a2, 'kafka-configs --delete-config');
  const k2 = await ktB(['configs', '--alter', ...entity, '--delete-config', 'retention.ms']);
  ok(k2, 'kt configs --delete-config');
  assert.equal(k2.out, a2.stdout);
  await samePrinted(TOOLS.configs, ['configs'], ['--describe', ...entity], ['kafka-configs --describe', 'kt configs --describe']);
});

test('kafka-delete-records and kt delete-records --offset-json-file: the same lines', async () => {
  const apacheTopic = unique('delrec-apache');
  const ktTopic = unique('delrec-kt');
  for (const t of [apacheTopic, ktTopic]) {
    ok(await ktB(['topics', 'create', t, '--partitions', '2']), 'create');
    ok(await ktB(['produce', '-t', t, '-p', '0'], 'a\nb\nc\nd\n'), 'produce');
    ok(await ktB(['produce', '-t', t, '-p', '1'], 'e\nf\n'), 'produce');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-delrec-'));
  try {
    const file = (t: string) => {
      const f = path.join(dir, `${t}.json`);
      fs.writeFileSync(f, JSON.stringify({ partitions: [{ topic: t, partition: 0, offset: 3 }, { topic: t, partition: 1, offset: -1 }], version: 1 }));
      return f;
    };
    const a = await tool(TOOLS.deleteRecords, ['--offset-json-file', file(apacheTopic)]);
    const k = await ktB(['delete-records', '--offset-json-file', file(ktTopic), '--yes']);
    ok(a, 'kafka-delete-records');
    ok(k, 'kt delete-records');
    assert.match(a.stdout, /low_watermark: 3/);
    // the same lines; Apache prints the partitions in its hash map's order, kt sorted
    assert.ok(k.out.endsWith('\n') && a.stdout.endsWith('\n'));
    const lines = (s: string) => s.slice(0, -1).split('\n');
    const apache = lines(a.stdout.replaceAll(apacheTopic, ktTopic));
    assert.deepEqual(lines(k.out).slice(0, 2), apache.slice(0, 2));
    assert.deepEqual(lines(k.out).slice(2), apache.slice(2).sort());
    assert.deepEqual(lines(k.out).slice(2, 4), [`partition: ${ktTopic}-0\tlow_watermark: 3`, `partition: ${ktTopic}-1\tlow_watermark: 2`]);
    assert.equal(k.stderr, toolStderr(a));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('kafka-topics --list and kt topics --list: the same names', async () => {
  // a pattern of this test's own topics: other files use the shared node at the same time
  const prefix = unique('list');
  for (const t of ['b', 'a', 'c']) ok(await ktB(['topics', 'create', `${prefix}-${t}`, '--partitions', '1']), 'create');
  await samePrinted(TOOLS.topics, ['topics'], ['--list', '--topic', `${prefix}-.*`], ['kafka-topics --list', 'kt topics --list']);
  await samePrinted(TOOLS.topics, ['topics'], ['--list', '--exclude-internal', '--topic', `${prefix}-[ab]`], ['kafka-topics --list --exclude-internal', 'kt topics --list --exclude-internal']);
  assert.equal((await ktB(['topics', '--list', '--topic', `${prefix}-.*`])).out, `${prefix}-a\n${prefix}-b\n${prefix}-c\n`);
});

/** A line's shape: every number N (Java's and kt's digits differ run to run, the layout not). */
const shape = (line: string) => line.replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d:\d{3}/g, 'DATE').replace(/-?\d+(\.\d+)?/g, 'N');

test('kafka-producer-perf-test and kt perf produce: the same summary line, number for number in layout', async () => {
  const apacheTopic = unique('perf-apache');
  const ktTopic = unique('perf-kt');
  for (const t of [apacheTopic, ktTopic]) ok(await ktB(['topics', 'create', t, '--partitions', '1']), 'create');
  const args = ['--num-records', '500', '--record-size', '100', '--throughput', '-1'];
  const a = await runTool(TOOLS.producerPerf, ['--topic', apacheTopic, ...args, '--producer-props', `bootstrap.servers=${B}`, 'acks=all']);
  const k = await ktB(['perf', 'produce', '--topic', ktTopic, ...args, '--producer-props', 'acks=all']);
  ok(a, 'kafka-producer-perf-test');
  ok(k, 'kt perf produce');
  // the last line is the summary (periodic lines come every 5 s, if the run lasts that long)
  const last = (s: string) => s.trimEnd().split('\n').at(-1) ?? '';
  assert.match(last(a.stdout), /^500 records sent, [\d.]+ records\/sec \([\d.]+ MB\/sec\), [\d.]+ ms avg latency, [\d.]+ ms max latency, \d+ ms 50th, \d+ ms 95th, \d+ ms 99th, \d+ ms 99\.9th\.$/);
  assert.equal(shape(last(k.out)), shape(last(a.stdout)));
  assert.equal((await ktB(['offsets', '--topic', ktTopic])).out, `${ktTopic}:0:500\n`);
});

test('kafka-consumer-perf-test and kt perf consume: the same header and the same data line layout', async () => {
  const topic = unique('perf-consume');
  ok(await ktB(['topics', 'create', topic, '--partitions', '1']), 'create');
  ok(await ktB(['produce', '-t', topic], Array.from({ length: 300 }, (_, i) => `record ${i}`).join('\n') + '\n'), 'produce');
  const a = await runTool(TOOLS.consumerPerf, ['--bootstrap-server', B, '--topic', topic, '--num-records', '300']);
  const k = await ktB(['perf', 'consume', '--topic', topic, '--num-records', '300']);
  ok(a, 'kafka-consumer-perf-test');
  ok(k, 'kt perf consume');
  const [ah, ad] = a.stdout.trimEnd().split('\n').slice(-2);
  const [kh, kd] = k.out.trimEnd().split('\n').slice(-2);
  assert.equal(ah, 'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec');
  assert.equal(kh, ah);
  assert.equal(shape(kd), shape(ad));
  // the record count is the same number in both
  assert.equal(ad.split(', ')[4], '300');
  assert.equal(kd.split(', ')[4], '300');
});

test('kafka-broker-api-versions and kt cluster api-versions: the same lines but for [usable: N] (kt\'s own client), against Apache and the bundled broker', async () => {
  const bundled = await testBroker();
  try {
    for (const [name, bootstrap] of [['Apache', B], ['bundled', bundled.bootstrap]]) {
      const a = await runTool(TOOLS.brokerApiVersions, ['--bootstrap-server', bootstrap]);
      const k = await kt(['cluster', 'api-versions', '--bootstrap-server', bootstrap]);
      ok(a, `kafka-broker-api-versions (${name})`);
      ok(k, `kt cluster api-versions (${name})`);
      // The listed difference (README): `usable` is the version the printing client would use,
      // the Java client's in Apache's tool and kt's own in kt (absent where kt never sends the API).
      const withoutUsable = (t: string) => t.replace(/ \[(usable: \d+|unusable: node too (old|new))\]/g, '');
      assert.equal(withoutUsable(k.out), withoutUsable(a.stdout), name);
      assert.match(a.stdout, /\tDescribeLogDirs\(35\): 1 to 5 \[usable: 5\],\n/, name);
      assert.match(k.out, /\tDescribeLogDirs\(35\): 1 to 5,\n/, name);
      assert.match(k.out, /\tProduce\(0\): \d+ to \d+ \[usable: 8\],\n/, name);
      assert.match(k.out, /\tConsumerGroupHeartbeat\(68\): (UNSUPPORTED|\d+ to \d+),\n/, name);
    }
  } finally {
    await bundled.stop();
  }
});
