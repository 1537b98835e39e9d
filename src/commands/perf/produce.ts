import { Flags } from '@oclif/core';
import { KtCommand } from '../../cli/base.js';
import { EXIT, KtError, UsageError } from '../../cli/errors.js';
import { diag } from '../../cli/output.js';
import type { ProducerTotals } from '../../format/perf.js';

export default class PerfProduce extends KtCommand {
  static override summary = 'Producer throughput and latency test (kafka-producer-perf-test).';
  static override description =
    'Sends --num-records records of --record-size random bytes (or payloads from --payload-file, or ' +
    'increasing numbers with --payload-monotonic), as fast as possible or at --throughput records/s, and ' +
    'measures each record\'s latency from send to acknowledgement. Every --reporting-interval (5 s) it prints ' +
    'Apache\'s line "N records sent, X records/sec (Y MB/sec), A ms avg latency, M ms max latency." on stderr ' +
    '(with a live counter on a terminal); at the end the total line "N records sent, X records/sec (Y MB/sec), ' +
    'A ms avg latency, M ms max latency, P ms 50th, P ms 95th, P ms 99th, P ms 99.9th." on stdout.\n\n' +
    '--producer-props (and --producer.config FILE) take Java producer properties: bootstrap.servers, acks ' +
    '(default all), compression.type, batch.size (default 262144: bytes of records per produce request), ' +
    'linger.ms, max.in.flight.requests.per.connection, enable.idempotence, client.id, and the security.* / ' +
    'sasl.* / ssl.* connection properties. Exit 1 when any record failed.\n\n' +
    'JSON (--json): {"records":200000,"recordsPerSec":95238.1,"mbPerSec":9.08,"avgLatencyMs":12.3,' +
    '"maxLatencyMs":80,"p50Ms":10,"p95Ms":30,"p99Ms":50,"p999Ms":70}';
  static override enableJsonFlag = true;
  static override examples = [
    'kt perf produce --topic perf --num-records 200000 --record-size 100 --throughput -1',
    'kt perf produce --topic perf --num-records 100000 --record-size 1000 --throughput 20000 --producer-props acks=1 compression.type=gzip',
    'kt perf produce --topic perf --num-records 50000 --payload-file payloads.txt --throughput -1',
    'kt perf produce --topic perf --num-records 1000000 --record-size 100 --throughput -1 --producer-props bootstrap.servers=localhost:9092',
    'kt perf produce --topic perf --num-records 100000 --payload-monotonic --reporting-interval 1000 --producer.config producer.properties',
    "kt perf produce --topic perf --num-records 10000 --payload-file words.txt --payload-delimiter ' '",
  ];
  static override flags = {
    topic: Flags.string({ char: 't', summary: 'Topic to produce to.', required: true }),
    'num-records': Flags.integer({ char: 'n', summary: 'Number of records to send.', required: true, min: 1, helpValue: 'N' }),
    'record-size': Flags.integer({ char: 's', summary: 'Record size in bytes (random upper-case letters).', min: 1, helpValue: 'BYTES' }),
    'payload-file': Flags.string({ summary: 'File of payloads split at --payload-delimiter (bytes); each record picks one at random.', helpValue: 'FILE' }),
    'payload-monotonic': Flags.boolean({ summary: 'The payload is the record number (0, 1, 2, ...).' }),
    'payload-delimiter': Flags.string({ summary: 'Delimiter of --payload-file (escapes \\n \\t \\r \\0 \\\\, \\xHH is one byte).', default: '\\n', helpValue: 'TEXT' }),
    throughput: Flags.string({ summary: 'Max records per second; -1: unlimited.', default: '-1', helpValue: 'N' }),
    'producer-props': Flags.string({ summary: 'Producer properties KEY=VALUE (several after one flag, or repeated).', multiple: true, helpValue: 'KEY=VALUE' }),
    'producer.config': Flags.string({ summary: 'Producer properties file.', aliases: ['producer-config'], helpValue: 'FILE' }),
    'reporting-interval': Flags.integer({ summary: 'Milliseconds between the periodic lines.', default: 5000, min: 1, helpValue: 'MS' }),
  };

