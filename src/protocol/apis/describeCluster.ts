// DescribeCluster (key 60). We implement 0-2; every version is flexible (so the request header
// is v2 and the response header v1). v1 adds endpointType (1 brokers, 2 controllers) to both
// sides; v2 the request's includeFencedBrokers and each broker's isFenced (KIP-1073). The Java admin client prefers it over Metadata for describeCluster when advertised.
import { defineApi, f } from '../schema.js';

export const DescribeCluster = defineApi({
  key: 60,
  name: 'DescribeCluster',
  min: 0,
  max: 2,
  flexible: 0,
  request: {
    includeClusterAuthorizedOperations: 'bool',
    endpointType: f('int8', { v: '1+', default: 1 }),
    includeFencedBrokers: f('bool', { v: '2+' }),
  },
  response: {
    throttleTimeMs: 'int32',
    errorCode: 'int16',
    errorMessage: 'string?',
    endpointType: f('int8', { v: '1+', default: 1 }),
    clusterId: 'string',
    controllerId: f('int32', { default: -1 }),
    brokers: [{ brokerId: 'int32', host: 'string', port: 'int32', rack: 'string?', isFenced: f('bool', { v: '2+' }) }],
    clusterAuthorizedOperations: f('int32', { default: -2147483648 }),
  },
});
