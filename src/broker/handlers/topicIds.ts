// Topic ids in requests that name topics by id (Produce v13, Fetch v13, OffsetCommit v10,
// OffsetFetch v10, TxnOffsetCommit v6): each id resolves to the topic's name, or to null
// when no topic has it (answered UNKNOWN_TOPIC_ID per partition, as Kafka does).
import type { Broker } from '../broker.js';

export function topicName(broker: Broker, id: Buffer): string | null {
  return broker.store.getTopicById(id)?.name ?? null;
}

export function topicIdOf(broker: Broker, name: string): Buffer {
  return broker.store.getTopic(name)?.id ?? Buffer.alloc(16);
}
