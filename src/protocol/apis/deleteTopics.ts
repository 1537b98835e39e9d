// DeleteTopics (key 20). We implement and advertise 1-6, as Kafka 4.x (v0 was removed in
// Kafka 4.0). v1 adds throttleTimeMs, v4 is flexible, v5 adds a per-topic errorMessage, v6
// replaces `topicNames` with `topics`, each named by name or by topic id (a null name), and
// answers with both.
import { defineApi, f } from '../schema.js';

export const DeleteTopics = defineApi({
  key: 20,
  name: 'DeleteTopics',
  min: 1,
  max: 6,
  flexible: 4,
  request: {
    topics: f([{ name: f('string', { nullable: '6+', default: null }), topicId: 'uuid' }], { v: '6+' }),
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
