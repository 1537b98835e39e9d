// The one parser of partition lists and `TOPIC[:P,P...]` arguments: consume --partition,
// offsets --partitions and TOPIC:P arguments, delete-records TOPIC:P arguments, groups
// --reset-offsets/--delete-offsets --topic scopes.
//
//   P,P,...        partition numbers (0 .. 2147483647), spaces around them ignored,
//                  duplicates dropped, first occurrence order kept
//   TOPIC          every partition of TOPIC
//   TOPIC:P,P,...  those partitions (topic names cannot contain ':'; a second ':' is an error)
// Errors are usage errors (exit 2) naming the flag or argument and the bad part.

import { UsageError } from '../errors.js';

const MAX_PARTITION = 2 ** 31 - 1;

/** `0,1,2` → [0, 1, 2]. `what` names the flag or argument in errors. */
export function parsePartitions(list: string, what: string, whole = list): number[] {
  const out: number[] = [];
  for (const part of list.split(',')) {
    const p = part.trim();
    if (p === '') throw new UsageError(`invalid ${what} '${whole}': empty partition in the list`, 'expected N or N,N,...');
    if (!/^\d+$/.test(p)) throw new UsageError(`invalid ${what} '${whole}': invalid partition '${p}'`, 'expected N or N,N,... (partition numbers from 0)');
    const n = Number(p);
    if (n > MAX_PARTITION) throw new UsageError(`invalid ${what} '${whole}': partition ${p} is out of range (max ${MAX_PARTITION})`);
    if (!out.includes(n)) out.push(n);
  }
  return out;
}

/** Repeated list flags (`--partition 0,1 --partition 2`), merged without duplicates. */
export function parsePartitionFlags(values: readonly string[], what: string): number[] {
  const out: number[] = [];
  for (const v of values) for (const n of parsePartitions(v, what)) if (!out.includes(n)) out.push(n);
  return out;
}

export interface TopicPartitions {
  topic: string;
  /** null: every partition */
  partitions: number[] | null;
}

/** `TOPIC` or `TOPIC:P,P,...`. */
export function parseTopicPartitions(arg: string, what: string): TopicPartitions {
  const expected = `expected TOPIC or TOPIC:PARTITION[,PARTITION...]`;
  const i = arg.indexOf(':');
  const topic = (i < 0 ? arg : arg.slice(0, i)).trim();
  if (topic === '') throw new UsageError(`invalid ${what} '${arg}': missing topic name`, expected);
  if (i < 0) return { topic, partitions: null };
  const rest = arg.slice(i + 1);
  if (rest.trim() === '') throw new UsageError(`invalid ${what} '${arg}': missing partitions after ':'`, expected);
  if (rest.includes(':')) throw new UsageError(`invalid ${what} '${arg}': more than one ':' (topic names cannot contain ':')`, expected);
  return { topic, partitions: parsePartitions(rest, what, arg) };
}
