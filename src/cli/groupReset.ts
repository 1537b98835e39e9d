// `kt groups reset-offsets` / `kt groups --reset-offsets`: flags → a checked reset (exactly one
// scenario; usage errors before connecting), then the plan of client/groupReset.ts, printed.
// Nothing changes without --execute (a dry run is the default, with Apache's WARN line when
// neither --execute nor --dry-run is given).

import { readFileSync } from 'node:fs';
import { Flags } from '@oclif/core';
import type { Connection } from './base.js';
import { UsageError, fileProblem } from './errors.js';
import { diag, out } from './output.js';
import { missingGroup, withGroupAdmin, type Printer } from './groups.js';
import type { PlanRow, Scenario } from '../client/groupReset.js';

export interface ScenarioFlags {
  'to-earliest'?: boolean;
  'to-latest'?: boolean;
  'to-current'?: boolean;
  'to-offset'?: number;
  'shift-by'?: number;
  'to-datetime'?: string;
  'by-duration'?: string;
  'from-file'?: string;
}

export const SCENARIO_FLAGS = ['to-earliest', 'to-latest', 'to-current', 'to-offset', 'shift-by', 'to-datetime', 'by-duration', 'from-file'] as const;

// Apache 4.4's words (ConsumerGroupCommand)
export const EXECUTE_WARNING =
  'WARN: No action will be performed as the --execute option is missing. In version 5.0, this command will require either --dry-run or ' +
  '--execute to be specified. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current ' +
  'default behavior without prompting.';

/** Exactly one scenario flag, parsed (a bad datetime or duration is a usage error). */
export async function scenarioFrom(flags: ScenarioFlags): Promise<Scenario> {
  const given = SCENARIO_FLAGS.filter((f) => flags[f] !== undefined && flags[f] !== false);
  if (given.length !== 1) {
    throw new UsageError(
      given.length === 0 ? 'reset-offsets needs a scenario' : `only one scenario at a time (got ${given.map((f) => `--${f}`).join(', ')})`,
      `use exactly one of ${SCENARIO_FLAGS.map((f) => `--${f}`).join(', ')}`,
    );
  }
  const { parseDateTime, parseIsoDuration } = await import('../format/groups.js');
  switch (given[0]) {
    case 'to-earliest':
      return { kind: 'earliest' };
    case 'to-latest':
      return { kind: 'latest' };
    case 'to-current':
      return { kind: 'current' };
    case 'to-offset':
      return { kind: 'offset', offset: flags['to-offset']! };
    case 'shift-by':
      return { kind: 'shift', by: flags['shift-by']! };
    case 'to-datetime':
      return { kind: 'datetime', ms: parseDateTime(flags['to-datetime']!) };
    case 'by-duration':
      return { kind: 'duration', ms: parseIsoDuration(flags['by-duration']!) };
    default:
      return { kind: 'file', path: flags['from-file']! };
  }
}

export interface ResetOptions {
  groups: string[];
  allGroups?: boolean;
  topics: string[];
  allTopics?: boolean;
  scenario: Scenario;
  execute?: boolean;
  dryRun?: boolean;
  export?: boolean;
  apache?: boolean;
}

export interface ResetResult {
  executed: boolean;
  offsets: PlanRow[];
}

/** The checks that need no cluster (usage errors, exit 2), run before connecting. */
export function checkReset(o: Omit<ResetOptions, 'scenario'> & { scenario?: Scenario }): void {
  if (o.execute && o.dryRun) throw new UsageError('--execute and --dry-run cannot be used together');
  if (o.topics.length && o.allTopics) throw new UsageError('--topic and --all-topics cannot be used together');
  if (!o.topics.length && !o.allTopics && o.scenario?.kind !== 'file') {
    throw new UsageError('One of the reset scopes should be defined: --all-topics, --topic.');
  }
  if (!o.groups.length && !o.allGroups) throw new UsageError('missing group', 'name the group, or pass --all-groups');
  if (o.groups.length && o.allGroups) throw new UsageError('a group and --all-groups cannot be used together');
}

