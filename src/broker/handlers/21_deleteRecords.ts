// DeleteRecords v0-2: moves a partition's log start offset forward (offset -1 = the high
// watermark); whole segments below it are deleted. A partition offline after a storage error,
// or whose files cannot be changed, gets KAFKA_STORAGE_ERROR. As Kafka's ReplicaManager and
// Partition: records of an internal topic are never deleted (INVALID_TOPIC_EXCEPTION), nor
// those of a topic whose cleanup.policy lacks delete (POLICY_VIOLATION, before the offset is
// checked).
import { DeleteRecords } from '../../protocol/apis/deleteRecords.js';
import { isInternalTopic } from '../../protocol/consumerOffsets.js';
import { code, KafkaError } from '../../protocol/errors.js';
import { handler } from './types.js';

export default handler(DeleteRecords, (req, ctx) => {
  const { broker } = ctx;
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        if (isInternalTopic(t.name)) return { partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: code('INVALID_TOPIC_EXCEPTION') };
        const log = broker.store.partition(t.name, p.partitionIndex);
        if (!log) return { partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: code('UNKNOWN_TOPIC_OR_PARTITION') };
        if (!broker.store.topicConfig(t.name)?.delete) return { partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: code('POLICY_VIOLATION') };
        const target = p.offset === -1 ? log.logEndOffset : p.offset;
        if (target < 0 || target > log.logEndOffset) {
          return { partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: code('OFFSET_OUT_OF_RANGE') };
        }
        try {
          const low = target <= log.logStartOffset ? log.logStartOffset : log.deleteRecordsBefore(target);
          return { partitionIndex: p.partitionIndex, lowWatermark: low, errorCode: 0 };
        } catch (err) {
          if (!(err instanceof KafkaError)) throw err;
          return { partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: err.code };
        }
      }),
    })),
  };
});
