// kt groups list / describe / delete / delete-offsets as processes against the broker, in both
// spellings (subcommands with tables, Apache flags with Apache's text), committed offsets kept
// across a broker restart, and kt consume --group telling a terminal which partitions it owns.
import assert from 'node:assert/strict';
import { test, before } from 'node:test';
import { forTheFile, isolatedEnv, KT, kt, requirePeer, tempDir } from '../helpers.js';
import { Member, groupBroker, kafkaFor, waitFor } from './helpers.js';
import { sh, Terminal } from '../interactive/terminal.js';

const tmuxMissing = requirePeer('tmux');

const broker = await forTheFile(groupBroker());
const B = broker.bootstrap;
before(async () => {
  const kafka = kafkaFor(B);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 2 }, { topic: 'audit', numPartitions: 1 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'orders', messages: Array.from({ length: 20 }, (_, i) => ({ partition: i % 2, value: `o${i}` })) });
  await producer.send({ topic: 'audit', messages: [{ value: 'a0' }, { value: 'a1' }] });
  await producer.disconnect();
  // Two Empty groups with commits: "billing" read everything, "audit-reader" both topics.
  for (const [group, topic] of [['billing', 'orders'], ['audit-reader', 'orders'], ['audit-reader', 'audit']]) {
    const r = await ktB(['consume', '-t', topic, '-g', group, '--from-beginning', '--exit']);
    assert.equal(r.code, 0, r.stderr);
  }
});

const ktB = (args: string[]) => kt([...args, '-b', B]);

