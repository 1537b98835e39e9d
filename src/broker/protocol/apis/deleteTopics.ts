// DeleteTopics (key 20). We implement 0-5. v1 adds throttleTimeMs, v4 is flexible, v5 adds a
// per-topic errorMessage. v6 replaces `topicNames` with `topics` (name or topic id), so we stop
// at 5; the v6 fields are described but absent.
import { defineApi, f } from '../schema.js';

export const DeleteTopics = defineApi({
  key: 20,
  name: 'DeleteTopics',
  min: 0,
  max: 5,
  flexible: 4,
  request: {
    topics: f([{ name: 'string?', topicId: 'uuid' }], { v: '6+' }),
    topicNames: f(['string'], { v: '0-5' }),
    timeoutMs: 'int32',
  },
  response: {
    throttleTimeMs: f('int32', { v: '1+' }),
    responses: [
      {
        name: f('string', { nullable: '6+' }),
        topicId: f('uuid', { v: '6+' }),
        errorCode: 'int16',
        errorMessage: f('string?', { v: '5+' }),
      },
    ],
  },
});
