// DeleteTopics v0-5: deletes topics and their data by name (v6+ by id is not advertised).
// Other connections get a turn after each deletion (it touches the disk).
import { DeleteTopics } from '../protocol/apis/deleteTopics.js';
import { code } from '../protocol/errors.js';
import { yieldNow } from '../scheduler.js';
import { handler } from './types.js';

export default handler(DeleteTopics, async (req, ctx) => {
  const { broker } = ctx;
  const responses = [];
  for (const name of req.topicNames) {
    if (!broker.store.getTopic(name)) {
      responses.push({ name, errorCode: code('UNKNOWN_TOPIC_OR_PARTITION'), errorMessage: 'This server does not host this topic-partition.' });
      continue;
    }
    broker.store.deleteTopic(name);
    broker.log(`deleted topic ${name}`);
    responses.push({ name, errorCode: 0, errorMessage: null });
    await yieldNow();
  }
  return { throttleTimeMs: 0, responses };
});
