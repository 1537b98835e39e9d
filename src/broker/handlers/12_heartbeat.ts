// Heartbeat v0-4: keeps a member's session alive; REBALANCE_IN_PROGRESS tells it to rejoin.
import { Heartbeat } from '../../protocol/apis/heartbeat.js';
import { handler } from './types.js';

export default handler(Heartbeat, (req, ctx) => {
  const r = ctx.broker.groups.heartbeat({
    groupId: req.groupId,
    generationId: req.generationId,
    memberId: req.memberId,
    groupInstanceId: req.groupInstanceId,
  });
  return { throttleTimeMs: 0, errorCode: r.errorCode };
});
