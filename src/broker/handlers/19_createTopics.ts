// CreateTopics v0-7 (v5+ flexible and returns the topic's partitions, replication factor
// and configs). -1 partitions / replication factor mean the broker defaults (kafkajs sends
// -1 even on v0). One node: a replication factor above 1 fails with Kafka's
// INVALID_REPLICATION_FACTOR and message. validate_only (v1+) checks without creating.
// The store validates the name, partition count and configs (KafkaError → error code).
// Other connections get a turn after each topic created (it touches the disk).
import { randomUUID } from 'node:crypto';
import { describeTopicConfigs } from '../log/config.js';
import { CreateTopics } from '../../protocol/apis/createTopics.js';
import { code, KafkaError } from '../../protocol/errors.js';
import { yieldNow } from '../scheduler.js';
import { sourceNumber } from './configs.js';
import { handler } from './types.js';

const BROKERS = 1;

export default handler(CreateTopics, async (req, ctx) => {
  const { broker } = ctx;
  // a name given twice is not created: answered once, INVALID_REQUEST, as Kafka does
  const duplicated = new Set(req.topics.filter((t, i) => req.topics.findIndex((u) => u.name === t.name) !== i).map((t) => t.name));
  const answered = new Set<string>();
  const createOne = (t: (typeof req.topics)[number]) => {
    const fail = (errorCode: number, message: string) => ({ name: t.name, errorCode, errorMessage: message, numPartitions: -1, replicationFactor: -1, configs: [] });
    if (duplicated.has(t.name)) return fail(code('INVALID_REQUEST'), 'Duplicate topic name.');
    let partitions = t.numPartitions === -1 ? broker.config.numPartitions : t.numPartitions;
    const rf = t.replicationFactor === -1 ? 1 : t.replicationFactor;
    if (t.assignments.length > 0) {
      if (t.numPartitions !== -1 || t.replicationFactor !== -1) {
        return fail(code('INVALID_REQUEST'), 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.');
      }
      partitions = t.assignments.length;
      const bad = t.assignments.find((a) => a.brokerIds.some((id) => id !== broker.nodeId));
      if (bad) return fail(code('INVALID_REPLICA_ASSIGNMENT'), `Unknown broker in the replica assignment of partition ${bad.partitionIndex}; the only broker is ${broker.nodeId}.`);
    }
    if (rf < 1) return fail(code('INVALID_REPLICATION_FACTOR'), 'Replication factor must be larger than 0.');
    if (rf > BROKERS) {
      return fail(code('INVALID_REPLICATION_FACTOR'), `Unable to replicate the partition ${rf} time(s): The target replication factor of ${rf} cannot be reached because only ${BROKERS} broker(s) are registered or some brokers have all their log directories cordoned.`);
    }
    const configs: Record<string, string> = {};
    for (const c of t.configs) if (c.value !== null) configs[c.name] = c.value;
    let info;
    try {
      info = broker.store.createTopic(t.name, partitions, configs, { validateOnly: req.validateOnly });
    } catch (err) {
      if (err instanceof KafkaError) return fail(err.code, err.message);
      throw err;
    }
    return {
      name: t.name,
      // validate_only: a fresh id that names nothing, as Kafka's controller answers
      topicId: req.validateOnly ? Buffer.from(randomUUID().replace(/-/g, ''), 'hex') : info.id,
      errorCode: 0,
      errorMessage: null,
      numPartitions: info.partitions,
      replicationFactor: rf,
      configs: describeTopicConfigs(configs, broker.store.defaults).map((c) => ({
        name: c.name,
        value: c.value,
        readOnly: false,
        configSource: sourceNumber(c.source),
        isSensitive: false,
      })),
    };
  };
  const topics = [];
  for (const t of req.topics) {
    if (answered.has(t.name)) continue;
    answered.add(t.name);
    const result = createOne(t);
    topics.push(result);
    if (result.errorCode === 0 && !req.validateOnly) await yieldNow();
  }
  return { throttleTimeMs: 0, topics };
});
