// ListOffsets v1-11. Timestamp -1: the latest offset (high watermark), -2: the earliest (log
// start), -3 (v7+, KIP-734): the offset of the record with the largest timestamp, -4 (v8+,
// KIP-405): the earliest local offset, which without tiered storage is the log start, -5 (v9+,
// KIP-1005): the last offset in tiered storage and -6 (v11+, KIP-1023): the earliest offset
// pending upload, both -1 with leader epoch -1 without tiered storage, as Kafka answers; t >= 0:
// the first offset whose timestamp is >= t, or -1 when there is none. With isolation_level
// read_committed (v2+) the latest offset is the last stable offset, and a timestamp lookup
// finds nothing at or past it (as Kafka). A partition offline after a storage error, or whose
// lookup fails to read, gets KAFKA_STORAGE_ERROR. A negative timestamp that is not one of these,
// or is asked in a version older than the one that brought it, gets UNSUPPORTED_VERSION, as
// Kafka's ReplicaManager answers (checked before the topic is looked up). (v10's timeoutMs
// bounds remote lookups: none.)
import { ListOffsets } from '../../protocol/apis/listOffsets.js';
import { code, KafkaError } from '../../protocol/errors.js';
import { handler } from './types.js';

const LATEST = -1;
const EARLIEST = -2;
const MAX_TIMESTAMP = -3;
const EARLIEST_LOCAL = -4;
const LATEST_TIERED = -5;
const EARLIEST_PENDING_UPLOAD = -6;
const READ_COMMITTED = 1;
/** The first ListOffsets version that may ask each special timestamp. */
const FIRST_VERSION = new Map([
  [LATEST, 1],
  [EARLIEST, 1],
  [MAX_TIMESTAMP, 7],
  [EARLIEST_LOCAL, 8],
  [LATEST_TIERED, 9],
  [EARLIEST_PENDING_UPLOAD, 11],
]);
const unsupported = (timestamp: number, version: number) => timestamp < 0 && !(version >= (FIRST_VERSION.get(timestamp) ?? Infinity));

export default handler(ListOffsets, (req, ctx) => {
  const { broker } = ctx;
  // a partition named twice is answered once, INVALID_REQUEST, as Kafka does
  const seen = new Map<string, number>();
  for (const t of req.topics) for (const p of t.partitions) seen.set(`${t.name}\0${p.partitionIndex}`, (seen.get(`${t.name}\0${p.partitionIndex}`) ?? 0) + 1);
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.filter((p, i) => t.partitions.findIndex((q) => q.partitionIndex === p.partitionIndex) === i).map((p) => {
        const log = broker.store.partition(t.name, p.partitionIndex);
        const failed = (errorCode: number) => ({ partitionIndex: p.partitionIndex, errorCode, timestamp: -1, offset: -1, leaderEpoch: -1 });
        if ((seen.get(`${t.name}\0${p.partitionIndex}`) ?? 0) > 1) return failed(code('INVALID_REQUEST'));
        if (unsupported(p.timestamp, ctx.version)) return failed(code('UNSUPPORTED_VERSION'));
        if (!log) return failed(code('UNKNOWN_TOPIC_OR_PARTITION'));
        if (log.offline) return failed(code('KAFKA_STORAGE_ERROR'));
        let offset = -1;
        let timestamp = -1;
        const lastFetchable = req.isolationLevel === READ_COMMITTED ? log.lastStableOffset : log.logEndOffset;
        try {
          if (p.timestamp === LATEST) offset = lastFetchable;
          else if (p.timestamp === EARLIEST || p.timestamp === EARLIEST_LOCAL) offset = log.logStartOffset;
          else if (p.timestamp === LATEST_TIERED || p.timestamp === EARLIEST_PENDING_UPLOAD) offset = -1;
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
        // the one leader epoch is 0; nothing found is answered without one (-1), as Kafka
        return { partitionIndex: p.partitionIndex, errorCode: 0, timestamp, offset, leaderEpoch: offset === -1 ? -1 : 0 };
      }),
    })),
  };
});
