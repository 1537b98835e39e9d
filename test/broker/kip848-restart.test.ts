// KIP-848 consumer groups survive a restart of a broker with a data dir (issue 13): the group
// comes back as a consumer group (ListGroups v5) with its members, epochs and assignments
// (ConsumerGroupDescribe); a member that heartbeats with its id and epoch goes on where it
// was; a member that stays silent is fenced once its session timeout passes after the restart
// (as after a Kafka coordinator failover); committed offsets are kept; a deleted group stays
// deleted. The group's state is also in __consumer_offsets as Kafka's ConsumerGroup* records
// (the last record of each key is the group as described; a deleted group's are tombstones).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Broker } from '../../src/broker/broker.js';
import { WireClient } from '../../src/client/wireClient.js';
import * as A from '../../src/protocol/apis/index.js';
import { CONSUMER_OFFSETS_TOPIC, type ConsumerGroupRecord, consumerGroupRecordKey, decodeConsumerGroupRecord, offsetsPartitionFor } from '../../src/protocol/consumerOffsets.js';
import { batchesIn, readRecords } from '../../src/protocol/recordBatch.js';
import { tempDir, testBroker } from '../helpers.js';

const SESSION_MS = 1500;
const GROUP = 'kip848-restart';
const TOPIC = 'kip848-restart-topic';

type Owned = { topicId: Buffer; partitions: number[] }[];

const heartbeat = (c: WireClient, memberId: string, memberEpoch: number, extra: { join?: boolean; owned?: Owned | null; group?: string } = {}) =>
  c.request(A.ConsumerGroupHeartbeat, 1, {
    groupId: extra.group ?? GROUP,
    memberId,
    memberEpoch,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: extra.join ? 30000 : -1,
    subscribedTopicNames: extra.join ? [TOPIC] : null,
    subscribedTopicRegex: null,
    serverAssignor: null,
    topicPartitions: extra.join ? [] : (extra.owned ?? null),
  });

/** Log lines of a broker, and a promise for the first line that matches. */
function logWatch() {
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (line: string) => void }[] = [];
  return {
    log: (line: string) => {
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.re.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    },
    next: (re: RegExp) => new Promise<string>((resolve) => {
      const seen = lines.find((l) => re.test(l));
      if (seen) resolve(seen);
      else waiters.push({ re, resolve });
    }),
  };
}

const sorted = (tps: { topicId: Buffer; partitions: number[] }[] | undefined) =>
  (tps ?? []).flatMap((t) => t.partitions.map((p) => `${t.topicId.toString('hex')}:${p}`)).sort();

/** The group's consumer group records in __consumer_offsets, the last one of each key. */
async function storedRecords(c: WireClient, group: string): Promise<Map<string, ConsumerGroupRecord>> {
  const partition = offsetsPartitionFor(group, 50);
  const r = await c.request(A.Fetch, 11, {
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 64 << 20,
    topics: [{ topic: CONSUMER_OFFSETS_TOPIC, partitions: [{ partition, fetchOffset: 0, partitionMaxBytes: 64 << 20 }] }],
  });
  const p = r.responses[0].partitions[0];
  assert.equal(p.errorCode, 0);
  const latest = new Map<string, ConsumerGroupRecord>();
  const buf = p.records ?? Buffer.alloc(0);
  for (const [pos] of batchesIn(buf)) {
    for (const rec of readRecords(buf, pos)) {
      const decoded = rec.key && decodeConsumerGroupRecord(rec.key, rec.value);
      if (decoded && decoded.group === group) latest.set(consumerGroupRecordKey(decoded).toString('hex'), decoded);
    }
  }
  return latest;
}

async function describe(c: WireClient, group = GROUP) {
  const r = await c.request(A.ConsumerGroupDescribe, 1, { groupIds: [group], includeAuthorizedOperations: false });
  return r.groups[0];
}

