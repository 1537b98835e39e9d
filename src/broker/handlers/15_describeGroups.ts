// DescribeGroups v0-6: state, protocol and members with their metadata and assignment bytes
// as the clients sent them. Unknown groups are reported as Dead, as Kafka does: with no error
// before v6, with GROUP_ID_NOT_FOUND and "Group <id> not found." from v6 (KIP-1043).
import { DescribeGroups } from '../protocol/apis/describeGroups.js';
import { handler } from './types.js';

export default handler(DescribeGroups, (req, ctx) => ({
  throttleTimeMs: 0,
  groups: ctx.broker.groups.describeGroups(req.groups, ctx.version),
}));
