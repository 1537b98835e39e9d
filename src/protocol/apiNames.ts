// Kafka's API names by key (org.apache.kafka.common.protocol.ApiKeys), as the Apache tools
// print them: every API, not only those kt implements (apis/index.ts).


export const API_NAMES: readonly string[] = [
  'Produce', 'Fetch', 'ListOffsets', 'Metadata', 'LeaderAndIsr', 'StopReplica', 'UpdateMetadata',
  'ControlledShutdown', 'OffsetCommit', 'OffsetFetch', 'FindCoordinator', 'JoinGroup', 'Heartbeat',
  'LeaveGroup', 'SyncGroup', 'DescribeGroups', 'ListGroups', 'SaslHandshake', 'ApiVersions',
  'CreateTopics', 'DeleteTopics', 'DeleteRecords', 'InitProducerId', 'OffsetForLeaderEpoch',
  'AddPartitionsToTxn', 'AddOffsetsToTxn', 'EndTxn', 'WriteTxnMarkers', 'TxnOffsetCommit',
  'DescribeAcls', 'CreateAcls', 'DeleteAcls', 'DescribeConfigs', 'AlterConfigs',
  'AlterReplicaLogDirs', 'DescribeLogDirs', 'SaslAuthenticate', 'CreatePartitions',
  'CreateDelegationToken', 'RenewDelegationToken', 'ExpireDelegationToken',
  'DescribeDelegationToken', 'DeleteGroups', 'ElectLeaders', 'IncrementalAlterConfigs',
  'AlterPartitionReassignments', 'ListPartitionReassignments', 'OffsetDelete',
  'DescribeClientQuotas', 'AlterClientQuotas', 'DescribeUserScramCredentials',
  'AlterUserScramCredentials', 'Vote', 'BeginQuorumEpoch', 'EndQuorumEpoch', 'DescribeQuorum',
  'AlterPartition', 'UpdateFeatures', 'Envelope', 'FetchSnapshot', 'DescribeCluster',
  'DescribeProducers', 'BrokerRegistration', 'BrokerHeartbeat', 'UnregisterBroker',
  'DescribeTransactions', 'ListTransactions', 'AllocateProducerIds', 'ConsumerGroupHeartbeat',
  'ConsumerGroupDescribe', 'ControllerRegistration', 'GetTelemetrySubscriptions', 'PushTelemetry',
  'AssignReplicasToDirs', 'ListClientMetricsResources', 'DescribeTopicPartitions',
  'ShareGroupHeartbeat', 'ShareGroupDescribe', 'ShareFetch', 'ShareAcknowledge', 'AddRaftVoter',
  'RemoveRaftVoter', 'UpdateRaftVoter', 'InitializeShareGroupState', 'ReadShareGroupState',
  'WriteShareGroupState', 'DeleteShareGroupState', 'ReadShareGroupStateSummary',
  'StreamsGroupHeartbeat', 'StreamsGroupDescribe', 'DescribeShareGroupOffsets',
  'AlterShareGroupOffsets', 'DeleteShareGroupOffsets',
];

export function apiName(key: number): string {
  return API_NAMES[key] ?? `UNKNOWN(${key})`;
}
