// The flows behind `kt groups ...` and its Apache-style flags (`kt groups --describe --group G`),
// shared so both spellings behave the same: list, describe, delete and delete-offsets here,
// reset-offsets in groupReset.ts. The work is in src/client/groups.ts, the layouts in
// src/format/groups.ts. `apache: true` prints kafka-consumer-groups' exact text; otherwise
// tables for people. --json returns one document per command (shapes in the commands' help).

import type { Connection } from './base.js';
import { KtError, UsageError } from './errors.js';
import { canPrompt, diag, out } from './output.js';
import { confirmOrRefuse } from './prompt.js';
import type { GroupAdmin, GroupDescription, GroupListing, TopicPartition } from '../client/groups.js';
import type { DescribedGroup } from '../format/groups.js';

export interface Printer {
  json: boolean;
  /** a line on stdout */
  log(line: string): void;
  /** exact text on stdout (Apache layouts carry their own newlines) */
  write(text: string): void;
}

export async function withGroupAdmin<T>(conn: Connection, fn: (a: GroupAdmin, fmt: typeof import('../format/groups.js')) => Promise<T>): Promise<T> {
  const { openKafka } = await import('../client/index.js');
  const { GroupAdmin } = await import('../client/groups.js');
  const fmt = await import('../format/groups.js');
  const h = await openKafka(conn, { clientId: 'kt-admin' });
  return GroupAdmin.with(h, (a) => fn(a, fmt));
}

export function missingGroup(group: string): KtError {
  return new KtError(`Consumer group '${group}' does not exist.`, { hint: 'kt groups list shows the groups' });
}

/** The group(s) to work on: the given ones, --all-groups, a picker in a TTY, else a usage error. */
async function resolveGroups(a: GroupAdmin, given: string[], allGroups: boolean | undefined, opts: { yes?: boolean; flag?: string } = {}): Promise<string[]> {
  if (allGroups) return (await a.listGroups()).map((g) => g.group);
  if (given.length) return [...new Set(given)];
  const flag = opts.flag ?? 'a group';
  if (!canPrompt({ yes: opts.yes })) throw new UsageError(`missing ${flag}`, 'name a group or pass --all-groups (kt prompts for it only in a terminal)');
  const names = (await a.listGroups()).map((g) => g.group);
  if (names.length === 0) throw new KtError('there are no consumer groups in the cluster');
  const { pickGroup } = await import('./prompt.js');
  return [await pickGroup(names)];
}

/** Apache's notes on a group's state (stderr); Apache mode keeps its leading blank line. */
function stateNote(g: GroupDescription, apache: boolean | undefined): void {
  const lead = apache ? '\n' : '';
  if (g.state === 'Empty') diag(`${lead}Consumer group '${g.group}' has no active members.`);
  else if (g.state === 'PreparingRebalance' || g.state === 'CompletingRebalance') diag(`${lead}Warning: Consumer group '${g.group}' is rebalancing.`);
}

// ---- list ----

export interface ListOptions {
  /** only groups in these states (--state S,S) */
  states?: string[];
  /** Apache's --list --state: print the GROUP STATE layout */
  showState?: boolean;
  /** only groups of these types (classic, consumer; lower case) */
  types?: string[];
  /** Apache's --list --type: print the GROUP TYPE layout (with --state: GROUP TYPE STATE) */
  showType?: boolean;
  apache?: boolean;
}

export async function listFlow(conn: Connection, p: Printer, o: ListOptions): Promise<{ groups: GroupListing[] }> {
  return withGroupAdmin(conn, async (a, fmt) => {
    const wanted = fmt.parseStates(o.states ?? []);
    let groups = await a.listGroups();
    if (wanted.length) groups = groups.filter((g) => wanted.includes(g.state));
    const types = o.types ?? [];
    if (types.length) groups = groups.filter((g) => types.includes(g.type));
    if (!p.json) {
      if (o.apache && (o.showState || wanted.length || o.showType)) p.write(fmt.apacheListWithState(groups, { state: Boolean(o.showState || wanted.length), type: Boolean(o.showType) }));
      else if (o.apache) for (const g of groups) p.log(g.group);
      else if (groups.length) p.log(fmt.listTable(groups, out().bold));
      // stdout stays empty (as kafka-consumer-groups --list); a person still sees an answer
      if (groups.length === 0) diag(wanted.length ? `kt: no consumer groups in state ${wanted.join(', ')}` : 'kt: no consumer groups');
    }
    return { groups };
  });
}

