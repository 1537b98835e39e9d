import { Flags } from '@oclif/core';
import { KtCommand } from '../../cli/base.js';
import { EXIT, UsageError } from '../../cli/errors.js';
import { diag } from '../../cli/output.js';
import type { ConsumerSummary } from '../../format/perf.js';

export default class PerfConsume extends KtCommand {
  static override summary = 'Consumer throughput test (kafka-consumer-perf-test).';
  static override description =
    'Reads --messages records (from the earliest offset, or only new ones with --from-latest) and prints ' +
    'Apache\'s CSV on stdout: the header "start.time, end.time, data.consumed.in.MB, MB.sec, ' +
    'data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec" (not ' +
    'with --hide-header) and one row of totals; with --show-detailed-stats one row per --reporting-interval ' +
    'instead (time, threadId, ...). Bytes are key + value. A live counter shows on a terminal (stderr).\n\n' +
    'Without --group kt reads the partitions directly (no consumer group: rebalance.time.ms is 0); with ' +
    '--group it joins that group (its join and rebalances are the rebalance time) and commits. If --timeout ms ' +
    'pass without a record before --messages were read, it prints Apache\'s WARNING on stderr, the row, and ' +
    'exits 3. --consumer.config takes Java properties (security.protocol, sasl.*, ssl.*).\n\n' +
    'JSON (--json): {"startTime":"2024-05-01 12:00:00:000","endTime":"2024-05-01 12:00:02:000","mb":19.07,' +
    '"mbPerSec":9.53,"messages":200000,"messagesPerSec":100000,"rebalanceTimeMs":0,"fetchTimeMs":2000,' +
    '"fetchMbPerSec":9.53,"fetchMessagesPerSec":100000}';
  static override enableJsonFlag = true;
  static override examples = [
    'kt perf consume --topic perf --messages 200000',
    'kt perf consume --topic perf --messages 200000 --group perf-test --show-detailed-stats --reporting-interval 1000',
    'kt perf consume --include "perf.*" --messages 100000 --hide-header',
    'kt perf consume --bootstrap-server localhost:9092 --topic perf --num-records 100000   # Apache 4.x spelling of --messages',
    'kt perf consume --topic perf --messages 100000 --timeout 30000 --bootstrap-server localhost:9092',
    "kt perf consume --topic perf --messages 100000 --group perf-test --fetch-size 1048576 --from-latest --date-format 'yyyy-MM-dd HH:mm:ss' --consumer.config consumer.properties",
  ];
  static override flags = {
    topic: Flags.string({ char: 't', summary: 'Topic to read.' }),
    include: Flags.string({ summary: 'Read every topic matching this regular expression.', helpValue: 'REGEX' }),
    messages: Flags.integer({ char: 'n', summary: 'Number of records to read (also --num-records, Apache 4.x).', aliases: ['num-records'], required: true, min: 1, helpValue: 'N' }),
    group: Flags.string({ char: 'g', summary: 'Join this consumer group (default: read partitions directly, no group).' }),
    'from-latest': Flags.boolean({ summary: 'Only records produced after the start (default: from the earliest offset).' }),
    timeout: Flags.integer({ summary: 'Max milliseconds between records before giving up.', default: 10_000, min: 1, helpValue: 'MS' }),
    'fetch-size': Flags.integer({ summary: 'Max bytes per partition per fetch (with --group).', default: 1_048_576, min: 1, helpValue: 'BYTES' }),
    'reporting-interval': Flags.integer({ summary: 'Milliseconds between --show-detailed-stats rows.', default: 5000, min: 1, helpValue: 'MS' }),
    'show-detailed-stats': Flags.boolean({ summary: 'One row per reporting interval instead of one row of totals.' }),
    'date-format': Flags.string({ summary: 'java.text.SimpleDateFormat pattern of the time columns.', default: 'yyyy-MM-dd HH:mm:ss:SSS', helpValue: 'PATTERN' }),
    'hide-header': Flags.boolean({ summary: 'No header line.' }),
    'consumer.config': Flags.string({ summary: 'Consumer properties file (security.protocol, sasl.*, ssl.*).', aliases: ['consumer-config'], helpValue: 'FILE' }),
  };

