// Metadata v0-9: the single broker, and every requested topic with its partitions led by
// this node. v0 asks for all topics with an empty list, v1+ with null. Unknown topics are
// auto-created (allowAutoTopicCreation, implicit before v4) when the broker allows it;
// a just-created topic is returned ready, with no LEADER_NOT_AVAILABLE round trip. A topic
// that cannot be created (a storage error) gets that error in its entry. A partition offline
// after a storage error lists this node in its offline replicas.
import type { Broker } from '../broker.js';
import type { TopicInfo } from '../log/types.js';
import { validateTopicName } from '../log/names.js';
import { Metadata } from '../protocol/apis/metadata.js';
import { code, KafkaError } from '../protocol/errors.js';
import type { Resp } from '../protocol/schema.js';
import { handler } from './types.js';

type TopicMetadata = NonNullable<Resp<typeof Metadata>['topics']>[number];

export function describeTopic(broker: Broker, t: TopicInfo): TopicMetadata {
  const node = broker.nodeId;
  const partitions = [];
  for (let p = 0; p < t.partitions; p++) {
    partitions.push({
      errorCode: 0,
      partitionIndex: p,
      leaderId: node,
      leaderEpoch: 0,
      replicaNodes: [node],
      isrNodes: [node],
      offlineReplicas: broker.store.partition(t.name, p)?.offline ? [node] : [],
    });
  }
  return { errorCode: 0, name: t.name, topicId: t.id, isInternal: false, partitions };
}

export default handler(Metadata, (req, ctx) => {
  const { broker, version } = ctx;
  const all = req.topics === null || (version === 0 && req.topics.length === 0);
  const autoCreate = req.allowAutoTopicCreation;
  let topics: TopicMetadata[];
  if (all) {
    topics = broker.store.listTopics().map((t) => describeTopic(broker, t));
  } else {
    topics = (req.topics ?? []).map(({ name }) => {
      const topicName = name ?? '';
      const invalid = validateTopicName(topicName);
      let t: TopicInfo | undefined;
      try {
        t = autoCreate && !invalid ? broker.autoCreateTopic(topicName) : broker.store.getTopic(topicName);
      } catch (err) {
        if (!(err instanceof KafkaError)) throw err;
        return { errorCode: err.code, name: topicName, partitions: [] };
      }
      if (t) return describeTopic(broker, t);
      return {
        errorCode: code(invalid ? 'INVALID_TOPIC_EXCEPTION' : 'UNKNOWN_TOPIC_OR_PARTITION'),
        name: topicName,
        partitions: [],
      };
    });
  }
  return {
    throttleTimeMs: 0,
    brokers: [{ nodeId: broker.nodeId, host: broker.config.advertisedHost, port: broker.port, rack: null }],
    clusterId: broker.store.clusterId,
    controllerId: broker.nodeId,
    topics,
  };
});