test('list: a table for people, names for --list, Apache\'s GROUP STATE layout for --list --state, JSON, state filter', async () => {
  const member = new Member(kafkaFor(B), 'm', 'live', 'orders', []);
  try {
    await member.start();
    await waitFor(() => member.owned.length === 2, 15_000, 'the member to join');
    const t = await ktB(['groups']);
    assert.equal(t.code, 0, t.stderr);
    const rows = t.out.trim().split('\n').map((l) => l.trim().split(/\s+/));
    assert.deepEqual(rows[0], ['GROUP', 'TYPE', 'STATE', 'PROTOCOL', 'MEMBERS']);
    assert.deepEqual(rows.slice(1), [['audit-reader', 'classic', 'Empty', '-', '0'], ['billing', 'classic', 'Empty', '-', '0'], ['live', 'classic', 'Stable', 'RoundRobinAssigner', '1']]);

    const names = await ktB(['groups', '--list']);
    assert.equal(names.out, 'audit-reader\nbilling\nlive\n');
    const withState = await ktB(['groups', '--list', '--state']);
    assert.equal(withState.out, ['GROUP', 'audit-reader', 'billing', 'live'].map((g, i) => `${g.padEnd(25)} ${['STATE', 'Empty', 'Empty', 'Stable'][i].padEnd(20)}`).join('\n') + '\n');
    const stable = await ktB(['groups', '--list', '--state', 'stable']);
    assert.equal(stable.out.trim().split('\n').length, 2);
    assert.match(stable.out, /^live\s+Stable/m);

    const j = await ktB(['groups', 'list', '--state', 'Empty', '--json']);
    assert.deepEqual(JSON.parse(j.out), {
      groups: [
        { group: 'audit-reader', type: 'classic', protocolType: 'consumer', state: 'Empty', protocol: '', members: 0 },
        { group: 'billing', type: 'classic', protocolType: 'consumer', state: 'Empty', protocol: '', members: 0 },
      ],
    });
    const bad = await ktB(['groups', 'list', '--state', 'running']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /invalid state 'running'.*valid states are: PreparingRebalance, CompletingRebalance, Stable, Dead, Empty, Assigning, Reconciling/);
    // a KIP-848 consumer group's own states are states too (none here: nothing listed)
    const kip848 = await ktB(['groups', 'list', '--state', 'reconciling,Assigning']);
    assert.equal(kip848.code, 0, kip848.stderr);
    // options of --describe without it, and two actions: one usage line each (exit 2)
    for (const [args, said] of [[['--list', '--members'], /--members applies to --describe/], [['--list', '--verbose'], /--verbose applies to --describe/], [['--list', '--describe'], /^kt: error: --describe=true cannot also be provided when using --list — see kt groups --help\n$/]] as const) {
      const r = await ktB(['groups', ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, said);
    }

    // The Apache views of an active group: members and state.
    const m = await ktB(['groups', '--describe', '--group', 'live', '--members']);
    assert.equal(m.code, 0, m.stderr);
    const ml = m.out.split('\n');
    assert.equal(ml[0], '');
    assert.match(ml[1], /^GROUP {11}CONSUMER-ID +HOST {12}CLIENT-ID {7}#PARTITIONS {5}$/);
    assert.match(ml[2], /^live {12}kt-group-test-\S+ \/127\.0\.0\.1 {6}kt-group-test {3}2 {15}$/);
    const v = await ktB(['groups', 'describe', 'live', '--members', '--verbose', '--json']);
    assert.deepEqual(JSON.parse(v.out).groups[0].members[0].assignment, [{ topic: 'orders', partition: 0 }, { topic: 'orders', partition: 1 }]);
    const s = await ktB(['groups', '--describe', '--group', 'live', '--state']);
    assert.match(s.out, /^\nGROUP {11}COORDINATOR \(ID\) +ASSIGNMENT-STRATEGY  STATE {16}#MEMBERS\nlive {12}127\.0\.0\.1:\d+  \(0\) +RoundRobinAssigner   Stable {15}1\n$/);
  } finally {
    await member.stop();
  }
});

test('describe: Apache\'s printf layout for --describe --group, a table with total lag for describe, lag for a group without members', async () => {
  const a = await ktB(['groups', '--describe', '--group', 'billing']);
  assert.equal(a.code, 0, a.stderr);
  const row = (c: string[]) => `${c[0].padEnd(15)} ${c[1].padEnd(15)} ${c[2].padEnd(10)} ${c[3].padEnd(15)} ${c[4].padEnd(15)} ${c[5].padEnd(15)} ${c[6].padEnd(15)} ${c[7].padEnd(15)} ${c[8]}`;
  assert.equal(
    a.out,
    '\n' +
      [
        row(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID']),
        row(['billing', 'orders', '0', '10', '10', '0', '-', '-', '-']),
        row(['billing', 'orders', '1', '10', '10', '0', '-', '-', '-']),
      ].join('\n') +
      '\n',
  );
  assert.equal(a.stderr, "\nConsumer group 'billing' has no active members.\n");

  // New records: the Empty group lags.
  const producer = kafkaFor(B).producer();
  await producer.connect();
  await producer.send({ topic: 'orders', messages: [{ partition: 1, value: 'late-1' }, { partition: 1, value: 'late-2' }, { partition: 1, value: 'late-3' }] });
  await producer.disconnect();
  const t = await ktB(['groups', 'describe', 'billing', 'audit-reader']);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.out, /^billing\s+orders\s+1\s+10\s+13\s+3\s+-\s+-\s+-$/m);
  assert.match(t.out, /Total lag of group billing: 3\n/);
  assert.match(t.out, /^audit-reader\s+audit\s+0\s+2\s+2\s+0\s+-\s+-\s+-$/m);
  assert.match(t.out, /Total lag of group audit-reader: 3$/m);
  const j = JSON.parse((await ktB(['groups', 'describe', 'billing', '--json'])).out).groups[0];
  assert.equal(j.state, 'Empty');
  assert.equal(j.totalLag, 3);
  assert.deepEqual(j.offsets[1], { group: 'billing', topic: 'orders', partition: 1, currentOffset: 10, logEndOffset: 13, lag: 3, leaderEpoch: null, consumerId: null, host: null, clientId: null });
  const all = JSON.parse((await ktB(['groups', 'describe', '--all-groups', '--json'])).out);
  const names = (await ktB(['groups', '--list'])).out.trim().split('\n');
  assert.ok(names.includes('billing') && names.includes('audit-reader'));
  assert.deepEqual(all.groups.map((g: { group: string }) => g.group), names);
});

test('describe of an unknown group: Apache\'s wording, exit 1, nothing on stdout', async () => {
  for (const args of [['groups', 'describe', 'nobody'], ['groups', '--describe', '--group', 'nobody'], ['groups', 'describe', 'billing', 'nobody', '--json']]) {
    const r = await ktB(args);
    assert.equal(r.code, 1, args.join(' '));
    assert.equal(r.out, '');
    assert.match(r.stderr, /^kt: error: Consumer group 'nobody' does not exist\./);
  }
  const none = await ktB(['groups', 'describe']);
  assert.equal(none.code, 2, 'no group and no terminal to ask in');
  assert.match(none.stderr, /missing group/);
  const usage = await ktB(['groups', '--describe']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--describe takes one of --group, --all-groups/);
});

test('delete-offsets: a table of TOPIC PARTITION STATUS; partitions of a subscribed topic are refused (exit 1)', async () => {
  const r = await ktB(['groups', 'delete-offsets', 'audit-reader', '--topic', 'audit', '--topic', 'gone']);
  assert.equal(r.code, 1, 'a missing topic is a partition-level error');
  const rows = r.out.trim().split('\n').map((l) => l.trim().split(/\s{2,}/));
  assert.deepEqual(rows, [['TOPIC', 'PARTITION', 'STATUS'], ['audit', '0', 'Successful'], ['gone', '-', 'Error: This server does not host this topic-partition. (UNKNOWN_TOPIC_OR_PARTITION)']]);
  assert.equal(broker.store.offsets.get('audit-reader', 'audit', 0), undefined);
  assert.equal(broker.store.offsets.get('audit-reader', 'orders', 0)?.offset, 10, 'other topics keep their offsets');

  const ok = await ktB(['groups', '--delete-offsets', '--group', 'audit-reader', '--topic', 'orders:1']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.out, `Request succeed for deleting offsets with topic orders group audit-reader\n\n${'TOPIC'.padEnd(30)} ${'PARTITION'.padEnd(15)} ${'STATUS'.padEnd(15)}\n${'orders'.padEnd(30)} ${'1'.padEnd(15)} Successful     \n`);

  const member = new Member(kafkaFor(B), 'm', 'subscribed', 'orders', []);
  try {
    await member.start();
    await waitFor(() => member.owned.length === 2, 15_000, 'the member to join');
    const refused = await ktB(['groups', 'delete-offsets', 'subscribed', '--topic', 'orders', '--json']);
    assert.equal(refused.code, 1);
    assert.deepEqual(JSON.parse(refused.out), {
      group: 'subscribed',
      partitions: [
        { topic: 'orders', partition: 0, error: 'GROUP_SUBSCRIBED_TO_TOPIC' },
        { topic: 'orders', partition: 1, error: 'GROUP_SUBSCRIBED_TO_TOPIC' },
      ],
    });
    assert.match(refused.stderr, /still consumes the topic; stop its consumers first/);
  } finally {
    await member.stop();
  }
  const unknown = await ktB(['groups', 'delete-offsets', 'nobody', '--topic', 'orders']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /Consumer group 'nobody' does not exist\./);
});

test('delete: Apache\'s success line; a group with members is refused (exit 1) while the others go', async () => {
  for (const g of ['gone-1', 'gone-2', 'gone-3']) {
    const c = await ktB(['groups', 'reset-offsets', g, '--topic', 'orders', '--to-earliest', '--execute']);
    assert.equal(c.code, 0, c.stderr);
  }
  const d = await ktB(['groups', 'delete', 'gone-1', 'gone-2', '--yes']);
  assert.equal(d.code, 0, d.stderr);
  assert.equal(d.out, "Deletion of requested consumer groups ('gone-1', 'gone-2') was successful.\n");
  const apache = await ktB(['groups', '--delete', '--group', 'gone-3', '--yes']);
  assert.equal(apache.out, "Deletion of requested consumer groups ('gone-3') was successful.\n");
  const names = (await ktB(['groups', '--list'])).out.split('\n');
  for (const g of ['gone-1', 'gone-2', 'gone-3']) assert.ok(!names.includes(g), `${g} is gone`);
  assert.equal(broker.store.offsets.get('gone-1', 'orders', 0), undefined, 'with its offsets');

  const member = new Member(kafkaFor(B), 'm', 'busy', 'orders', []);
  try {
    await member.start();
    await waitFor(() => member.owned.length === 2, 15_000, 'the member to join');
    const c = await ktB(['groups', 'reset-offsets', 'idle', '--topic', 'orders', '--to-earliest', '--execute']);
    assert.equal(c.code, 0, c.stderr);
    const mixed = await ktB(['groups', 'delete', 'busy', 'idle', 'nobody', '--yes', '--json']);
    assert.equal(mixed.code, 1);
    assert.deepEqual(JSON.parse(mixed.out), {
      deleted: ['idle'],
      failed: [
        { group: 'busy', error: 'NON_EMPTY_GROUP', message: 'The group is not empty.' },
        { group: 'nobody', error: 'GROUP_ID_NOT_FOUND', message: "Consumer group 'nobody' does not exist." },
      ],
    });
    assert.match(mixed.stderr, /kt: error: Deletion of some consumer groups failed: group 'busy' could not be deleted: The group is not empty\. \(NON_EMPTY_GROUP\)/);
  } finally {
    await member.stop();
  }
});

test('committed offsets survive a broker restart: the group is listed Empty with its offsets', async () => {
  const dataDir = tempDir();
  let b = await groupBroker({ dataDir });
  try {
    const p = await kt(['produce', '-t', 'persist', '-b', b.bootstrap], { stdin: 'a\nb\nc\n' });
    assert.equal(p.code, 0, p.stderr);
    const c = await kt(['consume', '-t', 'persist', '-g', 'durable', '--from-beginning', '--exit', '-b', b.bootstrap]);
    assert.equal(c.out, 'a\nb\nc\n', c.stderr);
    await b.stop();
    b = await groupBroker({ dataDir });
    const list = await kt(['groups', 'list', '--json', '-b', b.bootstrap]);
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(JSON.parse(list.out).groups, [{ group: 'durable', type: 'classic', protocolType: 'consumer', state: 'Empty', protocol: '', members: 0 }]);
    const d = JSON.parse((await kt(['groups', 'describe', 'durable', '--json', '-b', b.bootstrap])).out).groups[0];
    assert.deepEqual(d.offsets.map((o: { currentOffset: number; lag: number }) => [o.currentOffset, o.lag]), [[3, 0]]);
  } finally {
    await b.stop();
  }
});

test('kt consume --group in a terminal says on stderr which partitions it owns after each rebalance', { skip: tmuxMissing || undefined, timeout: 60_000 }, async () => {
  // A real terminal (tmux): each step waits for what the screen shows, then Ctrl-C ends kt.
  const env = isolatedEnv();
  delete env.CI;
  const term = await Terminal.start([process.execPath, KT, 'consume', '-t', 'orders', '-g', 'tty-group', '--from-beginning', '-b', B].map(sh).join(' '), { env, cols: 200 });
  const other = new Member(kafkaFor(B), 'm', 'tty-group', 'orders', []);
  try {
    await term.waitFor(/kt: group tty-group: this consumer now owns orders-0, orders-1/, 30_000);
    // A second member makes the group rebalance: kt now owns one partition.
    await other.start();
    await waitFor(() => other.owned.length === 1, 30_000, 'the second member to get a partition');
    const theirs = other.owned[0]; // read now: once kt leaves, the other member owns both
    const screen = await term.waitFor(/is rebalancing\n(?:.*\n)*?kt: group tty-group: this consumer now owns orders-\d\s*$/m, 30_000);
    await term.send('C-c');
    assert.equal(await term.waitForExit(30_000), 130);
    const notices = screen.split('\n').filter((l) => l.startsWith('kt: group'));
    assert.deepEqual(notices.slice(0, 3), [
      'kt: group tty-group: this consumer now owns orders-0, orders-1',
      'kt: group tty-group is rebalancing',
      `kt: group tty-group: this consumer now owns orders-${1 - theirs}`,
    ]);
    assert.match(await term.screen(), /Processed a total of \d+ messages/);
  } finally {
    await term.close();
    await other.stop();
  }
  // Without a terminal: no notice.
  const piped = await ktB(['consume', '-t', 'orders', '-g', 'tty-group-2', '--from-beginning', '--max-messages', '1']);
  assert.equal(piped.code, 0, piped.stderr);
  assert.doesNotMatch(piped.stderr, /now owns/);
});

test('every kt groups command has a description, examples and the connection flags in --help', async () => {
  for (const c of [[], ['list'], ['describe'], ['reset-offsets'], ['delete'], ['delete-offsets']]) {
    const r = await kt(['groups', ...c, '--help']);
    assert.equal(r.code, 0, c.join(' '));
    assert.match(r.out, /DESCRIPTION\n/);
    assert.match(r.out, /EXAMPLES\n\s+\$ kt groups/);
    assert.match(r.out, /--bootstrap-server/);
    assert.match(r.out, /JSON \(--json\)/, 'the JSON shape is documented');
  }
});