// ---- describe ----

export type DescribeView = 'offsets' | 'members' | 'state';

export interface DescribeOptions {
  groups: string[];
  allGroups?: boolean;
  view: DescribeView;
  verbose?: boolean;
  apache?: boolean;
  yes?: boolean;
}

/** A group's description with its offset rows (committed offsets, log-end offsets, lag). */
export async function describeWithOffsets(a: GroupAdmin, descriptions: GroupDescription[]): Promise<DescribedGroup[]> {
  const { offsetRows } = await import('../format/groups.js');
  const { tpKey } = await import('../client/groups.js');
  const existing = await a.topicPartitions();
  const result: DescribedGroup[] = [];
  for (const g of descriptions) {
    const committed = g.state === 'Dead' ? [] : await a.committedOffsets(g.group);
    const tps: TopicPartition[] = [...g.members.flatMap((m) => m.assignment), ...committed];
    // A committed offset may name a topic deleted since: no log-end offset for it.
    const known = tps.filter((tp) => existing.get(tp.topic)?.includes(tp.partition));
    const unique = [...new Map(known.map((tp) => [tpKey(tp.topic, tp.partition), tp])).values()];
    const logEnd = await a.logOffsets(unique, 'latest');
    result.push(offsetRows(g, committed, logEnd));
  }
  return result;
}

export async function describeFlow(conn: Connection, p: Printer, o: DescribeOptions): Promise<{ groups: DescribedGroup[] }> {
  return withGroupAdmin(conn, async (a, fmt) => {
    const ids = await resolveGroups(a, o.groups, o.allGroups, { yes: o.yes, flag: 'group (kt groups describe GROUP)' });
    const descriptions = (await a.describeGroups(ids)).sort((x, y) => (x.group < y.group ? -1 : x.group > y.group ? 1 : 0));
    const dead = descriptions.find((d) => d.state === 'Dead');
    if (dead) throw missingGroup(dead.group);
    const groups = await describeWithOffsets(a, descriptions);
    if (p.json) return { groups };
    const head = out().bold;
    if (o.apache) {
      for (const g of groups) stateNote(g, true);
      if (o.view === 'offsets') p.write(fmt.apacheOffsets(groups, o.verbose));
      else if (o.view === 'members') p.write(fmt.apacheMembers(groups, o.verbose));
      else p.write(fmt.apacheState(groups, o.verbose));
      return { groups };
    }
    if (o.view === 'state') {
      p.log(fmt.stateTable(groups, head));
      return { groups };
    }
    const blocks: string[] = [];
    for (const g of groups) {
      stateNote(g, false);
      if (o.view === 'members') {
        if (g.members.length) blocks.push(fmt.membersTable(g, Boolean(o.verbose), head));
      } else if (g.offsets.length) {
        const unknown = g.offsets.filter((r) => r.lag === null).length;
        const note = unknown ? ` (${unknown} partition${unknown === 1 ? '' : 's'} without a committed offset)` : '';
        blocks.push(`${fmt.offsetsTable(g.offsets, head)}\n\nTotal lag of group ${g.group}: ${g.totalLag}${note}`);
      } else {
        diag(`Consumer group '${g.group}' has no committed offsets and no assigned partitions.`);
      }
    }
    if (blocks.length) p.log(blocks.join('\n\n'));
    return { groups };
  });
}

// ---- delete ----

export interface DeleteResult {
  deleted: string[];
  failed: Array<{ group: string; error: string; message: string }>;
}

