// DeleteTopics v0-5: deletes topics and their data by name (v6+ by id is not advertised).
import { DeleteTopics } from '../protocol/apis/deleteTopics.js';
import { code } from '../protocol/errors.js';
import { handler } from './types.js';

export default handler(DeleteTopics, (req, ctx) => {
  const { broker } = ctx;
  return {
    throttleTimeMs: 0,
    responses: req.topicNames.map((name) => {
      if (!broker.store.getTopic(name)) {
        return { name, errorCode: code('UNKNOWN_TOPIC_OR_PARTITION'), errorMessage: 'This server does not host this topic-partition.' };
      }
      broker.store.deleteTopic(name);
      broker.log(`deleted topic ${name}`);
      return { name, errorCode: 0, errorMessage: null };
    }),
  };
});
