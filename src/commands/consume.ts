import { Flags } from '@oclif/core';
import { KtCommand } from '../cli/base.js';
import { EXIT, UsageError } from '../cli/errors.js';
import { diag } from '../cli/output.js';
import { parseKeyValues } from '../cli/properties.js';
import { clientFlags, givenFlags, takeConsumerSettings } from '../cli/clientSettings.js';

export default class Consume extends KtCommand {
  static override summary = 'Read records from topics and print them (kafka-console-consumer).';
  static override description =
    'Prints each record\'s value on its own line, starting at the end of each partition (latest) like the ' +
    'Apache tool; --from-beginning or --offset choose another start. Stops at --max-messages, after ' +
    '--timeout-ms without records (exit 3 when --max-messages was not reached), at the end of the ' +
    'partitions as they were at start (--exit), or on Ctrl-C (exit 130, committing with --group). Always ' +
    'ends with "Processed a total of N messages" on stderr. A broker restart or lost connection is waited out ' +
    '(one warning line; the count stays true). A --topic that does not exist is created by the broker ' +
    '(auto.create.topics.enable) and kt says so on stderr; --no-create makes it an error instead.\n\n' +
    'Without --group, kt reads the partitions directly (no consumer group, nothing committed). With ' +
    '--group it joins the group (Kafka\'s consumer protocol, assignors range and roundrobin as Java\'s) and ' +
    'commits what it printed every 5 s, before a rebalance and on exit; --group with --partition reads those ' +
    'partitions directly and commits to the group, as Java\'s assign().\n\n' +
    '--offset: earliest|beginning, latest|end, N (absolute, needs --partition), -N (N before the end of ' +
    'each partition), +N (N after the start), @<ms>, @<ISO-8601> (@2024-05-01T12:00:00Z), @-<duration> ' +
    '(@-30s, @-15m, @-1h, @-2d).\n\n' +
    '--property (Apache DefaultMessageFormatter): print.timestamp, print.partition, print.offset, ' +
    'print.headers, print.key, print.value, key.separator (TAB), line.separator (\\n), headers.separator (,), ' +
    'null.literal (null).\n\n' +
    'Escapes in --format and the separator properties: \\n \\t \\r \\0 \\\\ and \\xHH, which is the one byte HH ' +
    '(as kcat: \\xff writes the byte ff, the same byte kt produce --delimiter \\xff reads); any other ' +
    'backslash sequence is an error.\n\n' +
    'On a terminal, control characters in keys, values and headers are shown visibly (ESC as ^[, CR as ^M, ' +
    'DEL as ^?, C1 controls as <U+009B>), so a record cannot change the terminal; piped or redirected output ' +
    'is the bytes as they are.\n\n' +
    '--format tokens: %t topic, %p partition, %o offset, %k key, %v value, %K/%V key/value length, ' +
    '%T timestamp ms, %d ISO-8601 timestamp, %h headers k=v,..., %%.\n\n' +
    '--output json: {"topic","partition","offset","timestamp","key","value","headers":{...}} per line; ' +
    'bytes that are not UTF-8 are written as base64 with "valueEncoding":"base64" (keyEncoding, ' +
    'headersEncoding likewise), so kt produce --input json reads it back byte for byte.\n\n' +
    'Java consumer properties (-X/--consumer-property KEY=VALUE, --command-config/--consumer.config FILE, ' +
    'a profile): group.id is --group (a different --group is an error, as in Apache), ' +
    'auto.offset.reset=earliest is --from-beginning (latest is the default), isolation.level is ' +
    '--isolation-level (the flag wins). Other consumer properties are reported as not used.';
  static override baseFlags = clientFlags(KtCommand.baseFlags, 'consumer');
  static override examples = [
    'kt consume --topic myTestTopic --from-beginning',
    'kt consume -t orders --from-beginning --max-messages 10',
    'kt consume -t orders --offset -5 --exit',
    'kt consume -t orders -p 0 --offset 42 -n 1',
    'kt consume -t orders --offset @-15m --exit',
    'kt consume -t orders --group billing',
    'kt consume -t orders --from-beginning --property print.key=true --property print.timestamp=true',
    "kt consume -t orders --format '%p:%o %k=%v\\n' --exit --from-beginning",
    'kt consume -t orders --from-beginning --exit --output json > orders.jsonl',
    'kt consume --include "orders-.*" --from-beginning --exit',
    'kt consume -t orders -g billing --timeout-ms 10000   # stop after 10 s without records',
    'kt consume -t payments --isolation-level read_committed --from-beginning --exit',
    'kt consume -t images --from-beginning --exit --output json --key-encoding utf8 --value-encoding base64',
    'kt consume -t orders --no-create --from-beginning --exit   # fail if orders does not exist',
    'kt consume --topic orders --consumer-property group.id=billing --consumer-property auto.offset.reset=earliest   # Apache 4.x flags',
    'kt consume -t orders --consumer.config consumer.properties --from-beginning',
    'kt consume -t orders --from-beginning --formatter-property print.key=true --formatter-property print.partition=true   # Apache 4.x spelling of --property',
  ];
  static override flags = {
    topic: Flags.string({ char: 't', summary: 'Topic to read (prompted for in a terminal).', exclusive: ['include'] }),
    include: Flags.string({ summary: 'Read every topic matching this regular expression.', helpValue: 'REGEX' }),
    group: Flags.string({ char: 'g', summary: 'Consumer group: join it and commit offsets.' }),
    partition: Flags.string({ char: 'p', summary: 'Only these partitions (N or N,N,...).', multiple: true, multipleNonGreedy: true, helpValue: 'N[,N...]' }),
    'from-beginning': Flags.boolean({ summary: 'Start at the earliest offset (with --group: when nothing is committed).' }),
    offset: Flags.string({ char: 'o', summary: 'Start position (see the grammar above).', helpValue: 'OFFSET' }),
    'max-messages': Flags.integer({ char: 'n', summary: 'Stop after N records.', min: 1, helpValue: 'N' }),
    'timeout-ms': Flags.integer({ summary: 'Stop after MS without records.', min: 1, helpValue: 'MS' }),
    exit: Flags.boolean({ char: 'e', summary: 'Stop at the end of every partition as it was at start.' }),
    property: Flags.string({ summary: 'Apache formatter property KEY=VALUE (repeatable; also --formatter-property, Apache 4.x).', aliases: ['formatter-property'], multiple: true, multipleNonGreedy: true, helpValue: 'KEY=VALUE' }),
    format: Flags.string({ char: 'f', summary: 'Output template, e.g. \'%k\\t%v\\n\'.', exclusive: ['output'], helpValue: 'TEMPLATE' }),
    output: Flags.string({ summary: 'Output format.', options: ['text', 'json'], default: 'text' }),
    'key-encoding': Flags.string({ summary: 'Key encoding for --output json.', options: ['utf8', 'base64', 'hex', 'json'], default: 'utf8' }),
    'value-encoding': Flags.string({ summary: 'Value encoding for --output json.', options: ['utf8', 'base64', 'hex', 'json'], default: 'utf8' }),
    'isolation-level': Flags.string({ summary: 'Read transactional records committed only, or all.', options: ['read_uncommitted', 'read_committed'], default: 'read_uncommitted' }),
    'skip-message-on-error': Flags.boolean({ summary: 'Accepted for kafka-console-consumer compatibility (kt\'s formatters cannot fail on a record).' }),
    create: Flags.boolean({ summary: 'Let the broker auto-create a missing --topic (--no-create: fail instead).', allowNo: true, default: true }),
    yes: Flags.boolean({ char: 'y', summary: 'Never prompt.' }),
  };

