// The flows behind `kt topics ...` and its Apache-style flags (`kt topics --create ...`),
// shared so both spellings behave the same. Commands parse flags and print; the work is in
// src/client/topics.ts, the layouts in src/format/topics.ts.

import { checkTopicName } from './topicName.js';
import type { Connection } from './base.js';
import { KtError, UsageError } from './errors.js';
import { confirmOrRefuse, requireTopic, askText } from './prompt.js';
import { canPrompt, diag, out } from './output.js';
import { parseKeyValues } from './properties.js';

export interface ListResult {
  topics: Array<{ name: string; internal: boolean; partitions: number; replicationFactor: number }>;
}

export interface CreateResult {
  created: Array<{ name: string; partitions: number | null; replicationFactor: number | null; configs: Record<string, string> }>;
  existing: string[];
}

export interface DeleteResult {
  deleted: string[];
  missing: string[];
}

export interface Printer {
  json: boolean;
  log(line: string): void;
}

async function client(conn: Connection) {
  const { openKafka } = await import('../client/index.js');
  const topics = await import('../client/topics.js');
  return { h: await openKafka(conn), topics };
}

export async function listFlow(
  conn: Connection,
  p: Printer,
  o: { excludeInternal?: boolean; long?: boolean; pattern?: string },
): Promise<ListResult> {
  const { h, topics } = await client(conn);
  const all = await topics.withAdmin(h, (admin) => topics.listTopicSummaries(admin));
  let list = all.filter((t) => !(o.excludeInternal && t.internal));
  if (o.pattern) {
    const names = new Set(topics.matchTopics(list.map((t) => t.name), o.pattern));
    list = list.filter((t) => names.has(t.name));
  }
  if (!p.json) {
    if (o.long) {
      const { listTable } = await import('../format/topics.js');
      if (list.length) p.log(listTable(list, out().bold));
    } else {
      for (const t of list) p.log(t.name);
    }
    // stdout stays empty (as kafka-topics --list); a person still sees an answer
    if (list.length === 0) diag(o.pattern ? `kt: no topic matches '${o.pattern}'` : 'kt: no topics (create one: kt topics create NAME)');
  }
  return { topics: list };
}

export interface CreateOptions {
  names: string[];
  partitions?: number;
  replicationFactor?: number;
  config?: string[];
  ifNotExists?: boolean;
  yes?: boolean;
}

export async function createFlow(conn: Connection, p: Printer, o: CreateOptions): Promise<CreateResult> {
  let names = o.names;
  if (names.length === 0) {
    if (!canPrompt({ yes: o.yes })) throw new UsageError('missing topic name', 'kt topics create NAME --partitions N');
    names = [await askText('Name of the new topic')];
  }
  for (const n of names) checkTopicName(n, null);
  if (o.partitions !== undefined && o.partitions < 1) throw new UsageError('--partitions must be at least 1');
  if (o.replicationFactor !== undefined && o.replicationFactor < 1) throw new UsageError('--replication-factor must be at least 1');
  const configs = parseKeyValues(o.config, '--config');
  const { h, topics } = await client(conn);
  return topics.withAdmin(h, async (admin) => {
    const existingNames = new Set(await topics.listTopicNames(admin));
    const existing = names.filter((n) => existingNames.has(n));
    if (existing.length && !o.ifNotExists) {
      throw new KtError(`Topic '${existing[0]}' already exists.`, { hint: 'use --if-not-exists to ignore' });
    }
    const toCreate = names.filter((n) => !existingNames.has(n));
    if (toCreate.length) {
      await topics.createTopics(
        h,
        admin,
        toCreate.map((name) => ({ name, partitions: o.partitions, replicationFactor: o.replicationFactor, configs })),
      );
    }
    for (const n of toCreate) {
      if (/[._]/.test(n) && !p.json) {
        diag("WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.");
      }
      if (!p.json) p.log(`Created topic ${n}.`);
    }
    return {
      created: toCreate.map((name) => ({ name, partitions: o.partitions ?? null, replicationFactor: o.replicationFactor ?? null, configs })),
      existing,
    };
  });
}

export interface DescribeOptions {
  names: string[];
  pattern?: string;
  excludeInternal?: boolean;
  topicsWithOverrides?: boolean;
  underReplicated?: boolean;
  unavailable?: boolean;
  apache?: boolean;
}

