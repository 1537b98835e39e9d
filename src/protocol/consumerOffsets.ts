// The records of Kafka's internal __consumer_offsets topic, in Kafka's own format (the
// group coordinator's OffsetCommitKey/Value and GroupMetadataKey/Value), so tools that read the
// topic (Burrow, kcat, kafka-console-consumer's offsets formatter) see the commits. Each key
// and value starts with its int16 version; the key's version says what the record is:
//   0, 1  OffsetCommitKey     group, topic, partition           value OffsetCommitValue v0-4
//   2     GroupMetadataKey    group                             value GroupMetadataValue v0-4
//   3, 5-8  a consumer-protocol group's records (KIP-848; at the end of this file)
// A null value is a tombstone (the offset or the group was deleted). Apache Kafka 4.4 writes
// OffsetCommitKey v1 with OffsetCommitValue v4 (flexible: compact strings, tagged fields; tag
// 0 carries the topic id) and GroupMetadataKey v2. A group's partition is
// abs(groupId.hashCode()) % offsets.topic.num.partitions, with Java's String.hashCode.
import { ProtocolError, Reader, Writer } from './bytes.js';

export const CONSUMER_OFFSETS_TOPIC = '__consumer_offsets';
export const TRANSACTION_STATE_TOPIC = '__transaction_state';

/** Kafka's Topic.isInternal: the topics only brokers write. */
export function isInternalTopic(name: string): boolean {
  return name === CONSUMER_OFFSETS_TOPIC || name === TRANSACTION_STATE_TOPIC;
}

/** Java's String.hashCode (over UTF-16 code units, 32-bit overflow). */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** The __consumer_offsets partition of a group (Kafka's Utils.abs: MIN_VALUE maps to 0). */
export function offsetsPartitionFor(groupId: string, partitions: number): number {
  const h = javaStringHash(groupId);
  return (h === -2147483648 ? 0 : Math.abs(h)) % partitions;
}

export interface OffsetCommitValue {
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
  /** v1 only; -1 otherwise */
  expireTimestamp: number;
  /** v4 tagged field 0, when present */
  topicId?: Buffer;
}

export interface GroupMetadataValue {
  protocolType: string;
  generation: number;
  protocol: string | null;
  leader: string | null;
  currentStateTimestamp: number;
  members: {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    rebalanceTimeout: number;
    sessionTimeout: number;
    subscription: Buffer;
    assignment: Buffer;
  }[];
}

export type ConsumerOffsetsRecord =
  | { type: 'offset'; group: string; topic: string; partition: number; value: OffsetCommitValue | null }
  | { type: 'group'; group: string; value: GroupMetadataValue | null };

export function offsetCommitKey(group: string, topic: string, partition: number): Buffer {
  return new Writer(16 + group.length + topic.length).int16(1).string(group).string(topic).int32(partition).toBuffer();
}

/** OffsetCommitValue v4, as Apache Kafka 4.4 writes it (the topic id as tagged field 0 when known). */
export function offsetCommitValue(v: { offset: number; leaderEpoch: number; metadata: string | null; commitTimestamp: number; topicId?: Buffer }): Buffer {
  const w = new Writer(64).int16(4).int64(v.offset).int32(v.leaderEpoch).compactString(v.metadata ?? '').int64(v.commitTimestamp);
  if (v.topicId && v.topicId.length === 16 && !v.topicId.equals(Buffer.alloc(16))) w.uvarint(1).uvarint(0).uvarint(16).raw(v.topicId);
  else w.uvarint(0);
  return w.toBuffer();
}

export function groupMetadataKey(group: string): Buffer {
  return new Writer(8 + group.length).int16(2).string(group).toBuffer();
}

/** GroupMetadataValue v3 (not flexible), as Apache Kafka 4.4 writes it for classic groups. */
export function groupMetadataValue(v: GroupMetadataValue): Buffer {
  const w = new Writer(128).int16(3).string(v.protocolType).int32(v.generation).string(v.protocol).string(v.leader).int64(v.currentStateTimestamp);
  w.int32(v.members.length);
  for (const m of v.members) {
    w.string(m.memberId).string(m.groupInstanceId).string(m.clientId).string(m.clientHost);
    w.int32(m.rebalanceTimeout).int32(m.sessionTimeout).bytes(m.subscription).bytes(m.assignment);
  }
  return w.toBuffer();
}

/** Skips a flexible struct's tagged fields, returning tag 0's bytes if present. */
function taggedFields(r: Reader): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  const n = r.uvarint();
  for (let i = 0; i < n; i++) {
    const tag = r.uvarint();
    out.set(tag, r.raw(r.uvarint()));
  }
  return out;
}

function str(r: Reader, flexible: boolean): string | null {
  return flexible ? r.compactString() : r.string();
}

