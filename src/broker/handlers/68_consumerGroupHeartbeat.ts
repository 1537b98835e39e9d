// ConsumerGroupHeartbeat v0-1 (KIP-848): join, heartbeat, leave of consumer-protocol groups;
// the coordinator answers the member's epoch and, when it changed, its partitions.
import { ConsumerGroupHeartbeat } from '../../protocol/apis/consumerGroupHeartbeat.js';
import { handler } from './types.js';

export default handler(ConsumerGroupHeartbeat, (req, ctx) => {
  const r = ctx.broker.groups.consumerHeartbeat({
    groupId: req.groupId,
    memberId: req.memberId,
    memberEpoch: req.memberEpoch,
    instanceId: req.instanceId,
    rackId: req.rackId,
    rebalanceTimeoutMs: req.rebalanceTimeoutMs,
    subscribedTopicNames: req.subscribedTopicNames,
    subscribedTopicRegex: ctx.version >= 1 ? req.subscribedTopicRegex : null,
    serverAssignor: req.serverAssignor,
    topicPartitions: req.topicPartitions,
    clientId: ctx.clientId,
    clientHost: ctx.clientHost,
    version: ctx.version,
  });
  return { throttleTimeMs: 0, ...r };
});
