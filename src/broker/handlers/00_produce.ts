// Produce v0-9 (record batch v2 only: the message sets of v0-2 get UNSUPPORTED_FOR_MESSAGE_FORMAT;
// v9 is flexible). zstd batches need v7+ (KIP-110): below
// that, UNSUPPORTED_COMPRESSION_TYPE, as Kafka. The log checks each batch (length,
// magic 2, CRC32C, record count, max.message.bytes), assigns offsets by rewriting the base
// offset in place and stamps LogAppendTime topics; here only what clients may not send is
// refused (control batches). One node means acks=1 and acks=all are the same promise; the
// topic's flush.messages decides when the append is fsynced. acks=0 gets no response at
// all, as in Kafka.
//
// Not yet: idempotent sequence checks and transactions (accepted, not validated), per-record
// errors (v8 RecordErrors stay empty).
import type { Broker } from '../broker.js';
import { Produce } from '../protocol/apis/produce.js';
import { code, KafkaError } from '../protocol/errors.js';
import { ATTR_CONTROL, batchesIn } from '../protocol/recordBatch.js';
import { handler } from './types.js';

interface PartitionResult {
  index: number;
  errorCode: number;
  baseOffset: number;
  logAppendTimeMs: number;
  logStartOffset: number;
  errorMessage: string | null;
}

function fail(index: number, errorCode: number, message: string | null = null): PartitionResult {
  return { index, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, errorMessage: message };
}

const CODEC_ZSTD = 4;

function appendPartition(broker: Broker, topic: string, index: number, records: Buffer | null, version: number): PartitionResult {
  const log = broker.store.partition(topic, index);
  if (!log) return fail(index, code('UNKNOWN_TOPIC_OR_PARTITION'));
  if (!records) return fail(index, code('INVALID_RECORD'), 'null record set');
  // byte 16 is the magic in record batches and in the old message sets alike
  if (records.length > 16 && records[16] !== 2) {
    return fail(index, code('UNSUPPORTED_FOR_MESSAGE_FORMAT'), `message format v${records[16]} is not supported: only record batches (magic 2, Produce v3+)`);
  }
  for (const [, h] of batchesIn(records)) {
    if (h.attributes & ATTR_CONTROL) return fail(index, code('INVALID_RECORD'), 'clients may not send control batches');
    if (version < 7 && (h.attributes & 0x07) === CODEC_ZSTD) {
      return fail(index, code('UNSUPPORTED_COMPRESSION_TYPE'), `Produce requests with version ${version} are not allowed to use ZStandard compression`);
    }
  }
  try {
    const result = log.append(records);
    broker.notifyAppend(topic, index);
    return {
      index,
      errorCode: 0,
      baseOffset: result.baseOffset,
      logAppendTimeMs: result.logAppendTime,
      logStartOffset: result.logStartOffset,
      errorMessage: null,
    };
  } catch (err) {
    if (err instanceof KafkaError) return fail(index, err.code, err.message);
    broker.log(`produce to ${topic}-${index} failed: ${(err as Error).stack ?? err}`);
    return fail(index, code('KAFKA_STORAGE_ERROR'), (err as Error).message);
  }
}

export default handler(Produce, (req, ctx) => {
  const { broker } = ctx;
  const responses = req.topicData.map((topic) => ({
    name: topic.name,
    partitionResponses: topic.partitionData.map((p) => appendPartition(broker, topic.name, p.index, p.records, ctx.version)),
  }));
  if (req.acks === 0) return null;
  return { responses, throttleTimeMs: 0 };
});
