// DeleteGroups v0-3: only groups without members; deletes their committed offsets. v3's
// per-group errorMessage stays null, as Kafka leaves it for these errors.
import { DeleteGroups } from '../../protocol/apis/deleteGroups.js';
import { handler } from './types.js';

export default handler(DeleteGroups, (req, ctx) => ({
  throttleTimeMs: 0,
  results: ctx.broker.groups.deleteGroups(req.groupsNames),
}));
