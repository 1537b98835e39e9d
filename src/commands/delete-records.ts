import { readFileSync } from 'node:fs';
import { Flags } from '@oclif/core';
import { KtCommand } from '../cli/base.js';
import { EXIT, UsageError, fileProblem } from '../cli/errors.js';
import type { DeleteTarget, DeletedRecords } from '../client/clusterModel.js';

export default class DeleteRecords extends KtCommand {
  static override summary = 'Delete the records of partitions before an offset (kafka-delete-records).';
  static override description =
    'Moves the log start offset (low watermark) of each partition to --before: the records before it are ' +
    'gone for every consumer. Arguments: TOPIC:P, TOPIC:P,P or TOPIC (every partition). --before end deletes ' +
    'everything up to the high watermark. Or, as kafka-delete-records, --offset-json-file FILE with ' +
    '{"partitions":[{"topic":"t","partition":0,"offset":5}],"version":1} (offset -1: the high watermark). ' +
    'Asks for confirmation in a terminal (skip with --yes); without a terminal to ask it refuses unless --yes ' +
    '(exit 2); declining is exit 1. Prints Apache\'s lines: "Executing records delete ' +
    'operation", "Records delete operation completed:", then "partition: T-P<TAB>low_watermark: N" (or ' +
    '"<TAB>error: ..." and exit 1).\n\n' +
    'JSON (--json): {"partitions":[{"topic":"orders","partition":0,"lowWatermark":5,"error":null}]}';
  static override enableJsonFlag = true;
  static override strict = false;
  static override examples = [
    'kt delete-records orders:0 --before 100',
    'kt delete-records orders:0,1,2 --before 100 --yes',
    'kt delete-records orders --before end --yes',
    'kt delete-records --offset-json-file offsets.json',
  ];
  static override flags = {
    before: Flags.string({ summary: 'Delete the records before this offset (N, or end: everything).', helpValue: 'OFFSET' }),
    'offset-json-file': Flags.string({ summary: 'kafka-delete-records JSON: {"partitions":[{"topic","partition","offset"}]}', helpValue: 'FILE' }),
    yes: Flags.boolean({ char: 'y', summary: 'Do not ask for confirmation.' }),
  };

  async run(): Promise<{ partitions: DeletedRecords[] }> {
    const { flags, argv } = await this.parse(DeleteRecords);
    const fmt = await import('../format/cluster.js');
    const args = argv as string[];
    let targets: DeleteTarget[];
    if (flags['offset-json-file'] !== undefined) {
      if (args.length || flags.before !== undefined) throw new UsageError('--offset-json-file cannot be used with TOPIC:P arguments or --before');
      let text: string;
      try {
        text = readFileSync(flags['offset-json-file'], 'utf8');
      } catch (e) {
        throw new UsageError(`cannot read --offset-json-file ${flags['offset-json-file']}: ${fileProblem(e)}`);
      }
      targets = fmt.parseOffsetJson(text, flags['offset-json-file']);
    } else {
      if (args.length === 0) throw new UsageError('missing TOPIC:PARTITION', 'kt delete-records orders:0 --before 100, or --offset-json-file FILE');
      if (flags.before === undefined) throw new UsageError('missing --before OFFSET', 'the records before OFFSET are deleted; --before end deletes everything');
      const offset = fmt.parseBefore(flags.before);
      const { parseTopicPartitions } = await import('../format/partitions.js');
      targets = args.flatMap((a): DeleteTarget[] => {
        const { topic, partitions } = parseTopicPartitions(a, 'argument');
        if (partitions === null) return [{ topic, partition: null, offset }];
        return partitions.map((p) => ({ topic, partition: p, offset }));
      });
    }
    const { confirmOrRefuse } = await import('../cli/prompt.js');
    const what = targets.map((t) => `${t.topic}${t.partition === null ? '' : `-${t.partition}`}`).join(', ');
    await confirmOrRefuse(`Delete records of ${what}? Consumers will never see them again.`, { yes: flags.yes, action: `delete records of ${what}`, nothing: 'deleted' });
    const conn = await this.connection(flags);
    const [{ openKafka }, { withSession, deleteRecords }] = await Promise.all([import('../client/index.js'), import('../client/admin.js')]);
    const h = await openKafka(conn, { clientId: 'kt-admin' });
    const partitions = await withSession(h, (s) => deleteRecords(s, targets));
    const result = { partitions };
    if (this.jsonEnabled()) {
      if (partitions.some((p) => p.error !== null)) {
        this.logJson(result);
        this.exitWith(EXIT.ERROR);
      }
      return result;
    }
    this.log(fmt.deleteRecordsText(partitions));
    if (partitions.some((p) => p.error !== null)) this.exitWith(EXIT.ERROR);
    return result;
  }
}
