// Metadata v0-9: the single broker, and every requested topic with its partitions led by
// this node. v0 asks for all topics with an empty list, v1+ with null. A name asked for twice
// is answered once, as Kafka does. Unknown topics are auto-created (allowAutoTopicCreation,
// implicit before v4) when the broker allows it; a just-created topic is returned ready, with
// no LEADER_NOT_AVAILABLE round trip. One request creates at most autoCreateTopicsPerRequest
// topics: the others get LEADER_NOT_AVAILABLE (Kafka's answer while it creates a topic), and
// the client's next Metadata request creates the next ones. A topic that cannot be created
// (a colliding name, no file descriptors left) gets its error. Long lists are handled in time
// slices (scheduler.ts), so other connections are served meanwhile. A partition offline after
// a storage error lists this node in its offline replicas.
import type { Broker } from '../broker.js';
import type { TopicInfo } from '../log/types.js';
import { validateTopicName } from '../log/names.js';
import { Metadata } from '../protocol/apis/metadata.js';
import { code, KafkaError } from '../protocol/errors.js';
import type { Resp } from '../protocol/schema.js';
import { yieldNow, yieldSlice } from '../scheduler.js';
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

export default handler(Metadata, async (req, ctx) => {
  const { broker, version } = ctx;
  const all = req.topics === null || (version === 0 && req.topics.length === 0);
  const topics: TopicMetadata[] = [];
  if (all) {
    for (const t of broker.store.listTopics()) {
      topics.push(describeTopic(broker, t));
      await yieldSlice();
    }
  } else {
    const autoCreate = req.allowAutoTopicCreation && broker.config.autoCreateTopics;
    const limit = broker.config.autoCreateTopicsPerRequest;
    let created = 0;
    let deferred = 0;
    // each name once, in request order (Kafka takes the request's topics as a set)
    for (const name of new Set((req.topics ?? []).map((t) => t.name ?? ''))) {
      const fail = (errorCode: number): TopicMetadata => ({ errorCode, name, partitions: [] });
      let t = broker.store.getTopic(name);
      const invalid = t ? null : validateTopicName(name);
      if (!t && !invalid && autoCreate) {
        if (created >= limit) {
          deferred++;
          topics.push(fail(code('LEADER_NOT_AVAILABLE')));
          continue;
        }
        try {
          t = broker.autoCreateTopic(name);
        } catch (err) {
          // a name colliding with another, EMFILE: this topic's error, not the connection's
          if (!(err instanceof KafkaError)) throw err;
          topics.push(fail(err.code));
          continue;
        }
        created++;
        await yieldNow(); // creating touches the disk: give the other connections a turn
      }
      topics.push(t ? describeTopic(broker, t) : fail(code(invalid ? 'INVALID_TOPIC_EXCEPTION' : 'UNKNOWN_TOPIC_OR_PARTITION')));
      await yieldSlice();
    }
    if (deferred > 0) {
      broker.log(`Metadata from client ${ctx.clientId} asks for ${created + deferred} new topics: auto-created ${created} (autoCreateTopicsPerRequest), ${deferred} more answered LEADER_NOT_AVAILABLE`);
    }
  }
  return {
    throttleTimeMs: 0,
    brokers: [{ nodeId: broker.nodeId, host: broker.config.advertisedHost, port: broker.port, rack: null }],
    clusterId: broker.store.clusterId,
    controllerId: broker.nodeId,
    topics,
  };
});
