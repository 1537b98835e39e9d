// What the authorized-operations fields answer (Metadata, DescribeCluster, DescribeGroups):
// with no authorizer, every operation the resource type supports, as Kafka answers. The
// values are Kafka's AclOperation codes, as bits.

const READ = 3;
const WRITE = 4;
const CREATE = 5;
const DELETE = 6;
const ALTER = 7;
const DESCRIBE = 8;
const CLUSTER_ACTION = 9;
const DESCRIBE_CONFIGS = 10;
const ALTER_CONFIGS = 11;
const IDEMPOTENT_WRITE = 12;
const bits = (ops: number[]): number => ops.reduce((n, op) => n | (1 << op), 0);

/** Every operation a topic supports (Kafka's AclEntry.supportedOperations(TOPIC)). */
export const TOPIC_OPERATIONS = bits([READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS]);
/** Every operation the cluster supports (Kafka's AclEntry.supportedOperations(CLUSTER)). */
export const CLUSTER_OPERATIONS = bits([CREATE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE, ALTER, DESCRIBE]);
/** Every operation a group supports (Kafka's AclEntry.supportedOperations(GROUP); group configs since 3.8). */
export const GROUP_OPERATIONS = bits([READ, DELETE, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS]);
