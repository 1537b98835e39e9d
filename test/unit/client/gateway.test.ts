// client/gateway.ts, the one module that reaches kafkajs: every kafkajs internal it reaches
// into and every patch it installs is there and active, so a kafkajs upgrade that moves one
// fails here (not in a user's terminal). Against kt's broker over real TCP: kafkajs's Cluster
// through the private factory, its Broker connections, and the one send path at a flexible
// and a non-flexible version, with a plain and a framed body.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { forTheFile, testBroker } from '../../helpers.js';
import {
  BROKER_METHODS,
  CLUSTER_METHODS,
  createCluster,
  decodeLegacyMessages,
  encodeBody,
  inactivePatches,
  kafkajsBatch,
  kafkajsRequestVersions,
  loadKafkaJS,
  negotiate,
  request,
  requestHeaderSize,
  send,
  versionFor,
  type KjsBroker,
} from '../../../src/client/gateway.js';
import { KAFKAJS_REPLACED } from '../../../src/client/kafkajsPatches.js';
import { openKafka } from '../../../src/client/index.js';
import { isFlexible } from '../../../src/protocol/schema.js';
import { ApiVersions } from '../../../src/protocol/apis/apiVersions.js';
import { Metadata } from '../../../src/protocol/apis/metadata.js';
import { DescribeGroups } from '../../../src/protocol/apis/describeGroups.js';

const broker = await forTheFile(testBroker());

test('every module kt replaces inside kafkajs is the one kafkajs loads', async () => {
  const kafkajs = await loadKafkaJS();
  assert.ok(Object.keys(KAFKAJS_REPLACED).length >= 3);
  assert.deepEqual(inactivePatches(), []);
  // kt's codecs are registered (kafkajs has none of its own for snappy, lz4, zstd)
  const types = kafkajs.CompressionTypes as unknown as Record<string, number>;
  const codecs = kafkajs.CompressionCodecs as unknown as Record<number, unknown>;
  for (const name of ['GZIP', 'Snappy', 'LZ4', 'ZSTD']) assert.equal(typeof codecs[types[name]], 'function', `no ${name} codec`);
});

test('kafkajs\'s request table, Batch and v0/v1 message decoder are where the gateway looks', async () => {
  const versions = kafkajsRequestVersions();
  assert.deepEqual(versions.get(0), { min: 0, max: 7 }, 'Produce'); // kafkajs 2.2.4's range
  assert.ok(versions.get(1) && versions.get(3) && versions.get(18), 'Fetch, Metadata, ApiVersions');
  // one message of format v0 at offset 5: offset, size, crc, magic, attributes, key (null), value
  const value = Buffer.from('old');
  const msg = Buffer.alloc(4 + 1 + 1 + 4 + 4 + value.length);
  msg.writeInt8(0, 4);
  msg.writeInt8(0, 5);
  msg.writeInt32BE(-1, 6);
  msg.writeInt32BE(value.length, 10);
  value.copy(msg, 14);
  msg.writeUInt32BE(zlib.crc32(msg.subarray(4)), 0);
  const set = Buffer.alloc(12 + msg.length);
  set.writeBigInt64BE(5n, 0);
  set.writeInt32BE(msg.length, 8);
  msg.copy(set, 12);
  const framed = Buffer.concat([Buffer.alloc(4), set]);
  framed.writeInt32BE(set.length, 0);
  const messages = await decodeLegacyMessages(framed);
  assert.equal(messages.length, 1);
  assert.equal(messages[0].offset, '5');
  assert.equal(messages[0].key, null);
  assert.deepEqual(messages[0].value, value);
  const Batch = kafkajsBatch();
  const batch = new Batch('t', '5', { partition: 0, highWatermark: '6', abortedTransactions: [], messages });
  assert.equal(batch.messages.length, 1);
  assert.equal(batch.lastOffset(), '5');
  assert.equal(batch.isEmptyIncludingFiltered(), false);
});

test('the version rule: highest both sides allow, flexible included, within the caller\'s bounds', () => {
  const b = { versions: { [Metadata.key]: { minVersion: 1, maxVersion: 99 } }, connectionPool: { host: 'h', port: 1, send: async () => undefined } };
  assert.equal(negotiate(b, Metadata), Metadata.max);
  assert.ok(isFlexible(Metadata, negotiate(b, Metadata)));
  assert.equal(negotiate(b, Metadata, { max: 8 }), 8);
  assert.equal(negotiate(b, Metadata, { min: 100 }), -1);
  assert.equal(negotiate(b, DescribeGroups), -1, 'a broker without the api');
  assert.throws(() => versionFor(b, DescribeGroups), /the broker at h:1 does not support DescribeGroups \(UNSUPPORTED_VERSION\)/);
  assert.throws(() => versionFor(b, Metadata, { min: 100 }), /supports Metadata 1-99, kt needs 100-\d+ \(UNSUPPORTED_VERSION\)/);
});

test('kafkajs\'s Cluster and Broker through the private factory, and the one send path over its connection', async () => {
  const h = await openKafka({ brokers: [broker.bootstrap], properties: {}, debug: false });
  const cluster = createCluster(h, { autoCreate: false });
  for (const m of CLUSTER_METHODS) assert.equal(typeof cluster[m], 'function', `Cluster.${m}`);
  await h.connectWithin(cluster.connect().then(() => cluster.refreshMetadata()));
  try {
    const seed: KjsBroker = cluster.brokerPool.seedBroker;
    for (const m of BROKER_METHODS) assert.equal(typeof seed[m], 'function', `Broker.${m}`);
    assert.equal(typeof seed.connectionPool.send, 'function');
    assert.ok(seed.versions?.[Metadata.key], 'the broker\'s ApiVersions, from its connect');
    const found = await cluster.findBroker({ nodeId: broker.nodeId });
    assert.equal(found.connectionPool.port, Number(broker.bootstrap.split(':').pop()));
    assert.ok(await cluster.findGroupCoordinator({ groupId: 'g' }));

    const body = { topics: [], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false };
    const flexible = negotiate(seed, Metadata);
    assert.ok(isFlexible(Metadata, flexible), `Metadata v${flexible} is flexible`);
    const port = Number(broker.bootstrap.split(':').pop());
    for (const max of [undefined, 8]) {
      const r = await request(seed, Metadata, body, { max });
      assert.deepEqual(r.brokers.map((x) => x.port), [port], `Metadata ≤ v${max ?? Metadata.max}`);
    }
    // a framed body (free bytes before it, as the producer engine builds them): the header
    // is written in place, plus a flexible header's tag byte
    for (const version of [flexible, 8]) {
      const enc = encodeBody(Metadata, version, body);
      const start = requestHeaderSize(h.clientId) + 3;
      const frame = Buffer.alloc(start + enc.length);
      enc.copy(frame, start);
      const r = await send<{ brokers: Array<{ port: number }> }>(seed, Metadata, version, { frame, bodyStart: start, end: frame.length });
      assert.deepEqual(r?.brokers.map((x) => x.port), [port], `framed Metadata v${version}`);
    }
    const av = await request(seed, ApiVersions, { clientSoftwareName: 'kt', clientSoftwareVersion: '0' }, { max: 3 });
    assert.equal(av.errorCode, 0);
    assert.ok(av.apiKeys.length > 10);
    const apis = await seed.apiVersions();
    assert.ok(apis[Metadata.key]);
  } finally {
    await cluster.disconnect();
  }
});
