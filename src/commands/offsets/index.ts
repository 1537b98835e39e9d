import { Flags } from '@oclif/core';
import { KtCommand } from '../../cli/base.js';
import { UsageError } from '../../cli/errors.js';
import { out } from '../../cli/output.js';
import type { PartitionOffset, PartitionSelector, TimeSpec } from '../../client/clusterModel.js';

export interface OffsetsResult {
  time: TimeSpec['kind'];
  timestamp: number | null;
  partitions: PartitionOffset[];
}

export default class Offsets extends KtCommand {
  static override summary = 'Offsets of partitions: latest, earliest, or by time (kafka-get-offsets).';
  static override description =
    'Prints one "topic:partition:offset" line per partition, as kafka-get-offsets does: the latest offset (the ' +
    'high watermark) by default, the earliest with --time earliest, or with --time T the first offset whose ' +
    'record timestamp is at or after T (partitions without such a record are left out, as Apache does). ' +
    'Arguments name topics and partitions: TOPIC, TOPIC:P or TOPIC:P,P; without any, every topic. ' +
    'The kafka-get-offsets flags work too: --topic (name or regex), --partitions, --topic-partitions ' +
    '(TOPIC_REGEX[:N|N-M|N-|-M],...), --exclude-internal-topics. --long prints a table with the earliest ' +
    'and latest offsets and the message count.\n\n' +
    '--time: latest or -1, earliest or -2, max-timestamp or -3 (the record with the highest timestamp), ' +
    'earliest-local or -4 (the first offset on the broker\'s disk: the earliest without tiered storage), ' +
    'latest-tiered or -5 and earliest-pending-upload or -6 (the last offset in tiered storage and the first not ' +
    'yet uploaded: without tiered storage none, so no line, as Apache), ms since the epoch, ISO-8601 ' +
    '(2024-05-01T12:00:00Z), or -DURATION before now (-15m, -1h, -2d).\n\n' +
    'JSON (--json): {"time":"timestamp","timestamp":1714564800000,"partitions":[{"topic":"orders","partition":0,' +
    '"offset":42,"earliest":0,"latest":100}]} (time is latest, earliest, max-timestamp, ' +
    'earliest-local, latest-tiered, earliest-pending-upload or timestamp; offset is null when there is none: no record at or ' +
    'after the time, nothing tiered)';
  static override enableJsonFlag = true;
  static override strict = false;
  static override examples = [
    'kt offsets orders',
    'kt offsets orders:0',
    'kt offsets orders --time earliest',
    'kt offsets orders --time 2024-05-01T12:00:00Z',
    'kt offsets orders --time -1h --long',
    'kt offsets --topic-partitions "orders:0-2,payments" --time -2',
    'kt offsets --topic "orders.*" --partitions 0,1 --json',
    'kt offsets --topic ".*" --exclude-internal-topics',
  ];
  static override args = {};
  static override flags = {
    time: Flags.string({ summary: 'latest|-1, earliest|-2, max-timestamp|-3, earliest-local|-4, latest-tiered|-5, earliest-pending-upload|-6, ms, ISO-8601 or -DURATION.', default: 'latest', helpValue: 'TIME' }),
    topic: Flags.string({ char: 't', summary: 'Topic name or regular expression (kafka-get-offsets --topic).', helpValue: 'TOPIC' }),
    partitions: Flags.string({ summary: 'Partition ids N,N,... (with --topic, or of every topic).', helpValue: 'N[,N...]' }),
    'topic-partitions': Flags.string({ summary: 'kafka-get-offsets patterns: TOPIC_REGEX[:N|N-M|N-|-M],...', helpValue: 'PATTERNS' }),
    'exclude-internal-topics': Flags.boolean({ summary: 'Leave out internal topics (__consumer_offsets, ...).' }),
    long: Flags.boolean({ char: 'l', summary: 'A table: earliest, latest, message count and the offset for --time.' }),
  };

  async run(): Promise<OffsetsResult> {
    const { flags, argv } = await this.parse(Offsets);
    const fmt = await import('../../format/cluster.js');
    const time: TimeSpec = fmt.parseTimeSpec(flags.time);
    const args = argv as string[];
    if (flags['topic-partitions'] !== undefined && (flags.topic !== undefined || flags.partitions !== undefined || args.length)) {
      throw new UsageError('--topic-partitions cannot be used with --topic, --partitions or TOPIC arguments');
    }
    if (args.length && (flags.topic !== undefined || flags.partitions !== undefined)) {
      throw new UsageError('give topics as arguments (TOPIC:P) or with --topic/--partitions, not both');
    }
    let selectors: PartitionSelector[];
    if (flags['topic-partitions'] !== undefined) selectors = fmt.parseApacheTopicPartitions(flags['topic-partitions']);
    else if (args.length) selectors = args.map((a) => fmt.parseTopicPartitionArg(a));
    else if (flags.topic !== undefined || flags.partitions !== undefined) {
      let partitions: PartitionSelector['partitions'] = null;
      if (flags.partitions !== undefined) {
        const { parsePartitions } = await import('../../format/partitions.js');
        partitions = { kind: 'set', partitions: parsePartitions(flags.partitions, '--partitions') };
      }
      selectors = [flags.topic !== undefined ? { topic: flags.topic, regex: false, partitions } : { topic: '.*', regex: true, partitions }];
    } else selectors = [];

    const conn = await this.connection(flags);
    const [{ openKafka }, { withSession, getOffsets }] = await Promise.all([import('../../client/index.js'), import('../../client/admin.js')]);
    const h = await openKafka(conn, { clientId: 'kt-admin' });
    const partitions = await withSession(h, (s) => getOffsets(s, selectors, time, { excludeInternal: flags['exclude-internal-topics'] }));
    if (flags.long) this.log(fmt.offsetsTable(partitions, out().bold));
    else {
      const text = fmt.offsetLines(partitions);
      if (text) this.log(text);
    }
    return { time: time.kind, timestamp: time.kind === 'timestamp' ? time.ms : null, partitions };
  }
}
