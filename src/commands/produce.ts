import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { Flags } from '@oclif/core';
import { KtCommand } from '../cli/base.js';
import { EXIT, KtError, UsageError, fileProblem } from '../cli/errors.js';
import { diag } from '../cli/output.js';
import { parseKeyValues } from '../cli/properties.js';
import { clientFlags, givenFlags, optionalCodecValue, takeProducerSettings } from '../cli/clientSettings.js';

export default class Produce extends KtCommand {
  static override summary = 'Write records to a topic from stdin, a file or a flag (kafka-console-producer).';
  static override description =
    'Reads stdin until EOF, one record per line (a trailing \\r is stripped), and sends the records in ' +
    'batches with several requests in flight (--sync waits for each). In a terminal it shows a > prompt ' +
    'and the partition/offset of each record. Ends with "Produced N messages to TOPIC" on stderr; exits 1 ' +
    'naming how many records failed.\n\n' +
    'Apache producer properties (--property): parse.key, key.separator (TAB), parse.headers, ' +
    'headers.delimiter (TAB), headers.separator (,), headers.key.separator (:), null.marker, ignore.error. ' +
    'A line with both is  h1:v1,h2:v2<TAB>key<TAB>value.\n\n' +
    'Escapes in --delimiter and the separator properties: \\n \\t \\r \\0 \\\\ and \\xHH, which is the one byte HH ' +
    '(as kcat: --delimiter \\xff splits at the byte ff, the byte kt consume --format \'%v\\xff\' writes); any ' +
    'other backslash sequence is an error.\n\n' +
    '--input json reads what kt consume --output json writes (one object a line: key, value, headers, ' +
    'optional partition, timestamp, keyEncoding/valueEncoding/headersEncoding utf8|base64|hex|json), so ' +
    'kt consume --output json | kt produce --input json copies records byte for byte. --input raw sends ' +
    'all input as one record.\n\n' +
    'Java producer properties (-X/--producer-property KEY=VALUE, --command-config/--producer.config FILE, ' +
    'a profile): acks, compression.type, batch.size, linger.ms, enable.idempotence and ' +
    'max.in.flight.requests.per.connection set what --acks, --compression, --batch-size, --linger-ms, ' +
    '--idempotent and --max-in-flight set; a flag on the command line wins. Other producer properties ' +
    'are reported as not used. Apache 4.x spellings work too: --compression-codec [CODEC] (gzip when ' +
    'given without a value), --request-required-acks.';
  static override baseFlags = clientFlags(KtCommand.baseFlags, 'producer');
  static override examples = [
    "printf 'my first message\\nmy second message\\n' | kt produce --topic myTestTopic",
    'kt produce -t orders --value \'{"id":1}\' --key order-1 -H source=cli',
    "printf 'user1\\tlogin\\nuser2\\tlogout\\n' | kt produce -t events --property parse.key=true",
    'kt produce -t orders --file orders.txt --acks 1 --compression gzip',
    'kt consume -t orders --from-beginning --exit --output json | kt produce -t orders-copy --input json',
    'seq 1 1000 | kt produce -t numbers --rate 100',
    'kt produce -t orders -p 2 --sync --value one-record-to-partition-2',
    "printf 'a;b;c' | kt produce -t letters --delimiter ';' --quiet",
    'kt produce -t payments --idempotent --file payments.txt',
    'kt produce -t bulk --file big.txt --batch-size 4194304 --linger-ms 50 --max-in-flight 8',
    'kt produce --topic orders --producer-property acks=1 --compression-codec lz4 < orders.txt   # Apache 4.x flags',
    'kt produce -t orders --producer.config producer.properties --request-required-acks all < orders.txt',
    "printf 'k1\\tv1\\n' | kt produce -t orders --reader-property parse.key=true   # Apache 4.x spelling of --property",
  ];
  static override flags = {
    topic: Flags.string({ char: 't', summary: 'Topic to write to (prompted for in a terminal).' }),
    partition: Flags.integer({ char: 'p', summary: 'Partition for every record (default: by key hash, round-robin without a key).', min: 0 }),
    key: Flags.string({ char: 'k', summary: 'Key for every record that has no key of its own.' }),
    value: Flags.string({ summary: 'Send this one value instead of reading input.' }),
    file: Flags.string({ char: 'f', summary: 'Read records from this file instead of stdin.', helpValue: 'PATH' }),
    header: Flags.string({ char: 'H', summary: 'Header KEY=VALUE or KEY:VALUE for every record (repeatable).', multiple: true, multipleNonGreedy: true, helpValue: 'KEY=VALUE' }),
    property: Flags.string({ summary: 'Apache producer property KEY=VALUE (repeatable; also --reader-property, Apache 4.x).', aliases: ['reader-property'], multiple: true, multipleNonGreedy: true, helpValue: 'KEY=VALUE' }),
    input: Flags.string({ summary: 'Input format.', options: ['lines', 'json', 'raw'], default: 'lines' }),
    delimiter: Flags.string({ char: 'D', summary: 'Record delimiter for lines input (escapes \\n \\t \\r \\0 \\\\, \\xHH is one byte).', default: '\\n' }),
    acks: Flags.string({ summary: 'Acknowledgements to wait for (also --request-required-acks, Apache).', aliases: ['request-required-acks'], options: ['all', '-1', '1', '0'], default: 'all' }),
    compression: Flags.string({ char: 'z', summary: 'Compression codec (also --compression-codec, Apache: gzip without a value).', aliases: ['compression-codec'], options: ['none', 'gzip', 'snappy', 'lz4', 'zstd'], default: 'none' }),
    'batch-size': Flags.integer({ summary: 'Max bytes of records per produce request.', default: 1_048_576, min: 1 }),
    'linger-ms': Flags.integer({ summary: 'Max time a partial batch waits for more input.', default: 10, min: 0 }),
    'max-in-flight': Flags.integer({ summary: 'Produce requests in flight at once.', default: 5, min: 1 }),
    idempotent: Flags.boolean({ summary: 'Idempotent producer: each batch written once, in order (--acks all; at most 5 requests in flight).' }),
    sync: Flags.boolean({ summary: 'Send records one at a time and wait for each acknowledgement.' }),
    rate: Flags.integer({ summary: 'Limit to N records per second.', min: 1, helpValue: 'N' }),
    quiet: Flags.boolean({ char: 'q', summary: 'No summary line on stderr.' }),
    yes: Flags.boolean({ char: 'y', summary: 'Never prompt.' }),
  };

