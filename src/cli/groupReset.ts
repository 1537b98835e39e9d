// `kt groups reset-offsets` / `kt groups --reset-offsets`: kafka-consumer-groups' reset, step by
// step as Apache does it. The groups must be inactive (Empty, or unknown: a new group); the
// partitions come from --topic T[:P,P], --all-topics (what the group committed) or the
// --from-file plan; the new offsets from exactly one scenario; out-of-range targets are clamped
// to [log start, log end] with Apache's warning. Nothing changes without --execute (a dry run
// is the default, with Apache's WARN line when neither --execute nor --dry-run is given).

import { readFileSync } from 'node:fs';
import { Flags } from '@oclif/core';
import type { Connection } from './base.js';
import { KtError, UsageError, fileProblem } from './errors.js';
import { diag, out } from './output.js';
import { missingGroup, withGroupAdmin, type Printer } from './groups.js';
import type { GroupAdmin, TopicPartition } from '../client/groups.js';
import type { CsvOffset, PlanRow } from '../format/groups.js';

export type Scenario =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'current' }
  | { kind: 'offset'; offset: number }
  | { kind: 'shift'; by: number }
  | { kind: 'datetime'; ms: number }
  | { kind: 'duration'; ms: number }
  | { kind: 'file'; path: string };

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

export const EXECUTE_WARNING =
  'WARN: No action will be performed as the --execute option is missing.In a future major release, the default behavior of this command will be ' +
  'to prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option explicitly if you are ' +
  'scripting this command and want to keep the current default behavior without prompting.';

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