  async run(): Promise<ConsumerSummary> {
    const { flags } = await this.parse(PerfConsume);
    if ((flags.topic === undefined) === (flags.include === undefined)) throw new UsageError('give exactly one of --topic, --include');
    const fmt = await import('../../format/perf.js');
    let dateFormat: (ms: number) => string;
    try {
      dateFormat = fmt.simpleDateFormat(flags['date-format']);
    } catch (e) {
      throw new UsageError(`invalid --date-format '${flags['date-format']}': ${(e as Error).message}`);
    }
    let topics: string[] | RegExp;
    if (flags.include !== undefined) {
      try {
        topics = new RegExp(`^(?:${flags.include})$`);
      } catch (e) {
        throw new UsageError(`invalid --include regex: ${(e as Error).message}`);
      }
    } else topics = [flags.topic!];
    const props: Record<string, string> = {};
    if (flags['consumer.config'] !== undefined) {
      const { readPropertiesFile } = await import('../../cli/properties.js');
      Object.assign(props, readPropertiesFile(flags['consumer.config']));
    }
    const split = fmt.splitProperties(props, []);
    for (const k of split.unused) diag(`kt: warning: consumer property '${k}' is not used by kt perf consume`);

    const conn = await this.connection({
      ...flags,
      'bootstrap-server': flags['bootstrap-server'] ?? split.bootstrap,
      'command-property': [...(flags['command-property'] ?? []), ...Object.entries(split.connection).map(([k, v]) => `${k}=${v}`)],
    });
    const { openKafka } = await import('../../client/index.js');
    const h = await openKafka(conn, { clientId: 'perf-consumer-client' });
    const json = this.jsonEnabled();
    const detailed = flags['show-detailed-stats'];
    if (!flags['hide-header'] && !json) this.log(fmt.consumerHeader(detailed));
    const progress = new fmt.ProgressLine(process.stderr, Boolean(process.stderr.isTTY) && !detailed);
    const n = flags.messages;
    const { runConsumerPerf } = await import('../../client/perf.js');
    const run = runConsumerPerf(
      h,
      { topics, messages: n, group: flags.group, fromLatest: flags['from-latest'], timeoutMs: flags.timeout, fetchSize: flags['fetch-size'], reportingIntervalMs: flags['reporting-interval'] },
      {
        onInterval: detailed && !json ? (p) => this.log(fmt.consumerProgressRow(p, dateFormat)) : undefined,
        onProgress: (messages) => progress.update(() => `${messages}/${n} records read (${Math.floor((messages * 100) / n)}%)`),
      },
    );
    let interrupted = false;
    const onSigint = () => {
      interrupted = true;
      run.stop();
    };
    process.on('SIGINT', onSigint);
    let res;
    try {
      res = await run.result;
    } finally {
      process.off('SIGINT', onSigint);
      progress.clear();
    }
    const summary = fmt.consumerSummary(
      { startMs: res.startMs, endMs: res.endMs, bytes: res.bytes, messages: res.messages, rebalanceTimeMs: res.rebalanceTimeMs },
      dateFormat,
    );
    const short = res.messages < n;
    if (short && res.timedOut) {
      diag(`WARNING: Exiting before consuming the expected number of messages: timeout (${flags.timeout} ms) exceeded. You can use the --timeout option to increase the timeout.`);
    }
    if (!detailed) this.log(fmt.consumerRow(summary));
    if (interrupted || short) {
      if (json) this.logJson(summary);
      this.exitWith(interrupted ? EXIT.INTERRUPTED : EXIT.TIMEOUT);
    }
    return summary;
  }
}
