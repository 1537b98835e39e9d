// Produce (key 0): we implement 3-13 and advertise 0-13, as Kafka 4.x does (KAFKA-18659:
// librdkafka turns compression off unless the Produce range reaches v0; v0-2, whose message
// sets predate record batches, are refused by closing the connection, as Kafka does). v3 brings
// transactionalId and record batches (magic 2), v5 adds logStartOffset to the response, v7
// allows ZSTD, v8 adds per-record errors (KIP-467) and errorMessage, v9 is the first flexible
// version, v10 the tagged currentLeader / nodeEndpoints (KIP-951, only sent with
// NOT_LEADER_OR_FOLLOWER, which one node never answers), v11 and v12 add nothing to the shape
// (TRANSACTION_ABORTABLE; KIP-890 part 2), v13 names topics by id instead of name (KIP-516).
// Quirks: `records` is nullable in every version (a null set is invalid but decodable);
// throttleTimeMs comes after the topic array; acks=0 requests get no response at all.
import { defineApi, f } from '../schema.js';

export const Produce = defineApi({
  key: 0,
  name: 'Produce',
  min: 3,
  max: 13,
  advertisedMin: 0,
  flexible: 9,
  request: {
    transactionalId: f('string?', { v: '3+' }),
    acks: 'int16',
    timeoutMs: 'int32',
    topicData: [
      {
        name: f('string', { v: '0-12' }),
        topicId: f('uuid', { v: '13+' }),
        partitionData: [{ index: 'int32', records: 'records?' }],
      },
    ],
  },
  response: {
    responses: [
      {
        name: f('string', { v: '0-12' }),
        topicId: f('uuid', { v: '13+' }),
        partitionResponses: [
          {
            index: 'int32',
            errorCode: 'int16',
            baseOffset: 'int64',
            logAppendTimeMs: f('int64', { v: '2+', default: -1 }),
            logStartOffset: f('int64', { v: '5+', default: -1 }),
            recordErrors: f([{ batchIndex: 'int32', batchIndexErrorMessage: 'string?' }], { v: '8+' }),
            errorMessage: f('string?', { v: '8+' }),
            currentLeader: f(
              { leaderId: f('int32', { default: -1 }), leaderEpoch: f('int32', { default: -1 }) },
              { v: '10+', tag: 0 },
            ),
          },
        ],
      },
    ],
    throttleTimeMs: f('int32', { v: '1+' }),
    nodeEndpoints: f([{ nodeId: 'int32', host: 'string', port: 'int32', rack: 'string?' }], { v: '10+', tag: 0 }),
  },
});
