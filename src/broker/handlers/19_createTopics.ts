// CreateTopics v0-7 (v5+ flexible and returns the topic's partitions, replication factor
// and configs). -1 partitions / replication factor mean the broker defaults (kafkajs sends
// -1 even on v0). One node: a replication factor above 1 fails with Kafka's
// INVALID_REPLICATION_FACTOR and message. validate_only (v1+) checks without creating.
import { describeTopicConfigs, validateTopicConfigs } from '../log/config.js';
import { validateTopicName } from '../log/names.js';
import { CreateTopics } from '../protocol/apis/createTopics.js';
import { code } from '../protocol/errors.js';
import { sourceNumber } from './configs.js';
import { handler } from './types.js';

const BROKERS = 1;

export default handler(CreateTopics, (req, ctx) => {
  const { broker } = ctx;
  const seen = new Set<string>();
  const topics = req.topics.map((t) => {
    const fail = (name: string, message: string) => ({ name: t.name, errorCode: code(name), errorMessage: message, numPartitions: -1, replicationFactor: -1, configs: null });
    if (seen.has(t.name)) return fail('INVALID_REQUEST', `Create topics request from client contains multiple topic entries with the name ${t.name}.`);
    seen.add(t.name);
    const invalid = validateTopicName(t.name);
    if (invalid) return fail('INVALID_TOPIC_EXCEPTION', invalid);
    if (broker.store.getTopic(t.name)) return fail('TOPIC_ALREADY_EXISTS', `Topic '${t.name}' already exists.`);
    let partitions = t.numPartitions === -1 ? broker.config.numPartitions : t.numPartitions;
    const rf = t.replicationFactor === -1 ? 1 : t.replicationFactor;
    if (t.assignments.length > 0) {
      if (t.numPartitions !== -1 || t.replicationFactor !== -1) {
        return fail('INVALID_REQUEST', 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.');
      }
      partitions = t.assignments.length;
      const bad = t.assignments.find((a) => a.brokerIds.some((id) => id !== broker.nodeId));
      if (bad) return fail('INVALID_REPLICA_ASSIGNMENT', `Unknown broker in the replica assignment of partition ${bad.partitionIndex}; the only broker is ${broker.nodeId}.`);
    }
    if (partitions < 1) return fail('INVALID_PARTITIONS', 'Number of partitions must be larger than 0.');
    if (rf < 1) return fail('INVALID_REPLICATION_FACTOR', 'Replication factor must be larger than 0.');
    if (rf > BROKERS) {
      return fail('INVALID_REPLICATION_FACTOR', `Unable to replicate the partition ${rf} time(s): The target replication factor of ${rf} cannot be reached because only ${BROKERS} broker(s) are registered.`);
    }
    const configs: Record<string, string> = {};
    for (const c of t.configs) {
      if (c.value === null) continue;
      configs[c.name] = c.value;
    }
    const configError = validateTopicConfigs(configs);
    if (configError) return fail('INVALID_CONFIG', configError);
    const info = req.validateOnly ? null : broker.store.createTopic(t.name, partitions, configs);
    return {
      name: t.name,
      topicId: info?.id,
      errorCode: 0,
      errorMessage: null,
      numPartitions: partitions,
      replicationFactor: rf,
      configs: describeTopicConfigs(configs).map((c) => ({
        name: c.name,
        value: c.value,
        readOnly: false,
        configSource: sourceNumber(c.source),
        isSensitive: false,
      })),
    };
  });
  return { throttleTimeMs: 0, topics };
});
