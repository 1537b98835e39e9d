// How `kt groups` reads and prints: the rows of kafka-consumer-groups --describe (built from a
// group's description, its committed offsets and the log-end offsets), Apache's printf layouts
// (reference B2), cli-table3 tables for people, the reset-plan CSV (--export / --from-file),
// and the --to-datetime / --by-duration / --topic T:P,P grammars.

import type { GroupDescription, GroupListing, GroupMember, TopicPartition } from '../client/groups.js';
import type { PlanRow } from '../client/groupReset.js';
import { UsageError } from '../errors.js';
import { parseTopicPartitions, type TopicPartitions } from './partitions.js';
import { renderTable } from './table.js';

const MISSING = '-';

/** One row of the offsets view: an assigned or committed partition of a group. */
export interface OffsetRow {
  group: string;
  topic: string | null;
  partition: number | null;
  currentOffset: number | null;
  logEndOffset: number | null;
  /** logEndOffset - currentOffset; null without a committed offset. */
  lag: number | null;
  leaderEpoch: number | null;
  consumerId: string | null;
  host: string | null;
  clientId: string | null;
}

export interface DescribedGroup extends GroupDescription {
  offsets: OffsetRow[];
  /** Sum of the known lags. */
  totalLag: number;
}


const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;
const cmpTp = (a: { topic: string | null; partition: number | null }, b: { topic: string | null; partition: number | null }) =>
  (a.topic ?? '') < (b.topic ?? '') ? -1 : (a.topic ?? '') > (b.topic ?? '') ? 1 : (a.partition ?? -1) - (b.partition ?? -1);

/**
 * The offsets view, as kafka-consumer-groups builds it: members with an assignment (most
 * partitions first), each partition with its committed offset, log-end offset and lag; then
 * committed partitions nobody is assigned, with `-` for the consumer.
 */
export function offsetRows(
  g: GroupDescription,
  committed: ReadonlyArray<TopicPartition & { offset: number; leaderEpoch: number | null }>,
  logEnd: ReadonlyMap<string, number | null>,
): DescribedGroup {
  const byTp = new Map(committed.map((c) => [key(c.topic, c.partition), c]));
  const row = (tp: TopicPartition, m: GroupMember | null): OffsetRow => {
    const c = byTp.get(key(tp.topic, tp.partition));
    const end = logEnd.get(key(tp.topic, tp.partition)) ?? null;
    return {
      group: g.group,
      topic: tp.topic,
      partition: tp.partition,
      currentOffset: c ? c.offset : null,
      logEndOffset: end,
      lag: c && end !== null ? end - c.offset : null,
      leaderEpoch: c?.leaderEpoch ?? null,
      consumerId: m ? m.consumerId : null,
      host: m ? m.host : null,
      clientId: m ? m.clientId : null,
    };
  };
  const rows: OffsetRow[] = [];
  const assigned = new Set<string>();
  const members = g.members.filter((m) => m.assignment.length > 0).sort((a, b) => b.assignment.length - a.assignment.length);
  for (const m of members) {
    for (const tp of [...m.assignment].sort(cmpTp)) {
      assigned.add(key(tp.topic, tp.partition));
      rows.push(row(tp, m));
    }
  }
  for (const c of [...committed].sort(cmpTp)) if (!assigned.has(key(c.topic, c.partition))) rows.push(row(c, null));
  return { ...g, offsets: rows, totalLag: rows.reduce((n, r) => n + (r.lag ?? 0), 0) };
}

// ---- Apache layouts (Java printf: %-Ns pads to N, never truncates). Each returns the exact
// text the tool prints, final newline included. ----

const pad = (s: string | number | null | undefined, n: number) => String(s ?? MISSING).padEnd(n);
const cell = (v: string | number | null | undefined) => (v === null || v === undefined ? MISSING : String(v));
const widest = (values: Array<string | null>, min: number) => values.reduce((n, v) => Math.max(n, (v ?? MISSING).length), min);

/**
 * `kafka-consumer-groups --describe` (offsets view): each line starts with a newline, a final
 * newline ends it. --verbose adds LEADER-EPOCH (15 wide) after PARTITION: the leader epoch of
 * the committed offset, `-` when there is none.
 */