  async run(): Promise<void> {
    const { flags, raw } = await this.parse(Produce, optionalCodecValue(this.argv));
    const given = givenFlags(raw);
    const [{ parseProducerProperties, parseHeaderFlag }, { unescapeBytes }, reader] = await Promise.all([
      import('../format/input.js'),
      import('../format/escapes.js'),
      import('../format/reader.js'),
    ]);
    const lineOpts = parseProducerProperties(parseKeyValues(flags.property, '--property'));
    const headers = (flags.header ?? []).map(parseHeaderFlag);
    if (flags.value !== undefined && flags.file) throw new UsageError('--value and --file cannot be used together');
    const delimiter = unescapeBytes(flags.delimiter, '--delimiter');
    const readerOpts = {
      mode: flags.input as 'lines' | 'json' | 'raw',
      delimiter,
      line: lineOpts,
      fixedKey: flags.key !== undefined ? Buffer.from(flags.key, 'utf8') : undefined,
      headers,
      partition: flags.partition,
      onSkip: (m: string) => diag(`kt: warning: skipped ${m}`),
    };
    if (flags.file) checkInputFile(flags.file);
    const { checkTopicName } = await import('../cli/topicName.js');
    checkTopicName(flags.topic);
    const interactive = flags.value === undefined && !flags.file && Boolean(process.stdin.isTTY);
    if (!flags.topic) {
      const { canPrompt } = await import('../cli/output.js');
      if (!canPrompt({ yes: flags.yes })) throw new UsageError('missing --topic', 'pass --topic NAME (kt prompts for it only in a terminal)');
    }

    const conn = await this.connection(flags);
    // Producer properties set what the flags set, unless the flag is on the command line.
    const props = takeProducerSettings(conn.properties);
    const pick = <F, P>(flag: string, fromFlag: F, fromProps: P): F | P => (given.has(flag) || !props.set.has(flag) ? fromFlag : fromProps);
    const { openKafka } = await import('../client/index.js');
    const h = await openKafka(conn, { clientId: 'kt-producer' });
    let topic = flags.topic;
    if (!topic) {
      const { requireTopic } = await import('../cli/prompt.js');
      const { withAdmin, listTopicNames } = await import('../client/topics.js');
      topic = await requireTopic(undefined, () => withAdmin(h, listTopicNames), { yes: flags.yes, allowNew: true });
    }
    const { ProducerSession, failureError } = await import('../client/producer.js');
    const session = await ProducerSession.open(h, {
      topic,
      acks: pick('acks', flags.acks === 'all' ? -1 : (Number(flags.acks) as -1 | 0 | 1), props.acks),
      compression: pick('compression', flags.compression as 'none', props.compression),
      batchBytes: pick('batch-size', flags['batch-size'], props.batchBytes),
      lingerMs: pick('linger-ms', flags['linger-ms'], props.lingerMs),
      idempotent: pick('idempotent', flags.idempotent, props.idempotent),
      sync: flags.sync,
      rate: flags.rate,
      maxInFlight: pick('max-in-flight', flags['max-in-flight'], props.maxInFlight),
      checkPartitions: flags.partition !== undefined || flags.input === 'json',
      fixed: { key: readerOpts.fixedKey, headers, partition: flags.partition },
    });

    let interrupted = false;
    let inputError: unknown;
    const onSigint = () => {
      if (interrupted) process.exit(EXIT.INTERRUPTED);
      interrupted = true;
      if (interactive) process.stdin.destroy();
      else process.stdin.pause();
    };
    process.on('SIGINT', onSigint);
    try {
      if (flags.value !== undefined) {
        const r = reader.recordFrom(Buffer.from(flags.value, 'utf8'), 1, { ...readerOpts, mode: readerOpts.mode === 'json' ? 'json' : 'raw' });
        if (r) await session.sendOne(r).catch(() => undefined);
      } else if (interactive) {
        if (await this.interactive(session, readerOpts, reader)) interrupted = true;
      } else {
        const { createReadStream, fstatSync } = await import('node:fs');
        // Input read in 1 MiB chunks: a --file, or stdin redirected from a file (node reads
        // such a stdin 64 KiB at a time).
        const stdinIsFile = !flags.file && (() => {
          try {
            return fstatSync(0).isFile();
          } catch {
            return false;
          }
        })();
        const input = flags.file
          ? createReadStream(flags.file, { highWaterMark: 1 << 20 })
          : stdinIsFile
            ? createReadStream('', { fd: 0, highWaterMark: 1 << 20, autoClose: false })
            : process.stdin;
        if (flags.file) {
          await new Promise<void>((resolve, reject) => {
            input.once('open', () => resolve());
            input.once('error', (e: NodeJS.ErrnoException) => reject(new UsageError(`cannot read --file ${flags.file}: ${fileProblem(e)}`)));
          });
        }
        // Plain lines (no parsing of keys, headers or null markers): each line's bytes go
        // straight into a record batch, no object per record; from a file, into one reused
        // read buffer (the encoder copies each line before the next read).
        const plain = readerOpts.mode === 'lines' && !lineOpts.parseKey && !lineOpts.parseHeaders && lineOpts.nullMarker === null;
        if (plain && !flags.sync && !flags.rate) {
          const { RecordSplitter } = await import('../format/input.js');
          const splitter = new RecordSplitter(delimiter);
          const each = session.addValue;
          const fd = flags.file ? (input as import('node:fs').ReadStream & { fd: number | null }).fd : stdinIsFile ? 0 : null;
          const chunks = typeof fd === 'number' ? reader.fileChunks(fd, 1 << 20, session.inputBuffer) : input;
          for await (const chunk of chunks) {
            if (interrupted) break;
            splitter.scan(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer), each);
            const wait = session.pace();
            if (wait) await wait;
          }
          if (!interrupted) splitter.scanEnd(each);
          if (flags.file) input.destroy();
        } else {
          for await (const records of reader.readRecordChunks(input, readerOpts)) {
            for (const r of records) {
              if (interrupted) break;
              if (flags.sync) {
                await session.sendOne(r).catch(() => undefined);
              } else {
                const wait = session.add(r);
                if (wait) await wait;
              }
            }
            if (interrupted) break;
          }
        }
      }
    } catch (err) {
      inputError = err;
    } finally {
      process.off('SIGINT', onSigint);
    }
    const summary = await session.close();
    // A usage error before anything was sent is only the error (no "Produced 0 messages" first).
    const usageFirst = inputError instanceof UsageError && summary.sent === 0 && summary.failed === 0;
    if (!flags.quiet && !usageFirst) diag(`Produced ${summary.sent} message${summary.sent === 1 ? '' : 's'} to ${topic}`);
    if (inputError) throw inputError;
    if (summary.failed > 0) throw failureError(topic, summary);
    if (interrupted) this.exitWith(EXIT.INTERRUPTED);
  }

  /** TTY mode: a > prompt per line, each record acknowledged with its partition and offset. */
  private async interactive(
    session: import('../client/producer.js').ProducerSession,
    readerOpts: import('../format/reader.js').ReaderOptions,
    reader: typeof import('../format/reader.js'),
  ): Promise<boolean> {
    const { createInterface } = await import('node:readline');
    const { err } = await import('../cli/output.js');
    const rl = createInterface({ input: process.stdin, output: process.stderr, prompt: '> ', terminal: true });
    // In raw mode Ctrl-C reaches readline, not the process: end the session as interrupted
    // (exit 130, as documented); Ctrl-D ends it normally (exit 0).
    let interrupted = false;
    rl.on('SIGINT', () => {
      interrupted = true;
      rl.close();
    });
    const c = err();
    let n = 0;
    rl.prompt();
    for await (const line of rl) {
      try {
        const r = reader.recordFrom(Buffer.from(line, 'utf8'), ++n, readerOpts);
        if (r) {
          const meta = await session.sendOne(r);
          if (meta) diag(c.dim(`  partition ${meta.partition}, offset ${meta.baseOffset}`));
        }
      } catch (e) {
        diag(`${c.red('kt: error:')} ${e instanceof KtError ? e.message : String(e)}`);
      }
      rl.prompt();
    }
    process.stderr.write('\n');
    return interrupted;
  }
}

/** --file must name a readable regular file (or a FIFO / device): checked before connecting. */
function checkInputFile(file: string): void {
  let st: import('node:fs').Stats;
  try {
    st = statSync(file);
  } catch (e) {
    throw new UsageError(`cannot read --file ${file}: ${fileProblem(e)}`);
  }
  if (st.isDirectory()) throw new UsageError(`cannot read --file ${file}: it is a directory`, 'name a file of records');
  try {
    accessSync(file, fsConstants.R_OK);
  } catch (e) {
    throw new UsageError(`cannot read --file ${file}: ${fileProblem(e)}`);
  }
}
