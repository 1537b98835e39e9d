// The interop suite's plumbing: the peers (kt as a CLI process, kafkajs in its own node
// process, kcat, kafka-python and confluent-kafka via the scripts in peers/), a common
// record shape, the reference read of a topic straight from the broker (raw Fetch, the
// broker's own record reader: every codec), and the comparison.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Fetch } from '../../src/protocol/apis/fetch.js';
import { batchesIn, readBatchHeader, readRecords } from '../../src/protocol/recordBatch.js';
import { codecName } from '../../src/protocol/compression.js';
import { WireClient } from '../../src/client/wireClient.js';
import { REPO, have, isolatedEnv, kt, run, type RunResult } from '../helpers.js';

export const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type CodecName = (typeof CODECS)[number];
export const CLIENTS = ['kt', 'kafkajs', 'kcat', 'kafka-python', 'confluent-kafka', 'kafka-python-pypi', 'confluent-kafka-pypi', 'franz-go', 'sarama'] as const;
export type Client = (typeof CLIENTS)[number];

/** Debian's python (another python3 may come first on PATH, without the Debian packages). */
export const PYTHON = process.env.KT_TEST_PYTHON ?? '/usr/bin/python3';
const PEERS_SRC = path.join(REPO, 'test', 'interop', 'peers');
const KAFKAJS_PEER = path.join(REPO, 'dist', 'test', 'interop', 'peers', 'kafkajs-peer.js');
/** Where .ci/run puts the PyPI clients (a venv) and the Go peers (built binaries). */
export const PEER_CACHE = process.env.KT_TEST_PEERS ?? path.join(os.homedir(), '.cache', 'kt-test');
/** The venv's python: confluent-kafka and kafka-python as PyPI serves them (pinned in .ci/run). */
export const VENV_PYTHON = path.join(PEER_CACHE, 'venv', 'bin', 'python');
const PY_PEER: Partial<Record<Client, [string, string]>> = {
  'kafka-python': [PYTHON, path.join(PEERS_SRC, 'kafka_python_peer.py')],
  'confluent-kafka': [PYTHON, path.join(PEERS_SRC, 'confluent_kafka_peer.py')],
  'kafka-python-pypi': [VENV_PYTHON, path.join(PEERS_SRC, 'kafka_python_peer.py')],
  'confluent-kafka-pypi': [VENV_PYTHON, path.join(PEERS_SRC, 'confluent_kafka_peer.py')],
};
/** The Go peers (test/interop/go), built by .ci/run. */
export const GO_PEER: Partial<Record<Client, string>> = {
  'franz-go': path.join(PEER_CACHE, 'bin', 'franz-peer'),
  sarama: path.join(PEER_CACHE, 'bin', 'sarama-peer'),
};

/** A record as every peer reports it. Strings are UTF-8 text. */
export interface Rec {
  topic?: string;
  partition?: number;
  offset?: number;
  timestamp: number | null;
  key: string | null;
  value: string | null;
  headers: [string, string | null][];
}

// ---------------------------------------------------------------------------------------
// Which peers and codecs are here. In CI every one must be (.ci/run installs them): a
// missing one fails there; locally it becomes an "n/a" cell with the reason printed.

export interface PeerStatus {
  available: boolean;
  reason?: string;
  /** codecs the peer cannot use here, with the reason */
  codecGaps: Partial<Record<CodecName, string>>;
}

function pyCheck(code: string, python = PYTHON): string | null {
  if (!have(python) && !python.startsWith('/')) return `${python} not found`;
  const r = spawnSync(python, ['-c', code], { encoding: 'utf8' });
  if (r.error) return `${python}: ${r.error.message}`;
  return r.status === 0 ? null : (r.stderr.trim().split('\n').pop() ?? 'import failed');
}

