// The schema registry as a whole: advertised ranges, flexible thresholds, unique names and
// keys, file names, and that every version of every schema compiles.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import * as A from '../../../src/protocol/apis/index.js';
import { Field, type StructSpec, type TypeSpec, parseRange, requestCodec, responseCodec } from '../../../src/protocol/schema.js';
import { require } from './helpers.js';

// name: [min, max, first flexible version in Kafka's JSON or null] — the advertised ranges
const EXPECTED: Record<string, [number, number, number | null]> = {
  Produce: [3, 13, 9],
  Fetch: [4, 18, 12],
  ListOffsets: [1, 11, 6],
  Metadata: [0, 13, 9],
  OffsetCommit: [0, 10, 8],
  OffsetFetch: [0, 10, 6],
  FindCoordinator: [0, 6, 3],
  JoinGroup: [0, 9, 6],
  Heartbeat: [0, 4, 4],
  LeaveGroup: [0, 5, 4],
  SyncGroup: [0, 5, 4],
  DescribeGroups: [0, 6, 5],
  ListGroups: [0, 5, 3],
  SaslHandshake: [0, 1, null],
  ApiVersions: [0, 5, 3],
  CreateTopics: [0, 7, 5],
  DeleteTopics: [1, 6, 4],
  DeleteRecords: [0, 2, 2],
  InitProducerId: [0, 5, 2],
  OffsetForLeaderEpoch: [2, 4, 4],
  AddPartitionsToTxn: [0, 5, 3],
  AddOffsetsToTxn: [0, 4, 3],
  EndTxn: [0, 5, 3],
  TxnOffsetCommit: [0, 6, 3],
  DescribeAcls: [1, 3, 2],
  CreateAcls: [1, 3, 2],
  DeleteAcls: [1, 3, 2],
  DescribeConfigs: [0, 4, 4],
  AlterConfigs: [0, 2, 2],
  DescribeLogDirs: [1, 5, 2],
  SaslAuthenticate: [0, 2, 2],
  CreatePartitions: [0, 3, 2],
  DeleteGroups: [0, 3, 2],
  ElectLeaders: [0, 2, 2],
  IncrementalAlterConfigs: [0, 1, 1],
  AlterPartitionReassignments: [0, 1, 0],
  ListPartitionReassignments: [0, 0, 0],
  OffsetDelete: [0, 0, null],
  DescribeClientQuotas: [0, 1, 1],
  AlterClientQuotas: [0, 1, 1],
  DescribeUserScramCredentials: [0, 0, 0],
  AlterUserScramCredentials: [0, 0, 0],
  DescribeCluster: [0, 2, 0],
  DescribeProducers: [0, 0, 0],
  DescribeTransactions: [0, 0, 0],
  ListTransactions: [0, 2, 0],
  ConsumerGroupHeartbeat: [0, 1, 0],
  ConsumerGroupDescribe: [0, 1, 0],
  DescribeTopicPartitions: [0, 0, 0],
};

test('advertised ranges and flexible versions', () => {
  assert.deepEqual(Object.fromEntries(A.ALL_APIS.map((a) => [a.name, [a.min, a.max, a.flexible]])), EXPECTED);
  for (const a of A.ALL_APIS) assert.ok(a.min >= 0 && a.max >= a.min, a.name);
  // Kafka 4.x advertises Produce from v0 for librdkafka (KAFKA-18659) but refuses v0-2
  assert.deepEqual(A.ALL_APIS.filter((a) => a.advertisedMin !== undefined).map((a) => [a.name, a.advertisedMin]), [['Produce', 0]]);
});

test('names and keys are unique, ALL_APIS is ordered by key, named exports match', () => {
  const names = A.ALL_APIS.map((a) => a.name);
  const keys = A.ALL_APIS.map((a) => a.key);
  assert.equal(new Set(names).size, names.length);
  assert.equal(new Set(keys).size, keys.length);
  assert.deepEqual(keys, [...keys].sort((x, y) => x - y));
  for (const a of A.ALL_APIS) assert.equal((A as Record<string, unknown>)[a.name], a, a.name);
  assert.equal(A.API_BY_KEY.get(18), A.ApiVersions);
});

test('API keys agree with kafkajs apiKeys.js', () => {
  const kjs: Record<string, number> = require('kafkajs/src/protocol/requests/apiKeys.js');
  const alias: Record<string, string> = { FindCoordinator: 'GroupCoordinator' };
  for (const a of A.ALL_APIS) {
    const k = kjs[alias[a.name] ?? a.name];
    if (k !== undefined) assert.equal(k, a.key, a.name);
  }
  assert.equal(A.OffsetDelete.key, 47);
  assert.equal(A.DescribeCluster.key, 60);
});

test('one file per API, named after it', () => {
  const dir = new URL('../../../src/protocol/apis/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3));
  const expected = A.ALL_APIS.map((a) => a.name[0].toLowerCase() + a.name.slice(1));
  assert.deepEqual(files.filter((f) => f !== 'index' && f !== 'consumerProtocol').sort(), expected.sort());
});

function walk(spec: TypeSpec | StructSpec, visit: (name: string, f: Field) => void): void {
  if (typeof spec === 'string') return;
  if (Array.isArray(spec)) return walk((spec as readonly [TypeSpec])[0], visit);
  for (const [name, fs] of Object.entries(spec as StructSpec)) {
    const f: Field = fs instanceof Field ? fs : new Field(fs as TypeSpec, {});
    visit(name, f);
    walk(f.type, visit);
  }
}

test('tagged fields exist only in flexible versions, version strings parse', () => {
  for (const a of A.ALL_APIS) {
    for (const spec of [a.request, a.response]) {
      walk(spec, (name, f) => {
        const v = parseRange(f.opts.v);
        if (f.opts.nullable) parseRange(f.opts.nullable);
        if (f.opts.tag !== undefined) {
          assert.ok(a.flexible !== null && v.lo >= a.flexible, `${a.name}.${name}: tagged before flexible`);
          assert.ok(f.opts.tag >= 0);
        }
      });
    }
  }
});

test('every advertised version of every schema compiles', () => {
  for (const a of A.ALL_APIS) {
    for (let v = a.min; v <= a.max; v++) {
      assert.equal(requestCodec(a, v).flexible, a.flexible !== null && v >= a.flexible);
      responseCodec(a, v);
    }
  }
});