  async run(): Promise<void> {
    const { flags, raw } = await this.parse(Consume);
    const given = givenFlags(raw);
    const [{ parseOffset }, { parsePartitionFlags }, { makeRenderer }] = await Promise.all([import('../format/offset.js'), import('../format/partitions.js'), import('../format/render.js')]);

    // --- validate everything before connecting
    if (flags.offset !== undefined && flags['from-beginning']) throw new UsageError('--offset and --from-beginning cannot be used together');
    let start = flags.offset !== undefined ? parseOffset(flags.offset) : flags['from-beginning'] ? ({ kind: 'earliest' } as const) : null;
    const partitions = flags.partition ? parsePartitionFlags(flags.partition, '--partition') : undefined;
    if (start?.kind === 'absolute' && !partitions) throw new UsageError(`--offset ${flags.offset} is an absolute offset and needs --partition`, 'or use -N / +N / earliest / latest');
    let include: RegExp | undefined;
    if (flags.include !== undefined) {
      try {
        include = new RegExp(`^(?:${flags.include})$`);
      } catch (e) {
        throw new UsageError(`invalid --include regex: ${(e as Error).message}`);
      }
    }
    if (!flags.topic && !include) {
      const { canPrompt } = await import('../cli/output.js');
      if (!canPrompt({ yes: flags.yes })) throw new UsageError('missing --topic (or --include)', 'pass --topic NAME (kt prompts for it only in a terminal)');
    }
    const { checkTopicName } = await import('../cli/topicName.js');
    checkTopicName(flags.topic);
    for (const f of ['key-encoding', 'value-encoding']) {
      if (given.has(f) && flags.output !== 'json') throw new UsageError(`--${f} applies to --output json`, `add --output json, or leave out --${f}`);
    }
    const mode = await this.renderMode(flags);
    const rendered = makeRenderer(mode);
    // On a terminal, control characters in records are shown (^[, ^M), never acted on; a pipe
    // or a file gets the bytes as they are. (JSON output escapes them already.)
    const { visibleControls } = await import('../format/visible.js');
    const render = process.stdout.isTTY && mode.kind !== 'json' ? (records: Parameters<typeof rendered>[0]) => visibleControls(rendered(records)) : rendered;

    const conn = await this.connection(flags);
    // Consumer properties: group.id, auto.offset.reset, isolation.level (checked as Apache does)
    const props = takeConsumerSettings(conn.properties);
    if (flags.group !== undefined && props.group !== undefined && flags.group !== props.group) {
      throw new UsageError(`the group ids given in different places (--group, group.id) do not match: ${flags.group}, ${props.group}`);
    }
    const group = flags.group ?? props.group;
    if (props.autoOffsetReset !== undefined && flags['from-beginning'] && props.autoOffsetReset !== 'earliest') {
      throw new UsageError(`--from-beginning and auto.offset.reset=${props.autoOffsetReset} cannot be used together`);
    }
    if (start === null && props.autoOffsetReset === 'earliest') start = { kind: 'earliest' } as const;
    const isolation = given.has('isolation-level') ? flags['isolation-level'] : props.isolationLevel ?? flags['isolation-level'];
    const { openKafka } = await import('../client/index.js');
    const h = await openKafka(conn, { clientId: 'kt-consumer' });
    let topic = flags.topic;
    if (!topic && !include) {
      const { requireTopic } = await import('../cli/prompt.js');
      const { withAdmin, listTopicNames } = await import('../client/topics.js');
      topic = await requireTopic(undefined, () => withAdmin(h, listTopicNames), { yes: flags.yes, flag: '--topic (or --include)' });
    }

    // --- output: one write per fetched batch; back-pressure; a closed pipe ends quietly
    const stdout = process.stdout;
    let outputClosed = false;
    const { once } = await import('node:events').then((m) => m.default);
    let onClosed: () => void = () => undefined;
    const closed = new Promise<void>((resolve) => (onClosed = resolve));
    stdout.on('error', (e: NodeJS.ErrnoException) => {
      outputClosed = true;
      onClosed();
      if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') diag(`kt: warning: cannot write to stdout: ${e.message}`);
    });
    const sink = async (records: import('../format/record.js').ConsumedRecord[]): Promise<boolean> => {
      if (outputClosed) return false;
      const ok = stdout.write(render(records));
      if (!ok && !outputClosed) await Promise.race([once(stdout, 'drain'), closed]);
      return !outputClosed;
    };

    const { startConsume } = await import('../client/consumer.js');
    const handle = startConsume(h, {
      topics: include ?? [topic!],
      partitions,
      group,
      start,
      maxMessages: flags['max-messages'],
      timeoutMs: flags['timeout-ms'],
      exitAtEnd: flags.exit,
      readCommitted: isolation === 'read_committed',
      sink,
      // In a terminal, say which partitions this consumer owns after each rebalance.
      onRebalance: group && process.stderr.isTTY ? rebalanceNotice(group) : undefined,
      // A misspelled topic is not created silently: one line when this request created it.
      noCreate: !flags.create,
      onCreated: (t) => diag(`kt: topic '${t}' did not exist; the broker created it (auto.create.topics.enable) — --no-create to refuse`),
      // A broker restart is waited out, as Apache's console consumer does; say so once.
      onConnection: (e) => diag(e.event === 'lost' ? `kt: warning: ${e.reason}; retrying (Ctrl-C to stop)` : 'kt: connection restored; consuming'),
    });
    void closed.then(() => handle.stop('closed'));
    let interrupts = 0;
    const onSigint = () => {
      interrupts++;
      if (interrupts > 1) process.exit(EXIT.INTERRUPTED);
      handle.stop('interrupted');
    };
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigint);
    let count = 0;
    try {
      const res = await handle.result;
      count = res.count;
      diag(`Processed a total of ${count} messages`);
      if (res.reason === 'interrupted') this.exitWith(EXIT.INTERRUPTED);
      if (res.reason === 'timeout' && flags['max-messages'] !== undefined && count < flags['max-messages']) this.exitWith(EXIT.TIMEOUT);
    } catch (err) {
      count = handle.count;
      if ((err as Error).name !== 'ExitSignal') diag(`Processed a total of ${count} messages`);
      throw err;
    } finally {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
    }
  }

  private async renderMode(flags: { format?: string; output: string; property?: string[]; 'key-encoding': string; 'value-encoding': string }) {
    const props = parseKeyValues(flags.property, '--property');
    if (flags.format !== undefined) {
      if (Object.keys(props).length) throw new UsageError('--format and --property cannot be used together');
      const { parseTemplate } = await import('../format/template.js');
      return { kind: 'template', tokens: parseTemplate(flags.format) } as const;
    }
    if (flags.output === 'json') {
      if (Object.keys(props).length) throw new UsageError('--output json and --property cannot be used together');
      const { parseEncoding } = await import('../format/envelope.js');
      return {
        kind: 'json',
        options: { keyEncoding: parseEncoding(flags['key-encoding'], '--key-encoding'), valueEncoding: parseEncoding(flags['value-encoding'], '--value-encoding') },
      } as const;
    }
    const { parsePrintProperties } = await import('../format/apache.js');
    return { kind: 'apache', options: parsePrintProperties(props) } as const;
  }
}

/** `kt: group billing: this consumer now owns orders-0, orders-2` on stderr (TTY only). */
export function rebalanceNotice(group: string) {
  return (e: { event: 'rebalancing' } | { event: 'joined'; assignment: Array<{ topic: string; partitions: number[] }> }): void => {
    if (e.event === 'rebalancing') {
      diag(`kt: group ${group} is rebalancing`);
      return;
    }
    const owned = e.assignment.flatMap((a) => a.partitions.map((p) => `${a.topic}-${p}`));
    diag(`kt: group ${group}: this consumer now owns ${owned.length ? owned.join(', ') : 'no partitions'}`);
  };
}