export function peerStatus(): Record<Client, PeerStatus> {
  const out = {} as Record<Client, PeerStatus>;
  out.kt = { available: true, codecGaps: {} };
  out.kafkajs = { available: true, codecGaps: {} };
  out.kcat = have('kcat') ? { available: true, codecGaps: {} } : { available: false, reason: 'kcat is not installed (apt: kcat)', codecGaps: {} };
  if (out.kcat.available) {
    const dump = spawnSync('kcat', ['-X', 'dump'], { encoding: 'utf8' }).stdout ?? '';
    const features = /builtin\.features = (.*)/.exec(dump)?.[1]?.split(',') ?? [];
    for (const c of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
      if (!features.includes(c)) out.kcat.codecGaps[c] = `this librdkafka is built without ${c}`;
    }
  }
  const kp = pyCheck('import kafka');
  out['kafka-python'] = kp ? { available: false, reason: `kafka-python: ${kp} (apt: python3-kafka)`, codecGaps: {} } : { available: true, codecGaps: {} };
  if (!kp) {
    const mods: [CodecName, string, string][] = [['snappy', 'snappy', 'python3-snappy'], ['lz4', 'lz4.frame', 'python3-lz4'], ['zstd', 'zstandard', 'python3-zstandard']];
    for (const [c, mod, pkg] of mods) {
      const e = pyCheck(`import ${mod}`);
      if (e) out['kafka-python'].codecGaps[c] = `kafka-python needs the python module ${mod} (apt: ${pkg}): ${e}`;
    }
  }
  const ck = pyCheck('import confluent_kafka');
  out['confluent-kafka'] = ck ? { available: false, reason: `confluent-kafka: ${ck} (apt: python3-confluent-kafka)`, codecGaps: {} } : { available: true, codecGaps: {} };
  // the PyPI clients: one venv (.ci/run), kafka-python's codec modules in it too
  const venv = `the venv ${path.dirname(path.dirname(VENV_PYTHON))} (.ci/peers makes it)`;
  const kpp = pyCheck('import kafka, snappy, lz4.frame, zstandard', VENV_PYTHON);
  out['kafka-python-pypi'] = kpp ? { available: false, reason: `kafka-python from PyPI: ${kpp} — ${venv}`, codecGaps: {} } : { available: true, codecGaps: {} };
  const ckp = pyCheck('import confluent_kafka', VENV_PYTHON);
  out['confluent-kafka-pypi'] = ckp ? { available: false, reason: `confluent-kafka from PyPI: ${ckp} — ${venv}`, codecGaps: {} } : { available: true, codecGaps: {} };
  for (const c of ['franz-go', 'sarama'] as const) {
    const bin = GO_PEER[c] as string;
    out[c] = fs.existsSync(bin) ? { available: true, codecGaps: {} } : { available: false, reason: `${bin} is not built (.ci/peers builds test/interop/go)`, codecGaps: {} };
  }
  return out;
}

let status: Record<Client, PeerStatus> | undefined;
/**
 * The `skip` option of a test that needs peer `c`: false when it is there, else the reason
 * (the test is skipped locally); in CI a missing peer throws, failing the file.
 */
export function skipUnless(c: Client): string | false {
  status ??= peerStatus();
  if (status[c].available) return false;
  if (process.env.CI) throw new Error(`${c} is required in CI: ${status[c].reason}`);
  return status[c].reason ?? `${c} is not available`;
}

/** One reported call of a peer's scenario (peers/*.py, go/peerio): the test decides what is right. */
export interface Step {
  ok: boolean;
  result?: unknown;
  error?: string;
}
export type Report = Record<string, Step>;

/** The result of step `name` of a report; fails when the step is missing or failed. */
export function stepResult(report: Report, name: string): unknown {
  const s = report[name];
  assert.ok(s, `step ${name} missing`);
  assert.ok(s.ok, `${name}: ${s.error}`);
  return s.result;
}

// ---------------------------------------------------------------------------------------
// Running peers

export interface PeerRequest {
  op: 'produce' | 'consume' | 'admin' | 'scenario' | 'txn';
  bootstrap: string;
  [k: string]: unknown;
}

export class PeerError extends Error {}

