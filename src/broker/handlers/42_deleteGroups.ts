// DeleteGroups v0-2: only groups without members; deletes their committed offsets.
import { DeleteGroups } from '../protocol/apis/deleteGroups.js';
import { handler } from './types.js';

export default handler(DeleteGroups, (req, ctx) => ({
  throttleTimeMs: 0,
  results: ctx.broker.groups.deleteGroups(req.groupsNames),
}));
