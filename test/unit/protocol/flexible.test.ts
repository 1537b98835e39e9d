// Flexible versions (KIP-482), byte by byte. Neither kafkajs nor kafka-python 2.0.2 sends
// them, so the expected bytes here are written by hand from Kafka's JSON message definitions:
// compact strings/bytes/arrays carry uvarint(length + 1) (0 = null), and every struct ends
// with a tagged-field section (uvarint count, then uvarint tag, uvarint size, value).
// Plus librdkafka's real ApiVersions v3 request, captured from kcat.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as A from '../../../src/protocol/apis/index.js';
import { Reader } from '../../../src/protocol/bytes.js';
import { readRequestHeader, readRequestHeaderTags } from '../../../src/protocol/header.js';
import type { ApiSchema } from '../../../src/protocol/schema.js';
import { type Obj, decodeRequest, decodeResponse, encodeRequest, encodeResponse, fixture, hex } from './helpers.js';
import { like } from './kafkajs-common.js';

/** Hex of a string's UTF-8 bytes (lengths are written by hand next to it). */
const t = (s: string) => Buffer.from(s, 'utf8').toString('hex');

function both(kind: 'request' | 'response', api: ApiSchema, v: number, bytesHex: string, value: Obj, expected: Obj = value) {
  const bytes = hex(bytesHex);
  const decoded = kind === 'request' ? decodeRequest(api, v, bytes) : decodeResponse(api, v, bytes);
  like(decoded, value);
  if (expected !== value) like(decoded, expected);
  const encoded = kind === 'request' ? encodeRequest(api, v, value) : encodeResponse(api, v, value);
  assert.equal(encoded.toString('hex'), hex(bytesHex).toString('hex'));
}

describe('ApiVersions v3', () => {
  test('request: two compact strings and an empty tag section', () => {
    both('request', A.ApiVersions, 3, `03 ${t('kt')} 04 ${t('1.0')} 00`, { clientSoftwareName: 'kt', clientSoftwareVersion: '1.0' });
  });

  const apiKeys = `03  0012 0000 0003 00  0003 0000 0009 00`; // [18 0-3] [3 0-9], each with tags 00
  test('response without tagged fields', () => {
    both('response', A.ApiVersions, 3, `0000 ${apiKeys} 00000000 00`, {
      errorCode: 0,
      apiKeys: [
        { apiKey: 18, minVersion: 0, maxVersion: 3 },
        { apiKey: 3, minVersion: 0, maxVersion: 9 },
      ],
      throttleTimeMs: 0,
    }, { supportedFeatures: [], finalizedFeaturesEpoch: -1, finalizedFeatures: [], zkMigrationReady: false });
  });

  test('response with tagged fields 0, 1 and 3 (tag 2 at its default is omitted)', () => {
    const tags =
      `03` + // three tagged fields
      ` 00 17  02 11 ${t('metadata.version')} 0001 0014 00` + // tag 0 supportedFeatures, 23 bytes
      ` 01 08  0000000000000005` + // tag 1 finalizedFeaturesEpoch = 5
      ` 03 01  01`; // tag 3 zkMigrationReady = true
    both('response', A.ApiVersions, 3, `0000 ${apiKeys} 00000000 ${tags}`, {
      errorCode: 0,
      apiKeys: [
        { apiKey: 18, minVersion: 0, maxVersion: 3 },
        { apiKey: 3, minVersion: 0, maxVersion: 9 },
      ],
      throttleTimeMs: 0,
      supportedFeatures: [{ name: 'metadata.version', minVersion: 1, maxVersion: 20 }],
      finalizedFeaturesEpoch: 5,
      finalizedFeatures: [],
      zkMigrationReady: true,
    });
  });

  test('unknown tags are skipped, in the body and in nested structs', () => {
    const bytes = hex(`0000 02 0012 0000 0003 01 09 02 abcd 00000000 02 05 00 07 03 010203`);
    const d = decodeResponse(A.ApiVersions, 3, bytes);
    assert.deepEqual(d.apiKeys, [{ apiKey: 18, minVersion: 0, maxVersion: 3 }]);
    assert.equal(d.finalizedFeaturesEpoch, -1);
  });

  test("librdkafka 2.0.2's real ApiVersions v3 request (captured from kcat)", () => {
    const { frameHex } = fixture<{ frameHex: string }>('kcat-apiversions-v3.json');
    const frame = hex(frameHex);
    assert.equal(frame.readInt32BE(0), frame.length - 4);
    const r = new Reader(frame, 4);
    const h = readRequestHeader(r);
    assert.deepEqual(h, { apiKey: 18, apiVersion: 3, correlationId: 1, clientId: 'rdkafka' });
    readRequestHeaderTags(r); // header v2
    const body = decodeRequest(A.ApiVersions, 3, frame.subarray(r.pos));
    assert.deepEqual(body, { clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2', clusterId: null, nodeId: -1 });
  });
});

describe('Metadata v9', () => {
  test('request: one topic; and null = all topics', () => {
    both('request', A.Metadata, 9, `02 07 ${t('orders')} 00  01 00 01 00`, {
      topics: [{ name: 'orders' }],
      allowAutoTopicCreation: true,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: true,
    });
    both('request', A.Metadata, 9, `00 00 00 00 00`, {
      topics: null,
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
  });

  test('response', () => {
    const broker = `00000001 0a ${t('localhost')} 00002384 00 00`; // rack null, tags
    const partition = `0000 00000000 00000001 00000000 02 00000001 02 00000001 01 00`;
    const topic = `0000 07 ${t('orders')} 00 02 ${partition} 80000000 00`;
    both('response', A.Metadata, 9, `00000000 02 ${broker} 0b ${t('kt-cluster')} 00000001 02 ${topic} 80000000 00`, {
      throttleTimeMs: 0,
      brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: null }],
      clusterId: 'kt-cluster',
      controllerId: 1,
      topics: [
        {
          errorCode: 0,
          name: 'orders',
          isInternal: false,
          partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }],
          topicAuthorizedOperations: -2147483648,
        },
      ],
      clusterAuthorizedOperations: -2147483648,
    });
  });
});

