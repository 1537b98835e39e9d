// OffsetCommit v0-10: commits through the coordinator, which checks member and generation
// (generation -1 with no member id is a "simple" commit, allowed for groups without members).
// v9+ answers GROUP_ID_NOT_FOUND where older versions get ILLEGAL_GENERATION (a member's
// commit to a group that does not exist); v10 names topics by id: an id no topic has is
// answered UNKNOWN_TOPIC_ID for each of its partitions.
import { OffsetCommit } from '../../protocol/apis/offsetCommit.js';
import { code } from '../../protocol/errors.js';
import { topicName } from './topicIds.js';
import { handler } from './types.js';

export default handler(OffsetCommit, (req, ctx) => {
  const { broker, version } = ctx;
  const names = req.topics.map((t) => (version >= 10 ? topicName(broker, t.topicId) : t.name));
  // Commits for unknown topics/partitions are refused per partition, as Kafka does.
  const known = (topic: string, p: number) => broker.store.partition(topic, p) !== undefined;
  const unknown = new Map<string, Set<number>>();
  const topics = [];
  for (let i = 0; i < req.topics.length; i++) {
    const name = names[i];
    if (name === null) continue;
    topics.push({
      name,
      partitions: req.topics[i].partitions
        .filter((p) => {
          if (known(name, p.partitionIndex)) return true;
          if (!unknown.has(name)) unknown.set(name, new Set());
          unknown.get(name)?.add(p.partitionIndex);
          return false;
        })
        .map((p) => ({
          partitionIndex: p.partitionIndex,
          committedOffset: p.committedOffset,
          committedLeaderEpoch: p.committedLeaderEpoch,
          committedMetadata: p.committedMetadata,
        })),
    });
  }
  const r = broker.groups.commitOffsets({
    groupId: req.groupId,
    generationId: version >= 1 ? req.generationIdOrMemberEpoch : -1,
    memberId: req.memberId,
    groupInstanceId: req.groupInstanceId,
    topics,
    version,
  });
  const errorFor = new Map<string, Map<number, number>>();
  for (const t of r.topics) errorFor.set(t.name, new Map(t.partitions.map((p) => [p.partitionIndex, p.errorCode])));
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t, i) => {
      const name = names[i];
      return {
        name: t.name,
        topicId: t.topicId,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode:
            name === null
              ? code('UNKNOWN_TOPIC_ID')
              : unknown.get(name)?.has(p.partitionIndex)
                ? code('UNKNOWN_TOPIC_OR_PARTITION')
                : (errorFor.get(name)?.get(p.partitionIndex) ?? 0),
        })),
      };
    }),
  };
});
