// AlterPartitionReassignments v0-1, answered as Kafka's controller answers on one node. The
// only valid assignment of a partition is this node alone, which is already its assignment:
// no change, no reassignment. Per partition, in request order:
//   unknown topic / partition      UNKNOWN_TOPIC_OR_PARTITION, the controller's messages
//   replicas null (cancel)         NO_REASSIGNMENT_IN_PROGRESS (none ever is), no message
//   an empty list, another broker, a broker twice
//                                  INVALID_REPLICA_ASSIGNMENT, the controller's messages
//   [this node]                    NONE
// The brokers are checked first, as Kafka checks them, so with one node v1's
// allowReplicationFactorChange false never refuses (the only valid list keeps one replica);
// v1 echoes it, as Kafka does.
import { AlterPartitionReassignments } from '../../protocol/apis/alterPartitionReassignments.js';
import { code } from '../../protocol/errors.js';
import { handler } from './types.js';

export default handler(AlterPartitionReassignments, (req, ctx) => {
  const { broker } = ctx;
  const check = (topicName: string, partition: number, replicas: number[] | null): [number, string | null] => {
    const topic = broker.store.getTopic(topicName);
    if (!topic) return [code('UNKNOWN_TOPIC_OR_PARTITION'), `Unable to find a topic named ${topicName}.`];
    if (partition < 0 || partition >= topic.partitions) return [code('UNKNOWN_TOPIC_OR_PARTITION'), `Unable to find partition ${topicName}:${partition}.`];
    // Kafka's ApiError.fromThrowable drops a message that is the error's generic one
    if (replicas === null) return [code('NO_REASSIGNMENT_IN_PROGRESS'), null];
    const invalid = code('INVALID_REPLICA_ASSIGNMENT');
    if (replicas.length === 0) return [invalid, 'The manual partition assignment includes an empty replica list.'];
    const sorted = [...replicas].sort((a, b) => a - b);
    for (let i = 0; i < sorted.length; i++) {
      if (sorted[i] !== broker.nodeId) return [invalid, `The manual partition assignment includes broker ${sorted[i]}, but no such broker is registered.`];
      if (i > 0 && sorted[i] === sorted[i - 1]) return [invalid, `The manual partition assignment includes the broker ${sorted[i]} more than once.`];
    }
    return [0, null];
  };
  return {
    throttleTimeMs: 0,
    allowReplicationFactorChange: req.allowReplicationFactorChange,
    errorCode: 0,
    errorMessage: null,
    responses: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        const [errorCode, errorMessage] = check(t.name, p.partitionIndex, p.replicas);
        return { partitionIndex: p.partitionIndex, errorCode, errorMessage };
      }),
    })),
  };
});
