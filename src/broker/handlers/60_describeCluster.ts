// DescribeCluster v0-2 (always flexible): the one broker, which is also the controller. The
// Java admin client uses it for describeCluster when it is advertised. v1 asks for brokers
// (endpoint type 1) or controllers (2): both are this node. v2 may ask for fenced brokers too
// (KIP-1073) and reports isFenced per broker: this node is never fenced. Authorized operations,
// when asked: with no authorizer every operation the cluster supports, as Kafka answers.
import { DescribeCluster } from '../../protocol/apis/describeCluster.js';
import { code } from '../../protocol/errors.js';
import { CLUSTER_OPERATIONS } from './authorizedOperations.js';
import { handler } from './types.js';

const BROKERS = 1;
const CONTROLLERS = 2;

export default handler(DescribeCluster, (req, ctx) => {
  const { broker } = ctx;
  if (req.endpointType !== BROKERS && req.endpointType !== CONTROLLERS) {
    return { throttleTimeMs: 0, errorCode: code('UNSUPPORTED_ENDPOINT_TYPE'), errorMessage: `unknown endpoint type ${req.endpointType}`, endpointType: req.endpointType, clusterId: broker.store.clusterId, brokers: [] };
  }
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    errorMessage: null,
    endpointType: req.endpointType,
    clusterId: broker.store.clusterId,
    controllerId: broker.nodeId,
    brokers: [{ brokerId: broker.nodeId, host: broker.config.advertisedHost, port: broker.port, rack: null, isFenced: false }],
    // with no authorizer, every operation the cluster supports (as Kafka answers)
    clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : undefined,
  };
});
