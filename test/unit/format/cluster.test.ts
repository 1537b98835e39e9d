import { test } from 'node:test';
import { apiName, CLIENT_API_KEYS } from '../../../src/protocol/apiNames.js';
import assert from 'node:assert/strict';
import {
  apiVersionText,
  apiVersionsText,
  clusterText,
  configsApacheText,
  configsTable,
  deleteRecordsText,
  nodeString,
  offsetLines,
  offsetsTable,
  parseAddConfig,
  parseApacheTopicPartitions,
  parseBefore,
  parseDeleteConfig,
  parseOffsetJson,
  parseTimeSpec,
  parseTopicPartitionArg,
  resolveEntity,
} from '../../../src/format/cluster.js';
import { partitionMatches, topicMatches, type ResourceConfigs } from '../../../src/client/clusterModel.js';
import { UsageError } from '../../../src/cli/errors.js';

const usage = (fn: () => unknown, re?: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof UsageError && e.exitCode === 2 && (re === undefined || re.test(e.message)));

test('nodeString and the kafka-broker-api-versions layout', () => {
  const b = { nodeId: 1, host: 'kafka1', port: 9092, rack: null };
  assert.equal(nodeString(b), 'kafka1:9092 (id: 1 rack: null isFenced: false)');
  assert.equal(nodeString({ ...b, rack: 'r1' }), 'kafka1:9092 (id: 1 rack: r1 isFenced: false)');
  const client = new Map([
    [0, { min: 0, max: 7 }],
    [1, { min: 0, max: 11 }],
    [17, { min: 0, max: 1 }],
    [44, { min: 0, max: 1 }],
  ]);
  const text = apiVersionsText(
    [
      {
        ...b,
        error: null,
        apis: [
          { apiKey: 1, name: 'Fetch', minVersion: 4, maxVersion: 12, usable: 11 },
          { apiKey: 0, name: 'Produce', minVersion: 3, maxVersion: 9, usable: 7 },
          { apiKey: 44, name: 'IncrementalAlterConfigs', minVersion: 2, maxVersion: 2, usable: null },
          { apiKey: 60, name: 'DescribeCluster', minVersion: 0, maxVersion: 1, usable: null },
          { apiKey: 999, name: 'UNKNOWN(999)', minVersion: 0, maxVersion: 0, usable: null },
        ],
      },
      { nodeId: 2, host: 'kafka2', port: 9092, rack: 'r2', error: 'connection refused', apis: [] },
    ],
    client,
  );
  // every client API in key order: the broker's with versions, the rest UNSUPPORTED; then
  // the broker's others (UNKNOWN(999))
  const expected = CLIENT_API_KEYS.map((k) => ({
    0: 'Produce(0): 3 to 9 [usable: 7]',
    1: 'Fetch(1): 4 to 12 [usable: 11]',
    44: 'IncrementalAlterConfigs(44): 2 [unusable: node too new]',
    60: 'DescribeCluster(60): 0 to 1',
  } as Record<number, string>)[k] ?? `${apiName(k)}(${k}): UNSUPPORTED`);
  assert.equal(
    text,
    `kafka1:9092 (id: 1 rack: null isFenced: false) -> (\n\t${[...expected, 'UNKNOWN(999): 0'].join(',\n\t')}\n)\n` +
      'kafka2:9092 (id: 2 rack: r2 isFenced: false) -> ERROR: connection refused',
  );
  assert.ok(text.includes('\tSaslHandshake(17): UNSUPPORTED,\n'));
  assert.ok(text.includes('\tListConfigResources(74): UNSUPPORTED,\n'));
  assert.equal(apiVersionText({ apiKey: 3, name: 'Metadata', minVersion: 12, maxVersion: 13, usable: null }, { min: 0, max: 6 }), 'Metadata(3): 12 to 13 [unusable: node too new]');
  assert.equal(apiVersionText({ apiKey: 3, name: 'Metadata', minVersion: 0, maxVersion: 0, usable: null }, { min: 1, max: 6 }), 'Metadata(3): 0 [unusable: node too old]');
});