function decodeOffsetValue(buf: Buffer): OffsetCommitValue {
  const r = new Reader(buf);
  const version = r.int16();
  if (version < 0 || version > 4) throw new ProtocolError(`unknown OffsetCommitValue version ${version}`);
  const flexible = version >= 4;
  const offset = r.int64();
  const leaderEpoch = version >= 3 ? r.int32() : -1;
  const metadata = str(r, flexible) ?? '';
  const commitTimestamp = r.int64();
  const expireTimestamp = version === 1 ? r.int64() : -1;
  const v: OffsetCommitValue = { offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp };
  if (flexible) {
    const id = taggedFields(r).get(0);
    if (id && id.length === 16) v.topicId = id;
  }
  return v;
}

function decodeGroupValue(buf: Buffer): GroupMetadataValue {
  const r = new Reader(buf);
  const version = r.int16();
  if (version < 0 || version > 4) throw new ProtocolError(`unknown GroupMetadataValue version ${version}`);
  const flex = version >= 4;
  const count = (): number => (flex ? r.uvarint() - 1 : r.int32());
  const bytes = (): Buffer => (flex ? r.compactBytes() : r.bytes()) ?? Buffer.alloc(0);
  const protocolType = str(r, flex) ?? '';
  const generation = r.int32();
  const protocol = str(r, flex);
  const leader = str(r, flex);
  const currentStateTimestamp = version >= 2 ? r.int64() : -1;
  const members: GroupMetadataValue['members'] = [];
  const n = count();
  for (let i = 0; i < n; i++) {
    const memberId = str(r, flex) ?? '';
    const groupInstanceId = version >= 3 ? str(r, flex) : null;
    const clientId = str(r, flex) ?? '';
    const clientHost = str(r, flex) ?? '';
    const rebalanceTimeout = version >= 1 ? r.int32() : -1;
    const sessionTimeout = r.int32();
    const subscription = bytes();
    const assignment = bytes();
    if (flex) taggedFields(r);
    members.push({ memberId, groupInstanceId, clientId, clientHost, rebalanceTimeout, sessionTimeout, subscription, assignment });
  }
  if (flex) taggedFields(r);
  return { protocolType, generation, protocol, leader, currentStateTimestamp, members };
}

/**
 * Decodes one __consumer_offsets record; null for a key version this decoder does not know
 * (Kafka 4.x also writes records of the new consumer and share groups there, versions 3+;
 * decodeConsumerGroupRecord reads the consumer groups').
 */
export function decodeConsumerOffsetsRecord(key: Buffer, value: Buffer | null): ConsumerOffsetsRecord | null {
  const r = new Reader(key);
  const version = r.int16();
  if (version === 0 || version === 1) {
    const group = r.string() ?? '';
    const topic = r.string() ?? '';
    const partition = r.int32();
    return { type: 'offset', group, topic, partition, value: value === null ? null : decodeOffsetValue(value) };
  }
  if (version === 2) {
    const group = r.string() ?? '';
    return { type: 'group', group, value: value === null ? null : decodeGroupValue(value) };
  }
  return null;
}

// ---- consumer-protocol groups (KIP-848) ----
// Kafka 4.4 keeps a consumer group's state as records keyed by these key versions (a key's
// version is its record type): the values are version 0, flexible. Topic ids are uuids.
//   3  ConsumerGroupMetadata               group          value: group epoch
//   5  ConsumerGroupMemberMetadata         group, member  value: the member's subscription
//   6  ConsumerGroupTargetAssignmentMetadata  group       value: assignment epoch
//   7  ConsumerGroupTargetAssignmentMember group, member  value: its target partitions
//   8  ConsumerGroupCurrentMemberAssignment group, member value: epochs, state, partitions
// (4, ConsumerGroupPartitionMetadata, is no longer written by Kafka 4.x: KIP-1101 replaced it
// with a hash of the subscribed topics, a tagged field of the group's metadata value, which is
// left at its default here.)

export const CONSUMER_GROUP_RECORD = { metadata: 3, member: 5, targetMetadata: 6, targetMember: 7, currentAssignment: 8 } as const;
export type ConsumerGroupRecordType = keyof typeof CONSUMER_GROUP_RECORD;

/** Partitions by topic id (16 bytes). */
export interface TopicIdPartitions {
  topicId: Buffer;
  partitions: number[];
}

export interface ConsumerGroupMemberMetadataValue {
  instanceId: string | null;
  rackId: string | null;
  clientId: string;
  clientHost: string;
  subscribedTopicNames: string[];
  subscribedTopicRegex: string | null;
  rebalanceTimeoutMs: number;
  serverAssignor: string | null;
}

/** Member states as Kafka numbers them (MemberState). */
export const MEMBER_STATE = { stable: 0, unrevoked_partitions: 1, unreleased_partitions: 2 } as const;

export interface ConsumerGroupCurrentAssignmentValue {
  memberEpoch: number;
  previousMemberEpoch: number;
  state: number;
  assignedPartitions: TopicIdPartitions[];
  partitionsPendingRevocation: TopicIdPartitions[];
}

