// The internal __consumer_offsets topic: every change to committed offsets, and to the state
// of a consumer-protocol group (KIP-848), is also written there as Kafka's own records
// (protocol/consumerOffsets.ts), so tools that read the topic see the commits and the groups. The offset journal (log/offsetStore.ts) stays the source of truth: it is durable
// before a commit is answered and is what a restart recovers from; the topic is written right
// after it (a crash between the two can leave the topic one change behind, never the journal).
//
// The topic is created as Kafka creates it: on the first FindCoordinator for a group, the first
// commit, or a Metadata request naming it when auto-creation is on; with
// offsets.topic.num.partitions partitions (Kafka's default 50), cleanup.policy=compact,
// segment.bytes=offsets.topic.segment.bytes, compression.type=producer. A new topic is seeded
// with the offsets committed so far (a data directory from before it existed, or after it was
// deleted, which Kafka 4.4 allows).
import type { Store } from './log/store.js';
import { brokerNumber } from './log/config.js';
import type { OffsetChange, TopicInfo } from './log/types.js';
import { buildBatch, type Record } from '../protocol/recordBatch.js';
import { consumerGroupRecords, type StoredConsumerGroup } from './groups/consumerPersistence.js';
import {
  CONSUMER_OFFSETS_TOPIC,
  consumerGroupRecordKey,
  consumerGroupRecordValue,
  groupMetadataKey,
  groupMetadataValue,
  type GroupMetadataValue,
  offsetCommitKey,
  offsetCommitValue,
  offsetsPartitionFor,
} from '../protocol/consumerOffsets.js';

export class ConsumerOffsetsTopic {
  constructor(
    private readonly store: Store,
    private readonly log: (line: string) => void,
    private readonly onAppend: (topic: string, partition: number) => void,
  ) {}

  /** The topic, created (and seeded with the committed offsets) when missing. */
  ensure(): TopicInfo {
    const existing = this.store.getTopic(CONSUMER_OFFSETS_TOPIC);
    if (existing) return existing;
    const partitions = brokerNumber(this.store.defaults, 'offsets.topic.num.partitions');
    const t = this.store.createTopic(CONSUMER_OFFSETS_TOPIC, partitions, {
      'cleanup.policy': 'compact',
      'segment.bytes': String(brokerNumber(this.store.defaults, 'offsets.topic.segment.bytes')),
      'compression.type': 'producer',
    });
    this.log(`created internal topic ${CONSUMER_OFFSETS_TOPIC} with ${partitions} partition(s)`);
    const seed: OffsetChange[] = [];
    for (const group of this.store.offsets.groups()) {
      for (const o of this.store.offsets.list(group)) {
        seed.push({ group, topic: o.topic, partition: o.partition, value: o });
      }
    }
    for (const group of this.store.offsets.consumerGroupIds?.() ?? []) {
      seed.push({ group, consumerGroup: { after: this.store.offsets.consumerGroupState?.(group) } });
    }
    if (seed.length > 0) this.append(t, seed);
    return t;
  }

  /** Writes changes the offset journal has made durable; a failure is logged, not thrown. */
  write(changes: OffsetChange[]): void {
    try {
      // a topic created now is seeded with the whole state, these changes included
      const existing = this.store.getTopic(CONSUMER_OFFSETS_TOPIC);
      if (!existing) this.ensure();
      else this.append(existing, changes);
    } catch (err) {
      this.log(`cannot write to ${CONSUMER_OFFSETS_TOPIC} (the offsets are committed; the topic misses them): ${(err as Error).message}`);
    }
  }

  /** A classic group's state after a rebalance (Kafka's GroupMetadataValue); failures are logged. */
  writeGroup(groupId: string, value: GroupMetadataValue): void {
    try {
      const t = this.ensure();
      const p = offsetsPartitionFor(groupId, t.partitions);
      const now = Date.now();
      this.store.partition(t.name, p)?.append(buildBatch([{ key: groupMetadataKey(groupId), value: groupMetadataValue(value), timestamp: now }]), now);
      this.onAppend(t.name, p);
    } catch (err) {
      this.log(`cannot write group ${groupId} to ${CONSUMER_OFFSETS_TOPIC}: ${(err as Error).message}`);
    }
  }

  private append(t: TopicInfo, changes: OffsetChange[]): void {
    const now = Date.now();
    const byPartition = new Map<number, Record[]>();
    for (const c of changes) {
      const p = offsetsPartitionFor(c.group, t.partitions);
      let records = byPartition.get(p);
      if (!records) byPartition.set(p, (records = []));
      if ('consumerGroup' in c) {
        const { before, after } = c.consumerGroup;
        for (const r of consumerGroupRecords(c.group, before as StoredConsumerGroup | undefined, after as StoredConsumerGroup | undefined)) {
          records.push({ key: consumerGroupRecordKey(r), value: consumerGroupRecordValue(r), timestamp: now });
        }
        continue;
      }
      if ('groupDeleted' in c) {
        records.push({ key: groupMetadataKey(c.group), value: null, timestamp: now });
        continue;
      }
      const key = offsetCommitKey(c.group, c.topic, c.partition);
      const value = c.value && offsetCommitValue({ ...c.value, topicId: this.store.getTopic(c.topic)?.id });
      records.push({ key, value, timestamp: c.value?.commitTimestamp ?? now });
    }
    for (const [p, records] of byPartition) {
      const log = this.store.partition(t.name, p);
      if (!log) continue;
      log.append(buildBatch(records), now);
      this.onAppend(t.name, p);
    }
  }
}
