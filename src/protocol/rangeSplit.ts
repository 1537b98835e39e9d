// Kafka's range assignment of one topic, shared by kt's client-side "range" assignor (classic
// groups) and the broker's server-side one (KIP-848): the members, in their sorted order, each
// take a contiguous run of the topic's partitions, the first (partitions % members) one more.

/** For each of `members` (in order), the first partition of its run and the run's length. */
export function rangeSplit(partitions: number, members: number): Array<{ start: number; count: number }> {
  const per = Math.floor(partitions / members);
  const extra = partitions % members;
  return Array.from({ length: members }, (_, i) => ({ start: per * i + Math.min(i, extra), count: per + (i < extra ? 1 : 0) }));
}
