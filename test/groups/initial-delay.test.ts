// group.initial.rebalance.delay.ms (issue 13): a new group waits for more members before its
// first rebalance, as Kafka's InitialDelayedJoin. Two kafkajs consumers starting together
// against a new group make one generation with the delay (Kafka's default, 3000 ms, which the
// library broker keeps), as does a member arriving once the first has joined; without it (0)
// that member makes a second generation. (Started together without a delay, they may or may
// not share the first: a member id handed out but not yet rejoined holds the join, KIP-394.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DescribeConfigs } from '../../src/protocol/apis/describeConfigs.js';
import { WireClient } from '../../src/client/wireClient.js';
import { startBroker, type Broker, type BrokerOptions } from '../../src/index.js';
import { Member, kafkaFor, waitFor, type Read } from './helpers.js';

/** Generations the broker completed for `groupId`, with their member counts, in order. */
function generations(lines: string[], groupId: string): Array<[number, number]> {
  const re = new RegExp(`group ${groupId}: generation (\\d+) with (\\d+) member`);
  return lines.flatMap((l) => {
    const m = re.exec(l);
    return m ? [[Number(m[1]), Number(m[2])] as [number, number]] : [];
  });
}

async function delayConfig(broker: Broker): Promise<{ value: string | null; source: number }> {
  const c = await WireClient.connect('127.0.0.1', broker.port);
  try {
    const r = await c.request(DescribeConfigs, 4, { resources: [{ resourceType: 4, resourceName: '0', configurationKeys: ['group.initial.rebalance.delay.ms'] }] });
    const e = r.results[0].configs[0];
    return { value: e.value, source: e.configSource };
  } finally {
    c.close();
  }
}

/**
 * Starts two members of a new group, together or the second once the first is a member;
 * resolves once both own a partition.
 */
async function twoMembers(opts: BrokerOptions, groupId: string, staggered = false): Promise<{ gens: Array<[number, number]>; waitedMs: number; reported: { value: string | null; source: number } }> {
  const lines: string[] = [];
  const broker = await startBroker({ port: 0, memory: true, groupMinSessionTimeoutMs: 500, log: (l) => lines.push(l), ...opts });
  const members: Member[] = [];
  try {
    const reported = await delayConfig(broker);
    const kafka = kafkaFor(broker.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'two', numPartitions: 2 }] });
    await admin.disconnect();
    const reads: Read[] = [];
    members.push(new Member(kafka, 'a', groupId, 'two', reads), new Member(kafka, 'b', groupId, 'two', reads));
    const started = Date.now();
    if (staggered) {
      // (kafkajs's run() resolves once the member has its first assignment)
      const first = members[0].start();
      await waitFor(() => (broker.groups.describeGroups([groupId])[0]?.members.length ?? 0) === 1, 60_000, 'the first member in the group');
      await Promise.all([first, members[1].start()]);
    } else {
      await Promise.all(members.map((m) => m.start()));
    }
    await waitFor(() => members.every((m) => m.owned.length === 1), 60_000, () => `one partition each (${members.map((m) => m.owned.join(',')).join(' / ')})`);
    const waitedMs = Date.now() - started;
    return { gens: generations(lines, groupId), waitedMs, reported };
  } finally {
    for (const m of members) await m.stop().catch(() => undefined);
    await broker.stop();
  }
}

test('with the initial rebalance delay (Kafka default 3000 ms): two consumers starting together share one generation', async () => {
  const { gens, waitedMs, reported } = await twoMembers({}, 'g-delayed');
  assert.deepEqual(reported, { value: '3000', source: 5 }, 'DescribeConfigs: 3000, DEFAULT_CONFIG');
  assert.deepEqual(gens, [[1, 2]], 'one generation holding both members');
  assert.ok(waitedMs >= 3000, `the first rebalance waited out the delay (${waitedMs} ms)`);
});

test('with the delay, a member arriving after the first one joined still makes the first generation', async () => {
  const { gens } = await twoMembers({ groupInitialRebalanceDelayMs: 3000 }, 'g-delayed-late', true);
  assert.deepEqual(gens, [[1, 2]], 'one generation holding both members');
});

test('without it (group.initial.rebalance.delay.ms=0): the first member gets a generation alone, the second makes another', async () => {
  const { gens, reported } = await twoMembers({ configs: { 'group.initial.rebalance.delay.ms': 0 } }, 'g-undelayed', true);
  assert.deepEqual(reported, { value: '0', source: 4 }, 'DescribeConfigs: 0, STATIC_BROKER_CONFIG');
  assert.deepEqual(gens, [[1, 1], [2, 2]], 'generation 1 holds the first member, generation 2 both');
});
