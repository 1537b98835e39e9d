// DescribeLogDirs v1-5: the broker's one log directory (its data dir) with the size of each
// asked-for partition (every partition when topics is null). Kafka's answer for a single
// directory: offsetLag 0 and isFutureKey false (no replica is ever being moved between
// directories), isCordoned false, partitions that do not exist are left out, and a topic left
// with no partitions too. totalBytes/usableBytes are the data dir's file system, as Kafka's
// FileStore reports it. A memory broker has no directory: it answers one named "(memory)" holding
// every partition's bytes in memory, with totalBytes/usableBytes -1 (unknown).
import fs from 'node:fs';
import { DescribeLogDirs } from '../../protocol/apis/describeLogDirs.js';
import { handler } from './types.js';

/** The log dir a memory broker reports. */
export const MEMORY_LOG_DIR = '(memory)';

function space(dir: string | undefined): { totalBytes: number; usableBytes: number } {
  if (!dir) return { totalBytes: -1, usableBytes: -1 };
  try {
    const s = fs.statfsSync(dir);
    return { totalBytes: s.blocks * s.bsize, usableBytes: s.bavail * s.bsize };
  } catch {
    return { totalBytes: -1, usableBytes: -1 };
  }
}

export default handler(DescribeLogDirs, (req, ctx) => {
  const { store } = ctx.broker;
  const asked = req.topics === null ? null : new Map<string, Set<number>>();
  for (const t of req.topics ?? []) {
    const set = asked!.get(t.topic) ?? new Set<number>();
    for (const p of t.partitions) set.add(p);
    asked!.set(t.topic, set);
  }
  const topics = [];
  for (const info of store.listTopics()) {
    const want = asked?.get(info.name);
    if (asked && !want) continue;
    const partitions = [];
    for (let i = 0; i < info.partitions; i++) {
      if (want && !want.has(i)) continue;
      const log = store.partition(info.name, i);
      if (!log) continue;
      partitions.push({ partitionIndex: i, partitionSize: log.sizeBytes, offsetLag: 0, isFutureKey: false });
    }
    if (partitions.length > 0) topics.push({ name: info.name, partitions });
  }
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    results: [{ errorCode: 0, logDir: store.dataDir ?? MEMORY_LOG_DIR, topics, ...space(store.dataDir), isCordoned: false }],
  };
});