describe('CreateTopics v5', () => {
  test('request', () => {
    const topic = `07 ${t('orders')} 00000003 0001  02 00000000 02 00000001 00  02 0f ${t('cleanup.policy')} 08 ${t('compact')} 00  00`;
    both('request', A.CreateTopics, 5, `02 ${topic} 00007530 00 00`, {
      topics: [
        {
          name: 'orders',
          numPartitions: 3,
          replicationFactor: 1,
          assignments: [{ partitionIndex: 0, brokerIds: [1] }],
          configs: [{ name: 'cleanup.policy', value: 'compact' }],
        },
      ],
      timeoutMs: 30000,
      validateOnly: false,
    });
  });

  test('response: configs, and the tagged topicConfigErrorCode', () => {
    const config = `0d ${t('retention.ms')} 00 00 05 00 00`; // value null, readOnly false, source 5, not sensitive
    const withConfigs = `07 ${t('orders')} 0000 00 00000003 0001 02 ${config} 00`;
    const withTag = `06 ${t('other')} 0000 00 ffffffff ffff 00 01 00 02 001d`; // configs null; tag 0 = 29
    both('response', A.CreateTopics, 5, `00000000 03 ${withConfigs} ${withTag} 00`, {
      throttleTimeMs: 0,
      topics: [
        {
          name: 'orders',
          errorCode: 0,
          errorMessage: null,
          numPartitions: 3,
          replicationFactor: 1,
          configs: [{ name: 'retention.ms', value: null, readOnly: false, configSource: 5, isSensitive: false }],
        },
        { name: 'other', errorCode: 0, errorMessage: null, topicConfigErrorCode: 29, numPartitions: -1, replicationFactor: -1, configs: null },
      ],
    });
  });
});

