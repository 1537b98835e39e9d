// OffsetDelete v0: removes committed offsets of partitions the group no longer consumes.
// Partitions of unknown topics (or past a topic's end) are answered UNKNOWN_TOPIC_OR_PARTITION
// before the group is asked, as Kafka does.
import { OffsetDelete } from '../../protocol/apis/offsetDelete.js';
import { code } from '../../protocol/errors.js';
import { handler } from './types.js';

export default handler(OffsetDelete, (req, ctx) => {
  const exists = (topic: string, p: number) => {
    const t = ctx.broker.store.getTopic(topic);
    return t !== undefined && p >= 0 && p < t.partitions;
  };
  const known = req.topics
    .map((t) => ({ name: t.name, partitionIndexes: t.partitions.map((p) => p.partitionIndex).filter((p) => exists(t.name, p)) }))
    .filter((t) => t.partitionIndexes.length > 0);
  const r = ctx.broker.groups.deleteOffsets(req.groupId, known);
  if (r.errorCode !== 0) return { throttleTimeMs: 0, ...r };
  // one entry per topic: the group's answers, then the unknown partitions
  const byTopic = new Map(r.topics.map((t) => [t.name, { name: t.name, partitions: [...t.partitions] }]));
  for (const t of req.topics) {
    for (const p of t.partitions) {
      if (exists(t.name, p.partitionIndex)) continue;
      if (!byTopic.has(t.name)) byTopic.set(t.name, { name: t.name, partitions: [] });
      byTopic.get(t.name)!.partitions.push({ partitionIndex: p.partitionIndex, errorCode: code('UNKNOWN_TOPIC_OR_PARTITION') });
    }
  }
  return { throttleTimeMs: 0, errorCode: 0, topics: [...byTopic.values()] };
});
