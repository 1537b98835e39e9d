// src/format/groups.ts: kafka-consumer-groups' rows and text layouts (golden strings from
// reference B2), the reset-plan CSV, and the --by-duration / --to-datetime / --topic grammars.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GroupDescription } from '../../../src/client/groups.js';
import {
  apacheDeleteOffsets,
  apacheDeleteSuccess,
  apacheListWithState,
  apacheMembers,
  apacheOffsets,
  apacheResetPlan,
  apacheState,
  assignmentString,
  apacheAssignmentString,
  exportCsv,
  offsetRows,
  membersTable,
  offsetsTable,
  parseDateTime,
  parseIsoDuration,
  parseResetCsv,
  parseStates,
  parseTopicScope,
} from '../../../src/format/groups.js';

const consumer1 = 'consumer-1-029af89c-873c-4751-a720-cefd41a669d6';
const group: GroupDescription = {
  group: 'my-group',
  type: 'classic',
  state: 'Stable',
  protocolType: 'consumer',
  protocol: 'range',
  coordinator: { id: 0, host: 'localhost', port: 9092 },
  members: [
    { consumerId: consumer1, groupInstanceId: null, clientId: 'consumer-1', host: '/127.0.0.1', assignment: [{ topic: 'my-topic', partition: 0 }] },
    { consumerId: 'idle-member', groupInstanceId: null, clientId: 'consumer-2', host: '/127.0.0.2', assignment: [] },
  ],
};
const k = (t: string, p: number) => `${t}\u0000${p}`;

test('offsetRows: assigned partitions with their member, then committed unassigned ones; lag = log end − committed', () => {
  const d = offsetRows(
    group,
    [
      { topic: 'my-topic', partition: 0, offset: 2, leaderEpoch: null },
      { topic: 'my-topic', partition: 1, offset: 1, leaderEpoch: 3 },
    ],
    new Map([[k('my-topic', 0), 4], [k('my-topic', 1), 3]]),
  );
  assert.deepEqual(
    d.offsets.map((r) => [r.topic, r.partition, r.currentOffset, r.logEndOffset, r.lag, r.consumerId, r.leaderEpoch]),
    [
      ['my-topic', 0, 2, 4, 2, consumer1, null],
      ['my-topic', 1, 1, 3, 2, null, 3],
    ],
  );
  assert.equal(d.totalLag, 4);
});

test('offsetRows: an assigned partition without a commit has no lag; members with more partitions come first', () => {
  const g: GroupDescription = {
    ...group,
    members: [
      { ...group.members[0], consumerId: 'small', assignment: [{ topic: 't', partition: 2 }] },
      { ...group.members[0], consumerId: 'big', assignment: [{ topic: 't', partition: 1 }, { topic: 't', partition: 0 }] },
    ],
  };
  const d = offsetRows(g, [{ topic: 't', partition: 0, offset: 5, leaderEpoch: null }], new Map([[k('t', 0), 9], [k('t', 1), 7], [k('t', 2), 0]]));
  assert.deepEqual(d.offsets.map((r) => [r.consumerId, r.partition, r.lag]), [['big', 0, 4], ['big', 1, null], ['small', 2, null]]);
  assert.equal(d.totalLag, 4);
});

test('apacheOffsets: the exact kafka-consumer-groups --describe text (reference B2)', () => {
  const d = offsetRows(group, [{ topic: 'my-topic', partition: 0, offset: 2, leaderEpoch: null }], new Map([[k('my-topic', 0), 4], [k('my-topic', 1), 3]]));
  // B2's second row: a partition with no committed offset and no consumer (every column but LOG-END-OFFSET is '-')
  d.offsets.push({ group: 'my-group', topic: 'my-topic', partition: 1, currentOffset: null, logEndOffset: 3, lag: null, leaderEpoch: null, consumerId: null, host: null, clientId: null });
  const expected =
    '\n' +
    'GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID                                     HOST            CLIENT-ID\n' +
    'my-group        my-topic        0          2               4               2               consumer-1-029af89c-873c-4751-a720-cefd41a669d6 /127.0.0.1      consumer-1\n' +
    'my-group        my-topic        1          -               3               -               -                                               -               -\n';
  assert.equal(apacheOffsets([d]), expected);
  assert.equal(apacheOffsets([{ ...d, offsets: [] }]), '', 'nothing for a group without rows');
});

