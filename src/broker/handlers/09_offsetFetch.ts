// OffsetFetch v0-7: committed offsets of one group (-1 when none); null topics (v2+) = all.
// requireStable (v7+): a partition with a transactional offset commit still pending answers
// UNSTABLE_OFFSET_COMMIT, which the client retries (KIP-447).
import { OffsetFetch } from '../protocol/apis/offsetFetch.js';
import { handler } from './types.js';

export default handler(OffsetFetch, (req, ctx) => {
  const r = ctx.broker.groups.fetchOffsets(req.groupId, req.topics, ctx.version >= 7 && req.requireStable);
  return { throttleTimeMs: 0, errorCode: r.errorCode, topics: r.topics };
});