/** The reset options from the command's flags, checked before connecting (usage errors, exit 2). */
export async function resetOptionsFrom(
  flags: ScenarioFlags & { 'all-groups'?: boolean; topic?: string[]; 'all-topics'?: boolean; execute?: boolean; 'dry-run'?: boolean; export?: boolean },
  groups: string[],
  apache: boolean | undefined,
): Promise<ResetOptions> {
  const options: ResetOptions = {
    groups,
    allGroups: flags['all-groups'],
    topics: flags.topic ?? [],
    allTopics: flags['all-topics'],
    scenario: await scenarioFrom(flags),
    execute: flags.execute,
    dryRun: flags['dry-run'],
    export: flags.export,
    apache,
  };
  checkReset(options);
  return options;
}

export async function resetFlow(conn: Connection, p: Printer, o: ResetOptions): Promise<ResetResult> {
  checkReset(o);
  if (!o.execute && !o.dryRun) diag(EXECUTE_WARNING);
  let csv: string | undefined;
  if (o.scenario.kind === 'file') {
    try {
      csv = readFileSync(o.scenario.path, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read --from-file ${o.scenario.path}: ${fileProblem(err)}`);
    }
  }

  const [{ startSpinner }, { planReset, executeReset }] = await Promise.all([import('./spinner.js'), import('../client/groupReset.js')]);
  return withGroupAdmin(conn, async (a, fmt) => {
    const spinner = startSpinner('planning the offsets');
    try {
      const groups = o.allGroups ? (await a.listGroups()).map((g) => g.group) : [...new Set(o.groups)];
      const fromFile = csv !== undefined ? fmt.parseResetCsv(csv, groups.length === 1 ? groups[0] : null) : null;
      const topics = o.allTopics ? [] : o.topics.map(fmt.parseTopicScope);
      const rows = await planReset(a, { groups, scenario: o.scenario, allTopics: Boolean(o.allTopics), topics, fromFile }, diag);
      if (o.execute) {
        await executeReset(a, groups, rows, (i) =>
          spinner.update(`committing ${rows.length} offsets${groups.length > 1 ? ` (group ${i + 1}/${groups.length})` : ''}`),
        );
      }
      spinner.stop();
      if (!p.json) {
        if (o.export) p.write(fmt.exportCsv(rows, groups.length > 1));
        else if (o.apache) p.write(fmt.apacheResetPlan(rows));
        else if (rows.length) p.log(fmt.planTable(rows, out().bold));
        else diag('Nothing to reset: no partitions in scope.');
      }
      return { executed: Boolean(o.execute), offsets: rows };
    } finally {
      spinner.stop();
    }
  });
}

export { missingGroup };

/** The reset flags, shared by `kt groups reset-offsets` and `kt groups --reset-offsets`. */
export const resetFlags = {
  'to-earliest': Flags.boolean({ summary: 'Reset to the log start offset.', helpGroup: 'SCENARIO' }),
  'to-latest': Flags.boolean({ summary: 'Reset to the log end offset.', helpGroup: 'SCENARIO' }),
  'to-current': Flags.boolean({ summary: 'Reset to the committed offset (log end where none).', helpGroup: 'SCENARIO' }),
  'to-offset': Flags.integer({ summary: 'Reset to offset N (clamped to the log).', helpValue: 'N', helpGroup: 'SCENARIO' }),
  'shift-by': Flags.integer({ summary: 'Move the committed offset by ±N (clamped to the log).', helpValue: '±N', helpGroup: 'SCENARIO' }),
  'to-datetime': Flags.string({ summary: 'Reset to the first offset at or after YYYY-MM-DDTHH:mm:SS.sss (UTC unless a zone is given).', helpValue: 'ISO', helpGroup: 'SCENARIO' }),
  'by-duration': Flags.string({ summary: 'Reset to the first offset at or after now minus PnDTnHnMnS.', helpValue: 'PnDTnHnMnS', helpGroup: 'SCENARIO' }),
  'from-file': Flags.string({ summary: 'Reset to the offsets of a CSV plan (topic,partition,offset or group,topic,partition,offset).', helpValue: 'CSV', helpGroup: 'SCENARIO' }),
  'all-topics': Flags.boolean({ summary: 'Every partition the group has a committed offset for.' }),
  execute: Flags.boolean({ summary: 'Commit the new offsets (without it nothing changes).' }),
  'dry-run': Flags.boolean({ summary: 'Only print the plan (the default; silences the warning).' }),
  export: Flags.boolean({ summary: 'Print the plan as CSV (for --from-file).' }),
};
