// DescribeGroups v0-5: state, protocol and members with their metadata and assignment bytes
// as the clients sent them. Unknown groups are reported as Dead, as Kafka does.
import { DescribeGroups } from '../protocol/apis/describeGroups.js';
import { handler } from './types.js';

export default handler(DescribeGroups, (req, ctx) => ({
  throttleTimeMs: 0,
  groups: ctx.broker.groups.describeGroups(req.groups),
}));
