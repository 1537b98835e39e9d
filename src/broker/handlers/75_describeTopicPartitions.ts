// DescribeTopicPartitions v0 (KIP-966), answered as Kafka's handler does: the asked-for topics
// (every topic when none is named) from the cursor's topic on, sorted by name, at most
// responsePartitionLimit partitions (Kafka caps it at max.request.partition.size.limit, 2000,
// and at least 1); when the limit cuts a topic, nextCursor names where to go on. Named topics
// that do not exist get UNKNOWN_TOPIC_OR_PARTITION (INVALID_TOPIC_EXCEPTION for an invalid
// name). Each partition: this node leads, is the one replica and the ISR, epoch 0, empty
// eligible-leader lists (Kafka's for a healthy partition). With no authorizer every topic
// carries every topic operation. A cursor naming a topic outside the list, or a negative
// partition, is INVALID_REQUEST for every named topic (Kafka's error response).
import { isInternalTopic } from '../../protocol/consumerOffsets.js';
import { DescribeTopicPartitions } from '../../protocol/apis/describeTopicPartitions.js';
import { code } from '../../protocol/errors.js';
import type { Resp } from '../../protocol/schema.js';
import { validateTopicName } from '../log/names.js';
import { TOPIC_OPERATIONS } from './authorizedOperations.js';
import { partitionState } from './03_metadata.js';
import { handler } from './types.js';

type Topic = NonNullable<Resp<typeof DescribeTopicPartitions>['topics']>[number];

/** Kafka's max.request.partition.size.limit default. */
const MAX_PARTITIONS_PER_RESPONSE = 2000;
const ZERO_ID = Buffer.alloc(16);

export default handler(DescribeTopicPartitions, (req, ctx) => {
  const { broker } = ctx;
  const all = req.topics.length === 0;
  const cursorTopic = req.cursor?.topicName ?? '';
  const names = new Set<string>();
  for (const name of all ? broker.store.listTopics().map((t) => t.name) : req.topics.map((t) => t.name)) {
    if (name >= cursorTopic) names.add(name);
  }
  const invalid = (req.cursor && !all && !names.has(req.cursor.topicName)) || (req.cursor && req.cursor.partitionIndex < 0);
  if (invalid) {
    return { throttleTimeMs: 0, topics: req.topics.map((t) => ({ name: t.name, errorCode: code('INVALID_REQUEST'), isInternal: false, partitions: [] })) };
  }
  let remaining = Math.max(Math.min(MAX_PARTITIONS_PER_RESPONSE, req.responsePartitionLimit), 1);
  const topics: Topic[] = [];
  let nextCursor: { topicName: string; partitionIndex: number } | null = null;
  for (const name of [...names].sort()) {
    if (remaining === 0) {
      nextCursor = { topicName: name, partitionIndex: 0 };
      break;
    }
    const t = broker.store.getTopic(name);
    if (!t) {
      if (!all) {
        const errorCode = code(validateTopicName(name) ? 'INVALID_TOPIC_EXCEPTION' : 'UNKNOWN_TOPIC_OR_PARTITION');
        topics.push({ errorCode, name, topicId: ZERO_ID, isInternal: isInternalTopic(name), partitions: [], topicAuthorizedOperations: TOPIC_OPERATIONS });
      }
      continue;
    }
    const start = name === cursorTopic && req.cursor ? req.cursor.partitionIndex : 0;
    const upper = Math.min(t.partitions, start + remaining);
    const partitions = [];
    for (let p = start; p < upper; p++) partitions.push({ ...partitionState(broker, name, p), eligibleLeaderReplicas: [], lastKnownElr: [] });
    topics.push({ errorCode: 0, name, topicId: t.id, isInternal: isInternalTopic(name), partitions, topicAuthorizedOperations: TOPIC_OPERATIONS });
    if (upper < t.partitions) {
      nextCursor = { topicName: name, partitionIndex: upper };
      break;
    }
    remaining -= partitions.length;
  }
  return { throttleTimeMs: 0, topics, nextCursor };
});
