// DeleteTopics v0-5: deletes topics and their data by name (v6+ by id is not advertised).
// Works on a full disk (the data goes first); a disk that refuses (read-only) gets
// KAFKA_STORAGE_ERROR for that topic.
import { DeleteTopics } from '../protocol/apis/deleteTopics.js';
import { code, KafkaError } from '../protocol/errors.js';
import { handler } from './types.js';

export default handler(DeleteTopics, (req, ctx) => {
  const { broker } = ctx;
  return {
    throttleTimeMs: 0,
    responses: req.topicNames.map((name) => {
      if (!broker.store.getTopic(name)) {
        return { name, errorCode: code('UNKNOWN_TOPIC_OR_PARTITION'), errorMessage: 'This server does not host this topic-partition.' };
      }
      try {
        broker.store.deleteTopic(name);
      } catch (err) {
        if (!(err instanceof KafkaError)) throw err;
        return { name, errorCode: err.code, errorMessage: err.message };
      }
      broker.log(`deleted topic ${name}`);
      return { name, errorCode: 0, errorMessage: null };
    }),
  };
});
