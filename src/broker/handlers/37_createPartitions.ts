// CreatePartitions v0-3: grows a topic to a new total partition count (never shrinks).
import { CreatePartitions } from '../../protocol/apis/createPartitions.js';
import { code, KafkaError } from '../../protocol/errors.js';
import { handler } from './types.js';

export default handler(CreatePartitions, (req, ctx) => {
  const { broker } = ctx;
  // a topic named twice is refused once, as Kafka does, and the rest go ahead
  const seen = new Map<string, number>();
  for (const t of req.topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
  const duplicates = [...seen].filter(([, n]) => n > 1).map(([name]) => ({ name, errorCode: code('INVALID_REQUEST'), errorMessage: 'Duplicate topic name.' }));
  const results = req.topics.filter((t) => seen.get(t.name) === 1).map((t) => {
    const fail = (name: string, message: string | null) => ({ name: t.name, errorCode: code(name), errorMessage: message });
    const info = broker.store.getTopic(t.name);
    if (!info) return fail('UNKNOWN_TOPIC_OR_PARTITION', null); // as Kafka: no message
    // the count checks (no shrinking, a limit) are the store's, with Kafka's messages
    if (t.assignments?.some((a) => a.brokerIds.some((id) => id !== broker.nodeId))) {
      return fail('INVALID_REPLICA_ASSIGNMENT', `Unknown broker in the assignment; the only broker is ${broker.nodeId}.`);
    }
    try {
      broker.store.createPartitions(t.name, t.count, { validateOnly: req.validateOnly });
    } catch (err) {
      if (!(err instanceof KafkaError)) throw err;
      return { name: t.name, errorCode: err.code, errorMessage: err.message };
    }
    return { name: t.name, errorCode: 0, errorMessage: null };
  });
  return { throttleTimeMs: 0, results: [...results, ...duplicates] };
});