function parseAnswer(who: string, r: RunResult): Record<string, unknown> {
  let answer: Record<string, unknown> | undefined;
  try {
    answer = JSON.parse(r.out) as Record<string, unknown>;
  } catch {
    // fall through
  }
  if (r.code !== 0 || !answer || answer.error) {
    const why = (answer?.error as string | undefined) ?? (r.stderr.trim().split('\n').slice(-3).join(' | ') || `exit ${r.code} ${r.signal ?? ''}`);
    throw new PeerError(`${who}: ${why}`.slice(0, 600));
  }
  return answer;
}

/** kafkajs, the Python peers (Debian's and PyPI's) or the Go peers: one JSON request, one JSON answer. */
export async function callPeer(client: Client, req: PeerRequest, timeoutMs = 60_000): Promise<Record<string, unknown>> {
  const env = isolatedEnv();
  let r: RunResult;
  if (client === 'kafkajs') r = await run(process.execPath, [KAFKAJS_PEER], { stdin: JSON.stringify(req), env, timeoutMs });
  else if (PY_PEER[client]) {
    const [python, script] = PY_PEER[client] as [string, string];
    r = await run(python, [script], { stdin: JSON.stringify(req), env, timeoutMs });
  } else if (GO_PEER[client]) r = await run(GO_PEER[client] as string, [], { stdin: JSON.stringify(req), env, timeoutMs });
  else throw new Error(`no peer script for ${client}`);
  return parseAnswer(`${client} ${req.op}`, r);
}

// kt: the CLI as a process

export async function ktProduce(bootstrap: string, topic: string, codec: CodecName, records: Rec[]): Promise<void> {
  const input = records
    .map((r) => JSON.stringify({
      key: r.key,
      value: r.value,
      headers: r.headers.map(([key, value]) => ({ key, value })),
      ...(r.timestamp !== null ? { timestamp: r.timestamp } : {}),
    }))
    .join('\n') + '\n';
  const res = await kt(['produce', '-b', bootstrap, '-t', topic, '--compression', codec, '--input', 'json', '--quiet'], { stdin: input, timeoutMs: 60_000 });
  if (res.code !== 0) throw new PeerError(`kt produce (${codec}): exit ${res.code}: ${res.stderr.trim()}`);
}

/** kt's JSON envelope → Rec (headers: an object, a repeated name holds an array). */
function fromKtEnvelope(o: Record<string, unknown>): Rec {
  const headers: [string, string | null][] = [];
  for (const [k, v] of Object.entries((o.headers ?? {}) as Record<string, unknown>)) {
    for (const item of Array.isArray(v) ? v : [v]) headers.push([k, item as string | null]);
  }
  if (o.keyEncoding || o.valueEncoding || o.headersEncoding) throw new PeerError(`kt consume: unexpected non-UTF-8 record ${JSON.stringify(o).slice(0, 200)}`);
  return {
    topic: o.topic as string,
    partition: o.partition as number,
    offset: o.offset as number,
    timestamp: o.timestamp as number,
    key: o.key as string | null,
    value: o.value as string | null,
    headers,
  };
}

export async function ktConsume(bootstrap: string, include: string, group: string | null): Promise<Rec[]> {
  const args = ['consume', '-b', bootstrap, '--include', include, '--from-beginning', '--exit', '--output', 'json'];
  if (group) args.push('--group', group);
  const res = await kt(args, { timeoutMs: 60_000 });
  if (res.code !== 0) throw new PeerError(`kt consume: exit ${res.code}: ${res.stderr.trim().split('\n').slice(-2).join(' | ')}`);
  return res.out.split('\n').filter(Boolean).map((l) => fromKtEnvelope(JSON.parse(l) as Record<string, unknown>));
}

// kcat

export function kcat(args: string[], stdin?: string, timeoutMs = 60_000): Promise<RunResult> {
  return run('kcat', args, { stdin, timeoutMs, env: isolatedEnv() });
}

