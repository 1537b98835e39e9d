// OffsetFetch v0-7: committed offsets of one group (-1 when none); null topics (v2+) = all.
import { OffsetFetch } from '../protocol/apis/offsetFetch.js';
import { handler } from './types.js';

export default handler(OffsetFetch, (req, ctx) => {
  const r = ctx.broker.groups.fetchOffsets(req.groupId, req.topics);
  return { throttleTimeMs: 0, errorCode: r.errorCode, topics: r.topics };
});
