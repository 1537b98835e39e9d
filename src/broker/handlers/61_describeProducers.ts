// DescribeProducers v0: each asked-for partition's producer state, as Kafka keeps it per
// partition: producer id and epoch, the last sequence written (-1: none kept), the time of the
// last write, the coordinator epoch of its last marker (-1: none), and the first offset of its
// open transaction (-1: none). An unknown topic is answered per partition with
// UNKNOWN_TOPIC_OR_PARTITION and Kafka's message; an unknown partition of a known topic with
// UNKNOWN_TOPIC_OR_PARTITION and no message, as Kafka answers.
import { DescribeProducers } from '../../protocol/apis/describeProducers.js';
import { code, ERRORS } from '../../protocol/errors.js';
import { handler } from './types.js';

export default handler(DescribeProducers, (req, ctx) => {
  const { store } = ctx.broker;
  const unknown = code('UNKNOWN_TOPIC_OR_PARTITION');
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => {
      const known = store.getTopic(t.name) !== undefined;
      return {
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => {
          if (!known) return { partitionIndex, errorCode: unknown, errorMessage: ERRORS.get(unknown)?.message ?? null };
          const log = store.partition(t.name, partitionIndex);
          if (!log) return { partitionIndex, errorCode: unknown, errorMessage: null };
          return {
            partitionIndex,
            errorCode: 0,
            errorMessage: null,
            activeProducers: log.activeProducers().map((e) => ({
              producerId: e.producerId,
              producerEpoch: e.epoch,
              lastSequence: e.batches.length > 0 ? e.batches[e.batches.length - 1].lastSeq : -1,
              lastTimestamp: e.lastTimestamp,
              coordinatorEpoch: e.coordinatorEpoch,
              currentTxnStartOffset: e.txnFirstOffset,
            })),
          };
        }),
      };
    }),
  };
});
