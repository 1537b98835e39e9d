// The one producer engine refuses brokers it cannot write record batches to, naming the
// Produce versions they offer (no fallback to another producer).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProduceRoute, type LeaderConnection } from '../../../src/client/produceRoute.js';

/** The route's version check for a codec (kafkajs's numbers: 0 none, 1 gzip, 3 lz4, 4 zstd). */
const checkVersion = { call: (o: { codec: number }, b: unknown) => new ProduceRoute(null as never, 't', 1, o.codec).checkVersion(b as LeaderConnection) };

function brokerWith(maxVersion: number | undefined) {
  const versions = maxVersion === undefined ? {} : { 0: { minVersion: 0, maxVersion } };
  return { broker: { connectionPool: { host: 'old-kafka', port: 9092 }, versions }, version: maxVersion === undefined ? -1 : Math.min(maxVersion, 8) };
}

test('a broker without Produce v3 (message sets only, Kafka < 0.11) is refused with its max version', () => {
  assert.throws(() => checkVersion.call({ codec: 0 }, brokerWith(2)), {
    message: 'the broker at old-kafka:9092 supports Produce up to v2; kt produces record batches (Produce v3, Kafka 0.11 or later)',
  });
  assert.throws(() => checkVersion.call({ codec: 1 }, brokerWith(undefined)), /old-kafka:9092 does not support Produce;/);
  assert.doesNotThrow(() => checkVersion.call({ codec: 0 }, brokerWith(3)));
});

test('zstd needs Produce v7', () => {
  assert.throws(() => checkVersion.call({ codec: 4 }, brokerWith(6)), {
    message: 'the broker at old-kafka:9092 supports Produce up to v6; zstd compression needs Produce v7 (Kafka 2.1 or later)',
  });
  assert.doesNotThrow(() => checkVersion.call({ codec: 4 }, brokerWith(7)));
  assert.doesNotThrow(() => checkVersion.call({ codec: 3 }, brokerWith(6)));
});
