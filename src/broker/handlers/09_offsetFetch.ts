// OffsetFetch v0-10: committed offsets (-1 when none); null topics (v2+) = all. v8+ asks for
// several groups at once, each answered with its own topics and errorCode; v9 adds the
// member id and epoch, which Kafka checks only for groups of the consumer protocol
// (UNKNOWN_MEMBER_ID, STALE_MEMBER_EPOCH; a member id null with epoch -1 is anyone). v10 names
// topics by id: an id no topic has answers UNKNOWN_TOPIC_ID for its partitions.
// requireStable (v7+): a partition with a transactional offset commit still pending answers
// UNSTABLE_OFFSET_COMMIT, which the client retries (KIP-447).
import type { Broker } from '../broker.js';
import type { OffsetFetchPartition } from '../groups/coordinator.js';
import { OffsetFetch } from '../../protocol/apis/offsetFetch.js';
import { code } from '../../protocol/errors.js';
import { topicIdOf, topicName } from './topicIds.js';
import { handler } from './types.js';

interface RequestedTopic {
  name: string;
  topicId: Buffer;
  partitionIndexes: number[];
}

function fetchGroup(broker: Broker, groupId: string, topics: RequestedTopic[] | null, requireStable: boolean, byId: boolean) {
  if (topics === null) {
    const r = broker.groups.fetchOffsets(groupId, null, requireStable);
    return { groupId, errorCode: r.errorCode, topics: r.topics.map((t) => ({ ...t, topicId: byId ? topicIdOf(broker, t.name) : undefined })) };
  }
  const names = topics.map((t) => (byId ? topicName(broker, t.topicId) : t.name));
  const known = topics.flatMap((t, i) => (names[i] === null ? [] : [{ name: names[i] as string, partitionIndexes: t.partitionIndexes }]));
  const r = broker.groups.fetchOffsets(groupId, known, requireStable);
  let next = 0;
  const unknownId = (p: number): OffsetFetchPartition => ({ partitionIndex: p, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: code('UNKNOWN_TOPIC_ID') });
  return {
    groupId,
    errorCode: r.errorCode,
    topics: topics.map((t, i) =>
      names[i] === null
        ? { name: '', topicId: t.topicId, partitions: t.partitionIndexes.map(unknownId) }
        : { ...r.topics[next++], topicId: t.topicId },
    ),
  };
}

export default handler(OffsetFetch, (req, ctx) => {
  const { broker, version } = ctx;
  const requireStable = version >= 7 && req.requireStable;
  if (version < 8) {
    const r = broker.groups.fetchOffsets(req.groupId, req.topics, requireStable);
    return { throttleTimeMs: 0, errorCode: r.errorCode, topics: r.topics };
  }
  return {
    throttleTimeMs: 0,
    groups: req.groups.map((g) => {
      const error = version >= 9 ? broker.groups.validateConsumerFetch(g.groupId, g.memberId, g.memberEpoch) : 0;
      if (error !== 0) return { groupId: g.groupId, errorCode: error, topics: [] };
      return fetchGroup(broker, g.groupId, g.topics, requireStable, version >= 10);
    }),
  };
});