export function apacheOffsets(groups: DescribedGroup[], verbose = false): string {
  let out = '';
  for (const g of groups) {
    if (g.offsets.length === 0) continue;
    const G = widest(g.offsets.map((r) => r.group), 15);
    const T = widest(g.offsets.map((r) => r.topic), 15);
    const C = widest(g.offsets.map((r) => r.consumerId), 15);
    const H = widest(g.offsets.map((r) => r.host), 15);
    const line = (c: Array<string | number | null>, epoch: string | number | null) =>
      `\n${pad(c[0], G)} ${pad(c[1], T)} ${pad(c[2], 10)} ${verbose ? `${pad(epoch, 15)} ` : ''}${pad(c[3], 15)} ${pad(c[4], 15)} ${pad(c[5], 15)} ${pad(c[6], C)} ${pad(c[7], H)} ${cell(c[8])}`;
    out += line(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'], 'LEADER-EPOCH');
    for (const r of g.offsets) out += line([r.group, r.topic, r.partition, r.currentOffset, r.logEndOffset, r.lag, r.consumerId, r.host, r.clientId], r.leaderEpoch);
    out += '\n';
  }
  return out;
}

/** `topic(0,1), other(2)`: a member's assignment in kt's own tables (--members --verbose). */
export function assignmentString(tps: TopicPartition[]): string {
  return groupedAssignment(tps, (t, ps) => `${t}(${ps.join(',')})`, ', ');
}

/**
 * `topic:0,1;other:2`: a member's assignment as kafka-consumer-groups 4.4 --members --verbose
 * prints it (Apache sorts the `topic:partitions` strings, not the topic names).
 */
export function apacheAssignmentString(tps: TopicPartition[]): string {
  return groupedAssignment(tps, (t, ps) => `${t}:${ps.join(',')}`, ';', true);
}

function groupedAssignment(tps: TopicPartition[], each: (topic: string, partitions: number[]) => string, sep: string, sortStrings = false): string {
  if (tps.length === 0) return MISSING;
  const byTopic = new Map<string, number[]>();
  for (const tp of tps) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const parts = [...byTopic].sort(([a], [b]) => cmp(a, b)).map(([t, ps]) => each(t, ps.sort((a, b) => a - b)));
  return (sortStrings ? parts.sort(cmp) : parts).join(sep);
}

/**
 * `--describe --members [--verbose]`, as Apache 4.4: column widths from the members (at least
 * 15; GROUP-INSTANCE-ID, only when a member has one, at least 17), the header also for a group
 * without members. --verbose adds CURRENT-EPOCH CURRENT-ASSIGNMENT TARGET-EPOCH TARGET-ASSIGNMENT
 * (the assignments at least 20 wide): a KIP-848 member's epoch, the group's target assignment
 * epoch and the member's target; `-` in a classic group. A consumer group with members of both
 * protocols (an upgrade in progress) gets UPGRADED too: true for a consumer-protocol member.
 */
export function apacheMembers(groups: GroupDescription[], verbose = false): string {
  let out = '';
  for (const g of groups) {
    const ms = g.members;
    const assigned = ms.map((m) => apacheAssignmentString(m.assignment));
    const targets = ms.map((m) => apacheAssignmentString(m.targetAssignment ?? []));
    const G = widest(ms.map(() => g.group), 15);
    const C = widest(ms.map((m) => m.consumerId), 15);
    const I = widest(ms.map((m) => m.groupInstanceId ?? ''), 17);
    const H = widest(ms.map((m) => m.host), 15);
    const L = widest(ms.map((m) => m.clientId), 15);
    const A = widest(assigned, 20);
    const TA = widest(targets, 20);
    const withInstance = ms.some((m) => m.groupInstanceId);
    const migrating = ms.some((m) => m.upgraded === true) && ms.some((m) => m.upgraded === false);
    const line = (c: Array<string | number>, more: Array<string | number | null>) =>
      `${pad(c[0], G)} ${pad(c[1], C)} ${withInstance ? `${pad(c[2], I)} ` : ''}${pad(c[3], H)} ${pad(c[4], L)} ${pad(c[5], 15)} ` +
      (verbose ? `${pad(more[0], 15)} ${pad(more[1], A)} ${pad(more[2], 15)} ${pad(more[3], TA)}${migrating ? ` ${cell(more[4])}` : ''}` : '') +
      '\n';
    out += `\n${line(['GROUP', 'CONSUMER-ID', 'GROUP-INSTANCE-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS'], ['CURRENT-EPOCH', 'CURRENT-ASSIGNMENT', 'TARGET-EPOCH', 'TARGET-ASSIGNMENT', 'UPGRADED'])}`;
    ms.forEach((m, i) => {
      const upgraded = m.upgraded === undefined || m.upgraded === null ? null : String(m.upgraded);
      out += line(
        [g.group, m.consumerId, m.groupInstanceId ?? '', m.host, m.clientId, m.assignment.length],
        [m.memberEpoch ?? null, assigned[i], g.targetAssignmentEpoch ?? null, targets[i], upgraded],
      );
    });
  }
  return out;
}

/**
 * `--describe --state`: coordinator printed `host:port  (id)`. --verbose adds GROUP-EPOCH (15
 * wide) and TARGET-ASSIGNMENT-EPOCH (25 wide), `-` for a classic group.
 */
export function apacheState(groups: GroupDescription[], verbose = false): string {
  let out = '';
  for (const g of groups) {
    const coordinator = `${g.coordinator.host}:${g.coordinator.port}  (${g.coordinator.id})`;
    const G = Math.max(15, g.group.length);
    const C = Math.max(25, coordinator.length);
    const line = (c: Array<string | number>, epochs: Array<string | number | null>) =>
      `\n${pad(c[0], G)} ${pad(c[1], C)} ${pad(c[2], 20)} ${pad(c[3], 20)} ${verbose ? `${pad(epochs[0], 15)} ${pad(epochs[1], 25)} ` : ''}${c[4]}`;
    out += line(['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'], ['GROUP-EPOCH', 'TARGET-ASSIGNMENT-EPOCH']);
    out += line([g.group, coordinator, g.protocol || MISSING, g.state, g.members.length], [g.groupEpoch ?? null, g.targetAssignmentEpoch ?? null]);
    out += '\n';
  }
  return out;
}

/**
 * `--list --state` / `--type`: GROUP (max(15, longest) + 10 wide), then TYPE and STATE (20 wide)
 * as asked; the type as Apache 4.x prints it (Classic, Consumer).
 */
export function apacheListWithState(groups: GroupListing[], cols: { state: boolean; type: boolean } = { state: true, type: false }): string {
  const G = widest(groups.map((g) => g.group), 15) + 10;
  const typeName = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);
  const row = (group: string, type: string, state: string) =>
    [pad(group, G), ...(cols.type ? [pad(type, 20)] : []), ...(cols.state ? [pad(state, 20)] : [])].join(' ');
  return [row('GROUP', 'TYPE', 'STATE'), ...groups.map((g) => row(g.group, typeName(g.type), g.state))].join('\n') + '\n';
}