/** kcat -P: keys with -K, one fixed set of headers (-H) for all records, producer timestamps. */
export async function kcatProduce(bootstrap: string, topic: string, codec: CodecName, records: Rec[]): Promise<void> {
  const headers = records[0]?.headers ?? [];
  for (const r of records) {
    if (JSON.stringify(r.headers) !== JSON.stringify(headers)) throw new Error('kcat writes one header set for all records');
    if (r.key === null || /[\t\n]/.test(r.key + (r.value ?? ''))) throw new Error('kcat input: key required, no tabs or newlines');
  }
  const input = records.map((r) => `${r.key}\t${r.value ?? ''}\n`).join('');
  const args = ['-P', '-b', bootstrap, '-t', topic, '-K', '\t', '-Z', '-X', `compression.codec=${codec}`, '-X', 'linger.ms=1000', '-X', 'message.max.bytes=4194304'];
  for (const [k, v] of headers) args.push('-H', `${k}=${v ?? ''}`);
  const res = await kcat(args, input);
  if (res.code !== 0) throw new PeerError(`kcat -P (${codec}): exit ${res.code}: ${res.stderr.trim()}`);
}

function fromKcatJson(o: Record<string, unknown>): Rec {
  const flat = (o.headers ?? []) as (string | null)[];
  const headers: [string, string | null][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) headers.push([flat[i] as string, flat[i + 1] ?? null]);
  return {
    topic: o.topic as string,
    partition: o.partition as number,
    offset: o.offset as number,
    timestamp: o.ts as number,
    key: o.key as string | null,
    value: o.payload as string | null,
    headers,
  };
}

/** kcat -C (one topic, no group) or kcat -G (a group over the topics, a regex allowed). */
export async function kcatConsume(bootstrap: string, topics: string[], group: string | null, expected: number): Promise<Rec[]> {
  const args = group
    ? ['-b', bootstrap, '-G', group, '-X', 'auto.offset.reset=earliest', '-J', '-q', '-e', '-c', String(expected), ...topics]
    : ['-C', '-b', bootstrap, '-t', topics[0] as string, '-o', 'beginning', '-J', '-q', '-e', '-X', 'fetch.message.max.bytes=4194304'];
  const res = await kcat(args);
  if (res.code !== 0) throw new PeerError(`kcat ${group ? '-G' : '-C'}: exit ${res.code}: ${res.stderr.trim().split('\n').slice(-2).join(' | ')}`);
  return res.out.split('\n').filter(Boolean).map((l) => fromKcatJson(JSON.parse(l) as Record<string, unknown>));
}

// ---------------------------------------------------------------------------------------
// The reference: what the broker holds, read with raw Fetch requests and the broker's own
// record reader (so every codec is read here too), plus each batch's codec attribute.

export interface LogView {
  records: Rec[];
  codecs: Set<string>;
  batches: number;
}

export async function readTopic(port: number, topic: string, partitions: number): Promise<LogView> {
  const c = await WireClient.connect('127.0.0.1', port);
  const view: LogView = { records: [], codecs: new Set(), batches: 0 };
  try {
    for (let partition = 0; partition < partitions; partition++) {
      let next = 0;
      for (;;) {
        const r = await c.request(Fetch, 11, {
          maxWaitMs: 0, minBytes: 0, maxBytes: 64 << 20,
          topics: [{ topic, partitions: [{ partition, fetchOffset: next, partitionMaxBytes: 64 << 20 }] }],
        });
        const p = r.responses[0]!.partitions[0]!;
        if (p.errorCode !== 0) throw new Error(`fetch ${topic}-${partition}@${next}: error ${p.errorCode}`);
        const buf = p.records ?? Buffer.alloc(0);
        let progressed = false;
        for (const [pos, h] of batchesIn(buf)) {
          if (h.baseOffset + h.lastOffsetDelta < next) continue;
          view.batches++;
          view.codecs.add(codecName(readBatchHeader(buf, pos).attributes & 7));
          for (const rec of readRecords(buf, pos)) {
            if ((rec.offset as number) < next) continue;
            view.records.push({
              topic,
              partition,
              offset: rec.offset as number,
              timestamp: rec.timestamp as number,
              key: rec.key === null ? null : rec.key.toString('utf8'),
              value: rec.value === null ? null : rec.value.toString('utf8'),
              headers: (rec.headers ?? []).map((hd) => [hd.key, hd.value === null ? null : hd.value.toString('utf8')]),
            });
          }
          next = h.baseOffset + h.lastOffsetDelta + 1;
          progressed = true;
        }
        if (next >= p.highWatermark || !progressed) break;
      }
    }
  } finally {
    c.close();
  }
  return view;
}

