// Metadata v0-13: the single broker, and every requested topic with its partitions led by
// this node, with its topic id from v10. v0 asks for all topics with an empty list, v1+ with
// null. v12+ may ask by topic id: then the names are ignored, an unknown id is answered
// UNKNOWN_TOPIC_ID with a null name (first, as Kafka lists them) and nothing is created; before
// v12 a null name or a topic id makes the request invalid (INVALID_REQUEST for each topic, and
// at the top level from v13). A name asked for twice is answered once, as Kafka does.
// Authorized operations (v8+), when asked: with no authorizer every operation the resource
// type supports, as Kafka answers. Unknown topics are auto-created (allowAutoTopicCreation,
// implicit before v4) when the broker allows it; a just-created topic is returned ready, with
// no LEADER_NOT_AVAILABLE round trip. One request creates at most autoCreateTopicsPerRequest
// topics: the others get LEADER_NOT_AVAILABLE (Kafka's answer while it creates a topic), and
// the client's next Metadata request creates the next ones. A topic that cannot be created
// (a colliding name, no file descriptors left) gets its error. Long lists are handled in time
// slices (scheduler.ts), so other connections are served meanwhile. __consumer_offsets is
// listed with isInternal; asked for by name with auto-creation on, it is created as the
// internal topic (offsets.topic.num.partitions, compacted), never as an ordinary one. A partition offline after
// a storage error lists this node in its offline replicas.
import type { Broker } from '../broker.js';
import type { TopicInfo } from '../log/types.js';
import { validateTopicName } from '../log/names.js';
import { isInternalTopic } from '../../protocol/consumerOffsets.js';
import { Metadata } from '../../protocol/apis/metadata.js';
import { code, KafkaError } from '../../protocol/errors.js';
import type { Req, Resp } from '../../protocol/schema.js';
import { yieldNow, yieldSlice } from '../scheduler.js';
import { CLUSTER_OPERATIONS, TOPIC_OPERATIONS } from './authorizedOperations.js';
import { handler } from './types.js';

type TopicMetadata = NonNullable<Resp<typeof Metadata>['topics']>[number];

const ZERO_ID = Buffer.alloc(16);

/** Before v12 a topic must be named, and never by id (Kafka: InvalidRequestException). */
function invalidBefore12(req: Req<typeof Metadata>, version: number): boolean {
  return version < 12 && (req.topics ?? []).some((t) => t.name === null || !t.topicId.equals(ZERO_ID));
}

/** One partition as Metadata and DescribeTopicPartitions report it: this node leads, epoch 0. */
export function partitionState(broker: Broker, topic: string, p: number) {
  const node = broker.nodeId;
  return {
    errorCode: 0,
    partitionIndex: p,
    leaderId: node,
    leaderEpoch: 0,
    replicaNodes: [node],
    isrNodes: [node],
    offlineReplicas: broker.store.partition(topic, p)?.offline ? [node] : [],
  };
}

export function describeTopic(broker: Broker, t: TopicInfo): TopicMetadata {
  const partitions = [];
  for (let p = 0; p < t.partitions; p++) partitions.push(partitionState(broker, t.name, p));
  return { errorCode: 0, name: t.name, topicId: t.id, isInternal: isInternalTopic(t.name), partitions };
}

export default handler(Metadata, async (req, ctx) => {
  const { broker, version } = ctx;
  const all = req.topics === null || (version === 0 && req.topics.length === 0);
  const topics: TopicMetadata[] = [];
  const ids = (req.topics ?? []).map((t) => t.topicId).filter((id) => !id.equals(ZERO_ID));
  let errorCode = 0;
  if (invalidBefore12(req, version)) {
    errorCode = code('INVALID_REQUEST');
    for (const t of req.topics ?? []) topics.push({ errorCode, name: t.name ?? '', topicId: t.topicId, partitions: [] });
  } else if (all) {
    for (const t of broker.store.listTopics()) {
      topics.push(describeTopic(broker, t));
      await yieldSlice();
    }
  } else if (ids.length > 0) {
    // by id (v12+): each id once; unknown ones first, as Kafka lists them
    const unique = [...new Map(ids.map((id) => [id.toString('hex'), id])).values()];
    const known: TopicInfo[] = [];
    for (const id of unique) {
      const t = broker.store.getTopicById(id);
      if (t) known.push(t);
      else topics.push({ errorCode: code('UNKNOWN_TOPIC_ID'), name: null, topicId: id, partitions: [] });
    }
    for (const t of known) {
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
  // an invalid request gets Kafka's error response: no brokers, no cluster id, no controller
  if (errorCode !== 0) return { throttleTimeMs: 0, errorCode, brokers: [], clusterId: null, controllerId: -1, topics };
  if (req.includeTopicAuthorizedOperations) {
    for (const t of topics) if (t.errorCode !== code('UNKNOWN_TOPIC_ID')) t.topicAuthorizedOperations = TOPIC_OPERATIONS;
  }
  return {
    throttleTimeMs: 0,
    clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : undefined,
    brokers: [{ nodeId: broker.nodeId, host: broker.config.advertisedHost, port: broker.port, rack: null }],
    clusterId: broker.store.clusterId,
    controllerId: broker.nodeId,
    topics,
  };
});