export async function describeFlow(conn: Connection, p: Printer, o: DescribeOptions) {
  const { h, topics } = await client(conn);
  const fmt = await import('../format/topics.js');
  const described = await topics.withAdmin(h, async (admin) => {
    const all = await topics.listTopicNames(admin);
    let names: string[];
    if (o.names.length) {
      const missing = o.names.filter((n) => !all.includes(n));
      if (missing.length) throw new KtError(`Topic '${missing[0]}' does not exist.`, { hint: 'kt topics list shows the topics' });
      names = o.names;
    } else if (o.pattern) {
      names = topics.matchTopics(all, o.pattern);
      if (names.length === 0) throw new KtError(`Topic '${o.pattern}' does not exist.`, { hint: 'kt topics list shows the topics' });
    } else {
      names = all.filter((n) => !(o.excludeInternal && topics.isInternalTopic(n)));
    }
    if (!names.length) return [];
    const { withSpinner } = await import('./spinner.js');
    return withSpinner(`describing ${names.length === 1 ? names[0] : `${names.length} topics`}`, topics.describeTopics(h, admin, names));
  });
  const filtered = fmt.filterDescriptions(described, {
    topicsWithOverrides: o.topicsWithOverrides,
    underReplicated: o.underReplicated,
    unavailable: o.unavailable,
  });
  if (!p.json) {
    const text = o.apache
      ? fmt.apacheDescribe(filtered, { topicsWithOverrides: o.topicsWithOverrides, underReplicated: o.underReplicated, unavailable: o.unavailable })
      : fmt.describeTables(filtered, out().bold);
    if (text) p.log(text);
  }
  return { topics: filtered };
}

export interface AlterOptions {
  name?: string;
  partitions?: number;
  config?: string[];
  deleteConfig?: string[];
  yes?: boolean;
}

export async function alterFlow(conn: Connection, p: Printer, o: AlterOptions) {
  const set = parseKeyValues(o.config, '--config');
  const del = o.deleteConfig ?? [];
  if (o.partitions === undefined && Object.keys(set).length === 0 && del.length === 0) {
    throw new UsageError('nothing to alter', 'pass --partitions N, --config KEY=VALUE or --delete-config KEY');
  }
  const { h, topics } = await client(conn);
  return topics.withAdmin(h, async (admin) => {
    const all = await topics.listTopicNames(admin);
    const name = await requireTopic(o.name, async () => all, { yes: o.yes });
    if (!all.includes(name)) throw new KtError(`Topic '${name}' does not exist.`, { hint: 'kt topics list shows the topics' });
    const r = await topics.alterTopic(h, admin, name, { partitions: o.partitions, set, delete: del });
    if (!p.json) {
      if (r.partitions) {
        p.log(r.partitions.from === r.partitions.to
          ? `Topic ${name} already has ${r.partitions.to} partitions.`
          : `Altered topic ${name}: partitions ${r.partitions.from} -> ${r.partitions.to}.`);
      }
      if (r.configs) p.log(`Completed updating config for topic ${name}.`);
    }
    return r;
  });
}

export interface DeleteOptions {
  names: string[];
  pattern?: string;
  ifExists?: boolean;
  yes?: boolean;
}

export async function deleteFlow(conn: Connection, p: Printer, o: DeleteOptions): Promise<DeleteResult> {
  const { h, topics } = await client(conn);
  return topics.withAdmin(h, async (admin) => {
    const all = await topics.listTopicNames(admin);
    let names = o.names;
    if (names.length === 0 && o.pattern) names = topics.matchTopics(all, o.pattern);
    if (names.length === 0 && !o.pattern) names = [await requireTopic(undefined, async () => all, { yes: o.yes })];
    const missing = (o.pattern && names.length === 0 ? [o.pattern] : names.filter((n) => !all.includes(n)));
    if (missing.length && !o.ifExists) {
      throw new KtError(`Topic '${missing[0]}' does not exist.`, { hint: 'use --if-exists to ignore' });
    }
    const toDelete = names.filter((n) => all.includes(n));
    if (toDelete.length === 0) return { deleted: [], missing };
    const what = toDelete.length === 1 ? `topic ${toDelete[0]}` : `${toDelete.length} topics (${toDelete.join(', ')})`;
    await confirmOrRefuse(`Delete ${what} and all its data?`, { yes: o.yes, action: `delete ${what}`, nothing: 'deleted' });
    await topics.deleteTopics(admin, toDelete);
    if (!p.json) for (const n of toDelete) p.log(`Deleted topic ${n}.`);
    return { deleted: toDelete, missing };
  });
}
