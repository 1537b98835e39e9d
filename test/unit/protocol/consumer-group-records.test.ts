// The records of a consumer-protocol group (KIP-848) in __consumer_offsets
// (src/protocol/consumerOffsets.ts): the bundled broker encodes them byte for byte as Apache
// Kafka 4.4's GroupCoordinatorRecordSerde does (the expected bytes were produced with the 4.4.0
// group-coordinator jar's generated classes), they decode back, and a change of a group's
// stored state becomes the records Kafka writes for it (consumerPersistence.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { consumerGroupRecords, type StoredConsumerGroup } from '../../../src/broker/groups/consumerPersistence.js';
import {
  type ConsumerGroupRecord,
  consumerGroupRecordKey,
  consumerGroupRecordValue,
  decodeConsumerGroupRecord,
  decodeConsumerOffsetsRecord,
} from '../../../src/protocol/consumerOffsets.js';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');
const TOPIC_ID = hex('0102030405060708090a0b0c0d0e0f10');

const APACHE: [ConsumerGroupRecord, string, string | null][] = [
  [{ type: 'metadata', group: 'g', value: { epoch: 3 } }, '0003000167', '00000000000300'],
  [{ type: 'targetMetadata', group: 'g', value: { assignmentEpoch: 3 } }, '0006000167', '00000000000300'],
  [
    {
      type: 'member',
      group: 'g',
      member: 'm1',
      value: { instanceId: null, rackId: 'r', clientId: 'c', clientHost: '/127.0.0.1', subscribedTopicNames: ['a', 'b'], subscribedTopicRegex: null, rebalanceTimeoutMs: 30000, serverAssignor: 'uniform' },
    },
    '000500016700026d31',
    '000000027202630b2f3132372e302e302e310302610262000000753008756e69666f726d00',
  ],
  [{ type: 'targetMember', group: 'g', member: 'm1', value: { topicPartitions: [{ topicId: TOPIC_ID, partitions: [0, 2] }] } }, '000700016700026d31', '0000020102030405060708090a0b0c0d0e0f100300000000000000020000'],
  [
    {
      type: 'currentAssignment',
      group: 'g',
      member: 'm1',
      value: { memberEpoch: 3, previousMemberEpoch: 2, state: 1, assignedPartitions: [{ topicId: TOPIC_ID, partitions: [0] }], partitionsPendingRevocation: [{ topicId: TOPIC_ID, partitions: [2, 3] }] },
    },
    '000800016700026d31',
    '0000000000030000000201020102030405060708090a0b0c0d0e0f10020000000000020102030405060708090a0b0c0d0e0f100300000002000000030000',
  ],
  [{ type: 'member', group: 'g', member: 'm1', value: null }, '000500016700026d31', null],
];

test("consumer group records are encoded as Apache Kafka 4.4 encodes them, and decode back", () => {
  for (const [record, key, value] of APACHE) {
    assert.equal(consumerGroupRecordKey(record).toString('hex'), key, `${record.type} key`);
    assert.equal(consumerGroupRecordValue(record)?.toString('hex') ?? null, value, `${record.type} value`);
    assert.deepEqual(decodeConsumerGroupRecord(hex(key), value === null ? null : hex(value)), record);
    // the offsets decoder leaves them alone
    assert.equal(decodeConsumerOffsetsRecord(hex(key), value === null ? null : hex(value)), null);
  }
  assert.equal(decodeConsumerGroupRecord(hex('000100026731000570726f626500000001'), null), null, 'an offset commit key is not a consumer group record');
});

const member = (id: string, o: Partial<StoredConsumerGroup['members'][number]> = {}): StoredConsumerGroup['members'][number] => ({
  memberId: id,
  instanceId: null,
  rackId: null,
  clientId: 'c',
  clientHost: '/127.0.0.1',
  rebalanceTimeoutMs: 30000,
  subscribedTopicNames: ['t'],
  subscribedTopicRegex: null,
  serverAssignor: null,
  memberEpoch: 1,
  previousMemberEpoch: 0,
  state: 'stable',
  assigned: { [TOPIC_ID.toString('hex')]: [0, 1] },
  pendingRevocation: {},
  target: { [TOPIC_ID.toString('hex')]: [0, 1] },
  ...o,
});

const group = (epoch: number, members: StoredConsumerGroup['members']): StoredConsumerGroup => ({
  v: 1,
  groupEpoch: epoch,
  assignmentEpoch: epoch,
  assignorName: 'uniform',
  subscribed: [{ id: TOPIC_ID.toString('hex'), name: 't', partitions: 2 }],
  members,
});

const summary = (rs: ConsumerGroupRecord[]) => rs.map((r) => `${r.type}${'member' in r ? ` ${r.member}` : ''}${r.value === null ? ' (tombstone)' : ''}`);

test('a change of a stored consumer group becomes the records Kafka writes for it', () => {
  const one = group(1, [member('m1')]);
  assert.deepEqual(summary(consumerGroupRecords('g', undefined, one)), ['member m1', 'metadata', 'targetMember m1', 'targetMetadata', 'currentAssignment m1']);
  // unchanged: nothing
  assert.deepEqual(consumerGroupRecords('g', one, structuredClone(one)), []);
  // m2 joins: m1 must revoke partition 1, the target moves to epoch 2
  const h = TOPIC_ID.toString('hex');
  const two = group(2, [member('m1', { state: 'unrevoked_partitions', assigned: { [h]: [0] }, pendingRevocation: { [h]: [1] }, target: { [h]: [0] } }), member('m2', { memberEpoch: 2, previousMemberEpoch: 0, state: 'unreleased_partitions', assigned: {}, target: { [h]: [1] } })]);
  assert.deepEqual(summary(consumerGroupRecords('g', one, two)), ['member m2', 'metadata', 'targetMember m1', 'targetMember m2', 'targetMetadata', 'currentAssignment m1', 'currentAssignment m2']);
  // m1 leaves
  const left = group(3, [two.members[1]]);
  left.assignmentEpoch = 2;
  assert.deepEqual(summary(consumerGroupRecords('g', two, left)), ['currentAssignment m1 (tombstone)', 'targetMember m1 (tombstone)', 'member m1 (tombstone)', 'metadata']);
  // the group is deleted
  assert.deepEqual(summary(consumerGroupRecords('g', group(4, []), undefined)), ['targetMetadata (tombstone)', 'metadata (tombstone)']);
});