test('a consumer group is reloaded after a restart: type, members, epochs, assignments, offsets; a silent member is fenced after its session timeout', async () => {
  const dataDir = tempDir('kt-kip848-restart-');
  const opts = { dataDir, groupConsumerSessionTimeoutMs: SESSION_MS, groupConsumerHeartbeatIntervalMs: 500 };
  let broker: Broker = await testBroker(opts);
  let c = await WireClient.connect('127.0.0.1', broker.port);
  let before: Awaited<ReturnType<typeof describe>>;
  let topicId: Buffer;
  try {
    const created = await c.request(A.CreateTopics, 7, { topics: [{ name: TOPIC, numPartitions: 4, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 30000, validateOnly: false });
    assert.equal(created.topics[0].errorCode, 0);
    topicId = created.topics[0].topicId;
    // m1 joins and takes all four partitions
    const j1 = await heartbeat(c, 'm1', 0, { join: true });
    assert.equal(j1.errorCode, 0, j1.errorMessage ?? '');
    assert.equal(sorted(j1.assignment?.topicPartitions).length, 4);
    // m2 joins: m1 must give up two partitions first; it does, and m2 gets them
    const j2 = await heartbeat(c, 'm2', 0, { join: true });
    assert.equal(j2.errorCode, 0);
    const r1 = await heartbeat(c, 'm1', j1.memberEpoch, { owned: j1.assignment!.topicPartitions });
    assert.equal(r1.errorCode, 0);
    const kept = r1.assignment!.topicPartitions;
    assert.equal(sorted(kept).length, 2, 'm1 keeps two partitions');
    const r1b = await heartbeat(c, 'm1', r1.memberEpoch, { owned: kept });
    assert.equal(r1b.errorCode, 0);
    const r2 = await heartbeat(c, 'm2', j2.memberEpoch, { owned: [] });
    assert.equal(r2.errorCode, 0);
    assert.equal(sorted(r2.assignment?.topicPartitions).length, 2, 'm2 has the other two');
    // m1 commits an offset with its epoch (OffsetCommit v9)
    const m1Epoch = r1b.memberEpoch;
    const commit = await c.request(A.OffsetCommit, 9, {
      groupId: GROUP,
      generationIdOrMemberEpoch: m1Epoch,
      memberId: 'm1',
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: [{ name: TOPIC, partitions: kept[0].partitions.slice(0, 1).map((p) => ({ partitionIndex: p, committedOffset: 7, committedLeaderEpoch: -1, committedMetadata: 'm' })) }],
    });
    assert.equal(commit.topics[0].partitions[0].errorCode, 0);
    before = await describe(c);
    assert.equal(before.errorCode, 0);
    assert.equal(before.groupState, 'Stable');
    assert.equal(before.members.length, 2);
    // __consumer_offsets holds the same group as Kafka's records
    const stored = [...(await storedRecords(c, GROUP)).values()];
    const of = (type: string, member?: string) => stored.find((r) => r.type === type && (member === undefined || ('member' in r && r.member === member)))?.value as Record<string, unknown> | null | undefined;
    assert.deepEqual(of('metadata'), { epoch: before.groupEpoch });
    assert.deepEqual(of('targetMetadata'), { assignmentEpoch: before.assignmentEpoch });
    for (const m of before.members) {
      assert.equal((of('member', m.memberId) as { subscribedTopicNames: string[] }).subscribedTopicNames.join(), TOPIC);
      const current = of('currentAssignment', m.memberId) as { memberEpoch: number; state: number; assignedPartitions: Owned };
      assert.equal(current.memberEpoch, m.memberEpoch);
      assert.equal(current.state, 0); // stable
      assert.deepEqual(sorted(current.assignedPartitions), sorted(m.assignment.topicPartitions));
      assert.deepEqual(sorted((of('targetMember', m.memberId) as { topicPartitions: Owned }).topicPartitions), sorted(m.targetAssignment.topicPartitions));
    }
  } finally {
    c.close();
    await broker.stop();
  }

  const watch = logWatch();
  broker = await testBroker({ ...opts, log: watch.log });
  c = await WireClient.connect('127.0.0.1', broker.port);
  try {
    const list = await c.request(A.ListGroups, 5, { statesFilter: [], typesFilter: [] });
    const listed = list.groups.find((g) => g.groupId === GROUP);
    assert.deepEqual(listed && { type: listed.groupType, state: listed.groupState, protocolType: listed.protocolType }, { type: 'consumer', state: 'Stable', protocolType: 'consumer' });
    const after = await describe(c);
    assert.equal(after.errorCode, 0);
    assert.equal(after.groupEpoch, before.groupEpoch);
    assert.equal(after.assignmentEpoch, before.assignmentEpoch);
    assert.equal(after.assignorName, before.assignorName);
    const view = (d: typeof after) =>
      d.members
        .map((m) => ({ id: m.memberId, epoch: m.memberEpoch, assigned: sorted(m.assignment.topicPartitions), target: sorted(m.targetAssignment.topicPartitions), topics: m.subscribedTopicNames }))
        .sort((a, b) => (a.id < b.id ? -1 : 1));
    assert.deepEqual(view(after), view(before));
    const m1 = after.members.find((m) => m.memberId === 'm1')!;
    // the offset is still there
    const fetched = await c.request(A.OffsetFetch, 9, { groups: [{ groupId: GROUP, memberId: 'm1', memberEpoch: m1.memberEpoch, topics: null }], requireStable: false });
    assert.equal(fetched.groups[0].errorCode, 0);
    assert.deepEqual(fetched.groups[0].topics.flatMap((t) => t.partitions.map((p) => p.committedOffset)), [7]);
    // m1 goes on with its epoch and its partitions; m2 stays silent
    const fenced = watch.next(/member m2 fenced: session timed out/);
    const owned = m1.assignment.topicPartitions.map((t) => ({ topicId: t.topicId, partitions: t.partitions }));
    const hb = await heartbeat(c, 'm1', m1.memberEpoch, { owned });
    assert.equal(hb.errorCode, 0, hb.errorMessage ?? '');
    assert.equal(hb.memberEpoch, m1.memberEpoch);
    // a member the restarted broker does not know is still refused
    const unknown = await heartbeat(c, 'm3', 1);
    assert.equal(unknown.errorCode, 25); // UNKNOWN_MEMBER_ID
    // keep m1 alive until m2's session (restarted with the broker) expires
    let alive = true;
    const keepAlive = (async () => {
      let epoch = hb.memberEpoch;
      let mine: Owned = owned;
      while (alive) {
        const r = await heartbeat(c, 'm1', epoch, { owned: mine });
        assert.equal(r.errorCode, 0, r.errorMessage ?? '');
        epoch = r.memberEpoch;
        if (r.assignment) mine = r.assignment.topicPartitions;
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      return { epoch, mine };
    })();
    await fenced;
    alive = false;
    await keepAlive;
    // m2 is gone, m1 gets all four partitions at a later epoch
    const r = await heartbeat(c, 'm1', (await describe(c)).members[0].memberEpoch, { owned });
    assert.equal(r.errorCode, 0);
    const d = await describe(c);
    assert.deepEqual(d.members.map((m) => m.memberId), ['m1']);
    assert.ok(d.groupEpoch > before.groupEpoch, `group epoch ${d.groupEpoch} after fencing, was ${before.groupEpoch}`);
    assert.deepEqual(sorted(d.members[0].targetAssignment.topicPartitions), [0, 1, 2, 3].map((p) => `${topicId.toString('hex')}:${p}`));
  } finally {
    c.close();
    await broker.stop();
  }
});

test('a deleted consumer group stays deleted after a restart; an emptied one comes back Empty with its epoch', async () => {
  const dataDir = tempDir('kt-kip848-deleted-');
  const opts = { dataDir, groupConsumerSessionTimeoutMs: 45000 };
  let broker: Broker = await testBroker(opts);
  let c = await WireClient.connect('127.0.0.1', broker.port);
  let emptiedEpoch: number;
  try {
    const created = await c.request(A.CreateTopics, 7, { topics: [{ name: TOPIC, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 30000, validateOnly: false });
    assert.equal(created.topics[0].errorCode, 0);
    for (const group of ['kip848-deleted', 'kip848-emptied']) {
      const j = await heartbeat(c, 'solo', 0, { join: true, group });
      assert.equal(j.errorCode, 0);
      const left = await heartbeat(c, 'solo', -1, { group });
      assert.equal(left.errorCode, 0);
    }
    const del = await c.request(A.DeleteGroups, 2, { groupsNames: ['kip848-deleted'] });
    assert.equal(del.results[0].errorCode, 0);
    const emptied = await describe(c, 'kip848-emptied');
    assert.equal(emptied.groupState, 'Empty');
    emptiedEpoch = emptied.groupEpoch;
    // the deleted group's records are all tombstones now; the emptied one keeps its epoch, without members
    const deleted = [...(await storedRecords(c, 'kip848-deleted')).values()];
    assert.ok(deleted.length >= 5, `${deleted.length} keys`);
    assert.deepEqual(deleted.filter((r) => r.value !== null), []);
    const kept = [...(await storedRecords(c, 'kip848-emptied')).values()].filter((r) => r.value !== null);
    assert.deepEqual(kept.map((r) => r.type).sort(), ['metadata', 'targetMetadata']);
    assert.deepEqual(kept.find((r) => r.type === 'metadata')!.value, { epoch: emptiedEpoch });
  } finally {
    c.close();
    await broker.stop();
  }
  broker = await testBroker(opts);
  c = await WireClient.connect('127.0.0.1', broker.port);
  try {
    const list = await c.request(A.ListGroups, 5, { statesFilter: [], typesFilter: [] });
    assert.deepEqual(list.groups.map((g) => `${g.groupId} ${g.groupType} ${g.groupState}`).sort(), ['kip848-emptied consumer Empty']);
    const gone = await describe(c, 'kip848-deleted');
    assert.equal(gone.errorCode, 69); // GROUP_ID_NOT_FOUND
    const emptied = await describe(c, 'kip848-emptied');
    assert.equal(emptied.groupEpoch, emptiedEpoch);
    assert.equal(emptied.members.length, 0);
  } finally {
    c.close();
    await broker.stop();
  }
});