describe('OffsetFetch v6 / v7', () => {
  test('v6 request: topics, then null topics (= all)', () => {
    both('request', A.OffsetFetch, 6, `02 ${t('g')} 02 07 ${t('orders')} 03 00000000 00000002 00 00`, {
      groupId: 'g',
      topics: [{ name: 'orders', partitionIndexes: [0, 2] }],
    });
    both('request', A.OffsetFetch, 6, `02 ${t('g')} 00 00`, { groupId: 'g', topics: null });
  });

  test('v7 request adds requireStable', () => {
    both('request', A.OffsetFetch, 7, `02 ${t('g')} 00 01 00`, { groupId: 'g', topics: null, requireStable: true });
  });

  test('v6 response', () => {
    const p0 = `00000000 000000000000002a ffffffff 03 ${t('md')} 0000 00`;
    const p1 = `00000001 ffffffffffffffff ffffffff 00 0000 00`; // no commit: offset -1, metadata null
    both('response', A.OffsetFetch, 6, `00000000 02 07 ${t('orders')} 03 ${p0} ${p1} 00 0000 00`, {
      throttleTimeMs: 0,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: -1, metadata: 'md', errorCode: 0 },
            { partitionIndex: 1, committedOffset: -1, committedLeaderEpoch: -1, metadata: null, errorCode: 0 },
          ],
        },
      ],
      errorCode: 0,
    });
  });
});

describe('JoinGroup v6 / v7', () => {
  const meta = '000000000001000461626364ffffffff'; // subscription v0 to [abcd], userData null: 16 bytes
  test('v6 request', () => {
    both('request', A.JoinGroup, 6, `02 ${t('g')} 00007530 0000ea60 01 07 ${t('static')} 09 ${t('consumer')} 02 06 ${t('range')} 11 ${meta} 00 00`, {
      groupId: 'g',
      sessionTimeoutMs: 30000,
      rebalanceTimeoutMs: 60000,
      memberId: '',
      groupInstanceId: 'static',
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: hex(meta) }],
    });
  });

  test('v6 response (leader)', () => {
    both('response', A.JoinGroup, 6, `00000000 0000 00000001 06 ${t('range')} 04 ${t('m-1')} 04 ${t('m-1')} 02 04 ${t('m-1')} 00 11 ${meta} 00 00`, {
      throttleTimeMs: 0,
      errorCode: 0,
      generationId: 1,
      protocolName: 'range',
      leader: 'm-1',
      memberId: 'm-1',
      members: [{ memberId: 'm-1', groupInstanceId: null, metadata: hex(meta) }],
    });
  });

  test('v7 response: protocolType added, protocolName nullable (MEMBER_ID_REQUIRED)', () => {
    both('response', A.JoinGroup, 7, `00000000 004f ffffffff 00 00 01 04 ${t('m-1')} 01 00`, {
      throttleTimeMs: 0,
      errorCode: 79,
      generationId: -1,
      protocolType: null,
      protocolName: null,
      leader: '',
      memberId: 'm-1',
      members: [],
    });
  });
});

describe('Produce v9', () => {
  const batch = 'cafebabe';
  test('request', () => {
    both('request', A.Produce, 9, `00 ffff 00007530 02 07 ${t('orders')} 02 00000000 05 ${batch} 00 00 00`, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 30000,
      topicData: [{ name: 'orders', partitionData: [{ index: 0, records: hex(batch) }] }],
    });
  });

  const partition = `00000000 0000 000000000000002a ffffffffffffffff 0000000000000000 01 00`;
  test('response', () => {
    both('response', A.Produce, 9, `02 07 ${t('orders')} 02 ${partition} 00 00 00000000 00`, {
      responses: [
        {
          name: 'orders',
          partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 42, logAppendTimeMs: -1, logStartOffset: 0, recordErrors: [], errorMessage: null }],
        },
      ],
      throttleTimeMs: 0,
    });
  });

  test('a tag that is only known from v10 (currentLeader) is skipped at v9 and read at v10', () => {
    const tagged = `00000000 0006 ffffffffffffffff ffffffffffffffff ffffffffffffffff 01 00 01 00 09 00000001 00000005 00`;
    const bytes = hex(`02 07 ${t('orders')} 02 ${tagged} 00 00000000 00`);
    const v9 = decodeResponse(A.Produce, 9, bytes);
    assert.equal(v9.responses[0].partitionResponses[0].errorCode, 6);
    assert.equal(v9.responses[0].partitionResponses[0].currentLeader, null);
    const v10 = decodeResponse(A.Produce, 10, bytes);
    assert.deepEqual(v10.responses[0].partitionResponses[0].currentLeader, { leaderId: 1, leaderEpoch: 5 });
    assert.deepEqual(encodeResponse(A.Produce, 10, v10), bytes);
  });
});

