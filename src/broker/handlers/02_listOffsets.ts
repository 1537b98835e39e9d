// ListOffsets v0-7. Timestamp -1: the latest offset (high watermark), -2: the earliest (log
// start), -3 (v7, KIP-734): the offset of the record with the largest timestamp, t >= 0: the
// first offset whose timestamp is >= t, or -1 when there is none. v0 answers with Kafka's old
// style offsets array. With isolation_level read_committed (v2+) the latest offset is the
// last stable offset, and a timestamp lookup finds nothing at or past it (as Kafka). A
// partition offline after a storage error, or whose lookup fails to read, gets
// KAFKA_STORAGE_ERROR.
import { ListOffsets } from '../protocol/apis/listOffsets.js';
import { code, KafkaError } from '../protocol/errors.js';
import { handler } from './types.js';

const LATEST = -1;
const EARLIEST = -2;
const MAX_TIMESTAMP = -3;
const READ_COMMITTED = 1;

export default handler(ListOffsets, (req, ctx) => {
  const { broker, version } = ctx;
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        const log = broker.store.partition(t.name, p.partitionIndex);
        const failed = (errorCode: number) => ({ partitionIndex: p.partitionIndex, errorCode, timestamp: -1, offset: -1, oldStyleOffsets: [] });
        if (!log) return failed(code('UNKNOWN_TOPIC_OR_PARTITION'));
        if (log.offline) return failed(code('KAFKA_STORAGE_ERROR'));
        let offset = -1;
        let timestamp = -1;
        const lastFetchable = version >= 2 && req.isolationLevel === READ_COMMITTED ? log.lastStableOffset : log.logEndOffset;
        try {
          if (p.timestamp === LATEST) offset = lastFetchable;
          else if (p.timestamp === EARLIEST) offset = log.logStartOffset;
          else if (p.timestamp === MAX_TIMESTAMP) {
            const found = log.maxTimestampOffset?.() ?? null;
            if (found) ({ offset, timestamp } = found);
          } else {
            const found = log.offsetForTimestamp(p.timestamp);
            if (found && found.offset < lastFetchable) ({ offset, timestamp } = found);
          }
        } catch (err) {
          if (!(err instanceof KafkaError)) throw err;
          return failed(err.code);
        }
        const oldStyleOffsets = version === 0 && offset >= 0 ? [offset] : [];
        return { partitionIndex: p.partitionIndex, errorCode: 0, timestamp, offset, leaderEpoch: 0, oldStyleOffsets };
      }),
    })),
  };
});
