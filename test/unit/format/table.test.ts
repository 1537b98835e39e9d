import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTable, idList } from '../../../src/format/table.js';
import { apacheDescribe, filterDescriptions, configString, describeTables } from '../../../src/format/topics.js';
import { topicIdText } from '../../../src/client/admin.js';
import type { TopicDescription } from '../../../src/client/topics.js';

test('tables: header row, aligned columns, no borders, no trailing spaces', () => {
  const t = renderTable(['NAME', 'N'], [['a', 1], ['long-name', 22]], { alignRight: [1] });
  const lines = t.split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^NAME\s+N$/);
  assert.match(lines[2], /^long-name\s+22$/);
  assert.equal(lines[1].indexOf('1'), lines[2].indexOf('22') + 1);
  for (const l of lines) assert.equal(l, l.trimEnd());
});

test('null cells print as -', () => {
  assert.match(renderTable(['A'], [[null]]), /\n-$/);
});

test('idList', () => {
  assert.equal(idList([1, 2, 3]), '1,2,3');
  assert.equal(idList([]), '');
});

const topic: TopicDescription = {
  name: 'orders',
  topicId: null,
  internal: false,
  partitionCount: 2,
  replicationFactor: 2,
  configs: { 'retention.ms': '1000', 'cleanup.policy': 'compact' },
  messageCount: 5,
  partitions: [
    { partition: 0, leader: 1, replicas: [1, 2], isr: [1, 2], offlineReplicas: [], lowWatermark: 0, highWatermark: 3, messageCount: 3 },
    { partition: 1, leader: null, replicas: [2, 1], isr: [1], offlineReplicas: [2], lowWatermark: 1, highWatermark: 3, messageCount: 2 },
  ],
};

test('Apache describe layout (reference B1): TAB separated, partition lines start with TAB', () => {
  assert.equal(
    apacheDescribe([topic]),
    'Topic: orders\tPartitionCount: 2\tReplicationFactor: 2\tConfigs: retention.ms=1000,cleanup.policy=compact\n' +
      '\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2\tIsr: 1,2\tElr: N/A\tLastKnownElr: N/A\n' +
      '\tTopic: orders\tPartition: 1\tLeader: none\tReplicas: 2,1\tIsr: 1\tElr: N/A\tLastKnownElr: N/A',
  );
});

test('Apache describe layout: the ELR lists from DescribeTopicPartitions (empty lists print empty, as kafka-topics 4.x)', () => {
  const withElr = { ...topic, partitions: [{ ...topic.partitions[0], elr: [], lastKnownElr: [] }, { ...topic.partitions[1], elr: [1], lastKnownElr: [2, 1] }] };
  assert.equal(
    apacheDescribe([withElr]).split('\n').slice(1).join('\n'),
    '\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2\tIsr: 1,2\tElr: \tLastKnownElr: \n' +
      '\tTopic: orders\tPartition: 1\tLeader: none\tReplicas: 2,1\tIsr: 1\tElr: 1\tLastKnownElr: 2,1',
  );
});

test('Apache describe layout: TopicId after the name when the broker has topic ids (Kafka\'s base64 form)', () => {
  const id = Buffer.from('8a7b2c3d4e5f60718293a4b5c6d7e8f9', 'hex');
  const withId = { ...topic, topicId: topicIdText(id) };
  assert.equal(topicIdText(id), 'inssPU5fYHGCk6S1xtfo-Q');
  assert.equal(topicIdText(Buffer.alloc(16)), null, 'the zero id is no id');
  assert.match(apacheDescribe([withId]), /^Topic: orders\tTopicId: inssPU5fYHGCk6S1xtfo-Q\tPartitionCount: 2\t/);
});

test('report filters: partition lines only; overrides: header lines only', () => {
  const under = filterDescriptions([topic], { underReplicated: true });
  assert.equal(under[0].partitions.length, 1);
  assert.equal(apacheDescribe(under, { underReplicated: true }), '\tTopic: orders\tPartition: 1\tLeader: none\tReplicas: 2,1\tIsr: 1\tElr: N/A\tLastKnownElr: N/A');
  assert.equal(filterDescriptions([topic], { unavailable: true })[0].partitions[0].partition, 1);
  const plain = { ...topic, name: 'plain', configs: {} };
  const over = filterDescriptions([topic, plain], { topicsWithOverrides: true });
  assert.deepEqual(over.map((t) => t.name), ['orders']);
  assert.equal(apacheDescribe(over, { topicsWithOverrides: true }).split('\n').length, 1);
});

test('configString and tables for people', () => {
  assert.equal(configString({}), '');
  const text = describeTables([topic]);
  assert.match(text, /TOPIC\s+PARTITIONS\s+REPLICATION-FACTOR\s+MESSAGES\s+CONFIGS/);
  assert.match(text, /PARTITION\s+LEADER\s+REPLICAS\s+ISR\s+LOW-WATERMARK\s+HIGH-WATERMARK\s+MESSAGES/);
  assert.match(text, /none/);
});