const key = (t: string, p: number) => `${t}\u0000${p}`;

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

  const { startSpinner } = await import('./spinner.js');
  return withGroupAdmin(conn, async (a, fmt) => {
    const spinner = startSpinner('planning the offsets');
    try {
      const groups = o.allGroups ? (await a.listGroups()).map((g) => g.group) : [...new Set(o.groups)];
      const fromFile = csv !== undefined ? fmt.parseResetCsv(csv, groups.length === 1 ? groups[0] : null) : [];
      // Only inactive groups: Empty, or Dead (unknown — resetting creates its offsets).
      for (const d of await a.describeGroups(groups)) {
        if (d.state !== 'Empty' && d.state !== 'Dead') {
          throw new KtError(`Assignments can only be reset if the group '${d.group}' is inactive, but the current state is ${d.state}.`, {
            hint: `stop the group's consumers first (kt groups describe ${d.group} --members lists them)`,
          });
        }
      }
      const existing = await a.topicPartitions();
      const rows: PlanRow[] = [];
      for (const group of groups) {
        const committed = await a.committedOffsets(group);
        const current = new Map(committed.map((c) => [key(c.topic, c.partition), c.offset]));
        const planned = fromFile.filter((f) => f.group === group);
        if (csv !== undefined && planned.length === 0) {
          diag(`Error: No reset plan for group ${group} found.`);
          continue;
        }
        const tps = partitionsToReset(o, fmt, existing, committed, planned);
        const offsets = await newOffsets(a, o.scenario, tps, current, planned);
        for (const tp of tps) {
          rows.push({ group, topic: tp.topic, partition: tp.partition, currentOffset: current.get(key(tp.topic, tp.partition)) ?? null, newOffset: offsets.get(key(tp.topic, tp.partition))! });
        }
      }
      rows.sort((x, y) => (x.group !== y.group ? (x.group < y.group ? -1 : 1) : x.topic !== y.topic ? (x.topic < y.topic ? -1 : 1) : x.partition - y.partition));

      if (o.execute) {
        for (const [i, group] of groups.entries()) {
          spinner.update(`committing ${rows.length} offsets${groups.length > 1 ? ` (group ${i + 1}/${groups.length})` : ''}`);
          await a.commitOffsets(group, rows.filter((r) => r.group === group).map((r) => ({ topic: r.topic, partition: r.partition, offset: r.newOffset })));
        }
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

/** The partitions in scope for one group, checked to exist (as Apache's checkAllTopicPartitionsValid). */
function partitionsToReset(
  o: ResetOptions,
  fmt: typeof import('../format/groups.js'),
  existing: Map<string, number[]>,
  committed: TopicPartition[],
  planned: CsvOffset[],
): TopicPartition[] {
  let tps: TopicPartition[];
  if (o.allTopics) tps = committed.map((c) => ({ topic: c.topic, partition: c.partition }));
  else if (o.topics.length) {
    tps = [];
    for (const s of o.topics.map(fmt.parseTopicScope)) {
      const parts = existing.get(s.topic);
      if (!parts) throw new KtError(`topic '${s.topic}' does not exist`, { hint: 'kt topics list shows the topics' });
      for (const partition of s.partitions ?? parts) tps.push({ topic: s.topic, partition });
    }
  } else tps = planned.map((f) => ({ topic: f.topic, partition: f.partition }));
  const unique = [...new Map(tps.map((tp) => [key(tp.topic, tp.partition), tp])).values()];
  const missing = unique.filter((tp) => !existing.get(tp.topic)?.includes(tp.partition));
  if (missing.length) throw new KtError(`The partitions "${missing.map((tp) => `${tp.topic}-${tp.partition}`).join(',')}" do not exist`);
  return unique;
}

/** The new offset of each partition under the scenario; targets outside the log are clamped. */
async function newOffsets(
  a: GroupAdmin,
  s: ResetOptions['scenario'],
  tps: TopicPartition[],
  current: Map<string, number>,
  planned: CsvOffset[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (tps.length === 0) return out;
  const [start, end] = await Promise.all([a.logOffsets(tps, 'earliest'), a.logOffsets(tps, 'latest')]);
  const bound = (m: Map<string, number | null>, tp: TopicPartition, what: string): number => {
    const v = m.get(key(tp.topic, tp.partition));
    if (v === null || v === undefined) throw new KtError(`Error getting ${what} offset of topic partition: ${tp.topic}-${tp.partition}`);
    return v;
  };
  /** Apache's checkOffsetsRange. */
  const clamp = (tp: TopicPartition, offset: number): number => {
    const hi = bound(end, tp, 'ending');
    const lo = bound(start, tp, 'starting');
    const name = `${tp.topic}-${tp.partition}`;
    if (offset > hi) {
      diag(`WARN: New offset (${offset}) is higher than latest offset for topic partition ${name}. Value will be set to ${hi}.`);
      return hi;
    }
    if (offset < lo) {
      diag(`WARN: New offset (${offset}) is lower than earliest offset for topic partition ${name}. Value will be set to ${lo}.`);
      return lo;
    }
    return offset;
  };
  let byTime: Map<string, number | null> | undefined;
  if (s.kind === 'datetime' || s.kind === 'duration') {
    const timestamp = s.kind === 'datetime' ? s.ms : Date.now() - s.ms;
    byTime = await a.logOffsets(tps, { timestamp });
  }
  const planFor = new Map(planned.map((f) => [key(f.topic, f.partition), f.offset]));
  for (const tp of tps) {
    const k = key(tp.topic, tp.partition);
    let v: number;
    switch (s.kind) {
      case 'earliest':
        v = bound(start, tp, 'starting');
        break;
      case 'latest':
        v = bound(end, tp, 'ending');
        break;
      case 'current':
        v = current.get(k) ?? bound(end, tp, 'ending');
        break;
      case 'offset':
        v = clamp(tp, s.offset);
        break;
      case 'shift': {
        const c = current.get(k);
        if (c === undefined) {
          throw new KtError(`Cannot shift offset for partition ${tp.topic}-${tp.partition} since there is no current committed offset`, {
            hint: 'use --to-earliest, --to-latest or --to-offset for partitions the group never committed',
          });
        }
        v = clamp(tp, c + s.by);
        break;
      }
      case 'datetime':
      case 'duration': {
        const t = byTime!.get(k);
        if (t === null || t === undefined) {
          diag(`Warn: Partition ${tp.partition} from topic ${tp.topic} is empty. Falling back to latest known offset.`);
          v = bound(end, tp, 'ending');
        } else v = t;
        break;
      }
      case 'file':
        v = clamp(tp, planFor.get(k)!);
        break;
    }
    out.set(k, v);
  }
  return out;
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
