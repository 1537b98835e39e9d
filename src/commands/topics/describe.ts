import { Flags } from '@oclif/core';
import { KtCommand } from '../../cli/base.js';
import { describeFlow } from '../../cli/topics.js';

export default class TopicsDescribe extends KtCommand {
  static override summary = 'Describe topics: partitions, leaders, replicas, ISR, watermarks, configs.';
  static override description =
    'Per topic: partition count, replication factor, non-default configs and message count; per partition: ' +
    'leader, replicas, ISR, low/high watermark and message count (high - low). Without names, every topic. ' +
    'With --apache, the TAB-separated layout of kafka-topics --describe.\n\n' +
    'JSON (--json): {"topics":[{"name":"t","internal":false,"partitionCount":1,"replicationFactor":1,' +
    '"configs":{"retention.ms":"1000"},"messageCount":2,"partitions":[{"partition":0,"leader":0,"replicas":[0],' +
    '"isr":[0],"offlineReplicas":[],"elr":[],"lastKnownElr":[],"lowWatermark":0,"highWatermark":2,"messageCount":2}]}]} ' +
    '(elr and lastKnownElr are null when the broker has no DescribeTopicPartitions).';
  static override enableJsonFlag = true;
  static override strict = false;
  static override examples = [
    'kt topics describe myTestTopic',
    'kt topics describe --topic "orders.*"',
    'kt topics describe myTestTopic --json',
    'kt topics describe --under-replicated-partitions',
    'kt topics describe myTestTopic --apache',
    'kt topics describe --topics-with-overrides --exclude-internal',
    'kt topics describe --unavailable-partitions',
  ];
  static override flags = {
    topic: Flags.string({ char: 't', summary: 'Topic name or regular expression.', helpValue: 'REGEX' }),
    'exclude-internal': Flags.boolean({ summary: 'Leave out internal topics when describing all.' }),
    'topics-with-overrides': Flags.boolean({ summary: 'Only topics with non-default configs.' }),
    'under-replicated-partitions': Flags.boolean({ summary: 'Only partitions whose ISR is smaller than the replica set.' }),
    'unavailable-partitions': Flags.boolean({ summary: 'Only partitions without an available leader.' }),
    apache: Flags.boolean({ summary: 'Print the kafka-topics --describe text layout.' }),
  };

  async run() {
    const { flags, argv } = await this.parse(TopicsDescribe);
    const conn = await this.connection(flags);
    return describeFlow(conn, { json: this.jsonEnabled(), log: (l) => this.log(l) }, {
      names: argv as string[],
      pattern: flags.topic,
      excludeInternal: flags['exclude-internal'],
      topicsWithOverrides: flags['topics-with-overrides'],
      underReplicated: flags['under-replicated-partitions'],
      unavailable: flags['unavailable-partitions'],
      apache: flags.apache,
    });
  }
}