test('cluster text: id, controller, broker table', () => {
  const t = clusterText({ clusterId: 'abc', controller: 1, brokers: [{ nodeId: 1, host: 'h', port: 9092, rack: null, controller: true }, { nodeId: 2, host: 'h2', port: 9093, rack: 'r', controller: false }] });
  assert.match(t, /^Cluster ID: abc\nController: 1\n\nID\s+HOST\s+PORT\s+RACK\s+CONTROLLER\n\s*1\s+h\s+9092\s+-\s+yes\n\s*2\s+h2\s+9093\s+r$/);
  assert.match(clusterText({ clusterId: null, controller: null, brokers: [] }), /^Cluster ID: -\nController: none\n/);
});

test('--time grammar', () => {
  const now = 1_700_000_000_000;
  assert.deepEqual(parseTimeSpec('latest'), { kind: 'latest' });
  assert.deepEqual(parseTimeSpec('-1'), { kind: 'latest' });
  assert.deepEqual(parseTimeSpec('EARLIEST'), { kind: 'earliest' });
  assert.deepEqual(parseTimeSpec('-2'), { kind: 'earliest' });
  assert.deepEqual(parseTimeSpec('-3'), { kind: 'max-timestamp' });
  assert.deepEqual(parseTimeSpec('1700000000123'), { kind: 'timestamp', ms: 1700000000123 });
  assert.deepEqual(parseTimeSpec('2024-05-01T12:00:00Z'), { kind: 'timestamp', ms: Date.parse('2024-05-01T12:00:00Z') });
  assert.deepEqual(parseTimeSpec('-15m', now), { kind: 'timestamp', ms: now - 15 * 60_000 });
  assert.deepEqual(parseTimeSpec('-1h30m', now), { kind: 'timestamp', ms: now - 90 * 60_000 });
  // GetOffsetShell's tiered-storage values (Apache 4.4), by name and number
  assert.deepEqual(parseTimeSpec('earliest-local'), { kind: 'earliest-local' });
  assert.deepEqual(parseTimeSpec('-4'), { kind: 'earliest-local' });
  assert.deepEqual(parseTimeSpec('latest-tiered'), { kind: 'latest-tiered' });
  assert.deepEqual(parseTimeSpec('-5'), { kind: 'latest-tiered' });
  assert.deepEqual(parseTimeSpec('earliest-pending-upload'), { kind: 'earliest-pending-upload' });
  assert.deepEqual(parseTimeSpec('-6'), { kind: 'earliest-pending-upload' });
  usage(() => parseTimeSpec('-7'), /-7 is not supported; expected .*earliest-local or -4, latest-tiered or -5, earliest-pending-upload or -6/);
  usage(() => parseTimeSpec('yesterday'));
  usage(() => parseTimeSpec('-15x'));
});

