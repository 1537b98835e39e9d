// Produce (key 0), versions 0-9. v3 brings transactionalId and record batch (magic 2), the
// only format this broker stores: v0-2 requests decode, but their message sets (magic 0/1)
// are refused per partition. They are advertised because librdkafka 2.0 compresses only
// when the broker's Produce range includes v0 (its per-codec feature check), and Kafka 3.x
// advertises 0-N; every client picks the highest common version (v7+). v5 adds
// logStartOffset to the response, v7 allows ZSTD, v8 adds per-record errors and errorMessage,
// v9 is the first flexible version. Response fields tagged from v10 (currentLeader,
// nodeEndpoints, KIP-951) are described but never sent at v9. Quirks: `records` is nullable in
// every version (a null set is invalid but decodable); throttleTimeMs comes after the topic
// array; acks=0 requests get no response at all.
import { defineApi, f } from '../schema.js';

export const Produce = defineApi({
  key: 0,
  name: 'Produce',
  min: 0,
  max: 9,
  flexible: 9,
  request: {
    transactionalId: f('string?', { v: '3+' }),
    acks: 'int16',
    timeoutMs: 'int32',
    topicData: [
      {
        name: 'string',
        partitionData: [{ index: 'int32', records: 'records?' }],
      },
    ],
  },
  response: {
    responses: [
      {
        name: 'string',
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
