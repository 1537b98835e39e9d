// ElectLeaders v0-2, answered as Kafka's controller answers on one node: every partition's
// leader is its preferred replica and alive, so a preferred (0) or unclean (1) election is
// never needed: ELECTION_NOT_NEEDED per named partition with Kafka's message. Unknown topics
// and partitions get UNKNOWN_TOPIC_OR_PARTITION with the controller's messages. With
// topicPartitions null (every partition) Kafka lists each topic with no partition results
// (partitions that already have their leader are left out). Another election type is
// INVALID_REQUEST, top level and per named partition.
import { ElectLeaders } from '../../protocol/apis/electLeaders.js';
import { code, ERRORS } from '../../protocol/errors.js';
import { handler } from './types.js';

const PREFERRED = 0;
const UNCLEAN = 1;

export default handler(ElectLeaders, (req, ctx) => {
  const { store } = ctx.broker;
  if (req.electionType !== PREFERRED && req.electionType !== UNCLEAN) {
    const errorCode = code('INVALID_REQUEST');
    const errorMessage = `Unknown election type ${req.electionType}`;
    return {
      throttleTimeMs: 0,
      errorCode,
      replicaElectionResults: (req.topicPartitions ?? []).map((t) => ({
        topic: t.topic,
        partitionResult: t.partitions.map((partitionId) => ({ partitionId, errorCode, errorMessage })),
      })),
    };
  }
  if (req.topicPartitions === null) {
    return { throttleTimeMs: 0, errorCode: 0, replicaElectionResults: store.listTopics().map((t) => ({ topic: t.name, partitionResult: [] })) };
  }
  const notNeeded = code('ELECTION_NOT_NEEDED');
  const unknown = code('UNKNOWN_TOPIC_OR_PARTITION');
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    replicaElectionResults: req.topicPartitions.map((t) => {
      const topic = store.getTopic(t.topic);
      return {
        topic: t.topic,
        partitionResult: t.partitions.map((partitionId) => {
          if (!topic) return { partitionId, errorCode: unknown, errorMessage: `No such topic as ${t.topic}` };
          if (partitionId < 0 || partitionId >= topic.partitions) return { partitionId, errorCode: unknown, errorMessage: `No such partition as ${t.topic}-${partitionId}` };
          return { partitionId, errorCode: notNeeded, errorMessage: ERRORS.get(notNeeded)?.message ?? null };
        }),
      };
    }),
  };
});
