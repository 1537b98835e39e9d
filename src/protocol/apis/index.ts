// Every API schema kt implements, by name and as one list (ordered by API key): the broker
// decodes and encodes with them, and the client encodes the requests it sends itself. The
// broker routes and advertises (ApiVersions) from its handler table, broker/handlers/index.ts,
// which has one handler per schema listed here, in the same order.
import type { ApiSchema } from '../schema.js';
import { AddOffsetsToTxn } from './addOffsetsToTxn.js';
import { AddPartitionsToTxn } from './addPartitionsToTxn.js';
import { AlterClientQuotas } from './alterClientQuotas.js';
import { AlterConfigs } from './alterConfigs.js';
import { AlterPartitionReassignments } from './alterPartitionReassignments.js';
import { AlterUserScramCredentials } from './alterUserScramCredentials.js';
import { ApiVersions } from './apiVersions.js';
import { ConsumerGroupDescribe } from './consumerGroupDescribe.js';
import { ConsumerGroupHeartbeat } from './consumerGroupHeartbeat.js';
import { CreateAcls } from './createAcls.js';
import { CreatePartitions } from './createPartitions.js';
import { CreateTopics } from './createTopics.js';
import { DeleteAcls } from './deleteAcls.js';
import { DeleteGroups } from './deleteGroups.js';
import { DeleteRecords } from './deleteRecords.js';
import { DeleteTopics } from './deleteTopics.js';
import { DescribeAcls } from './describeAcls.js';
import { DescribeClientQuotas } from './describeClientQuotas.js';
import { DescribeCluster } from './describeCluster.js';
import { DescribeConfigs } from './describeConfigs.js';
import { DescribeGroups } from './describeGroups.js';
import { DescribeLogDirs } from './describeLogDirs.js';
import { DescribeProducers } from './describeProducers.js';
import { DescribeTopicPartitions } from './describeTopicPartitions.js';
import { DescribeTransactions } from './describeTransactions.js';
import { DescribeUserScramCredentials } from './describeUserScramCredentials.js';
import { ElectLeaders } from './electLeaders.js';
import { EndTxn } from './endTxn.js';
import { Fetch } from './fetch.js';
import { FindCoordinator } from './findCoordinator.js';
import { Heartbeat } from './heartbeat.js';
import { IncrementalAlterConfigs } from './incrementalAlterConfigs.js';
import { InitProducerId } from './initProducerId.js';
import { JoinGroup } from './joinGroup.js';
import { LeaveGroup } from './leaveGroup.js';
import { ListGroups } from './listGroups.js';
import { ListOffsets } from './listOffsets.js';
import { ListPartitionReassignments } from './listPartitionReassignments.js';
import { ListTransactions } from './listTransactions.js';
import { Metadata } from './metadata.js';
import { OffsetCommit } from './offsetCommit.js';
import { OffsetDelete } from './offsetDelete.js';
import { OffsetFetch } from './offsetFetch.js';
import { OffsetForLeaderEpoch } from './offsetForLeaderEpoch.js';
import { Produce } from './produce.js';
import { SaslAuthenticate } from './saslAuthenticate.js';
import { SaslHandshake } from './saslHandshake.js';
import { SyncGroup } from './syncGroup.js';
import { TxnOffsetCommit } from './txnOffsetCommit.js';

export {
  AddOffsetsToTxn,
  AddPartitionsToTxn,
  AlterClientQuotas,
  AlterConfigs,
  AlterPartitionReassignments,
  AlterUserScramCredentials,
  ApiVersions,
  ConsumerGroupDescribe,
  ConsumerGroupHeartbeat,
  CreateAcls,
  CreatePartitions,
  CreateTopics,
  DeleteAcls,
  DeleteGroups,
  DeleteRecords,
  DeleteTopics,
  DescribeAcls,
  DescribeClientQuotas,
  DescribeCluster,
  DescribeConfigs,
  DescribeGroups,
  DescribeLogDirs,
  DescribeProducers,
  DescribeTopicPartitions,
  DescribeTransactions,
  DescribeUserScramCredentials,
  ElectLeaders,
  EndTxn,
  Fetch,
  FindCoordinator,
  Heartbeat,
  IncrementalAlterConfigs,
  InitProducerId,
  JoinGroup,
  LeaveGroup,
  ListGroups,
  ListOffsets,
  ListPartitionReassignments,
  ListTransactions,
  Metadata,
  OffsetCommit,
  OffsetDelete,
  OffsetFetch,
  OffsetForLeaderEpoch,
  Produce,
  SaslAuthenticate,
  SaslHandshake,
  SyncGroup,
  TxnOffsetCommit,
};
export {
  ConsumerProtocolAssignment,
  ConsumerProtocolSubscription,
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
} from './consumerProtocol.js';
export type { Assignment, Subscription, TopicPartitions } from './consumerProtocol.js';

export const ALL_APIS: readonly ApiSchema[] = [
  Produce,
  Fetch,
  ListOffsets,
  Metadata,
  OffsetCommit,
  OffsetFetch,
  FindCoordinator,
  JoinGroup,
  Heartbeat,
  LeaveGroup,
  SyncGroup,
  DescribeGroups,
  ListGroups,
  SaslHandshake,
  ApiVersions,
  CreateTopics,
  DeleteTopics,
  DeleteRecords,
  InitProducerId,
  OffsetForLeaderEpoch,
  AddPartitionsToTxn,
  AddOffsetsToTxn,
  EndTxn,
  TxnOffsetCommit,
  DescribeAcls,
  CreateAcls,
  DeleteAcls,
  DescribeConfigs,
  AlterConfigs,
  DescribeLogDirs,
  SaslAuthenticate,
  CreatePartitions,
  DeleteGroups,
  ElectLeaders,
  IncrementalAlterConfigs,
  AlterPartitionReassignments,
  ListPartitionReassignments,
  OffsetDelete,
  DescribeClientQuotas,
  AlterClientQuotas,
  DescribeUserScramCredentials,
  AlterUserScramCredentials,
  DescribeCluster,
  DescribeProducers,
  DescribeTransactions,
  ListTransactions,
  ConsumerGroupHeartbeat,
  ConsumerGroupDescribe,
  DescribeTopicPartitions,
];

/** Schemas by API key. */
export const API_BY_KEY: ReadonlyMap<number, ApiSchema> = new Map(ALL_APIS.map((a) => [a.key, a]));
