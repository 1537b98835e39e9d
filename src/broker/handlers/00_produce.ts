// Produce v3-13 (v0-2 are advertised, as Kafka 4.x does, but refused by closing the
// connection; v9+ flexible; v13 names topics by id: an unknown id gets UNKNOWN_TOPIC_ID).
// Only record batches (magic 2) are stored: older message sets get
// UNSUPPORTED_FOR_MESSAGE_FORMAT. zstd batches need v7+ (KIP-110): below
// that, UNSUPPORTED_COMPRESSION_TYPE, as Kafka. The log checks each batch (length,
// magic 2, CRC32C, record count, max.message.bytes, and for compressed batches the
// decompressed size: at most 64 x max.message.bytes, else MESSAGE_TOO_LARGE, so no
// decompression bomb is stored), assigns offsets by rewriting the base
// offset in place and stamps LogAppendTime topics; here only what clients may not send is
// refused (control batches) and, on CreateTime topics, batches timestamped outside
// message.timestamp.before/after.max.ms of the broker clock (INVALID_TIMESTAMP). One node means acks=1 and acks=all are the same promise; the
// topic's flush.messages decides when the append is fsynced. acks=0 gets no response at
// all, as in Kafka. Internal topics (__consumer_offsets) are written by the broker only: a
// client gets INVALID_TOPIC_EXCEPTION, as from Kafka (which lets its own client id
// "__admin_client" through, and so does this broker).
//
// Idempotence and transactions: batches with a producer id are checked by the partition's
// producer state (log/producerState.ts): a repeat of one of the producer's last five batches
// is answered with the original base offset and not written again; a gap in the sequence gets
// OUT_OF_ORDER_SEQUENCE_NUMBER, an older epoch INVALID_PRODUCER_EPOCH. A transactional batch
// must belong to an Ongoing transaction that added this partition (AddPartitionsToTxn), else
// INVALID_TXN_STATE (the transaction coordinator's check, as Kafka 3.6+ verifies).
//
// Per-record errors (v8+, KIP-467): a batch refused because of some of its records (null keys
// on a compacted topic) names each of them, by its position in the batch, with its message in
// RecordErrors, and sums them up in errorMessage as Kafka does; the batch's other records are
// not named (clients fail them as part of a batch with invalid records).
import type { Broker } from '../broker.js';
import type { LogConfig } from '../log/config.js';
import { isInternalTopic } from '../../protocol/consumerOffsets.js';
import { Produce } from '../../protocol/apis/produce.js';
import { code, KafkaError, RecordErrorsError, type RecordError } from '../../protocol/errors.js';
import { ATTR_CONTROL, ATTR_TRANSACTIONAL, batchesIn } from '../../protocol/recordBatch.js';
import { topicName } from './topicIds.js';
import { handler } from './types.js';
import { ATTR_CODEC_MASK, MAGIC_OFFSET } from '../../protocol/batchLayout.js';

interface PartitionResult {
  index: number;
  errorCode: number;
  baseOffset: number;
  logAppendTimeMs: number;
  logStartOffset: number;
  errorMessage: string | null;
  recordErrors: { batchIndex: number; batchIndexErrorMessage: string | null }[];
}

function fail(index: number, errorCode: number, message: string | null = null, recordErrors: RecordError[] = []): PartitionResult {
  return {
    index, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, errorMessage: message,
    recordErrors: recordErrors.map((e) => ({ batchIndex: e.batchIndex, batchIndexErrorMessage: e.message })),
  };
}

const CODEC_ZSTD = 4;

/**
 * message.timestamp.before/after.max.ms on a CreateTime topic: a batch whose records are
 * timestamped too far behind or ahead of the broker clock is refused. Judged by the batch
 * header (its max timestamp and its base timestamp, the first record's), without
 * decompressing; Kafka judges each record and names the ones out of range in RecordErrors.
 */
function timestampOutOfRange(h: { baseTimestamp: number; maxTimestamp: number }, config: LogConfig, now: number): string | null {
  const low = now - config.timestampBeforeMaxMs;
  const high = now + config.timestampAfterMaxMs;
  const range = () => `the timestamps must be within [${Number.isFinite(low) ? low : '-inf'}, ${Number.isFinite(high) ? high : 'inf'}] (message.timestamp.before.max.ms, message.timestamp.after.max.ms)`;
  if (h.maxTimestamp >= 0 && h.maxTimestamp > high) return `Timestamp ${h.maxTimestamp} is out of range: ${range()}`;
  if (h.baseTimestamp >= 0 && h.baseTimestamp < low) return `Timestamp ${h.baseTimestamp} is out of range: ${range()}`;
  return null;
}