test('apacheMembers: GROUP CONSUMER-ID HOST CLIENT-ID #PARTITIONS (trailing space), --verbose as Apache 4.4', () => {
  assert.equal(
    apacheMembers([group]),
    '\n' +
      'GROUP           CONSUMER-ID                                     HOST            CLIENT-ID       #PARTITIONS     \n' +
      'my-group        consumer-1-029af89c-873c-4751-a720-cefd41a669d6 /127.0.0.1      consumer-1      1               \n' +
      'my-group        idle-member                                     /127.0.0.2      consumer-2      0               \n',
  );
  const verbose = apacheMembers([group], true).split('\n');
  assert.equal(verbose[1].endsWith('#PARTITIONS     CURRENT-EPOCH   CURRENT-ASSIGNMENT   TARGET-EPOCH    TARGET-ASSIGNMENT   '), true);
  assert.equal(verbose[2].endsWith('1               -               my-topic:0           -               -                   '), true);
  assert.equal(verbose[3].endsWith('0               -               -                    -               -                   '), true);
  // no members: the header alone, its widths the minimums (not the group name's)
  const empty = { ...group, group: 'a-group-name-longer-than-15', state: 'Empty', members: [] };
  assert.equal(apacheMembers([empty]), '\nGROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     \n');
  assert.equal(
    apacheMembers([empty], true),
    '\nGROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     CURRENT-EPOCH   CURRENT-ASSIGNMENT   TARGET-EPOCH    TARGET-ASSIGNMENT   \n',
  );
  // A static member adds GROUP-INSTANCE-ID (at least 17 wide).
  const stat = apacheMembers([{ ...group, members: [{ ...group.members[1], groupInstanceId: 'i-1' }] }]).split('\n');
  assert.equal(stat[1], 'GROUP           CONSUMER-ID     GROUP-INSTANCE-ID HOST            CLIENT-ID       #PARTITIONS     ');
  assert.equal(stat[2], 'my-group        idle-member     i-1               /127.0.0.2      consumer-2      0               ');
});

// A KIP-848 consumer group as ConsumerGroupDescribe describes it: epochs and target assignments.
const g848: GroupDescription = {
  group: 'g848',
  type: 'consumer',
  state: 'Reconciling',
  protocolType: 'consumer',
  protocol: 'uniform',
  coordinator: { id: 1, host: '127.0.0.1', port: 9092 },
  groupEpoch: 3,
  targetAssignmentEpoch: 3,
  members: [
    {
      consumerId: 'KAtZ1wZcRYOhH7Psbl6YVQ', groupInstanceId: null, clientId: 'console-consumer', host: '/127.0.0.1',
      assignment: [{ topic: 't1', partition: 0 }, { topic: 't1', partition: 1 }, { topic: 't1', partition: 2 }],
      memberEpoch: 2, upgraded: true,
      targetAssignment: [{ topic: 't1', partition: 0 }, { topic: 'a-long-topic-name', partition: 0 }, { topic: 'a-long-topic-name', partition: 1 }],
    },
    { consumerId: 'x', groupInstanceId: null, clientId: 'c2', host: '/127.0.0.2', assignment: [], memberEpoch: 3, upgraded: true, targetAssignment: [{ topic: 't1', partition: 2 }] },
  ],
};

test('apacheMembers --verbose, KIP-848 group: member epoch, the group\'s target assignment epoch, target assignment as wide as the longest', () => {
  const lines = apacheMembers([g848], true).split('\n');
  assert.equal(lines[0], '');
  assert.equal(lines[1], 'GROUP           CONSUMER-ID            HOST            CLIENT-ID        #PARTITIONS     CURRENT-EPOCH   CURRENT-ASSIGNMENT   TARGET-EPOCH    TARGET-ASSIGNMENT         ');
  assert.equal(lines[2], 'g848            KAtZ1wZcRYOhH7Psbl6YVQ /127.0.0.1      console-consumer 3               2               t1:0,1,2             3               a-long-topic-name:0,1;t1:0');
  assert.equal(lines[3], 'g848            x                      /127.0.0.2      c2               0               3               -                    3               t1:2                      ');
  assert.equal(lines.length, 5);
  // members of both protocols (an upgrade in progress): UPGRADED, unpadded
  const mixed = { ...g848, members: [g848.members[0], { ...g848.members[1], upgraded: false }] };
  const m = apacheMembers([mixed], true).split('\n');
  assert.match(m[1], /TARGET-ASSIGNMENT {9} UPGRADED$/);
  assert.match(m[2], / a-long-topic-name:0,1;t1:0 true$/);
  assert.match(m[3], / t1:2 {22} false$/);
  // without --verbose: the classic columns only
  assert.equal(apacheMembers([g848]).split('\n')[2], 'g848            KAtZ1wZcRYOhH7Psbl6YVQ /127.0.0.1      console-consumer 3               ');
});