describe('Fetch v12', () => {
  const partition = `00000000 00000005 000000000000002a ffffffff ffffffffffffffff 00100000 00`;
  const body = `ffffffff 000001f4 00000001 00a00000 01 00000000 ffffffff 02 07 ${t('orders')} 02 ${partition} 00 01 ${''} 01`;
  test('request without and with the tagged clusterId (tag 0, top level)', () => {
    const value = {
      replicaId: -1,
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 10485760,
      isolationLevel: 1,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic: 'orders', partitions: [{ partition: 0, currentLeaderEpoch: 5, fetchOffset: 42, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1048576 }] }],
      forgottenTopicsData: [],
      rackId: '',
    };
    both('request', A.Fetch, 12, `${body} 00`, value, { ...value, clusterId: null });
    both('request', A.Fetch, 12, `${body} 01 00 04 04 ${t('abc')}`, { ...value, clusterId: 'abc' });
  });

  const records = 'cafebabe';
  test('response with tagged currentLeader and divergingEpoch round-trips', () => {
    const tags = `02 00 0d 00000003 0000000000000064 00  01 09 00000001 00000005 00`;
    const p = `00000000 0000 0000000000000066 0000000000000066 0000000000000000 01 ffffffff 05 ${records} ${tags}`;
    both('response', A.Fetch, 12, `00000000 0000 00000000 02 07 ${t('orders')} 02 ${p} 00 00`, {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: [
        {
          topic: 'orders',
          partitions: [
            {
              partitionIndex: 0,
              errorCode: 0,
              highWatermark: 102,
              lastStableOffset: 102,
              logStartOffset: 0,
              divergingEpoch: { epoch: 3, endOffset: 100 },
              currentLeader: { leaderId: 1, leaderEpoch: 5 },
              abortedTransactions: [],
              preferredReadReplica: -1,
              records: hex(records),
            },
          ],
        },
      ],
    }, { responses: [{ partitions: [{ snapshotId: null }] }] });
  });

  test('null records are sent as an empty set; null abortedTransactions as null', () => {
    const bytes = encodeResponse(A.Fetch, 12, {
      responses: [{ topic: 'a', partitions: [{ partitionIndex: 0, highWatermark: 0, abortedTransactions: null, records: null }] }],
    });
    const expected = `00000000 0000 00000000 02 02 ${t('a')} 02 00000000 0000 0000000000000000 ffffffffffffffff ffffffffffffffff 00 ffffffff 01 00 00 00`;
    assert.equal(bytes.toString('hex'), hex(expected).toString('hex'));
  });
});

describe('DescribeCluster (flexible from v0)', () => {
  test('v1 request adds endpointType', () => {
    both('request', A.DescribeCluster, 0, `00 00`, { includeClusterAuthorizedOperations: false }, { endpointType: 1 });
    both('request', A.DescribeCluster, 1, `00 01 00`, { includeClusterAuthorizedOperations: false, endpointType: 1 });
  });

  test('v0 response', () => {
    const broker = `00000001 0a ${t('localhost')} 00002384 00 00`;
    both('response', A.DescribeCluster, 0, `00000000 0000 00 0b ${t('kt-cluster')} 00000001 02 ${broker} 80000000 00`, {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      clusterId: 'kt-cluster',
      controllerId: 1,
      brokers: [{ brokerId: 1, host: 'localhost', port: 9092, rack: null }],
      clusterAuthorizedOperations: -2147483648,
    });
  });
});
