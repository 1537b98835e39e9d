// JoinGroup v0-9: hands the request to the group coordinator, which holds the response
// until the join phase completes. v4+ requires a known member id (MEMBER_ID_REQUIRED first);
// v8+ carries the client's reason (logged with the rebalance); v9's skipAssignment is false:
// the leader always computes the assignment (Kafka sets it only for KIP-848 upgrades).
import { JoinGroup } from '../../protocol/apis/joinGroup.js';
import { handler } from './types.js';

export default handler(JoinGroup, async (req, ctx) => {
  const r = await ctx.broker.groups.join({
    groupId: req.groupId,
    memberId: req.memberId,
    groupInstanceId: req.groupInstanceId,
    sessionTimeoutMs: req.sessionTimeoutMs,
    // v0 has no rebalance timeout: Kafka uses the session timeout
    rebalanceTimeoutMs: ctx.version >= 1 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs,
    protocolType: req.protocolType,
    protocols: req.protocols.map((p) => ({ name: p.name, metadata: p.metadata ?? Buffer.alloc(0) })),
    clientId: ctx.clientId,
    clientHost: ctx.clientHost,
    requireKnownMemberId: ctx.version >= 4,
    reason: ctx.version >= 8 ? req.reason : null,
  });
  return { throttleTimeMs: 0, skipAssignment: false, ...r };
});