test('TOPIC[:P,P] arguments and kafka-get-offsets --topic-partitions', () => {
  assert.deepEqual(parseTopicPartitionArg('orders'), { topic: 'orders', regex: false, partitions: null });
  assert.deepEqual(parseTopicPartitionArg('orders:2'), { topic: 'orders', regex: false, partitions: { kind: 'set', partitions: [2] } });
  assert.deepEqual(parseTopicPartitionArg('orders:0,2,2'), { topic: 'orders', regex: false, partitions: { kind: 'set', partitions: [0, 2] } });
  usage(() => parseTopicPartitionArg('orders:'));
  usage(() => parseTopicPartitionArg('orders:a'));
  usage(() => parseTopicPartitionArg(':1'));

  const rules = parseApacheTopicPartitions('t1:1,t2:0-3,t3,t4:5-,t5:-3,:2');
  assert.deepEqual(rules, [
    { topic: 't1', regex: true, partitions: { kind: 'set', partitions: [1] } },
    { topic: 't2', regex: true, partitions: { kind: 'range', from: 0, to: 3 } },
    { topic: 't3', regex: true, partitions: null },
    { topic: 't4', regex: true, partitions: { kind: 'range', from: 5, to: null } },
    { topic: 't5', regex: true, partitions: { kind: 'range', from: 0, to: 3 } },
    { topic: '.*', regex: true, partitions: { kind: 'set', partitions: [2] } },
  ]);
  // N-M: upper bound exclusive, as Apache
  assert.deepEqual([0, 1, 2, 3].map((p) => partitionMatches(rules[1].partitions, p)), [true, true, true, false]);
  assert.deepEqual([4, 5, 99].map((p) => partitionMatches(rules[3].partitions, p)), [false, true, true]);
  assert.equal(partitionMatches(null, 7), true);
  usage(() => parseApacheTopicPartitions('t:x'));
  usage(() => parseApacheTopicPartitions('t:-'));
  assert.equal(topicMatches({ topic: 'or.*', regex: true, partitions: null }, 'orders'), true);
  assert.equal(topicMatches({ topic: 'or', regex: true, partitions: null }, 'orders'), false, 'regexes match the whole name');
  assert.equal(topicMatches({ topic: 'or.*', regex: false, partitions: null }, 'orders'), false);
});

test('offset lines leave out partitions without an offset; the table', () => {
  const rows = [
    { topic: 't', partition: 0, offset: 5, earliest: 0, latest: 9 },
    { topic: 't', partition: 1, offset: null, earliest: 2, latest: 2 },
  ];
  assert.equal(offsetLines(rows), 't:0:5');
  assert.match(offsetsTable(rows), /^TOPIC\s+PARTITION\s+EARLIEST\s+LATEST\s+MESSAGES\s+OFFSET\nt\s+0\s+0\s+9\s+9\s+5\nt\s+1\s+2\s+2\s+0\s+-$/);
});

test('delete-records: --before, the offset JSON file, the Apache lines', () => {
  assert.equal(parseBefore('42'), 42);
  assert.equal(parseBefore('end'), -1);
  assert.equal(parseBefore('-1'), -1);
  usage(() => parseBefore('-5'));
  assert.deepEqual(parseOffsetJson('{"partitions":[{"topic":"t","partition":0,"offset":5},{"topic":"t","partition":1,"offset":-1}],"version":1}'), [
    { topic: 't', partition: 0, offset: 5 },
    { topic: 't', partition: 1, offset: -1 },
  ]);
  usage(() => parseOffsetJson('{'), /not valid JSON/);
  usage(() => parseOffsetJson('{"partitions":[]}'), /no "partitions"/);
  usage(() => parseOffsetJson('{"partitions":[{"topic":"t","partition":"0","offset":1}]}'));
  usage(() => parseOffsetJson('{"partitions":[{"topic":"t","partition":0,"offset":1},{"topic":"t","partition":0,"offset":2}]}'), /duplicate topic partitions: t-0/);
  assert.equal(
    deleteRecordsText([
      { topic: 't', partition: 0, lowWatermark: 5, error: null },
      { topic: 't', partition: 1, lowWatermark: null, error: 'boom (OFFSET_OUT_OF_RANGE)' },
    ]),
    'Executing records delete operation\nRecords delete operation completed:\npartition: t-0\tlow_watermark: 5\npartition: t-1\terror: boom (OFFSET_OUT_OF_RANGE)',
  );
});

