// The consumer protocol (protocolType "consumer"): the opaque bytes consumers put in
// JoinGroup protocols[].metadata (a ConsumerProtocolSubscription) and the leader puts in
// SyncGroup assignments[].assignment (a ConsumerProtocolAssignment). Each blob starts with an
// int16 version, is never flexible, and Kafka parses a newer version with the newest schema
// it knows (fields are only ever appended), ignoring trailing bytes. Versions 0-3:
// subscription v1 adds ownedPartitions, v2 generationId, v3 rackId; the assignment is the same
// in every version. Use with `codec(spec, version, false)` or the helpers below.
import { Reader, Writer } from '../bytes.js';
import { codec, f } from '../schema.js';

const topicPartition = { topic: 'string', partitions: ['int32'] } as const;

export const ConsumerProtocolSubscription = {
  topics: ['string'],
  userData: 'bytes?',
  ownedPartitions: f([topicPartition], { v: '1+' }),
  generationId: f('int32', { v: '2+', default: -1 }),
  rackId: f('string?', { v: '3+' }),
} as const;

export const ConsumerProtocolAssignment = {
  assignedPartitions: [topicPartition],
  userData: 'bytes?',
} as const;

export const CONSUMER_PROTOCOL_MAX_VERSION = 3;

export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

export interface Subscription {
  /** The version found in the blob (may exceed the one used to parse it). */
  version: number;
  topics: string[];
  userData: Buffer | null;
  ownedPartitions: TopicPartitions[];
  generationId: number;
  rackId: string | null;
}

export interface Assignment {
  version: number;
  assignedPartitions: TopicPartitions[];
  userData: Buffer | null;
}

type Spec = typeof ConsumerProtocolSubscription | typeof ConsumerProtocolAssignment;

function decodeVersioned<T>(spec: Spec, buf: Buffer | null | undefined): (T & { version: number }) | null {
  if (!buf || buf.length < 2) return null;
  try {
    const r = new Reader(buf);
    const version = r.int16();
    if (version < 0) return null;
    const body = codec<T>(spec, Math.min(version, CONSUMER_PROTOCOL_MAX_VERSION), false).decode(r);
    return { version, ...body };
  } catch {
    return null; // garbage: a foreign protocol type or a truncated blob
  }
}

function encodeVersioned(spec: Spec, version: number, value: object): Buffer {
  if (version < 0 || version > CONSUMER_PROTOCOL_MAX_VERSION) {
    throw new RangeError(`consumer protocol version ${version}`);
  }
  const w = new Writer(64);
  w.int16(version);
  codec(spec, version, false).encode(w, value as Record<string, unknown>);
  return w.toBuffer();
}

/** Decodes JoinGroup member metadata of protocol type "consumer"; null when it is not one. */
export function decodeSubscription(buf: Buffer | null | undefined): Subscription | null {
  return decodeVersioned<Omit<Subscription, 'version'>>(ConsumerProtocolSubscription, buf);
}

/** Decodes a SyncGroup / DescribeGroups member assignment; null when it is not one. */
export function decodeAssignment(buf: Buffer | null | undefined): Assignment | null {
  return decodeVersioned<Omit<Assignment, 'version'>>(ConsumerProtocolAssignment, buf);
}

export function encodeSubscription(s: Partial<Omit<Subscription, 'version'>>, version = 0): Buffer {
  return encodeVersioned(ConsumerProtocolSubscription, version, s);
}

export function encodeAssignment(a: Partial<Omit<Assignment, 'version'>>, version = 0): Buffer {
  return encodeVersioned(ConsumerProtocolAssignment, version, a);
}
