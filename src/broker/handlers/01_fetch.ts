// Fetch v4-18 (v12+ flexible; v13+ name topics by id: an id no topic has gets
// UNKNOWN_TOPIC_ID). Long-polls: when less than min_bytes is available the request waits,
// woken by an append to one of its partitions, until max_wait_ms. Returns whole batches from
// the segments, starting with the one containing the fetch offset, within the request's
// max_bytes and each partition's partition_max_bytes, except that the first partition with
// data returns at least one batch even past those limits (KIP-74), so a large batch never
// stalls a consumer; after it, a partition whose next batch does not fit in what is left gets
// none, as Kafka does. Every requested partition is answered (sessionless: session id 0).
//
// Memory (docs/durability.md): max_bytes is capped by the broker's fetchMaxBytes (Kafka's
// fetch.max.bytes), and record bytes come out of the broker-wide fetch memory pool, returned
// once the response is handed to the socket. A waiting fetch holds no records: it re-reads
// when woken. With the pool used up a fetch waits for memory or data until max_wait_ms, then
// answers without records.
//
// Transactions: every partition reports its last stable offset (the first offset of the
// earliest open transaction, else the high watermark). With isolation_level 1
// (read_committed) only batches below the LSO are returned, with the aborted transactions
// (producer id, first offset) overlapping them, which clients use to drop aborted records;
// read_uncommitted gets everything up to the high watermark and no aborted list. Markers
// (control batches) are returned like any batch: clients never show them as records.
//
// A partition offline after a storage error, or whose read fails, gets KAFKA_STORAGE_ERROR;
// one whose fetch offset lies in damaged data (a batch failing its CRC32C; see
// log/segmentCheck.ts) gets CORRUPT_MESSAGE. The others in the request are answered as usual.
import type { Broker } from '../broker.js';
import { Fetch } from '../../protocol/apis/fetch.js';
import { code, KafkaError } from '../../protocol/errors.js';
import type { Req } from '../../protocol/schema.js';
import { topicName } from './topicIds.js';
import { handler } from './types.js';
import { LAST_OFFSET_DELTA_OFFSET, LENGTH_OFFSET, LOG_OVERHEAD } from '../../protocol/batchLayout.js';

type FetchRequest = Req<typeof Fetch>;

const READ_COMMITTED = 1;

/** The offset after the last batch of a read. */
function endOffset(chunks: Buffer[]): number {
  const last = chunks[chunks.length - 1];
  let pos = 0;
  let end = 0;
  while (pos + LAST_OFFSET_DELTA_OFFSET + 4 <= last.length) {
    end = Number(last.readBigInt64BE(pos)) + last.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET) + 1;
    pos += last.readInt32BE(pos + LENGTH_OFFSET) + LOG_OVERHEAD;
  }
  return end;
}

interface PartitionData {
  partitionIndex: number;
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  /** null unless read_committed and the partition was read (as Kafka) */
  abortedTransactions: { producerId: number; firstOffset: number }[] | null;
  preferredReadReplica: number;
  records: Buffer[];
}

interface TopicData {
  topic: string;
  topicId: Buffer;
  partitions: PartitionData[];
}

/** The requested topics by name: v13+ name them by id (null: no topic has that id). */
function topicNames(broker: Broker, req: FetchRequest, version: number): (string | null)[] {
  return req.topics.map((t) => (version >= 13 ? topicName(broker, t.topicId) : t.topic));
}

