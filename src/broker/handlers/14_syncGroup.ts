// SyncGroup v0-5: the leader brings the assignment; followers wait for it.
import { SyncGroup } from '../../protocol/apis/syncGroup.js';
import { handler } from './types.js';

export default handler(SyncGroup, async (req, ctx) => {
  const r = await ctx.broker.groups.sync({
    groupId: req.groupId,
    generationId: req.generationId,
    memberId: req.memberId,
    groupInstanceId: req.groupInstanceId,
    protocolType: req.protocolType,
    protocolName: req.protocolName,
    assignments: req.assignments.map((a) => ({ memberId: a.memberId, assignment: a.assignment ?? Buffer.alloc(0) })),
  });
  return { throttleTimeMs: 0, ...r };
});