test('apacheOffsets --verbose: LEADER-EPOCH (15 wide) after PARTITION, - without one', () => {
  const d = offsetRows(group, [
    { topic: 'my-topic', partition: 0, offset: 2, leaderEpoch: 0 },
    { topic: 'my-topic', partition: 1, offset: 1, leaderEpoch: null },
  ], new Map([[k('my-topic', 0), 4], [k('my-topic', 1), 3]]));
  assert.equal(
    apacheOffsets([d], true),
    '\n' +
      'GROUP           TOPIC           PARTITION  LEADER-EPOCH    CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID                                     HOST            CLIENT-ID\n' +
      'my-group        my-topic        0          0               2               4               2               consumer-1-029af89c-873c-4751-a720-cefd41a669d6 /127.0.0.1      consumer-1\n' +
      'my-group        my-topic        1          -               1               3               2               -                                               -               -\n',
  );
});

test('apacheState --verbose: GROUP-EPOCH (15) and TARGET-ASSIGNMENT-EPOCH (25) before #MEMBERS; - for a classic group', () => {
  assert.equal(
    apacheState([g848], true),
    '\n' +
      'GROUP           COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE                GROUP-EPOCH     TARGET-ASSIGNMENT-EPOCH   #MEMBERS\n' +
      'g848            127.0.0.1:9092  (1)       uniform              Reconciling          3               3                         2\n',
  );
  assert.match(apacheState([group], true), /\nmy-group +localhost:9092  \(0\) +range +Stable +- {15}- {25}2\n$/);
});

test('membersTable --verbose: a KIP-848 group adds CURRENT-EPOCH, TARGET-EPOCH, TARGET-ASSIGNMENT; a classic group only ASSIGNMENT', () => {
  const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
  const t = plain(membersTable(g848, true)).split('\n');
  assert.deepEqual(t[0].split(/ {2,}/), ['GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS', 'CURRENT-EPOCH', 'ASSIGNMENT', 'TARGET-EPOCH', 'TARGET-ASSIGNMENT']);
  assert.deepEqual(t[1].trim().split(/ {2,}/), ['g848', 'KAtZ1wZcRYOhH7Psbl6YVQ', '/127.0.0.1', 'console-consumer', '3', '2', 't1(0,1,2)', '3', 'a-long-topic-name(0,1), t1(0)']);
  assert.deepEqual(plain(membersTable(group, true)).split('\n')[0].split(/ {2,}/), ['GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS', 'ASSIGNMENT']);
  assert.ok(!plain(membersTable(g848, false)).includes('EPOCH'));
});

test('assignmentString, apacheAssignmentString: topics sorted, partitions sorted, - when empty', () => {
  const tps = [{ topic: 'b', partition: 2 }, { topic: 'a', partition: 1 }, { topic: 'b', partition: 0 }, { topic: 'b', partition: 10 }];
  assert.equal(assignmentString(tps), 'a(1), b(0,2,10)');
  assert.equal(apacheAssignmentString(tps), 'a:1;b:0,2,10');
  // Apache sorts the joined strings: 'a-b:0' before 'a:0' ('-' < ':'), whatever the topic order
  assert.equal(apacheAssignmentString([{ topic: 'a', partition: 0 }, { topic: 'a-b', partition: 0 }]), 'a-b:0;a:0');
  assert.equal(assignmentString([{ topic: 'a', partition: 0 }, { topic: 'a-b', partition: 0 }]), 'a(0), a-b(0)');
  assert.equal(assignmentString([]), '-');
  assert.equal(apacheAssignmentString([]), '-');
});

