// ListGroups v0-5: v4 filters by state, v5 by type ("classic", or "consumer" for groups of
// the consumer protocol, KIP-848) and reports each group's type; both filters compare
// case-insensitively, empty = all.
import { ListGroups } from '../../protocol/apis/listGroups.js';
import { handler } from './types.js';

export default handler(ListGroups, (req, ctx) => {
  const states = ctx.version >= 4 ? req.statesFilter : undefined;
  const types = ctx.version >= 5 ? req.typesFilter : undefined;
  return { throttleTimeMs: 0, errorCode: 0, groups: ctx.broker.groups.listGroups(states, types) };
});
