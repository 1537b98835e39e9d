// CreatePartitions v0-3: grows a topic to a new total partition count (never shrinks).
import { CreatePartitions } from '../../protocol/apis/createPartitions.js';
import { code, KafkaError } from '../../protocol/errors.js';
import { handler } from './types.js';

export default handler(CreatePartitions, (req, ctx) => {
  const { broker } = ctx;
  const results = req.topics.map((t) => {
    const fail = (name: string, message: string) => ({ name: t.name, errorCode: code(name), errorMessage: message });
    const info = broker.store.getTopic(t.name);
    if (!info) return fail('UNKNOWN_TOPIC_OR_PARTITION', `The topic '${t.name}' does not exist.`);
    if (t.count < info.partitions) return fail('INVALID_PARTITIONS', `Topic currently has ${info.partitions} partitions, which is higher than the requested ${t.count}.`);
    if (t.count === info.partitions) return fail('INVALID_PARTITIONS', `Topic already has ${info.partitions} partitions.`);
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
  return { throttleTimeMs: 0, results };
});
