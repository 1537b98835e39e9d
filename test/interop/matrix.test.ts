// The interoperability matrix: each writer of {kt (the CLI process), kafkajs, kcat, the Debian
// and the PyPI kafka-python and confluent-kafka, franz-go, sarama}
// writes one topic per codec {none, gzip, snappy, lz4, zstd};
// each reader reads every topic, once without a consumer group and once in a group, and
// must get every record with its key, value, headers, timestamp, partition and offset, in
// partition order — exactly what the broker holds. The broker's copy is checked too: the
// batches are stored in the writer's codec, and hold what the writer meant to write.
// The test prints the matrix. A cell that cannot run is "n/a" with its reason printed
// (locally: a peer that is not installed; in CI every peer and codec must be there).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { testBroker } from '../helpers.js';
import {
  CLIENTS,
  CODECS,
  callPeer,
  diffIntended,
  diffRecords,
  groupByTopic,
  kcatConsume,
  kcatProduce,
  ktConsume,
  ktProduce,
  mapLimit,
  peerStatus,
  readTopic,
  type Client,
  type CodecName,
  type Rec,
} from './lib.js';

const PARTITIONS = 2;
const RECORDS = 40;
const PREFIX = 'mx-';
const topicOf = (writer: Client, codec: CodecName): string => `${PREFIX}${writer}-${codec}`;

/** Deterministic pseudo-random hex (compresses about 2:1, so its batch stays large compressed). */
function noise(seed: number, length: number): string {
  let x = seed >>> 0 || 1;
  let s = '';
  while (s.length < length) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    s += (x >>> 0).toString(16).padStart(8, '0');
  }
  return s.slice(0, length);
}

/**
 * What a writer writes to one topic: keys, UTF-8 values of many sizes (one null, one of
 * 150 KB so a compressed batch passes the codecs' async threshold), headers (a repeated
 * name too), explicit CreateTime timestamps. kcat can set neither per-record headers nor
 * timestamps: it gets one header set for all and producer timestamps.
 */
function recordsFor(writer: Client, codec: CodecName, t0: number): Rec[] {
  const seed = [...`${writer}/${codec}`].reduce((a, c) => (a * 31 + c.charCodeAt(0)) >>> 0, 7);
  return Array.from({ length: RECORDS }, (_, i): Rec => {
    const value = i === 7 ? null : `${writer}/${codec}/#${i} ünïcødé € ` + 'lorem ipsum '.repeat((i * 37) % 200) + (i === 20 ? noise(seed, 150_000) : '');
    const headers: [string, string | null][] = writer === 'kcat'
      ? [['src', writer], ['ü-h', '€ value']]
      : [['src', writer], ['i', String(i)], ...(i % 3 === 0 ? ([['dup', 'a'], ['dup', 'b€']] as [string, string][]) : [])];
    return { key: `key-${i % 5}-${i}`, value, headers, timestamp: writer === 'kcat' ? null : t0 + i * 1000 };
  });
}

type Mode = 'no group' | 'group';
const MODES: Mode[] = ['no group', 'group'];

interface Cell {
  'no group'?: string;
  group?: string;
}

