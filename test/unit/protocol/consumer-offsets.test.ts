// The __consumer_offsets record format (src/protocol/consumerOffsets.ts): records Apache Kafka
// 4.4 wrote for group g1 (kafkajs' admin.setOffsets: topic "probe", partition 1, offset 42)
// decode, and what the bundled broker writes is byte for byte what Apache wrote.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeConsumerOffsetsRecord,
  groupMetadataKey,
  groupMetadataValue,
  offsetCommitKey,
  offsetCommitValue,
} from '../../../src/protocol/consumerOffsets.js';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

// captured from Apache Kafka 4.4.0 (partition 2 of 5: abs("g1".hashCode()) % 5)
const APACHE_OFFSET_KEY = hex('000100026731000570726f626500000001');
const APACHE_OFFSET_VALUE = hex('0004000000000000002affffffff01000001a24631c0cd010010fcd90e19c58b4574a36fc39d30902831');
const APACHE_GROUP_KEY = hex('000200026731');
const APACHE_EMPTY_GROUP_VALUE = hex('0003000000000000ffffffff000001a24631c0ab00000000');
const APACHE_GROUP_VALUE = hex(
  '00030008636f6e73756d6572000000010012526f756e64526f62696e41737369676e6572002c6b61666b616a732d34653831623438342d613165302d343235372d626464372d633166636134383331396138000001a24631c0bf00000001002c6b61666b616a732d34653831623438342d613165302d343235372d626464372d633166636134383331396138ffff00076b61666b616a73000a2f3132372e302e302e310000ea600000753000000011000000000001000570726f6265000000000000001d000000000001000570726f626500000002000000000000000100000000',
);

test('Apache\'s OffsetCommitKey v1 / OffsetCommitValue v4 decode; the bundled broker encodes them identically', () => {
  const r = decodeConsumerOffsetsRecord(APACHE_OFFSET_KEY, APACHE_OFFSET_VALUE);
  assert.ok(r && r.type === 'offset' && r.value);
  assert.deepEqual({ group: r.group, topic: r.topic, partition: r.partition }, { group: 'g1', topic: 'probe', partition: 1 });
  assert.equal(r.value.offset, 42);
  assert.equal(r.value.leaderEpoch, -1);
  assert.equal(r.value.metadata, '');
  assert.equal(r.value.commitTimestamp, 0x1a24631c0cd);
  assert.equal(r.value.topicId?.toString('hex'), 'fcd90e19c58b4574a36fc39d30902831');
  assert.deepEqual(offsetCommitKey('g1', 'probe', 1), APACHE_OFFSET_KEY);
  assert.deepEqual(offsetCommitValue({ ...r.value, topicId: r.value.topicId }), APACHE_OFFSET_VALUE);
  // without a topic id: no tagged field
  assert.deepEqual(offsetCommitValue({ offset: 42, leaderEpoch: -1, metadata: null, commitTimestamp: 0x1a24631c0cd }), hex('0004000000000000002affffffff01000001a24631c0cd00'));
});

test('Apache\'s GroupMetadataKey v2 / GroupMetadataValue v3 decode; the bundled broker encodes them identically', () => {
  const empty = decodeConsumerOffsetsRecord(APACHE_GROUP_KEY, APACHE_EMPTY_GROUP_VALUE);
  assert.ok(empty && empty.type === 'group' && empty.value);
  assert.deepEqual(empty.value, { protocolType: '', generation: 0, protocol: null, leader: null, currentStateTimestamp: 0x1a24631c0ab, members: [] });
  assert.deepEqual(groupMetadataValue(empty.value), APACHE_EMPTY_GROUP_VALUE);
  const g = decodeConsumerOffsetsRecord(APACHE_GROUP_KEY, APACHE_GROUP_VALUE);
  assert.ok(g && g.type === 'group' && g.value);
  assert.equal(g.group, 'g1');
  assert.equal(g.value.protocolType, 'consumer');
  assert.equal(g.value.generation, 1);
  assert.equal(g.value.protocol, 'RoundRobinAssigner');
  assert.equal(g.value.members.length, 1);
  const m = g.value.members[0];
  assert.equal(g.value.leader, m.memberId);
  assert.deepEqual([m.groupInstanceId, m.clientId, m.clientHost, m.rebalanceTimeout, m.sessionTimeout], [null, 'kafkajs', '/127.0.0.1', 60000, 30000]);
  assert.deepEqual(groupMetadataKey('g1'), APACHE_GROUP_KEY);
  assert.deepEqual(groupMetadataValue(g.value), APACHE_GROUP_VALUE);
});

test('older value versions and tombstones decode; unknown key versions are not guessed at', () => {
  // OffsetCommitValue v1: offset, metadata, commit timestamp, expire timestamp
  const v1 = hex('0001' + '0000000000000007' + '00026d64' + '0000000000000064' + '00000000000000c8');
  const r = decodeConsumerOffsetsRecord(offsetCommitKey('g', 't', 0), v1);
  assert.ok(r && r.type === 'offset' && r.value);
  assert.deepEqual(r.value, { offset: 7, leaderEpoch: -1, metadata: 'md', commitTimestamp: 100, expireTimestamp: 200 });
  const tomb = decodeConsumerOffsetsRecord(offsetCommitKey('g', 't', 0), null);
  assert.deepEqual(tomb, { type: 'offset', group: 'g', topic: 't', partition: 0, value: null });
  assert.deepEqual(decodeConsumerOffsetsRecord(groupMetadataKey('g'), null), { type: 'group', group: 'g', value: null });
  assert.equal(decodeConsumerOffsetsRecord(hex('0003000167'), hex('0000')), null);
});
