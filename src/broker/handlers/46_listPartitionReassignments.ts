// ListPartitionReassignments v0: no partition of a single node is ever being reassigned
// (AlterPartitionReassignments changes nothing), so the answer lists no topic, for every
// topic (null) and for named ones alike, as Kafka's controller lists only partitions with a
// reassignment in progress.
import { ListPartitionReassignments } from '../../protocol/apis/listPartitionReassignments.js';
import { handler } from './types.js';

export default handler(ListPartitionReassignments, () => ({ throttleTimeMs: 0, errorCode: 0, errorMessage: null, topics: [] }));
