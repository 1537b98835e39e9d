// OffsetForLeaderEpoch v2-4: the end offset of a leader epoch, as Kafka's leader-epoch cache
// answers it. The one node has led every partition since its creation in epoch 0 (the epoch
// Metadata reports), so the cache holds one entry, (epoch 0, from the log start offset):
//   epoch 0               -> (0, log end offset)
//   epoch -1 or above 0   -> (-1, -1): undefined
//   epoch below -1        -> (that epoch, log start offset): Kafka's "before the first epoch"
// A currentLeaderEpoch other than -1 (no check) is fenced as Kafka fences it: below 0
// FENCED_LEADER_EPOCH, above 0 UNKNOWN_LEADER_EPOCH. An unknown topic or partition is
// UNKNOWN_TOPIC_OR_PARTITION. The requester's replicaId (v3+) changes nothing: there are no
// followers.
import { OffsetForLeaderEpoch } from '../../protocol/apis/offsetForLeaderEpoch.js';
import { code } from '../../protocol/errors.js';
import { handler } from './types.js';

/** The leader epoch of every partition of this single node. */
const LEADER_EPOCH = 0;
const UNDEFINED = -1;

export default handler(OffsetForLeaderEpoch, (req, ctx) => {
  const { store } = ctx.broker;
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map(({ partition, currentLeaderEpoch, leaderEpoch }) => {
        const log = store.partition(t.topic, partition);
        if (!log) return { errorCode: code('UNKNOWN_TOPIC_OR_PARTITION'), partition };
        if (currentLeaderEpoch !== UNDEFINED && currentLeaderEpoch < LEADER_EPOCH) return { errorCode: code('FENCED_LEADER_EPOCH'), partition };
        if (currentLeaderEpoch > LEADER_EPOCH) return { errorCode: code('UNKNOWN_LEADER_EPOCH'), partition };
        if (leaderEpoch === LEADER_EPOCH) return { errorCode: 0, partition, leaderEpoch, endOffset: log.logEndOffset };
        if (leaderEpoch < UNDEFINED) return { errorCode: 0, partition, leaderEpoch, endOffset: log.logStartOffset };
        return { errorCode: 0, partition, leaderEpoch: UNDEFINED, endOffset: UNDEFINED };
      }),
    })),
  };
});
