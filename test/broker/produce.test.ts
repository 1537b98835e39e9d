// Produce v0-2 are advertised, as Kafka 4.x does (librdkafka compresses only when the range
// reaches v0), but refused by closing the connection, as Kafka does; a v3+ message set (magic
// 0/1) is refused per partition.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiVersions } from '../../src/protocol/apis/apiVersions.js';
import { Metadata } from '../../src/protocol/apis/metadata.js';
import { Produce } from '../../src/protocol/apis/produce.js';
import { code } from '../../src/protocol/errors.js';
import { buildBatch } from '../../src/protocol/recordBatch.js';
import { WireClient } from '../../src/client/wireClient.js';
import { withWireBroker } from '../helpers.js';

/** A legacy message set with one magic-1 message: offset, size, crc, magic, attributes, timestamp, key, value. */
function messageSetV1(value: string): Buffer {
  const v = Buffer.from(value);
  const body = Buffer.alloc(4 + 1 + 1 + 8 + 4 + 4 + v.length);
  let p = 4; // crc left 0: the magic check comes first
  body.writeInt8(1, p++);
  body.writeInt8(0, p++);
  body.writeBigInt64BE(1700000000000n, p);
  p += 8;
  body.writeInt32BE(-1, p);
  p += 4;
  body.writeInt32BE(v.length, p);
  p += 4;
  v.copy(body, p);
  const head = Buffer.alloc(12);
  head.writeBigInt64BE(0n, 0);
  head.writeInt32BE(body.length, 8);
  return Buffer.concat([head, body]);
}

test('Produce is advertised from v0 but v0-2 close the connection, as Kafka 4.x; a v3 message set is refused, a v3 record batch works', async () => {
  await withWireBroker(async (broker, c) => {
    const versions = await c.request(ApiVersions, 3, { clientSoftwareName: 'kt-test', clientSoftwareVersion: '1' });
    const produce = versions.apiKeys.find((k) => k.apiKey === 0);
    assert.deepEqual([produce?.minVersion, produce?.maxVersion], [0, 13]);
    assert.equal(Produce.min, 3);

    await c.request(Metadata, 1, { topics: [{ name: 'legacy' }] });
    for (const v of [0, 1, 2]) {
      const old = await WireClient.connect('127.0.0.1', broker.port);
      try {
        await assert.rejects(
          old.request(Produce, v, { acks: 1, timeoutMs: 1000, topicData: [{ name: 'legacy', partitionData: [{ index: 0, records: messageSetV1('old') }] }] }),
          /connection closed/,
        );
      } finally {
        old.close();
      }
    }
    const old = await c.request(Produce, 3, { acks: 1, timeoutMs: 1000, topicData: [{ name: 'legacy', partitionData: [{ index: 0, records: messageSetV1('old') }] }] });
    const p = old.responses[0].partitionResponses[0];
    assert.equal(p.errorCode, code('UNSUPPORTED_FOR_MESSAGE_FORMAT'));
    assert.equal(broker.store.partition('legacy', 0)?.logEndOffset, 0, 'nothing was written');

    const ok = await c.request(Produce, 3, {
      acks: 1,
      timeoutMs: 1000,
      topicData: [{ name: 'legacy', partitionData: [{ index: 0, records: buildBatch([{ key: null, value: Buffer.from('new') }]) }] }],
    });
    assert.equal(ok.responses[0].partitionResponses[0].errorCode, 0);
    assert.equal(broker.store.partition('legacy', 0)?.logEndOffset, 1);
  });
});
