// ConsumerGroupDescribe v0-1 (KIP-848): consumer-protocol groups with their epochs, members,
// current and target assignments. A classic or unknown group answers GROUP_ID_NOT_FOUND, as
// Kafka does. Authorized operations, when asked: every operation a group supports (no
// authorizer), as DescribeGroups answers.
import { ConsumerGroupDescribe } from '../../protocol/apis/consumerGroupDescribe.js';
import { GROUP_OPERATIONS } from './authorizedOperations.js';
import { handler } from './types.js';

export default handler(ConsumerGroupDescribe, (req, ctx) => {
  const groups = ctx.broker.groups.describeConsumerGroups(req.groupIds);
  return {
    throttleTimeMs: 0,
    groups: req.includeAuthorizedOperations ? groups.map((g) => (g.errorCode === 0 ? { ...g, authorizedOperations: GROUP_OPERATIONS } : g)) : groups,
  };
});
