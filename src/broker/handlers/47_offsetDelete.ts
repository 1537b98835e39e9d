// OffsetDelete v0: removes committed offsets of partitions the group no longer consumes.
import { OffsetDelete } from '../../protocol/apis/offsetDelete.js';
import { handler } from './types.js';

export default handler(OffsetDelete, (req, ctx) => {
  const r = ctx.broker.groups.deleteOffsets(
    req.groupId,
    req.topics.map((t) => ({ name: t.name, partitionIndexes: t.partitions.map((p) => p.partitionIndex) })),
  );
  return { throttleTimeMs: 0, ...r };
});