/**
 * `--reset-offsets` plan, as Apache 4.4: after a blank line, GROUP and TOPIC as wide as the longest
 * name (at least 15), PARTITION 10, NEW-OFFSET unpadded; nothing when empty. (Apache lists the
 * partitions in its hash map's order; kt keeps them sorted.)
 */
export function apacheResetPlan(rows: PlanRow[]): string {
  if (rows.length === 0) return '';
  const G = widest(rows.map((r) => r.group), 15);
  const T = widest(rows.map((r) => r.topic), 15);
  const line = (c: Array<string | number>) => `${pad(c[0], G)} ${pad(c[1], T)} ${pad(c[2], 10)} ${c[3]}`;
  return ['', line(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET']), ...rows.map((r) => line([r.group, r.topic, r.partition, r.newOffset]))].join('\n') + '\n';
}

/** `--delete-offsets` result table: TOPIC PARTITION STATUS. */
export function apacheDeleteOffsets(rows: Array<{ topic: string; partition: number | null; status: string }>): string {
  const line = (c: Array<string | number | null>) => `${pad(c[0], 30)} ${pad(c[1], 15)} ${pad(c[2], 15)}`;
  return ['', line(['TOPIC', 'PARTITION', 'STATUS']), ...rows.map((r) => line([r.topic, r.partition ?? 'Not Provided', r.status]))].join('\n') + '\n';
}

/** `Deletion of requested consumer groups ('a', 'b') was successful.` */
export function apacheDeleteSuccess(groups: string[]): string {
  return `Deletion of requested consumer groups (${groups.map((g) => `'${g}'`).join(', ')}) was successful.`;
}

// ---- tables for people ----

type Head = ((s: string) => string) | undefined;

export function offsetsTable(rows: OffsetRow[], head?: Head): string {
  return renderTable(
    ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'],
    rows.map((r) => [r.group, r.topic, r.partition, r.currentOffset, r.logEndOffset, r.lag, r.consumerId, r.host, r.clientId]),
    { head, alignRight: [2, 3, 4, 5] },
  );
}

/**
 * kt's members table. --verbose adds each member's partitions (ASSIGNMENT) and, in a KIP-848
 * consumer group, its epoch (CURRENT-EPOCH), the group's target assignment epoch (TARGET-EPOCH)
 * and the partitions the coordinator means it to own (TARGET-ASSIGNMENT).
 */
export function membersTable(g: GroupDescription, verbose: boolean, head?: Head): string {
  const withInstance = g.members.some((m) => m.groupInstanceId);
  const epochs = verbose && g.type === 'consumer';
  const cols = [
    'GROUP', 'CONSUMER-ID', ...(withInstance ? ['GROUP-INSTANCE-ID'] : []), 'HOST', 'CLIENT-ID', '#PARTITIONS',
    ...(epochs ? ['CURRENT-EPOCH'] : []), ...(verbose ? ['ASSIGNMENT'] : []), ...(epochs ? ['TARGET-EPOCH', 'TARGET-ASSIGNMENT'] : []),
  ];
  const first = withInstance ? 5 : 4;
  return renderTable(
    cols,
    g.members.map((m) => [
      g.group,
      m.consumerId,
      ...(withInstance ? [m.groupInstanceId] : []),
      m.host,
      m.clientId,
      m.assignment.length,
      ...(epochs ? [cell(m.memberEpoch)] : []),
      ...(verbose ? [assignmentString(m.assignment)] : []),
      ...(epochs ? [cell(g.targetAssignmentEpoch), assignmentString(m.targetAssignment ?? [])] : []),
    ]),
    { head, alignRight: epochs ? [first, first + 1, first + 3] : [first] },
  );
}

export function stateTable(groups: GroupDescription[], head?: Head): string {
  return renderTable(
    ['GROUP', 'TYPE', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'],
    groups.map((g) => [g.group, g.type, `${g.coordinator.host}:${g.coordinator.port} (${g.coordinator.id})`, g.protocol || MISSING, g.state, g.members.length]),
    { head, alignRight: [5] },
  );
}

export function listTable(groups: GroupListing[], head?: Head): string {
  return renderTable(
    ['GROUP', 'TYPE', 'STATE', 'PROTOCOL', 'MEMBERS'],
    groups.map((g) => [g.group, g.type, g.state, g.protocol || MISSING, g.members]),
    { head, alignRight: [4] },
  );
}

export function planTable(rows: PlanRow[], head?: Head): string {
  return renderTable(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'], rows.map((r) => [r.group, r.topic, r.partition, r.newOffset]), { head, alignRight: [2, 3] });
}

export function deleteOffsetsTable(rows: Array<{ topic: string; partition: number | null; status: string }>, head?: Head): string {
  return renderTable(['TOPIC', 'PARTITION', 'STATUS'], rows.map((r) => [r.topic, r.partition, r.status]), { head, alignRight: [1] });
}

// ---- CSV: --export and --from-file ----

function csvField(s: string | number): string {
  const v = String(s);
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Apache's export: `topic,partition,offset` per line for one group, `group,topic,partition,offset` for several. */
export function exportCsv(rows: PlanRow[], withGroup: boolean): string {
  return rows.map((r) => [...(withGroup ? [r.group] : []), r.topic, r.partition, r.newOffset].map(csvField).join(',') + '\n').join('');
}

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"' && cur === '') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

export interface CsvOffset extends TopicPartition {
  group: string;
  offset: number;
}

/**
 * Reads a reset plan (--from-file): `topic,partition,offset` lines apply to `singleGroup`
 * (as Apache, when exactly one group is named), `group,topic,partition,offset` lines to
 * their group. Blank lines are skipped; anything else is a usage error naming the line.
 */
export function parseResetCsv(text: string, singleGroup: string | null): CsvOffset[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const out: CsvOffset[] = [];
  const int = (s: string, what: string, n: number) => {
    if (!/^-?\d+$/.test(s.trim())) throw new UsageError(`--from-file line ${n}: ${what} '${s}' is not a number`, 'expected topic,partition,offset or group,topic,partition,offset');
    return Number(s.trim());
  };
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const f = splitCsvLine(line);
    if (f.length === 3 && singleGroup !== null) {
      out.push({ group: singleGroup, topic: f[0], partition: int(f[1], 'partition', i + 1), offset: int(f[2], 'offset', i + 1) });
    } else if (f.length === 4) {
      out.push({ group: f[0], topic: f[1], partition: int(f[2], 'partition', i + 1), offset: int(f[3], 'offset', i + 1) });
    } else {
      throw new UsageError(
        `--from-file line ${i + 1}: expected ${singleGroup !== null ? 'topic,partition,offset or ' : ''}group,topic,partition,offset, got '${line}'`,
      );
    }
  });
  return out;
}

// ---- grammars ----

/**
 * Java's Duration.parse subset that kafka-consumer-groups --by-duration takes:
 * `PnDTnHnMn.nS` (case-insensitive, signed parts), e.g. P1D, PT15M, P1DT2H30M, PT0.5S. Returns ms.
 */
export function parseIsoDuration(s: string): number {
  const m = /^([-+]?)P(?:([-+]?\d+)D)?(?:T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+)(?:[.,](\d{0,9}))?S)?)?$/i.exec(s.trim());
  const hasT = /T/i.test(s);
  if (!m || (!m[2] && !m[3] && !m[4] && !m[5]) || (hasT && !m[3] && !m[4] && !m[5])) {
    throw new UsageError(`invalid --by-duration '${s}'`, 'use ISO-8601 PnDTnHnMnS, e.g. P1D, PT15M, P1DT2H30M');
  }
  const n = (x: string | undefined) => (x ? Number(x) : 0);
  const secSign = m[5]?.startsWith('-') ? -1 : 1;
  const frac = m[6] ? Number(m[6].padEnd(3, '0').slice(0, 3)) * secSign : 0;
  const ms = n(m[2]) * 86_400_000 + n(m[3]) * 3_600_000 + n(m[4]) * 60_000 + n(m[5]) * 1000 + frac;
  return m[1] === '-' ? -ms : ms;
}

/**
 * kafka-consumer-groups --to-datetime: `YYYY-MM-DDTHH:mm:SS.sss` with an optional zone
 * (`Z`, `+hh:mm`, `+hhmm`, `+hh`); no zone means UTC, as Kafka's Utils.getDateTime. Seconds
 * and milliseconds may be left out. Returns ms since the epoch.
 */
export function parseDateTime(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(s.trim());
  const bad = () => new UsageError(`invalid --to-datetime '${s}'`, 'use YYYY-MM-DDTHH:mm:SS.sss, optionally with a zone (Z, +01:00); without one it is UTC');
  if (!m) throw bad();
  const [y, mo, d, h, mi, sec = '0', msStr = '0'] = m.slice(1, 8);
  const local = Date.UTC(+y, +mo - 1, +d, +h, +mi, +sec, Number(msStr.padEnd(3, '0')));
  const check = new Date(local);
  if (check.getUTCMonth() !== +mo - 1 || check.getUTCDate() !== +d || +h > 23 || +mi > 59 || +sec > 59) throw bad();
  let offsetMin = 0;
  const zone = m[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
    offsetMin = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3] ?? 0));
  }
  return local - offsetMin * 60_000;
}

/** `--topic T` or `--topic T:0,1,2` (Apache's reset/delete-offsets scope), partitions sorted. */
export function parseTopicScope(arg: string): TopicPartitions {
  const scope = parseTopicPartitions(arg, '--topic');
  return { topic: scope.topic, partitions: scope.partitions && [...scope.partitions].sort((a, b) => a - b) };
}

/** Kafka's group states (classic protocol), as `--state` accepts them (case-insensitive). */
// classic groups' states, then those only a KIP-848 consumer group has
export const GROUP_STATES = ['PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead', 'Empty', 'Assigning', 'Reconciling'] as const;

export function parseStates(values: string[]): string[] {
  const out: string[] = [];
  for (const v of values.flatMap((x) => x.split(','))) {
    const s = v.trim();
    if (s === '') continue;
    const found = GROUP_STATES.find((g) => g.toLowerCase() === s.toLowerCase());
    if (!found) throw new UsageError(`invalid state '${s}'`, `valid states are: ${GROUP_STATES.join(', ')}`);
    out.push(found);
  }
  return out;
}