// ---------------------------------------------------------------------------------------
// Comparison

const content = (r: Rec, withTimestamp: boolean): string =>
  JSON.stringify([r.key, r.value, r.headers, withTimestamp ? r.timestamp : null]);

/** Why `got` (what a reader printed for a topic) differs from the reference, or null. */
export function diffRecords(reference: Rec[], got: Rec[]): string | null {
  if (got.length !== reference.length) {
    const extra = got.length > reference.length ? ` (${got.length - reference.length} extra: duplicates?)` : '';
    return `${got.length} of ${reference.length} records${extra}`;
  }
  const byPos = new Map(reference.map((r) => [`${r.partition}:${r.offset}`, r]));
  const last = new Map<number, number>();
  for (const r of got) {
    const ref = byPos.get(`${r.partition}:${r.offset}`);
    if (!ref) return `unexpected record at ${r.partition}:${r.offset}`;
    byPos.delete(`${r.partition}:${r.offset}`);
    if ((last.get(r.partition as number) ?? -1) >= (r.offset as number)) return `partition ${r.partition} out of order at offset ${r.offset}`;
    last.set(r.partition as number, r.offset as number);
    if (r.key !== ref.key) return `key at ${r.partition}:${r.offset}: ${JSON.stringify(r.key)} != ${JSON.stringify(ref.key)}`;
    if (r.value !== ref.value) return `value at ${r.partition}:${r.offset} differs (${r.value?.length ?? 'null'} vs ${ref.value?.length ?? 'null'} chars)`;
    if (JSON.stringify(r.headers) !== JSON.stringify(ref.headers)) return `headers at ${r.partition}:${r.offset}: ${JSON.stringify(r.headers)} != ${JSON.stringify(ref.headers)}`;
    if (r.timestamp !== ref.timestamp) return `timestamp at ${r.partition}:${r.offset}: ${r.timestamp} != ${ref.timestamp}`;
  }
  return null;
}

/** Why the stored records differ from what the writer meant to write, or null. */
export function diffIntended(intended: Rec[], stored: Rec[], window?: { from: number; to: number }): string | null {
  if (stored.length !== intended.length) return `broker holds ${stored.length} of ${intended.length} records`;
  const withTs = window === undefined;
  const want = intended.map((r) => content(r, withTs)).sort();
  const have = stored.map((r) => content(r, withTs)).sort();
  for (let i = 0; i < want.length; i++) {
    if (want[i] !== have[i]) return `stored record differs from the written one: ${have[i]?.slice(0, 160)} vs ${want[i]?.slice(0, 160)}`;
  }
  if (window) {
    const bad = stored.find((r) => (r.timestamp as number) < window.from || (r.timestamp as number) > window.to);
    if (bad) return `producer timestamp ${bad.timestamp} outside the produce window ${window.from}..${window.to}`;
  }
  return null;
}

export function groupByTopic(recs: Rec[]): Map<string, Rec[]> {
  const m = new Map<string, Rec[]>();
  for (const r of recs) {
    const list = m.get(r.topic as string) ?? [];
    list.push(r);
    m.set(r.topic as string, list);
  }
  return m;
}

/** Runs `fn` over `items` with at most `limit` at a time. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  });
  await Promise.all(workers);
  return out;
}
