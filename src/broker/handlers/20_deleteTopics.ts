// DeleteTopics v1-6: deletes topics and their data. v1-5 name them; v6 names each by name or
// by topic id (a null name), as Kafka: both given, neither given, or a name or id given twice
// is INVALID_REQUEST; an unknown id UNKNOWN_TOPIC_ID. The answer carries the topic's name and,
// from v6, its id. Works on a full disk (the data goes first); a disk that refuses (read-only)
// gets KAFKA_STORAGE_ERROR for that topic. Answers come in request order (Kafka's follow its
// hash sets of names and ids, deletions last), so clients match them by name or id.
// delete.topic.enable=false refuses every topic: TOPIC_DELETION_DISABLED (v3+), INVALID_REQUEST before.
import { brokerBoolean } from '../log/config.js';
import { DeleteTopics } from '../../protocol/apis/deleteTopics.js';
import { code, ERRORS, KafkaError, type ErrorName } from '../../protocol/errors.js';
import { handler } from './types.js';

const ZERO_ID = Buffer.alloc(16);
/** Kafka's ApiError(error): the error's own message. */
const described = (name: ErrorName) => ({ errorCode: code(name), errorMessage: ERRORS.get(code(name))?.message ?? null });

interface Result {
  name: string | null;
  topicId: Buffer;
  errorCode: number;
  errorMessage: string | null;
}

export default handler(DeleteTopics, (req, ctx) => {
  const { broker } = ctx;
  const invalid = (name: string | null, topicId: Buffer, why: string): Result => ({ name, topicId, errorCode: code('INVALID_REQUEST'), errorMessage: why });
  const deleteByName = (name: string): Result => {
    const t = broker.store.getTopic(name);
    if (!t) return { name, topicId: ZERO_ID, ...described('UNKNOWN_TOPIC_OR_PARTITION') };
    try {
      broker.store.deleteTopic(name);
    } catch (err) {
      if (!(err instanceof KafkaError)) throw err;
      return { name, topicId: t.id, errorCode: err.code, errorMessage: err.message };
    }
    broker.log(`deleted topic ${name}`);
    return { name, topicId: t.id, errorCode: 0, errorMessage: null };
  };
  // v1-5 name topics; v6 names them or gives their ids
  const asked = ctx.version >= 6 ? req.topics : req.topicNames.map((name) => ({ name, topicId: ZERO_ID }));
  if (!brokerBoolean(broker.store.defaults, 'delete.topic.enable')) {
    // delete.topic.enable=false: Kafka refuses the whole request, every topic with the error
    const error: Pick<Result, 'errorCode' | 'errorMessage'> =
      ctx.version < 3 ? { errorCode: code('INVALID_REQUEST'), errorMessage: 'Topic deletion is disabled.' } : described('TOPIC_DELETION_DISABLED');
    return { throttleTimeMs: 0, responses: asked.map((t) => ({ name: t.name, topicId: t.topicId, ...error })) };
  }
  const count = new Map<string, number>();
  const key = (t: { name: string | null; topicId: Buffer }): string => (t.name !== null ? `n:${t.name}` : `i:${t.topicId.toString('hex')}`);
  for (const t of asked) count.set(key(t), (count.get(key(t)) ?? 0) + 1);
  const responses: Result[] = [];
  const seen = new Set<string>();
  for (const t of asked) {
    if (t.name === null && t.topicId.equals(ZERO_ID)) {
      responses.push(invalid(null, ZERO_ID, 'Neither topic name nor id were specified.'));
      continue;
    }
    if (t.name !== null && !t.topicId.equals(ZERO_ID)) {
      responses.push(invalid(t.name, t.topicId, 'You may not specify both topic name and topic id.'));
      continue;
    }
    const k = key(t);
    if (seen.has(k)) continue;
    seen.add(k);
    if ((count.get(k) ?? 0) > 1) {
      responses.push(t.name !== null ? invalid(t.name, ZERO_ID, 'Duplicate topic name.') : invalid(null, t.topicId, 'Duplicate topic id.'));
      continue;
    }
    if (t.name !== null) {
      responses.push(deleteByName(t.name));
      continue;
    }
    const byId = broker.store.getTopicById(t.topicId);
    if (!byId) responses.push({ name: null, topicId: t.topicId, ...described('UNKNOWN_TOPIC_ID') });
    else responses.push(deleteByName(byId.name));
  }
  return { throttleTimeMs: 0, responses };
});