  async run(): Promise<ProducerTotals> {
    const { flags } = await this.parse(PerfProduce);
    const payloads = [flags['record-size'] !== undefined, flags['payload-file'] !== undefined, flags['payload-monotonic']].filter(Boolean).length;
    if (payloads !== 1) throw new UsageError('give exactly one of --record-size, --payload-file, --payload-monotonic');
    const fmt = await import('../../format/perf.js');
    const throughput = Number(flags.throughput);
    if (!Number.isFinite(throughput) || (throughput <= 0 && throughput !== -1 && throughput !== 0)) {
      throw new UsageError(`invalid --throughput '${flags.throughput}'; expected records per second, or -1 for unlimited`);
    }
    // Java properties: the file, then --producer-props (which win, as Apache)
    const props: Record<string, string> = {};
    if (flags['producer.config'] !== undefined) {
      const { readPropertiesFile } = await import('../../cli/properties.js');
      Object.assign(props, readPropertiesFile(flags['producer.config']));
    }
    const { parseKeyValues } = await import('../../cli/properties.js');
    Object.assign(props, parseKeyValues(flags['producer-props'], '--producer-props'));
    const split = fmt.splitProperties(props, fmt.PRODUCER_TUNING_KEYS);
    for (const k of split.unused) diag(`kt: warning: producer property '${k}' is not used by kt perf produce`);
    const tuning = fmt.producerTuning(split.tuning);

    const perf = await import('../../client/perf.js');
    let payload;
    if (flags['record-size'] !== undefined) payload = perf.randomPayload(flags['record-size']);
    else if (flags['payload-file'] !== undefined) {
      const { unescapeBytes } = await import('../../format/escapes.js');
      const delimiter = unescapeBytes(flags['payload-delimiter'], '--payload-delimiter');
      if (delimiter.length === 0) throw new UsageError('--payload-delimiter cannot be empty');
      payload = perf.filePayload(flags['payload-file'], delimiter);
    } else payload = perf.monotonicPayload();
    for (const line of payload.describe ?? []) diag(line);

    const conn = await this.connection({
      ...flags,
      'bootstrap-server': flags['bootstrap-server'] ?? split.bootstrap,
      'command-property': [...(flags['command-property'] ?? []), ...Object.entries(split.connection).map(([k, v]) => `${k}=${v}`)],
    });
    const { openKafka } = await import('../../client/index.js');
    const h = await openKafka(conn, { clientId: 'perf-producer-client' });
    const progress = new fmt.ProgressLine(process.stderr, Boolean(process.stderr.isTTY));
    const n = flags['num-records'];
    // Ctrl-C: stop sending, wait for what is in flight, print the totals, exit 130
    let interrupted = false;
    const onSigint = () => {
      if (interrupted) process.exit(EXIT.INTERRUPTED);
      interrupted = true;
    };
    process.on('SIGINT', onSigint);
    const res = await perf.runProducerPerf(
      h,
      { topic: flags.topic, numRecords: n, payload, throughput: throughput > 0 ? throughput : -1, ...tuning, reportingIntervalMs: flags['reporting-interval'] },
      {
        onWindow: (line) => {
          progress.clear();
          diag(line);
        },
        onProgress: (_queued, acked) => progress.update(() => `${acked}/${n} records acknowledged (${Math.floor((acked * 100) / n)}%)`),
        stopped: () => interrupted,
      },
    ).finally(() => process.off('SIGINT', onSigint));
    progress.clear();
    const { failed, firstError, ...totals } = res;
    this.log(fmt.producerTotalLine(totals));
    if (failed > 0) {
      if (this.jsonEnabled()) this.logJson(totals);
      diag(`kt: error: ${failed} of ${n} records failed: ${firstError?.message ?? 'unknown error'}`);
      this.exitWith(EXIT.ERROR);
    }
    if (interrupted) {
      if (this.jsonEnabled()) this.logJson(totals);
      this.exitWith(EXIT.INTERRUPTED);
    }
    if (totals.records < n) throw new KtError(`only ${totals.records} of ${n} records were acknowledged`);
    return totals;
  }
}
