// kafkajs 2.2.4 as a peer of the interop suite (a separate node process, as the other peers).
// Same JSON protocol as kafka_python_peer.py: one request on argv[2] (or stdin), one answer
// on stdout.
//
//   {"op": "produce", "bootstrap", "jobs": [{"topic", "codec", "records": [REC...]}]} -> {"produced": {...}}
//   {"op": "consume", "bootstrap", "topics": {topic: expected}, "group": str|null, "timeoutMs"} -> {"records": [...]}
//
// kafkajs ships gzip only; snappy, lz4 and zstd are kt's codec plug-ins (src/client/compression.ts),
// the same a kafkajs application would register. kafkajs has no group-less consumer (no
// assign()): "no group" here is a throw-away group that commits nothing, which is what
// kafkajs applications do (kt's own group-less path is the kt peer).

import { CompressionTypes, Kafka, logLevel, type IHeaders } from 'kafkajs';
import kafkajs from 'kafkajs';
import { registerCodecs } from '../../../src/client/compression.js';

interface Rec {
  key: string | null;
  value: string | null;
  headers: [string, string | null][];
  timestamp: number | null;
  partition?: number | null;
}

interface Request {
  op: 'produce' | 'consume';
  bootstrap: string;
  jobs?: { topic: string; codec: string; records: Rec[] }[];
  topics?: Record<string, number>;
  group?: string | null;
  timeoutMs?: number;
}

const CODECS: Record<string, CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

function headersOf(pairs: [string, string | null][]): IHeaders {
  const h: Record<string, Buffer | Buffer[]> = {};
  for (const [k, v] of pairs) {
    const b = v === null ? (null as unknown as Buffer) : Buffer.from(v, 'utf8');
    const prev = h[k];
    if (prev === undefined) h[k] = b;
    else if (Array.isArray(prev)) prev.push(b);
    else h[k] = [prev, b];
  }
  return h;
}

function pairsOf(h: IHeaders | undefined): [string, string | null][] {
  const out: [string, string | null][] = [];
  for (const [k, v] of Object.entries(h ?? {})) {
    for (const item of Array.isArray(v) ? v : [v]) out.push([k, item === null || item === undefined ? null : item.toString()]);
  }
  return out;
}

async function produce(kafka: Kafka, req: Request): Promise<unknown> {
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  const produced: Record<string, number> = {};
  try {
    for (const job of req.jobs ?? []) {
      const compression = CODECS[job.codec];
      if (compression === undefined) throw new Error(`unknown codec ${job.codec}`);
      // two sends per topic: more than one batch
      const half = Math.ceil(job.records.length / 2);
      for (const part of [job.records.slice(0, half), job.records.slice(half)]) {
        await producer.send({
          topic: job.topic,
          acks: -1,
          compression,
          messages: part.map((r) => ({
            key: r.key,
            value: r.value,
            headers: headersOf(r.headers),
            ...(r.timestamp !== null ? { timestamp: String(r.timestamp) } : {}),
            ...(r.partition !== null && r.partition !== undefined ? { partition: r.partition } : {}),
          })),
        });
      }
      produced[job.topic] = job.records.length;
    }
  } finally {
    await producer.disconnect();
  }
  return { produced };
}

async function consume(kafka: Kafka, req: Request): Promise<unknown> {
  const topics = req.topics ?? {};
  const groupId = req.group ?? `kafkajs-interop-throwaway-${process.pid}-${Date.now()}`;
  const consumer = kafka.consumer({ groupId, maxBytesPerPartition: 4 << 20, maxWaitTimeInMs: 200 });
  const got = new Map<string, number>(Object.keys(topics).map((t) => [t, 0]));
  const records: unknown[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: Object.keys(topics), fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const done = (): boolean => [...got].every(([t, n]) => n >= (topics[t] ?? 0));
      const timer = setTimeout(resolve, req.timeoutMs ?? 30_000);
      consumer
        .run({
          autoCommit: req.group !== null && req.group !== undefined,
          eachMessage: async ({ topic, partition, message }) => {
            records.push({
              topic,
              partition,
              offset: Number(message.offset),
              timestamp: Number(message.timestamp),
              key: message.key === null ? null : message.key.toString(),
              value: message.value === null ? null : message.value.toString(),
              headers: pairsOf(message.headers),
            });
            got.set(topic, (got.get(topic) ?? 0) + 1);
            if (done()) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
      if (done()) {
        clearTimeout(timer);
        resolve();
      }
    });
  } finally {
    await consumer.disconnect();
  }
  return { records };
}

async function main(): Promise<void> {
  const text = process.argv[2] ?? (await new Promise<string>((resolve) => {
    let s = '';
    process.stdin.on('data', (d) => (s += d));
    process.stdin.on('end', () => resolve(s));
  }));
  const req = JSON.parse(text) as Request;
  registerCodecs(kafkajs as unknown as Parameters<typeof registerCodecs>[0]);
  const kafka = new Kafka({ clientId: 'kafkajs-interop', brokers: [req.bootstrap], logLevel: logLevel.NOTHING });
  let res: unknown;
  try {
    if (req.op === 'produce') res = await produce(kafka, req);
    else if (req.op === 'consume') res = await consume(kafka, req);
    else throw new Error(`unknown op ${String(req.op)}`);
  } catch (err) {
    process.stdout.write(JSON.stringify({ error: String((err as Error)?.stack ?? err) }));
    process.exit(1);
  }
  process.stdout.write(JSON.stringify(res), () => process.exit(0));
}

void main();