test('interop matrix: writer × reader × codec, with and without a group', { timeout: 300_000 }, async (t) => {
  const started = Date.now();
  const status = peerStatus();
  if (process.env.CI) {
    for (const c of CLIENTS) {
      assert.ok(status[c].available, `${c} is required in CI (.ci/run installs it): ${status[c].reason}`);
      assert.deepEqual(status[c].codecGaps, {}, `${c} must support every codec in CI`);
    }
  }
  const broker = await testBroker();
  const b = broker.bootstrap;
  const cells = new Map<string, Cell>();
  const cellOf = (w: Client, r: Client, c: CodecName): Cell => {
    const k = `${w}|${r}|${c}`;
    if (!cells.has(k)) cells.set(k, {});
    return cells.get(k) as Cell;
  };
  const timings: string[] = [];
  const timed = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    const t1 = Date.now();
    try {
      return await fn();
    } finally {
      timings.push(`${what} ${((Date.now() - t1) / 1000).toFixed(1)}s`);
    }
  };
  try {
    const writers = CLIENTS.filter((c) => status[c].available);
    const kafka = new Kafka({ clientId: 'interop-setup', brokers: [b], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: CLIENTS.flatMap((w) => CODECS.map((c) => ({ topic: topicOf(w, c), numPartitions: PARTITIONS }))),
    });
    await admin.disconnect();

    // 1. Every writer writes its five topics, all writers at once.
    const t0 = Date.now() - 3_600_000;
    const intended = new Map<string, Rec[]>();
    const writeProblem = new Map<string, string>(); // topic -> why its column fails or is n/a
    const window = { from: Date.now(), to: 0 };
    const jobsOf = (w: Client) =>
      CODECS.filter((c) => {
        const gap = status[w].codecGaps[c];
        if (gap) writeProblem.set(topicOf(w, c), `n/a: ${gap}`);
        return !gap;
      }).map((c) => {
        const records = recordsFor(w, c, t0);
        intended.set(topicOf(w, c), records);
        return { topic: topicOf(w, c), codec: c, records };
      });
    await Promise.all(writers.map((w) => timed(`write ${w}`, async () => {
      const jobs = jobsOf(w);
      try {
        if (w === 'kt') {
          await mapLimit(jobs, 3, (j) => ktProduce(b, j.topic, j.codec, j.records).catch((e: Error) => void writeProblem.set(j.topic, `FAIL write: ${e.message}`)));
        } else if (w === 'kcat') {
          await mapLimit(jobs, 5, (j) => kcatProduce(b, j.topic, j.codec, j.records).catch((e: Error) => void writeProblem.set(j.topic, `FAIL write: ${e.message}`)));
        } else {
          await callPeer(w, { op: 'produce', bootstrap: b, jobs });
        }
      } catch (err) {
        for (const j of jobs) writeProblem.set(j.topic, `FAIL write: ${(err as Error).message}`);
      }
    })));
    window.to = Date.now();
    for (const w of CLIENTS.filter((c) => !status[c].available)) {
      for (const c of CODECS) writeProblem.set(topicOf(w, c), `n/a: ${status[w].reason}`);
    }

    // 2. The broker's copy: stored in the writer's codec, holding what the writer wrote.
    const reference = new Map<string, Rec[]>();
    for (const [topic, records] of intended) {
      if (writeProblem.has(topic)) continue;
      const codec = topic.split('-').pop() as CodecName;
      const view = await readTopic(broker.port, topic, PARTITIONS);
      reference.set(topic, view.records);
      // librdkafka (kcat, confluent-kafka) sends a batch uncompressed when it decides
      // compression does not pay (seen under load with confluent-kafka 1.7): from those writers
      // a mix of the codec and none is what was received; at least one batch must be in the codec.
      const librdkafka = topic.startsWith(`${PREFIX}kcat-`) || topic.startsWith(`${PREFIX}confluent-kafka-`);
      const wrongCodec = [...view.codecs].filter((c) => c !== codec && !(librdkafka && c === 'none'));
      if (!view.codecs.has(codec)) wrongCodec.push(codec);
      const why = wrongCodec.length
        ? `FAIL: stored batches are ${[...view.codecs].join('+')}, not ${codec}`
        : diffIntended(records, view.records, topic.startsWith(`${PREFIX}kcat-`) ? { from: window.from - 1000, to: window.to + 1000 } : undefined);
      if (why) writeProblem.set(topic, why.startsWith('FAIL') ? why : `FAIL stored: ${why}`);
    }

    // 3. Every reader, with and without a group, reads every readable topic.
    const readable = [...reference.keys()].filter((topic) => !writeProblem.has(topic));
    const readJobs = writers.flatMap((r) => MODES.map((mode) => ({ r, mode })));
    await mapLimit(readJobs, 4, ({ r, mode }) => timed(`read ${r} (${mode})`, async () => {
      const group = mode === 'group' ? `interop-${r}-group` : null;
      const topics = readable.filter((topic) => {
        const codec = topic.split('-').pop() as CodecName;
        const gap = status[r].codecGaps[codec];
        if (gap) cellOf(topic.slice(PREFIX.length, topic.lastIndexOf('-')) as Client, r, codec)[mode] = `n/a: ${gap}`;
        return !gap;
      });
      const expected = Object.fromEntries(topics.map((topic) => [topic, reference.get(topic)?.length ?? 0]));
      const total = Object.values(expected).reduce((a, n) => a + n, 0);
      let got: Rec[];
      let failure: string | undefined;
      try {
        if (r === 'kt') got = await ktConsume(b, `${PREFIX}.*`, group);
        else if (r === 'kcat') {
          got = group
            ? await kcatConsume(b, topics, group, total)
            : (await mapLimit(topics, 4, (topic) => kcatConsume(b, [topic], null, expected[topic] ?? 0))).flat();
        } else {
          got = ((await callPeer(r, { op: 'consume', bootstrap: b, topics: expected, group, timeoutMs: 45_000 })).records as Rec[]);
        }
      } catch (err) {
        got = [];
        failure = (err as Error).message;
      }
      const byTopic = groupByTopic(got);
      for (const topic of topics) {
        const [w, codec] = [topic.slice(PREFIX.length, topic.lastIndexOf('-')) as Client, topic.split('-').pop() as CodecName];
        const diff = failure ? `reader failed: ${failure}` : diffRecords(reference.get(topic) ?? [], byTopic.get(topic) ?? []);
        cellOf(w, r, codec)[mode] = diff ? `FAIL: ${diff}` : 'ok';
      }
    }));

    // 4. The matrix.
    const lines: string[] = [];
    const notes: string[] = [];
    const failures: string[] = [];
    const width = Math.max(...CLIENTS.map((c) => c.length)) + 2;
    lines.push('Interop matrix: rows = writer, columns = reader; a cell is "<no group>/<group>" reads.');
    lines.push('ok = every record with key, value, headers, timestamp, partition and offset as the broker holds it,');
    lines.push('in order; the broker holds the batches in the writer\'s codec and what the writer wrote.');
    for (const codec of CODECS) {
      lines.push('');
      lines.push(`codec ${codec}`.padEnd(width) + CLIENTS.map((r) => r.padEnd(width)).join(''));
      for (const w of CLIENTS) {
        const row = CLIENTS.map((r) => {
          const topic = topicOf(w, codec);
          const wp = writeProblem.get(topic);
          const readerNa = status[r].available ? undefined : `n/a: ${status[r].reason}`;
          const parts = MODES.map((mode) => {
            const v = wp ?? readerNa ?? cellOf(w, r, codec)[mode] ?? 'FAIL: not read';
            const where = `${w} → ${r} (${codec}, ${mode})`;
            if (v.startsWith('n/a')) notes.push(`${where}: ${v}`);
            else if (v !== 'ok') failures.push(`${where}: ${v}`);
            return v === 'ok' ? 'ok' : v.startsWith('n/a') ? 'n/a' : 'FAIL';
          });
          return (parts[0] === parts[1] ? parts[0] : parts.join('/')) as string;
        });
        lines.push(w.padEnd(width) + row.map((c) => c.padEnd(width)).join(''));
      }
    }
    lines.push('');
    lines.push('kafkajs has no group-less consumer API (no assign()): its "no group" read is a throw-away group that commits');
    lines.push('nothing. kcat writes one header set for all records and producer timestamps (checked within the produce window).');
    lines.push('snappy/lz4/zstd for kt and kafkajs are kt\'s codec plug-ins (src/client/compression.ts).');
    const byReason = new Map<string, string[]>();
    for (const n of notes) {
      const [where, reason] = n.split(': n/a: ') as [string, string];
      byReason.set(reason, [...(byReason.get(reason) ?? []), where]);
    }
    for (const [reason, where] of byReason) lines.push(`n/a  ${reason} — ${where.length} cells, e.g. ${where[0]}`);
    for (const f of failures) lines.push(`FAIL ${f}`);
    lines.push(`timings: ${timings.join(', ')}; total ${((Date.now() - started) / 1000).toFixed(1)}s`);
    for (const l of lines) t.diagnostic(l);
    assert.deepEqual(failures, [], `${failures.length} matrix cells failed`);
    if (process.env.CI) assert.deepEqual(notes, [], 'every cell must run in CI');
  } finally {
    await broker.stop();
  }
});
