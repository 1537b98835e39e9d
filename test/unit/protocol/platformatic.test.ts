// Golden bytes from @platformatic/kafka 2.12.1 (test/fixtures/protocol/platformatic.json, see
// gen-platformatic.mjs): an independent client codec that implements every version we
// advertise, flexible ones included. Its requests must decode with kt's schemas (every byte,
// exactly the strings it was given) and re-encode identically; the responses are kt encodings
// that platformatic parsed to the last byte when the fixture was made, and must not change.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ALL_APIS } from '../../../src/protocol/apis/index.js';
import { type Obj, decodeRequest, decodeResponse, encodeRequest, encodeResponse, fixture, hex } from './helpers.js';

interface Doc {
  requests: { api: string; version: number; hex: string; strings: string[] }[];
  responses: { api: string; version: number; hex: string; value: Obj }[];
}
const doc = fixture<Doc>('platformatic.json');
const byName = new Map(ALL_APIS.map((a) => [a.name, a]));

function strings(o: unknown, out: string[] = []): string[] {
  if (typeof o === 'string') out.push(o);
  else if (o && typeof o === 'object' && !Buffer.isBuffer(o)) for (const v of Object.values(o)) strings(v, out);
  return out;
}

/** JSON ({ bytes: hex }) back to Buffers. */
function revive(o: unknown): unknown {
  if (Array.isArray(o)) return o.map(revive);
  if (o && typeof o === 'object') {
    if ('bytes' in o && Object.keys(o).length === 1) return hex((o as { bytes: string }).bytes);
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, revive(v)]));
  }
  return o;
}

// @platformatic/kafka has no Produce v0-2 (message sets; the broker refuses them anyway), and
// 2.12.1 predates the newest versions of Kafka 4.x (their bytes are checked in roundtrip.test.ts,
// flexible.test.ts, apache44.test.ts and the wire tests of test/broker).
const NOT_IN_PLATFORMATIC = new Set([
  'Produce v0',
  'Produce v1',
  'Produce v2',
  'Produce v12',
  'Produce v13',
  'Fetch v18',
  'ListOffsets v10',
  'ListOffsets v11',
  'Metadata v13',
  'OffsetCommit v10',
  'OffsetFetch v10',
  'DescribeGroups v6',
  'ApiVersions v5',
  'EndTxn v5',
  'TxnOffsetCommit v5',
  'TxnOffsetCommit v6',
  'DeleteGroups v3',
  'DescribeCluster v2',
  'DescribeLogDirs v5',
  // not in the fixture (made before kt had them; regenerating it needs @platformatic/kafka):
  // their bytes are judged by Apache 4.4 (test/e2e/differential-consumer-groups.test.ts) and
  // librdkafka (test/interop/kip848.test.ts)
  'ConsumerGroupHeartbeat v0',
  'ConsumerGroupHeartbeat v1',
  'ConsumerGroupDescribe v0',
  'ConsumerGroupDescribe v1',
  // no ElectLeaders codec at all
  'ElectLeaders v0',
  'ElectLeaders v1',
  'ElectLeaders v2',
]);

test('the fixture covers every advertised version of every API (that platformatic implements)', () => {
  const want = ALL_APIS.flatMap((a) => Array.from({ length: a.max - a.min + 1 }, (_, i) => `${a.name} v${a.min + i}`)).filter(
    (name) => !NOT_IN_PLATFORMATIC.has(name),
  );
  assert.deepEqual(doc.requests.map((e) => `${e.api} v${e.version}`), want);
  assert.deepEqual(doc.responses.map((e) => `${e.api} v${e.version}`), want);
});

describe('@platformatic/kafka 2.12.1 requests decode with kt schemas', () => {
  for (const e of doc.requests) {
    test(`${e.api} v${e.version}`, () => {
      const api = byName.get(e.api);
      assert.ok(api);
      const bytes = hex(e.hex);
      const decoded = decodeRequest(api, e.version, bytes);
      assert.deepEqual(encodeRequest(api, e.version, decoded), bytes);
      const given = new Set(e.strings);
      for (const s of strings(decoded)) if (s !== '') assert.ok(given.has(s), `decoded "${s}", not an argument`);
    });
  }
});

describe('kt responses that @platformatic/kafka 2.12.1 parsed', () => {
  for (const e of doc.responses) {
    test(`${e.api} v${e.version}`, () => {
      const api = byName.get(e.api);
      assert.ok(api);
      const bytes = hex(e.hex);
      assert.equal(encodeResponse(api, e.version, revive(e.value) as Obj).toString('hex'), e.hex);
      decodeResponse(api, e.version, bytes);
    });
  }
});
