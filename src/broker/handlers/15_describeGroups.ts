// DescribeGroups v0-6: state, protocol and members with their metadata and assignment bytes
// as the clients sent them. Unknown groups are reported as Dead, as Kafka does: with no error
// before v6, with GROUP_ID_NOT_FOUND and "Group <id> not found." from v6 (KIP-1043).
// Authorized operations (v3+), when asked: with no authorizer every operation a group supports
// (READ, DELETE, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS), as Kafka answers; not asked, or for
// a group not found (v6), the field keeps Kafka's "absent" (INT32_MIN), which a client must not read as bits (kafka-python 2.3 asks, and fails on it).
import { DescribeGroups } from '../../protocol/apis/describeGroups.js';
import { GROUP_OPERATIONS } from './authorizedOperations.js';
import { handler } from './types.js';

export default handler(DescribeGroups, (req, ctx) => {
  const groups = ctx.broker.groups.describeGroups(req.groups, ctx.version);
  return {
    throttleTimeMs: 0,
    groups: req.includeAuthorizedOperations ? groups.map((g) => (g.errorCode === 0 ? { ...g, authorizedOperations: GROUP_OPERATIONS } : g)) : groups,
  };
});
