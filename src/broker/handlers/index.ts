// The dispatch table: one handler per schema of protocol/apis ALL_APIS, in its order.
// Requests are routed by it and ApiVersions advertises exactly these handlers and versions.
import produce from './00_produce.js';
import fetch from './01_fetch.js';
import listOffsets from './02_listOffsets.js';
import metadata from './03_metadata.js';
import offsetCommit from './08_offsetCommit.js';
import offsetFetch from './09_offsetFetch.js';
import findCoordinator from './10_findCoordinator.js';
import joinGroup from './11_joinGroup.js';
import heartbeat from './12_heartbeat.js';
import leaveGroup from './13_leaveGroup.js';
import syncGroup from './14_syncGroup.js';
import describeGroups from './15_describeGroups.js';
import listGroups from './16_listGroups.js';
import saslHandshake from './17_saslHandshake.js';
import apiVersions from './18_apiVersions.js';
import createTopics from './19_createTopics.js';
import deleteTopics from './20_deleteTopics.js';
import deleteRecords from './21_deleteRecords.js';
import initProducerId from './22_initProducerId.js';
import offsetForLeaderEpoch from './23_offsetForLeaderEpoch.js';
import addPartitionsToTxn from './24_addPartitionsToTxn.js';
import addOffsetsToTxn from './25_addOffsetsToTxn.js';
import endTxn from './26_endTxn.js';
import txnOffsetCommit from './28_txnOffsetCommit.js';
import describeAcls from './29_describeAcls.js';
import createAcls from './30_createAcls.js';
import deleteAcls from './31_deleteAcls.js';
import describeConfigs from './32_describeConfigs.js';
import alterConfigs from './33_alterConfigs.js';
import describeLogDirs from './35_describeLogDirs.js';
import saslAuthenticate from './36_saslAuthenticate.js';
import createPartitions from './37_createPartitions.js';
import deleteGroups from './42_deleteGroups.js';
import electLeaders from './43_electLeaders.js';
import incrementalAlterConfigs from './44_incrementalAlterConfigs.js';
import alterPartitionReassignments from './45_alterPartitionReassignments.js';
import listPartitionReassignments from './46_listPartitionReassignments.js';
import offsetDelete from './47_offsetDelete.js';
import describeClientQuotas from './48_describeClientQuotas.js';
import alterClientQuotas from './49_alterClientQuotas.js';
import describeUserScramCredentials from './50_describeUserScramCredentials.js';
import alterUserScramCredentials from './51_alterUserScramCredentials.js';
import describeCluster from './60_describeCluster.js';
import describeProducers from './61_describeProducers.js';
import describeTransactions from './65_describeTransactions.js';
import listTransactions from './66_listTransactions.js';
import consumerGroupHeartbeat from './68_consumerGroupHeartbeat.js';
import consumerGroupDescribe from './69_consumerGroupDescribe.js';
import describeTopicPartitions from './75_describeTopicPartitions.js';
import type { Handler } from './types.js';

export const HANDLERS = [
  produce,
  fetch,
  listOffsets,
  metadata,
  offsetCommit,
  offsetFetch,
  findCoordinator,
  joinGroup,
  heartbeat,
  leaveGroup,
  syncGroup,
  describeGroups,
  listGroups,
  saslHandshake,
  apiVersions,
  createTopics,
  deleteTopics,
  deleteRecords,
  initProducerId,
  offsetForLeaderEpoch,
  addPartitionsToTxn,
  addOffsetsToTxn,
  endTxn,
  txnOffsetCommit,
  describeAcls,
  createAcls,
  deleteAcls,
  describeConfigs,
  alterConfigs,
  describeLogDirs,
  saslAuthenticate,
  createPartitions,
  deleteGroups,
  electLeaders,
  incrementalAlterConfigs,
  alterPartitionReassignments,
  listPartitionReassignments,
  offsetDelete,
  describeClientQuotas,
  alterClientQuotas,
  describeUserScramCredentials,
  alterUserScramCredentials,
  describeCluster,
  describeProducers,
  describeTransactions,
  listTransactions,
  consumerGroupHeartbeat,
  consumerGroupDescribe,
  describeTopicPartitions,
] as unknown as Handler[];
