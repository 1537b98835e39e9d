// TxnOffsetCommit v0-6: consumer offsets committed inside a transaction (the group must have
// been added with AddOffsetsToTxn; v5+, transactions V2, adds it itself). They stay pending,
// invisible to OffsetFetch, until the transaction commits (then they are the group's
// committed offsets) or aborts (dropped). v3 carries the consumer's generation and member id,
// checked as OffsetCommit checks them. v6 names topics by id: an id no topic has is answered
// UNKNOWN_TOPIC_ID for its partitions.
import { TxnOffsetCommit } from '../../protocol/apis/txnOffsetCommit.js';
import { code } from '../../protocol/errors.js';
import { topicName } from './topicIds.js';
import { handler } from './types.js';

export default handler(TxnOffsetCommit, (req, ctx) => {
  const { broker, version } = ctx;
  const names = req.topics.map((t) => (version >= 6 ? topicName(broker, t.topicId) : t.name));
  const known = req.topics.flatMap((t, i) => (names[i] === null ? [] : [{ ...t, name: names[i] as string }]));
  const results = known.length === 0 ? [] : broker.txn.txnOffsetCommit(
    {
      transactionalId: req.transactionalId,
      groupId: req.groupId,
      producerId: req.producerId,
      producerEpoch: req.producerEpoch,
      generationId: req.generationIdOrMemberEpoch,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
      topics: known,
    },
    version,
  );
  let next = 0;
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t, i) =>
      names[i] === null
        ? { name: '', topicId: t.topicId, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code('UNKNOWN_TOPIC_ID') })) }
        : { ...results[next++], topicId: t.topicId },
    ),
  };
});