export async function deleteFlow(conn: Connection, p: Printer, o: { groups: string[]; allGroups?: boolean; yes?: boolean }): Promise<DeleteResult> {
  return withGroupAdmin(conn, async (a, fmt) => {
    const ids = await resolveGroups(a, o.groups, o.allGroups, { yes: o.yes, flag: 'group (kt groups delete GROUP)' });
    if (ids.length === 0) return { deleted: [], failed: [] };
    // Ask only about groups that exist: unknown ones are reported (GROUP_ID_NOT_FOUND) without a question.
    const existing = o.yes ? ids : (await a.describeGroups(ids)).filter((d) => d.state !== 'Dead').map((d) => d.group);
    const what = existing.length === 1 ? `consumer group '${existing[0]}'` : `${existing.length} consumer groups (${existing.join(', ')})`;
    if (existing.length > 0) await confirmOrRefuse(`Delete ${what} and its committed offsets?`, { yes: o.yes, action: `delete ${what}`, nothing: 'deleted' });
    const { errorMessage } = await import('../protocol/errors.js');
    const results = await a.deleteGroups(ids);
    const deleted = ids.filter((g) => results.get(g) === null);
    const failed = ids
      .filter((g) => results.get(g) !== null)
      .map((g) => {
        const error = results.get(g) ?? 'UNKNOWN_SERVER_ERROR';
        return { group: g, error, message: error === 'GROUP_ID_NOT_FOUND' ? `Consumer group '${g}' does not exist.` : errorMessage(error) };
      });
    if (!p.json) {
      if (failed.length === 0) p.log(fmt.apacheDeleteSuccess(deleted));
      else if (deleted.length) p.log(`These consumer groups were deleted successfully: ${deleted.map((g) => `'${g}'`).join(', ')}`);
    }
    if (failed.length) {
      const why = failed.map((f) => `group '${f.group}' could not be deleted: ${f.message} (${f.error})`).join('; ');
      const hint = failed.some((f) => f.error === 'NON_EMPTY_GROUP') ? ' — stop its consumers first' : '';
      diag(`kt: error: Deletion of some consumer groups failed: ${why}${hint}`);
      process.exitCode = 1;
    }
    return { deleted, failed };
  });
}

// ---- delete-offsets ----

export interface DeleteOffsetsResult {
  group: string;
  partitions: Array<{ topic: string; partition: number | null; error: string | null }>;
}

export async function deleteOffsetsFlow(conn: Connection, p: Printer, o: { group?: string; topics: string[]; apache?: boolean }): Promise<DeleteOffsetsResult> {
  if (!o.group) throw new UsageError('missing group', 'kt groups delete-offsets GROUP --topic T[:P,P]');
  if (o.topics.length === 0) throw new UsageError('missing --topic', 'kt groups delete-offsets GROUP --topic T[:P,P]');
  const group = o.group;
  return withGroupAdmin(conn, async (a, fmt) => {
    const scopes = o.topics.map(fmt.parseTopicScope);
    const existing = await a.topicPartitions();
    const rows: DeleteOffsetsResult['partitions'] = [];
    const tps: TopicPartition[] = [];
    for (const s of scopes) {
      const parts = existing.get(s.topic);
      if (!parts) rows.push({ topic: s.topic, partition: null, error: 'UNKNOWN_TOPIC_OR_PARTITION' });
      else for (const partition of s.partitions ?? parts) tps.push({ topic: s.topic, partition });
    }
    if (tps.length) {
      const r = await a.deleteOffsets(group, tps);
      if (r.error === 'GROUP_ID_NOT_FOUND') throw missingGroup(group);
      if (r.error === 'NON_EMPTY_GROUP') throw new KtError(`Deleting offsets of a consumer group '${group}' is forbidden if the group is not empty.`, { hint: 'stop its consumers first' });
      if (r.error) {
        const { errorMessage } = await import('../protocol/errors.js');
        throw new KtError(`cannot delete offsets of group '${group}': ${errorMessage(r.error)} (${r.error})`);
      }
      rows.push(...r.partitions);
    }
    rows.sort((x, y) => (x.topic < y.topic ? -1 : x.topic > y.topic ? 1 : (x.partition ?? -1) - (y.partition ?? -1)));
    const failed = rows.filter((r) => r.error !== null);
    if (!p.json) {
      const { errorMessage } = await import('../protocol/errors.js');
      if (o.apache) {
        if (failed.length === 0) p.log(`Request succeed for deleting offsets with topic ${scopes.map((s) => s.topic).join(', ')} group ${group}`);
        p.write(fmt.apacheDeleteOffsets(rows.map((r) => ({ topic: r.topic, partition: r.partition, status: r.error ? `Error: :${errorMessage(r.error)}` : 'Successful' }))));
      } else {
        p.log(fmt.deleteOffsetsTable(rows.map((r) => ({ topic: r.topic, partition: r.partition, status: r.error ? `Error: ${errorMessage(r.error)} (${r.error})` : 'Successful' })), out().bold));
      }
    }
    if (failed.length) {
      const subscribed = failed.some((f) => f.error === 'GROUP_SUBSCRIBED_TO_TOPIC');
      diag(`kt: error: ${failed.length} of ${rows.length} partition(s) kept their offsets${subscribed ? ` — group '${group}' still consumes the topic; stop its consumers first` : ''}`);
      process.exitCode = 1;
    }
    return { group, partitions: rows };
  });
}