/** Reads the partitions within `budget` bytes; with a budget of 0, offsets and errors only. */
function readAll(broker: Broker, req: FetchRequest, names: (string | null)[], budget: number): { responses: TopicData[]; bytes: number } {
  const noRecords = budget <= 0;
  const readCommitted = req.isolationLevel === READ_COMMITTED;
  let bytes = 0;
  // KIP-74: until a partition returns data, a read may return one whole batch past its limits
  let minOneBatch = true;
  const responses = req.topics.map((t, i) => {
    const name = names[i];
    return {
      topic: t.topic,
      topicId: t.topicId,
      partitions: t.partitions.map((p): PartitionData => {
        const out: PartitionData = {
          partitionIndex: p.partition,
          errorCode: 0,
          highWatermark: -1,
          lastStableOffset: -1,
          logStartOffset: -1,
          abortedTransactions: null,
          preferredReadReplica: -1,
          records: [],
        };
        // unknown topics and partitions are answered before any log is read: Kafka's
        // answer then has an empty aborted list (a read's errors: null)
        if (name === null) {
          out.errorCode = code('UNKNOWN_TOPIC_ID');
          out.abortedTransactions = [];
          return out;
        }
        const log = broker.store.partition(name, p.partition);
        if (!log) {
          out.errorCode = code('UNKNOWN_TOPIC_OR_PARTITION');
          out.abortedTransactions = [];
          return out;
        }
        if (log.offline) {
          out.errorCode = code('KAFKA_STORAGE_ERROR');
          return out;
        }
        if (p.fetchOffset < log.logStartOffset || p.fetchOffset > log.logEndOffset) {
          out.errorCode = code('OFFSET_OUT_OF_RANGE'); // offsets -1, as Kafka answers every error
          return out;
        }
        out.highWatermark = log.logEndOffset;
        out.lastStableOffset = log.lastStableOffset;
        out.logStartOffset = log.logStartOffset;
        if (readCommitted) out.abortedTransactions = [];
        if (noRecords) return out;
        const limit = Math.max(0, Math.min(p.partitionMaxBytes, budget));
        if (limit === 0 && !minOneBatch) return out;
        let read;
        try {
          // segments return whole batches within the limit, or the first batch alone past it
          read = log.read(p.fetchOffset, Math.max(limit, 1), readCommitted ? out.lastStableOffset : Infinity);
        } catch (err) {
          if (!(err instanceof KafkaError)) throw err;
          out.errorCode = err.code;
          return out;
        }
        if (read.bytes === 0 || (read.bytes > limit && !minOneBatch)) return out;
        minOneBatch = false;
        out.records = read.chunks;
        if (readCommitted) out.abortedTransactions = log.abortedTransactions(p.fetchOffset, endOffset(read.chunks));
        bytes += read.bytes;
        budget = Math.max(0, budget - read.bytes);
        return out;
      }),
    };
  });
  return { responses, bytes };
}

export default handler(Fetch, async (req, ctx) => {
  const { broker, signal } = ctx;
  const pool = broker.fetchMemory;
  const deadline = Date.now() + Math.max(0, req.maxWaitMs);
  const names = topicNames(broker, req, ctx.version);
  const partitions: [string, number][] = req.topics.flatMap((t, i) => {
    const name = names[i];
    return name === null ? [] : t.partitions.map((p) => [name, p.partition] as [string, number]);
  });
  const wanted = Math.min(req.maxBytes > 0 ? req.maxBytes : Infinity, broker.config.fetchMaxBytes);
  for (;;) {
    const granted = pool.tryReserve(wanted);
    let result: ReturnType<typeof readAll> | undefined;
    try {
      result = readAll(broker, req, names, granted);
    } catch (err) {
      pool.release(granted);
      throw err;
    }
    const errors = result.responses.some((t) => t.partitions.some((p) => p.errorCode !== 0));
    const remaining = deadline - Date.now();
    if (result.bytes >= req.minBytes || errors || remaining <= 0 || signal.aborted) {
      pool.settle(granted, result.bytes);
      const held = result.bytes;
      if (ctx.afterSend) ctx.afterSend(() => pool.release(held));
      else pool.release(held);
      return { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: result.responses };
    }
    // Not enough yet: wait holding no records (re-read when woken).
    result = undefined;
    pool.release(granted);
    if (granted > 0) {
      await broker.waitForAppend(partitions, remaining, signal);
      continue;
    }
    // The pool is used up: wait for data or for memory, whichever comes first.
    const wake = new AbortController();
    const stop = (): void => wake.abort();
    const unsubscribe = pool.onRelease(stop);
    signal.addEventListener('abort', stop, { once: true });
    try {
      await broker.waitForAppend(partitions, remaining, wake.signal);
    } finally {
      unsubscribe();
      signal.removeEventListener('abort', stop);
    }
  }
});
