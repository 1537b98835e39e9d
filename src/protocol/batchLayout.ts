// Where things are in a record batch v2 header (DefaultRecordBatch.java). Plain constants,
// no imports: the client's encoder and decoder use them without loading the native CRC32C.
//
//   baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 |
//   crc uint32 | attributes int16 | lastOffsetDelta int32 | baseTimestamp int64 |
//   maxTimestamp int64 | producerId int64 | producerEpoch int16 | baseSequence int32 |
//   recordCount int32 | records...

export const BATCH_HEADER_SIZE = 61;
/** baseOffset + batchLength: the bytes before the length-counted part. */
export const LOG_OVERHEAD = 12;

export const LENGTH_OFFSET = 8;
export const LEADER_EPOCH_OFFSET = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
/** The CRC32C covers the batch from here to its end. */
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;
export const RECORD_COUNT_OFFSET = 57;

export const ATTR_CODEC_MASK = 0x07;
export const ATTR_TIMESTAMP_LOG_APPEND = 0x08;
export const ATTR_TRANSACTIONAL = 0x10;
export const ATTR_CONTROL = 0x20;