test('apacheState: coordinator as host:port  (id), strategy, state, member count', () => {
  assert.equal(
    apacheState([group]),
    '\n' +
      'GROUP           COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE                #MEMBERS\n' +
      'my-group        localhost:9092  (0)       range                Stable               2\n',
  );
  assert.match(apacheState([{ ...group, protocol: '', state: 'Empty', members: [] }]), /\nmy-group +localhost:9092  \(0\) +- +Empty +0\n$/);
});

test('apacheListWithState, apacheResetPlan, apacheDeleteOffsets, apacheDeleteSuccess', () => {
  assert.equal(
    apacheListWithState([{ group: 'g1', type: 'classic', state: 'Stable', protocol: 'range', protocolType: 'consumer', members: 1 }]),
    `${'GROUP'.padEnd(25)} ${'STATE'.padEnd(20)}\n${'g1'.padEnd(25)} ${'Stable'.padEnd(20)}\n`,
  );
  assert.equal(
    apacheListWithState([{ group: 'g1', type: 'consumer', state: 'Reconciling', protocol: 'uniform', protocolType: 'consumer', members: 2 }], { state: true, type: true }),
    `${'GROUP'.padEnd(25)} ${'TYPE'.padEnd(20)} ${'STATE'.padEnd(20)}\n${'g1'.padEnd(25)} ${'Consumer'.padEnd(20)} ${'Reconciling'.padEnd(20)}\n`,
  );
  assert.equal(
    apacheResetPlan([{ group: 'g', topic: 't', partition: 0, currentOffset: 7, newOffset: 0 }]),
    `\n${'GROUP'.padEnd(15)} ${'TOPIC'.padEnd(15)} PARTITION  NEW-OFFSET\n${'g'.padEnd(15)} ${'t'.padEnd(15)} 0          0\n`,
  );
  // GROUP and TOPIC as wide as the longest name (over every group of the plan)
  assert.equal(
    apacheResetPlan([
      { group: 'a-group-named-at-length', topic: 't', partition: 10, currentOffset: 7, newOffset: 123 },
      { group: 'g', topic: 'a-topic-named-at-length-20', partition: 0, currentOffset: 7, newOffset: 0 },
    ]),
    '\nGROUP                   TOPIC                      PARTITION  NEW-OFFSET\n' +
      'a-group-named-at-length t                          10         123\n' +
      'g                       a-topic-named-at-length-20 0          0\n',
  );
  assert.equal(apacheResetPlan([]), '');
  assert.equal(
    apacheDeleteOffsets([{ topic: 't', partition: 0, status: 'Successful' }, { topic: 'gone', partition: null, status: 'Error: :x' }]),
    `\n${'TOPIC'.padEnd(30)} ${'PARTITION'.padEnd(15)} ${'STATUS'.padEnd(15)}\n${'t'.padEnd(30)} ${'0'.padEnd(15)} Successful     \n${'gone'.padEnd(30)} Not Provided    Error: :x      \n`,
  );
  assert.equal(apacheDeleteSuccess(['a', 'b']), "Deletion of requested consumer groups ('a', 'b') was successful.");
});

test('offsetsTable: Apache column names, - for missing values', () => {
  const d = offsetRows(group, [], new Map([[k('my-topic', 0), 4]]));
  const lines = offsetsTable(d.offsets).split('\n');
  assert.match(lines[0], /^GROUP\s+TOPIC\s+PARTITION\s+CURRENT-OFFSET\s+LOG-END-OFFSET\s+LAG\s+CONSUMER-ID\s+HOST\s+CLIENT-ID$/);
  assert.match(lines[1], /^my-group\s+my-topic\s+0\s+-\s+4\s+-\s+consumer-1-\S+\s+\/127\.0\.0\.1\s+consumer-1$/);
});