export type ConsumerGroupRecord =
  | { type: 'metadata'; group: string; value: { epoch: number } | null }
  | { type: 'targetMetadata'; group: string; value: { assignmentEpoch: number } | null }
  | { type: 'member'; group: string; member: string; value: ConsumerGroupMemberMetadataValue | null }
  | { type: 'targetMember'; group: string; member: string; value: { topicPartitions: TopicIdPartitions[] } | null }
  | { type: 'currentAssignment'; group: string; member: string; value: ConsumerGroupCurrentAssignmentValue | null };

export function consumerGroupRecordKey(r: ConsumerGroupRecord): Buffer {
  const w = new Writer(32 + r.group.length).int16(CONSUMER_GROUP_RECORD[r.type]).string(r.group);
  if ('member' in r) w.string(r.member);
  return w.toBuffer();
}

const writeTopicPartitions = (w: Writer, tps: TopicIdPartitions[]): void => {
  w.uvarint(tps.length + 1);
  for (const t of tps) {
    w.uuid(t.topicId).uvarint(t.partitions.length + 1);
    for (const p of t.partitions) w.int32(p);
    w.uvarint(0);
  }
};

const readTopicPartitions = (r: Reader): TopicIdPartitions[] => {
  const out: TopicIdPartitions[] = [];
  const n = r.uvarint() - 1;
  for (let i = 0; i < n; i++) {
    const topicId = r.uuid();
    const partitions: number[] = [];
    const m = r.uvarint() - 1;
    for (let j = 0; j < m; j++) partitions.push(r.int32());
    taggedFields(r);
    out.push({ topicId, partitions });
  }
  return out;
};

/** The record's value (version 0, flexible, no tagged fields), or null for a tombstone. */
export function consumerGroupRecordValue(r: ConsumerGroupRecord): Buffer | null {
  if (r.value === null) return null;
  const w = new Writer(64).int16(0);
  switch (r.type) {
    case 'metadata':
      w.int32(r.value.epoch);
      break;
    case 'targetMetadata':
      w.int32(r.value.assignmentEpoch);
      break;
    case 'member': {
      const v = r.value;
      w.compactString(v.instanceId).compactString(v.rackId).compactString(v.clientId).compactString(v.clientHost);
      w.uvarint(v.subscribedTopicNames.length + 1);
      for (const t of v.subscribedTopicNames) w.compactString(t);
      w.compactString(v.subscribedTopicRegex).int32(v.rebalanceTimeoutMs).compactString(v.serverAssignor);
      break;
    }
    case 'targetMember':
      writeTopicPartitions(w, r.value.topicPartitions);
      break;
    case 'currentAssignment': {
      const v = r.value;
      w.int32(v.memberEpoch).int32(v.previousMemberEpoch).int8(v.state);
      writeTopicPartitions(w, v.assignedPartitions);
      writeTopicPartitions(w, v.partitionsPendingRevocation);
      break;
    }
  }
  return w.uvarint(0).toBuffer();
}

/** Decodes a consumer group's record (key versions 3, 5-8); null for any other key. */
export function decodeConsumerGroupRecord(key: Buffer, value: Buffer | null): ConsumerGroupRecord | null {
  const k = new Reader(key);
  const version = k.int16();
  const type = (Object.keys(CONSUMER_GROUP_RECORD) as ConsumerGroupRecordType[]).find((t) => CONSUMER_GROUP_RECORD[t] === version);
  if (!type) return null;
  const group = k.string() ?? '';
  const member = type === 'metadata' || type === 'targetMetadata' ? null : (k.string() ?? '');
  if (value === null) return (member === null ? { type, group, value: null } : { type, group, member, value: null }) as ConsumerGroupRecord;
  const r = new Reader(value);
  const valueVersion = r.int16();
  if (valueVersion !== 0) throw new ProtocolError(`unknown consumer group record value version ${valueVersion}`);
  let v: ConsumerGroupRecord['value'];
  switch (type) {
    case 'metadata':
      v = { epoch: r.int32() };
      break;
    case 'targetMetadata':
      v = { assignmentEpoch: r.int32() };
      break;
    case 'member': {
      const instanceId = r.compactString();
      const rackId = r.compactString();
      const clientId = r.compactString() ?? '';
      const clientHost = r.compactString() ?? '';
      const subscribedTopicNames: string[] = [];
      const n = r.uvarint() - 1;
      for (let i = 0; i < n; i++) subscribedTopicNames.push(r.compactString() ?? '');
      v = { instanceId, rackId, clientId, clientHost, subscribedTopicNames, subscribedTopicRegex: r.compactString(), rebalanceTimeoutMs: r.int32(), serverAssignor: r.compactString() };
      break;
    }
    case 'targetMember':
      v = { topicPartitions: readTopicPartitions(r) };
      break;
    case 'currentAssignment':
      v = { memberEpoch: r.int32(), previousMemberEpoch: r.int32(), state: r.int8(), assignedPartitions: readTopicPartitions(r), partitionsPendingRevocation: readTopicPartitions(r) };
      break;
  }
  taggedFields(r);
  return (member === null ? { type, group, value: v } : { type, group, member, value: v }) as ConsumerGroupRecord;
}