test('--add-config (brackets group commas) and --delete-config', () => {
  assert.deepEqual(parseAddConfig('a=1, b = 2 ,c=[x,y],d='), { a: '1', b: '2', c: 'x,y', d: '' });
  assert.deepEqual(parseAddConfig('cleanup.policy=[compact,delete]'), { 'cleanup.policy': 'compact,delete' });
  assert.deepEqual(parseAddConfig(''), {});
  usage(() => parseAddConfig('novalue'));
  usage(() => parseAddConfig('a=1=2'));
  // as Java's String.split: empty items at the end are dropped, one in the middle is an error
  assert.deepEqual(parseAddConfig('retention.ms=100,'), { 'retention.ms': '100' });
  assert.deepEqual(parseAddConfig('a=1,b=2,,'), { a: '1', b: '2' });
  usage(() => parseAddConfig('a=1,,b=2'));
  usage(() => parseAddConfig('bad key=1'), /invalid character/);
  assert.deepEqual(parseDeleteConfig(['a,b', 'c', 'a']), ['a', 'b', 'c']);
  assert.deepEqual(parseDeleteConfig(undefined), []);
});

test('configs: the kafka-configs --describe lines and the table', () => {
  const rs: ResourceConfigs[] = [
    {
      type: 'topic',
      name: 'orders',
      configs: [
        { name: 'retention.ms', value: '1000', source: 'DYNAMIC_TOPIC_CONFIG', sensitive: false, readOnly: false, synonyms: [{ name: 'retention.ms', value: '1000', source: 'DYNAMIC_TOPIC_CONFIG' }, { name: 'log.retention.hours', value: '168', source: 'DEFAULT_CONFIG' }] },
        { name: 'x.password', value: null, source: 'DYNAMIC_TOPIC_CONFIG', sensitive: true, readOnly: false, synonyms: [] },
      ],
    },
    { type: 'broker', name: '', configs: [] },
    { type: 'broker', name: '0', configs: [] },
  ];
  assert.equal(
    configsApacheText(rs, false),
    'Dynamic configs for topic orders are:\n' +
      '  retention.ms=1000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=1000, DEFAULT_CONFIG:log.retention.hours=168}\n' +
      '  x.password=null sensitive=true synonyms={}\n' +
      'Default configs for brokers in the cluster are:\n' +
      'Dynamic configs for broker 0 are:',
  );
  assert.match(configsApacheText([rs[2]], true), /^All configs for broker 0 are:$/);
  const t = configsTable(rs);
  assert.match(t, /^Topic orders\nNAME\s+VALUE\s+SOURCE\s+SENSITIVE\nretention\.ms\s+1000\s+DYNAMIC_TOPIC_CONFIG\s+no\nx\.password\s+\*\*\*\s+DYNAMIC_TOPIC_CONFIG\s+yes\n\nBroker defaults\n\(no configs set\)\n\nBroker 0\n\(no configs set\)$/);
});

test('configs entity flags', () => {
  assert.deepEqual(resolveEntity({ topic: 'orders' }), { type: 'topic', name: 'orders' });
  assert.deepEqual(resolveEntity({ broker: '01' }), { type: 'broker', name: '1' });
  assert.deepEqual(resolveEntity({ 'broker-defaults': true }), { type: 'broker', name: '' });
  assert.deepEqual(resolveEntity({ 'entity-type': 'topics', 'entity-name': 'o' }), { type: 'topic', name: 'o' });
  assert.deepEqual(resolveEntity({ 'entity-type': 'topics' }), { type: 'topic', name: null });
  assert.deepEqual(resolveEntity({ 'entity-type': 'brokers' }), { type: 'broker', name: null });
  assert.deepEqual(resolveEntity({ 'entity-type': 'brokers', 'entity-default': true }), { type: 'broker', name: '' });
  usage(() => resolveEntity({}), /name what to configure/);
  usage(() => resolveEntity({ topic: 'a', broker: '0' }));
  usage(() => resolveEntity({ broker: 'zero' }), /integer/);
  usage(() => resolveEntity({ 'entity-name': 'x' }), /need --entity-type/);
  usage(() => resolveEntity({ 'entity-type': 'users', 'entity-name': 'x' }), /not supported/);
  usage(() => resolveEntity({ 'entity-type': 'topics', 'entity-default': true }));
});
