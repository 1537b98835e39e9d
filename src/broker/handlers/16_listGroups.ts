// ListGroups v0-4 (v4 filters by state).
import { ListGroups } from '../protocol/apis/listGroups.js';
import { handler } from './types.js';

export default handler(ListGroups, (req, ctx) => {
  const states = ctx.version >= 4 && req.statesFilter.length > 0 ? req.statesFilter : undefined;
  return { throttleTimeMs: 0, errorCode: 0, groups: ctx.broker.groups.listGroups(states) };
});
