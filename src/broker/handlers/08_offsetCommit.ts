// OffsetCommit v0-8: commits through the coordinator, which checks member and generation
// (generation -1 with no member id is a "simple" commit, allowed for groups without members).
import { OffsetCommit } from '../protocol/apis/offsetCommit.js';
import { code } from '../protocol/errors.js';
import { handler } from './types.js';

export default handler(OffsetCommit, (req, ctx) => {
  const { broker } = ctx;
  // Commits for unknown topics/partitions are refused per partition, as Kafka does.
  const known = (topic: string, p: number) => broker.store.partition(topic, p) !== undefined;
  const unknown = new Map<string, Set<number>>();
  const topics = req.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.filter((p) => {
      if (known(t.name, p.partitionIndex)) return true;
      if (!unknown.has(t.name)) unknown.set(t.name, new Set());
      unknown.get(t.name)?.add(p.partitionIndex);
      return false;
    }).map((p) => ({
      partitionIndex: p.partitionIndex,
      committedOffset: p.committedOffset,
      committedLeaderEpoch: p.committedLeaderEpoch,
      committedMetadata: p.committedMetadata,
    })),
  }));
  const r = broker.groups.commitOffsets({
    groupId: req.groupId,
    generationId: ctx.version >= 1 ? req.generationIdOrMemberEpoch : -1,
    memberId: req.memberId,
    groupInstanceId: req.groupInstanceId,
    topics,
  });
  const errorFor = new Map<string, Map<number, number>>();
  for (const t of r.topics) errorFor.set(t.name, new Map(t.partitions.map((p) => [p.partitionIndex, p.errorCode])));
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        errorCode: unknown.get(t.name)?.has(p.partitionIndex)
          ? code('UNKNOWN_TOPIC_OR_PARTITION')
          : (errorFor.get(t.name)?.get(p.partitionIndex) ?? 0),
      })),
    })),
  };
});