test('CSV: export one group as topic,partition,offset, several as group,topic,partition,offset; read back', () => {
  const rows = [
    { group: 'g', topic: 't', partition: 0, currentOffset: null, newOffset: 5 },
    { group: 'g,2', topic: 'u', partition: 1, currentOffset: 3, newOffset: 0 },
  ];
  assert.equal(exportCsv(rows.slice(0, 1), false), 't,0,5\n');
  const multi = exportCsv(rows, true);
  assert.equal(multi, 'g,t,0,5\n"g,2",u,1,0\n');
  assert.deepEqual(parseResetCsv(multi, null), [
    { group: 'g', topic: 't', partition: 0, offset: 5 },
    { group: 'g,2', topic: 'u', partition: 1, offset: 0 },
  ]);
  assert.deepEqual(parseResetCsv('t,0,5\r\n\nt,1,7\n', 'solo'), [
    { group: 'solo', topic: 't', partition: 0, offset: 5 },
    { group: 'solo', topic: 't', partition: 1, offset: 7 },
  ]);
});

test('CSV: bad lines are usage errors naming the line', () => {
  assert.throws(() => parseResetCsv('t,0,5\nt,x,1\n', 'g'), (e: Error & { exitCode?: number }) => /line 2: partition 'x'/.test(e.message) && e.exitCode === 2);
  assert.throws(() => parseResetCsv('t,0,5\n', null), /line 1: expected group,topic,partition,offset/);
  assert.throws(() => parseResetCsv('a,b\n', 'g'), /line 1/);
});

test('parseIsoDuration: Java Duration PnDTnHnMn.nS', () => {
  assert.equal(parseIsoDuration('PT15M'), 15 * 60_000);
  assert.equal(parseIsoDuration('P1D'), 86_400_000);
  assert.equal(parseIsoDuration('P1DT2H30M'), 86_400_000 + 2 * 3_600_000 + 30 * 60_000);
  assert.equal(parseIsoDuration('pt0.5s'), 500);
  assert.equal(parseIsoDuration('PT1.25S'), 1250);
  assert.equal(parseIsoDuration('-PT1H'), -3_600_000);
  assert.equal(parseIsoDuration('PT-30S'), -30_000);
  for (const bad of ['', 'P', 'PT', '15m', 'P1H', 'PT1D', '1h', 'P1DT']) {
    assert.throws(() => parseIsoDuration(bad), (e: Error & { exitCode?: number }) => e.exitCode === 2, bad);
  }
});

test('parseDateTime: Kafka\'s yyyy-MM-ddTHH:mm:ss.SSS[zone], UTC without a zone', () => {
  assert.equal(parseDateTime('2024-01-01T00:00:05.000'), Date.UTC(2024, 0, 1, 0, 0, 5));
  assert.equal(parseDateTime('2024-01-01T00:00:05.5'), Date.UTC(2024, 0, 1, 0, 0, 5, 500));
  assert.equal(parseDateTime('2024-01-01T00:00:05Z'), Date.UTC(2024, 0, 1, 0, 0, 5));
  assert.equal(parseDateTime('2024-01-01T01:00:00+01:00'), Date.UTC(2024, 0, 1, 0, 0, 0));
  assert.equal(parseDateTime('2024-01-01T01:30:00+0130'), Date.UTC(2024, 0, 1, 0, 0, 0));
  assert.equal(parseDateTime('2023-12-31T23:00:00-01'), Date.UTC(2024, 0, 1, 0, 0, 0));
  assert.equal(parseDateTime('2024-02-29T12:00'), Date.UTC(2024, 1, 29, 12, 0));
  for (const bad of ['2024-01-01', '2024-13-01T00:00:00', '2023-02-29T00:00:00', '2024-01-01T24:00:00', 'yesterday', '1700000000000']) {
    assert.throws(() => parseDateTime(bad), (e: Error & { exitCode?: number }) => e.exitCode === 2, bad);
  }
});

test('parseTopicScope: T or T:P,P', () => {
  assert.deepEqual(parseTopicScope('orders'), { topic: 'orders', partitions: null });
  assert.deepEqual(parseTopicScope('orders:2,0,2'), { topic: 'orders', partitions: [0, 2] });
  for (const bad of ['orders:', ':1', 'orders:a', 'orders:1:2', '']) assert.throws(() => parseTopicScope(bad), (e: Error & { exitCode?: number }) => e.exitCode === 2, bad);
});

test('parseStates: case-insensitive, comma-separated, unknown states refused', () => {
  assert.deepEqual(parseStates(['stable,EMPTY', 'preparingrebalance']), ['Stable', 'Empty', 'PreparingRebalance']);
  assert.deepEqual(parseStates(['']), []);
  assert.throws(() => parseStates(['running']), /invalid state 'running'/);
});
