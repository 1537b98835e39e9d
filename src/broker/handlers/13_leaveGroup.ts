// LeaveGroup v0-5: v0-2 name one member, v3+ a batch (with static members by instance id);
// v5 gives each leaving member's reason (logged).
import { LeaveGroup } from '../../protocol/apis/leaveGroup.js';
import { handler } from './types.js';

export default handler(LeaveGroup, (req, ctx) => {
  const members =
    ctx.version >= 3
      ? req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, reason: m.reason }))
      : [{ memberId: req.memberId, groupInstanceId: null }];
  const r = ctx.broker.groups.leave({ groupId: req.groupId, members });
  if (ctx.version < 3) {
    // v0-2 report the member's error at the top level
    return { throttleTimeMs: 0, errorCode: r.errorCode || (r.members[0]?.errorCode ?? 0), members: [] };
  }
  return { throttleTimeMs: 0, errorCode: r.errorCode, members: r.members };
});
