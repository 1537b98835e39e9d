// The reset planning of `kt groups reset-offsets` (kafka-consumer-groups --reset-offsets), step
// by step as Apache does it: only inactive groups (Empty, or Dead: unknown, a new group); the
// partitions from --topic, --all-topics (what the group committed) or the --from-file plan,
// checked to exist; the new offsets from one scenario, clamped to [log start, log end] with
// Apache's warnings. cli/groupReset.ts turns flags into a ResetPlanInput and prints the plan.

import { KtError } from '../errors.js';
import type { GroupAdmin, TopicPartition } from './groups.js';
import type { CsvOffset } from '../format/groups.js';

export type Scenario =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'current' }
  | { kind: 'offset'; offset: number }
  | { kind: 'shift'; by: number }
  | { kind: 'datetime'; ms: number }
  | { kind: 'duration'; ms: number }
  | { kind: 'file'; path: string };

/** One partition's reset: where the group is and where it goes. */
export interface PlanRow extends TopicPartition {
  group: string;
  currentOffset: number | null;
  newOffset: number;
}

export interface ResetPlanInput {
  /** the groups, resolved (--all-groups listed already) */
  groups: string[];
  scenario: Scenario;
  allTopics: boolean;
  /** --topic T[:P,P], parsed; null partitions: all of them */
  topics: Array<{ topic: string; partitions: number[] | null }>;
  /** the --from-file plan, parsed; null without --from-file */
  fromFile: CsvOffset[] | null;
}

const key = (t: string, p: number) => `${t}\u0000${p}`;

/** The new offsets of every partition in scope, sorted by group, topic, partition; `warn` gets Apache's WARN lines. */
export async function planReset(a: GroupAdmin, o: ResetPlanInput, warn: (line: string) => void): Promise<PlanRow[]> {
  for (const d of await a.describeGroups(o.groups)) {
    if (d.state !== 'Empty' && d.state !== 'Dead') {
      throw new KtError(`Assignments can only be reset if the group '${d.group}' is inactive, but the current state is ${d.state}.`, {
        hint: `stop the group's consumers first (kt groups describe ${d.group} --members lists them)`,
      });
    }
  }
  const existing = await a.topicPartitions();
  const rows: PlanRow[] = [];
  for (const group of o.groups) {
    const committed = await a.committedOffsets(group);
    const current = new Map(committed.map((c) => [key(c.topic, c.partition), c.offset]));
    const planned = (o.fromFile ?? []).filter((f) => f.group === group);
    if (o.fromFile !== null && planned.length === 0) {
      warn(`Error: No reset plan for group ${group} found.`);
      continue;
    }
    const tps = partitionsToReset(o, existing, committed, planned);
    const offsets = await newOffsets(a, o.scenario, tps, current, planned, warn);
    for (const tp of tps) {
      rows.push({ group, topic: tp.topic, partition: tp.partition, currentOffset: current.get(key(tp.topic, tp.partition)) ?? null, newOffset: offsets.get(key(tp.topic, tp.partition))! });
    }
  }
  return rows.sort((x, y) => (x.group !== y.group ? (x.group < y.group ? -1 : 1) : x.topic !== y.topic ? (x.topic < y.topic ? -1 : 1) : x.partition - y.partition));
}

/** Commits a plan, one OffsetCommit per group; `progress` before each. */
export async function executeReset(a: GroupAdmin, groups: string[], rows: PlanRow[], progress: (group: number) => void): Promise<void> {
  for (const [i, group] of groups.entries()) {
    progress(i);
    await a.commitOffsets(group, rows.filter((r) => r.group === group).map((r) => ({ topic: r.topic, partition: r.partition, offset: r.newOffset })));
  }
}

/** The partitions in scope for one group, checked to exist (as Apache's checkAllTopicPartitionsValid). */
function partitionsToReset(
  o: ResetPlanInput,
  existing: Map<string, number[]>,
  committed: TopicPartition[],
  planned: CsvOffset[],
): TopicPartition[] {
  let tps: TopicPartition[];
  if (o.allTopics) tps = committed.map((c) => ({ topic: c.topic, partition: c.partition }));
  else if (o.topics.length) {
    tps = [];
    for (const s of o.topics) {
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
  s: Scenario,
  tps: TopicPartition[],
  current: Map<string, number>,
  planned: CsvOffset[],
  warn: (line: string) => void,
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
      warn(`WARN: New offset (${offset}) is higher than latest offset for topic partition ${name}. Value will be set to ${hi}.`);
      return hi;
    }
    if (offset < lo) {
      warn(`WARN: New offset (${offset}) is lower than earliest offset for topic partition ${name}. Value will be set to ${lo}.`);
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
          warn(`Warn: Partition ${tp.partition} from topic ${tp.topic} is empty. Falling back to latest known offset.`);
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