/** Kafka lets only its own admin client id append to internal topics (AdminUtils.ADMIN_CLIENT_ID). */
const ADMIN_CLIENT_ID = '__admin_client';

/** Errors Kafka answers with logStartOffset -1 (its UNKNOWN_LOG_APPEND_INFO). */
const NO_LOG_START = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'CORRUPT_MESSAGE', 'KAFKA_STORAGE_ERROR'].map(code));

function appendPartition(broker: Broker, topic: string, index: number, records: Buffer | null, version: number, clientId: string): PartitionResult {
  const log = broker.store.partition(topic, index);
  if (!log) return fail(index, code('UNKNOWN_TOPIC_OR_PARTITION'));
  if (isInternalTopic(topic) && clientId !== ADMIN_CLIENT_ID) return fail(index, code('INVALID_TOPIC_EXCEPTION'), `Cannot append to internal topic ${topic}`);
  if (!records) return fail(index, code('INVALID_RECORD'), 'null record set');
  // byte 16 is the magic in record batches and in the old message sets alike
  if (records.length > MAGIC_OFFSET && records[MAGIC_OFFSET] !== 2) {
    return fail(index, code('UNSUPPORTED_FOR_MESSAGE_FORMAT'), `message format v${records[MAGIC_OFFSET]} is not supported: only record batches (magic 2, Produce v3+)`);
  }
  const config = broker.store.topicConfig(topic);
  const now = Date.now();
  for (const [, h] of batchesIn(records)) {
    if (h.attributes & ATTR_CONTROL) return fail(index, code('INVALID_RECORD'), 'clients may not send control batches');
    if (config && !config.logAppendTime) {
      const bad = timestampOutOfRange(h, config, now);
      if (bad) return { ...fail(index, code('INVALID_TIMESTAMP'), bad), logStartOffset: log.logStartOffset };
    }
    if (version < 7 && (h.attributes & ATTR_CODEC_MASK) === CODEC_ZSTD) {
      return fail(index, code('UNSUPPORTED_COMPRESSION_TYPE'), `Produce requests with version ${version} are not allowed to use ZStandard compression`);
    }
    if ((h.attributes & ATTR_TRANSACTIONAL) !== 0) {
      const error = h.producerId < 0 ? code('INVALID_RECORD') : broker.txn.verifyProduce(h.producerId, h.producerEpoch, topic, index);
      if (error !== 0) return fail(index, error, `transactional batch of producer ${h.producerId} epoch ${h.producerEpoch} is not part of an ongoing transaction with ${topic}-${index}`);
    }
  }
  try {
    const result = log.append(records);
    if (!result.duplicate) broker.notifyAppend(topic, index);
    return {
      index,
      errorCode: 0,
      baseOffset: result.baseOffset,
      logAppendTimeMs: result.logAppendTime,
      logStartOffset: result.logStartOffset,
      errorMessage: null,
      recordErrors: [],
    };
  } catch (err) {
    // the log refused the batch: Kafka answers with the partition's log start offset, except
    // for a batch too large or corrupt (refused before the log is asked: -1)
    if (err instanceof RecordErrorsError) return { ...fail(index, err.code, err.message, err.recordErrors), logStartOffset: log.logStartOffset };
    // (Kafka sends no message with those; the bundled broker says why: docs/differential.md)
    if (err instanceof KafkaError) return { ...fail(index, err.code, err.message), logStartOffset: NO_LOG_START.has(err.code) ? -1 : log.logStartOffset };
    broker.log(`produce to ${topic}-${index} failed: ${(err as Error).stack ?? err}`);
    return fail(index, code('KAFKA_STORAGE_ERROR'), (err as Error).message);
  }
}

export default handler(Produce, (req, ctx) => {
  const { broker, version } = ctx;
  const responses = req.topicData.map((topic) => {
    // v13+: the topic by id; an id no topic has gets UNKNOWN_TOPIC_ID for each partition
    const name = version >= 13 ? topicName(broker, topic.topicId) : topic.name;
    return {
      name: topic.name,
      topicId: topic.topicId,
      partitionResponses: topic.partitionData.map((p) =>
        name === null ? fail(p.index, code('UNKNOWN_TOPIC_ID')) : appendPartition(broker, name, p.index, p.records, version, ctx.clientId),
      ),
    };
  });
  if (req.acks === 0) return null;
  return { responses, throttleTimeMs: 0 };
});
