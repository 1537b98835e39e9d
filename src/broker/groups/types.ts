// The coordinator's requests and results: decoded protocol fields, no wire details. Handlers
// decode into these and encode what comes back (null protocol names become "" for the
// versions where the field is not nullable).

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface GroupProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinGroupRequest {
  groupId: string;
  /** "" for a member joining for the first time. */
  memberId: string;
  /** Static membership (KIP-345, JoinGroup v5+). */
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  /** JoinGroup v0 has none: the handler passes the session timeout, as Kafka does. */
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: GroupProtocol[];
  clientId: string;
  clientHost: string;
  /** True for JoinGroup v4+: a new dynamic member first gets MEMBER_ID_REQUIRED. */
  requireKnownMemberId: boolean;
  reason?: string | null;
}

export interface JoinGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

export interface JoinGroupResult {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  memberId: string;
  /** Filled for the leader only. */
  members: JoinGroupMember[];
}

export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** SyncGroup v5+ sends these; null when absent. */
  protocolType: string | null;
  protocolName: string | null;
  /** Only the leader's are used. */
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface SyncGroupResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeavingMember {
  memberId: string;
  groupInstanceId: string | null;
  reason?: string | null;
}

export interface LeaveGroupRequest {
  groupId: string;
  members: LeavingMember[];
}

export interface LeaveGroupResult {
  /** LeaveGroup v0–2 have no member list: the handler answers with members[0].errorCode when this is 0. */
  errorCode: number;
  members: { memberId: string; groupInstanceId: string | null; errorCode: number }[];
}

export interface OffsetCommitPartition {
  partitionIndex: number;
  committedOffset: number;
  committedLeaderEpoch: number;
  committedMetadata: string | null;
}

export interface OffsetCommitRequest {
  groupId: string;
  /** -1 with memberId "" is a "simple" commit by a client outside group management. */
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  topics: { name: string; partitions: OffsetCommitPartition[] }[];
  /** The OffsetCommit version: v9+ answers GROUP_ID_NOT_FOUND for a member's commit to no group. */
  version?: number;
}

export interface OffsetCommitResult {
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

export interface OffsetFetchPartition {
  partitionIndex: number;
  /** -1 when nothing is committed. */
  committedOffset: number;
  committedLeaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}

export interface OffsetFetchResult {
  errorCode: number;
  topics: { name: string; partitions: OffsetFetchPartition[] }[];
}

export interface GroupOverview {
  groupId: string;
  protocolType: string;
  /** A classic group's state, or a consumer group's (Empty, Assigning, Reconciling, Stable). */
  groupState: GroupState | 'Assigning' | 'Reconciling';
  /** Kafka's group type (KIP-848): the protocol its members use. */
  groupType: 'classic' | 'consumer';
}

export interface GroupMemberDescription {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** Metadata of the chosen protocol; empty unless the group is Stable (as Kafka). */
  memberMetadata: Buffer;
  /** Empty unless the group is Stable. */
  memberAssignment: Buffer;
}

export interface GroupDescription {
  errorCode: number;
  /** DescribeGroups v6+: why the group could not be described (null otherwise). */
  errorMessage?: string | null;
  groupId: string;
  groupState: GroupState;
  protocolType: string;
  /** The chosen protocol (assignor) name; "" unless Stable. */
  protocolData: string;
  members: GroupMemberDescription[];
}

export interface OffsetDeleteResult {
  errorCode: number;
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

// ---- the consumer group protocol (KIP-848) ----

export interface TopicPartitionIds {
  topicId: Buffer;
  partitions: number[];
}

export interface ConsumerHeartbeatRequest {
  groupId: string;
  memberId: string;
  /** 0 joins, -1 leaves, -2 a static member pauses; otherwise the member's current epoch. */
  memberEpoch: number;
  instanceId: string | null;
  rackId: string | null;
  /** -1: unchanged since the previous heartbeat (as every null below). */
  rebalanceTimeoutMs: number;
  subscribedTopicNames: string[] | null;
  subscribedTopicRegex: string | null;
  serverAssignor: string | null;
  /** The partitions the member owns now. */
  topicPartitions: TopicPartitionIds[] | null;
  clientId: string;
  clientHost: string;
  /** The ConsumerGroupHeartbeat version: v1 requires the member id from the client. */
  version: number;
}

export interface ConsumerHeartbeatResult {
  errorCode: number;
  errorMessage: string | null;
  memberId: string | null;
  memberEpoch: number;
  heartbeatIntervalMs: number;
  /** The partitions the member may use, when they changed (or on a full request). */
  assignment: { topicPartitions: TopicPartitionIds[] } | null;
}

export interface ConsumerGroupAssignmentDescription {
  topicPartitions: { topicId: Buffer; topicName: string; partitions: number[] }[];
}

export interface ConsumerGroupDescription {
  errorCode: number;
  errorMessage: string | null;
  groupId: string;
  groupState: string;
  groupEpoch: number;
  assignmentEpoch: number;
  assignorName: string;
  members: {
    memberId: string;
    instanceId: string | null;
    rackId: string | null;
    memberEpoch: number;
    clientId: string;
    clientHost: string;
    subscribedTopicNames: string[];
    subscribedTopicRegex: string | null;
    assignment: ConsumerGroupAssignmentDescription;
    targetAssignment: ConsumerGroupAssignmentDescription;
    memberType: number;
  }[];
}
