// `npm run bench`: kt against its peers, side by side in one run on this machine, medians of
// several runs. Prints one table and writes every sample to dist/bench-results.json.
//
//   1. per call (running local broker): kt --version, --help, a one-record produce and
//      consume, topics list, cluster check, each vs `node -e 0` (and kcat where it has the
//      same job), medians of max(10, 2 x runs), interleaved; peak RSS of a one-record produce
//   2. produce N 100-byte lines from stdin (a file), acks=all: kt produce vs kcat -P
//   3. consume N records to a pipe: kt consume --exit vs kcat -C -e, and kt consume --group vs
//      the assigned kt consume
//   4. broker ingest and fetch ceilings with kcat as the load: 100 B and 1 KB records,
//      uncompressed, lz4 and zstd; msgs/s, MB/s, and the broker's CPU time beside kcat's;
//      plus the fetch of a raw-protocol reader that decodes no records (kcat's consumer,
//      not the broker, bounds kcat's fetch rate)
//   5. produce→consume latency, p50/p99: one record every 5 ms from a raw-protocol producer,
//      kt consume and kcat -C reading the same records at the same time
//   6. local broker cold start: spawn the daemon entry with a fresh data dir, until a raw
//      ApiVersions request is answered; vs a bare node server answering the same request;
//      and the first command with nothing configured (it starts the broker)
//
// Everything runs against a local broker (`kt local start`) on a free port with its own
// KT_DATA_DIR and KT_CONFIG_DIR in a temp directory; all of it is stopped and removed at the
// end. Settings (environment):
//   KT_BENCH_N=1000000       records for rows 2 and 3
//   KT_BENCH_RUNS=5          runs per measurement (per call: max(10, 2x as many))
//   KT_BENCH_BROKER_N=1000000 records of 100 B for row 4 (1 KB: a fifth as many)
//   KT_BENCH_PARTITIONS=1    partitions of the produce/consume topics
//   KT_BENCH_LATENCY_N=600   records for row 5
//   KT_BENCH_OUT=path        where the JSON goes (default dist/bench-results.json)
//   KT_BENCH_SECTIONS=1,6    run only these sections
// kcat is installed with apt-get when missing (root only); without it, peer cells say n/a.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTopics } from '../../src/protocol/apis/createTopics.js';
import { DeleteTopics } from '../../src/protocol/apis/deleteTopics.js';
import { ListOffsets } from '../../src/protocol/apis/listOffsets.js';
import { Produce } from '../../src/protocol/apis/produce.js';
import { buildBatch } from '../../src/protocol/recordBatch.js';
import { WireClient } from '../../src/client/wireClient.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const KT = path.join(REPO, 'bin', 'run.js');
const DAEMON = path.join(REPO, 'dist', 'src', 'local', 'main.js');
const NODE = process.execPath;

const N = Number(process.env.KT_BENCH_N ?? 1_000_000);
const RUNS = Math.max(1, Number(process.env.KT_BENCH_RUNS ?? 5));
const BROKER_N = Number(process.env.KT_BENCH_BROKER_N ?? 1_000_000);
const PARTITIONS = Number(process.env.KT_BENCH_PARTITIONS ?? 1);
// KT_BENCH_SECTIONS=1,6: only these sections (default: all)
const SECTIONS = (process.env.KT_BENCH_SECTIONS ?? '').split(',').filter(Boolean).map(Number);
const section = (n: number): boolean => SECTIONS.length === 0 || SECTIONS.includes(n);
const OUT = process.env.KT_BENCH_OUT ?? path.join(REPO, 'dist', 'bench-results.json');

// ---------------------------------------------------------------------------------------
// helpers

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

function rate(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)}k`;
  return n.toFixed(0);
}
const ms = (x: number) => (x >= 100 ? `${x.toFixed(0)} ms` : `${x.toFixed(1)} ms`);
const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a / b) ? `${(a / b).toFixed(2)}x` : 'n/a');

interface RunResult {
  ms: number;
  code: number | null;
  stdoutBytes: number;
  stdout: string;
  stderr: string;
  /** user+system CPU of the command (with `cpu`), ms */
  cpuMs?: number;
}

interface RunOptions {
  env: NodeJS.ProcessEnv;
  /** file fed to stdin */
  stdinFile?: string;
  /** text fed to stdin */
  stdinText?: string;
  /** keep stdout text (else only counted) */
  keepStdout?: boolean;
  /** measure the command's CPU time (through sh's `times`) */
  cpu?: boolean;
  timeoutMs?: number;
}

/** Runs a command to completion: wall time from spawn to exit, stdout counted. */
function run(cmd: string, args: string[], o: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const stdin = o.stdinFile ? fs.openSync(o.stdinFile, 'r') : 'pipe';
    const [c, a] = o.cpu ? ['/bin/sh', ['-c', '"$@"; rc=$?; times >&2; exit $rc', 'sh', cmd, ...args]] : [cmd, args];
    const t0 = performance.now();
    const child = spawn(c, a as string[], { env: o.env, stdio: [stdin, 'pipe', 'pipe'] });
    if (typeof stdin === 'number') fs.closeSync(stdin);
    let bytes = 0;
    const keep: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => {
      bytes += d.length;
      if (o.keepStdout) keep.push(d);
    });
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    if (child.stdin) {
      child.stdin.on('error', () => undefined);
      child.stdin.end(o.stdinText ?? '');
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      const elapsed = performance.now() - t0;
      clearTimeout(timer);
      let stderr = Buffer.concat(err).toString();
      let cpuMs: number | undefined;
      if (o.cpu) {
        // `times`: the shell's user/system, then its children's
        const m = [...stderr.matchAll(/(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/g)];
        const last = m[m.length - 1];
        if (last) cpuMs = (Number(last[1]) * 60 + Number(last[2]) + Number(last[3]) * 60 + Number(last[4])) * 1000;
        stderr = stderr.replace(/(\d+m[\d.]+s\s+\d+m[\d.]+s\s*)+$/, '');
      }
      resolve({ ms: elapsed, code, stdoutBytes: bytes, stdout: Buffer.concat(keep).toString(), stderr, cpuMs });
    });
  });
}

function check(r: RunResult, what: string): RunResult {
  if (r.code !== 0) throw new Error(`${what}: exit ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return r;
}

/** CPU time (ms) a process has used so far, from /proc. */
function procCpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10; // USER_HZ is 100
  } catch {
    return NaN;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** An ApiVersions v0 request frame (correlation id 1, client id "bench"). */
function apiVersionsFrame(): Buffer {
  const id = Buffer.from('bench');
  const f = Buffer.alloc(4 + 10 + id.length);
  f.writeInt32BE(f.length - 4, 0);
  f.writeInt16BE(18, 4);
  f.writeInt16BE(0, 6);
  f.writeInt32BE(1, 8);
  f.writeInt16BE(id.length, 12);
  id.copy(f, 14);
  return f;
}

/** True once something on the port answers an ApiVersions request. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let got = 0;
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.on('error', () => done(false));
    s.setTimeout(2000, () => done(false));
    s.on('connect', () => s.write(apiVersionsFrame()));
    s.on('data', (d: Buffer) => {
      got += d.length;
      if (got >= 8) done(true);
    });
  });
}

// ---------------------------------------------------------------------------------------
// set-up

function ensureKcat(): string | undefined {
  const find = () => (process.env.PATH ?? '').split(path.delimiter).map((d) => path.join(d, 'kcat')).find((p) => fs.existsSync(p));
  let kcat = find() ?? (fs.existsSync('/usr/bin/kcat') ? '/usr/bin/kcat' : undefined);
  if (!kcat && process.getuid?.() === 0) {
    log('kcat is missing: apt-get install -y kcat');
    let r = spawnSync('apt-get', ['install', '-y', 'kcat'], { stdio: 'ignore', timeout: 120_000 });
    if (r.status !== 0) {
      spawnSync('apt-get', ['update'], { stdio: 'ignore', timeout: 120_000 });
      r = spawnSync('apt-get', ['install', '-y', 'kcat'], { stdio: 'ignore', timeout: 120_000 });
    }
    kcat = find() ?? (fs.existsSync('/usr/bin/kcat') ? '/usr/bin/kcat' : undefined);
  }
  return kcat;
}

/**
 * `count` lines of `size` bytes (newline included) of random upper-case letters, as Apache's
 * perf tool sends: compressible like text (zstd ~0.6, lz4 ~1), with no repeats a codec's
 * window could find (a line is never a copy of an earlier one).
 */
function linesFile(dir: string, name: string, count: number, size: number): string {
  const file = path.join(dir, name);
  let x = 0x2545f491;
  const fd = fs.openSync(file, 'w');
  const block = Buffer.allocUnsafe(size * 1000);
  for (let done = 0; done < count; done += 1000) {
    const lines = Math.min(1000, count - done);
    for (let i = 0; i < lines * size; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      block[i] = (i + 1) % size === 0 ? 0x0a : 65 + ((x >>> 0) % 26);
    }
    fs.writeSync(fd, block, 0, lines * size);
  }
  fs.closeSync(fd);
  return file;
}

/**
 * The broker's fetch ceiling without a client's record decoding: Fetch v11 requests for one
 * partition (1 MiB per request, as kcat's default max.partition.fetch.bytes), `depth` in
 * flight, the next offset read from the batch headers. Returns the records seen and when.
 */
async function rawFetch(port: number, topic: string, records: number, depth = 2): Promise<{ ms: number; records: number }> {
  const { Fetch } = await import('../../src/protocol/apis/fetch.js');
  const { Reader } = await import('../../src/protocol/bytes.js');
  const { responseCodec } = await import('../../src/protocol/schema.js');
  const codec = responseCodec(Fetch, 11);
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const client = Object.create(WireClient.prototype) as WireClient;
  Object.assign(client, { clientId: 'bench-raw', nextId: 1 });
  const t0 = performance.now();
  let seen = 0;
  let offset = 0;
  let id = 0;
  const pending: number[] = [];
  const send = () => {
    socket.write(client.encode(Fetch, 11, {
      replicaId: -1, maxWaitMs: 500, minBytes: 1, maxBytes: 52_428_800, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition: 0, fetchOffset: offset, partitionMaxBytes: 1 << 20 }] }], forgottenTopicsData: [], rackId: '',
    } as never, ++id));
    pending.push(id);
  };
  return new Promise((resolve, reject) => {
    let parts: Buffer[] = [];
    let have = 0;
    let need = 4;
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      parts.push(chunk);
      have += chunk.length;
      while (have >= need) {
        const buf = parts.length === 1 ? parts[0] : Buffer.concat(parts, have);
        const size = buf.readInt32BE(0);
        if (have < 4 + size) {
          parts = [buf];
          need = 4 + size;
          break;
        }
        const frame = buf.subarray(4, 4 + size);
        parts = have > 4 + size ? [buf.subarray(4 + size)] : [];
        have -= 4 + size;
        need = 4;
        pending.shift();
        // the response without its records decoded: walk the batch headers
        const res = codec.decode(new Reader(frame, 4)) as { responses: Array<{ partitions: Array<{ records: Buffer | null }> }> };
        const data = res.responses[0]?.partitions[0]?.records ?? Buffer.alloc(0);
        let next = -1;
        for (let pos = 0; pos + 61 <= data.length;) {
          const bsize = data.readInt32BE(pos + 8) + 12;
          if (pos + bsize > data.length) break;
          seen += data.readInt32BE(pos + 57);
          next = Number(data.readBigInt64BE(pos)) + data.readInt32BE(pos + 23) + 1;
          pos += bsize;
        }
        if (next > offset) offset = next;
        if (seen >= records) {
          socket.destroy();
          resolve({ ms: performance.now() - t0, records: seen });
          return;
        }
        while (pending.length < depth) send();
      }
    });
    send();
  });
}

interface Row {
  section: number;
  measure: string;
  kt: string;
  peer: string;
  vsPeer: string;
  target: string;
  met: '' | 'yes' | 'no';
}

const rows: Row[] = [];
const results: Record<string, unknown> = {};

function addRow(r: Row): void {
  rows.push(r);
  log(`${r.measure}: kt ${r.kt} | peer ${r.peer} | ${r.vsPeer} ${r.met ? `(${r.met})` : ''}`);
}

// ---------------------------------------------------------------------------------------

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-bench-'));
const port = await freePort();
const bootstrap = `127.0.0.1:${port}`;
const env: NodeJS.ProcessEnv = { ...process.env, KT_DATA_DIR: path.join(root, 'data'), KT_CONFIG_DIR: path.join(root, 'config'), KT_LOCAL_PORT: String(port), NO_COLOR: '1' };
for (const k of ['KT_PROFILE', 'KT_BOOTSTRAP_SERVERS', 'FORCE_COLOR', 'KAFKAJS_LOG_LEVEL']) delete env[k];
const kcat = ensureKcat();
const kcatVersion = kcat
  ? ((v) => (v ? `${v[1]} (librdkafka ${v[2]})` : '?'))(/Version ([\d.]+).*?librdkafka ([\d.]+)/s.exec(spawnSync(kcat, ['-V'], { encoding: 'utf8' }).stdout))
  : 'missing';
const started = performance.now();
let brokerPid = 0;
let admin: WireClient | undefined;
const children = new Set<ChildProcess>();

let cleaned = false;
async function cleanup(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  for (const c of children) c.kill('SIGKILL');
  admin?.close();
  if (brokerPid) {
    await run(NODE, [KT, 'local', 'stop'], { env, timeoutMs: 20_000 }).catch(() => undefined);
    try {
      process.kill(brokerPid, 0);
      process.kill(brokerPid, 'SIGKILL');
    } catch {
      // stopped
    }
  }
  fs.rmSync(root, { recursive: true, force: true });
}

// Ctrl-C: stop what the bench started before leaving
let interrupted = false;
process.once('SIGINT', () => {
  interrupted = true;
  log('interrupted: stopping what the bench started');
  void cleanup().finally(() => process.exit(130));
});

async function createTopic(name: string, partitions = 1): Promise<void> {
  const r = await admin!.request(CreateTopics, 4, { topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 10_000 });
  const e = (r.topics as Array<{ errorCode: number }>)[0]?.errorCode;
  if (e) throw new Error(`create topic ${name}: error ${e}`);
}

async function deleteTopic(name: string): Promise<void> {
  await admin!.request(DeleteTopics, 4, { topicNames: [name], timeoutMs: 10_000 });
}

/** Records in a topic (sum of the partitions' end offsets). */
async function endOffsets(name: string, partitions = 1): Promise<number> {
  const r = await admin!.request(ListOffsets, 1, {
    replicaId: -1,
    topics: [{ name, partitions: Array.from({ length: partitions }, (_, i) => ({ partitionIndex: i, timestamp: -1 })) }],
  });
  let n = 0;
  for (const t of r.topics as Array<{ partitions: Array<{ offset: number }> }>) for (const p of t.partitions) n += p.offset;
  return n;
}

try {
  // --- the local broker
  const start = check(await run(NODE, [KT, 'local', 'start', '--port', String(port)], { env, keepStdout: true, timeoutMs: 30_000 }), 'kt local start');
  void start;
  brokerPid = JSON.parse(fs.readFileSync(path.join(root, 'data', 'local.json'), 'utf8')).pid;
  admin = await WireClient.connect('127.0.0.1', port, { clientId: 'bench' });
  log(`local broker pid ${brokerPid} on ${bootstrap}; kcat ${kcatVersion}; N=${N}, ${RUNS} runs; data in ${root}`);
  const lines100 = linesFile(root, 'lines100.txt', N, 100);

  // --- 1. per call: what a script pays for one kt command, beside `node -e 0` (the floor:
  // a bare Node start) and kcat doing the same; runs interleaved so load drifts hit all alike
  if (section(1)) {
    await createTopic('bench-startup');
    await run(NODE, [KT, 'produce', '-t', 'bench-startup', '--value', 'seed'], { env });
    const calls: Array<{ name: string; args: string[]; target: number; kcat?: { args: string[]; stdinText?: string } }> = [
      { name: '`kt --version`', args: ['--version'], target: 1.3 },
      { name: '`kt --help`', args: ['--help'], target: 1.3 },
      { name: 'one-record `kt produce --value`', args: ['produce', '-t', 'bench-startup', '--value', 'one record'], target: 2.0,
        kcat: { args: ['-P', '-b', bootstrap, '-t', 'bench-startup', '-X', 'acks=all'], stdinText: 'one record\n' } },
      { name: 'one-record `kt consume --max-messages 1`', args: ['consume', '-t', 'bench-startup', '--from-beginning', '--max-messages', '1'], target: 2.0,
        kcat: { args: ['-C', '-b', bootstrap, '-t', 'bench-startup', '-o', 'beginning', '-c', '1', '-q'] } },
      { name: '`kt topics list`', args: ['topics', 'list'], target: 2.0, kcat: { args: ['-L', '-b', bootstrap] } },
      { name: '`kt cluster check --local`', args: ['cluster', 'check', '--local'], target: 2.0 },
    ];
    const perCallRuns = Math.max(10, RUNS * 2);
    const bare: number[] = [];
    const kt: number[][] = calls.map(() => []);
    const kc: number[][] = calls.map(() => []);
    for (let i = 0; i < perCallRuns; i++) {
      bare.push(check(await run(NODE, ['-e', '0'], { env }), 'node -e 0').ms);
      for (const [j, c] of calls.entries()) {
        kt[j].push(check(await run(NODE, [KT, ...c.args], { env }), `kt ${c.args.join(' ')}`).ms);
        if (kcat && c.kcat) kc[j].push(check(await run(kcat, c.kcat.args, { env, stdinText: c.kcat.stdinText }), `kcat ${c.kcat.args.join(' ')}`).ms);
      }
    }
    const floor = median(bare);
    results.perCall = { node: bare, ...Object.fromEntries(calls.map((c, j) => [c.name, { kt: kt[j], kcat: kc[j] }])) };
    for (const [j, c] of calls.entries()) {
      const k = median(kt[j]);
      const kcatCell = kc[j].length ? `; kcat ${ms(median(kc[j]))}` : '';
      addRow({ section: 1, measure: `per call: ${c.name} vs \`node -e 0\`${kcatCell}`, kt: ms(k), peer: ms(floor), vsPeer: ratio(k, floor), target: `≤ ${c.target.toFixed(1)}x`, met: k / floor <= c.target ? 'yes' : 'no' });
    }
    // peak RSS (GNU time's %M, KiB) of a one-record produce vs node -e 0
    if (fs.existsSync('/usr/bin/time')) {
      const rss = async (cmd: string, args: string[]): Promise<number> => {
        const r = check(await run('/usr/bin/time', ['-f', 'KT_RSS %M', cmd, ...args], { env }), `${cmd} ${args.join(' ')}`);
        return Number(/KT_RSS (\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024;
      };
      const ktRss: number[] = [];
      const nodeRss: number[] = [];
      for (let i = 0; i < 5; i++) {
        nodeRss.push(await rss(NODE, ['-e', '0']));
        ktRss.push(await rss(NODE, [KT, 'produce', '-t', 'bench-startup', '--value', 'one record']));
      }
      const k = median(ktRss);
      const n = median(nodeRss);
      results.perCallRss = { kt: ktRss, node: nodeRss };
      addRow({ section: 1, measure: 'peak RSS: one-record `kt produce` vs `node -e 0`', kt: `${k.toFixed(0)} MB`, peer: `${n.toFixed(0)} MB`, vsPeer: ratio(k, n), target: '≤ 1.5x', met: k / n <= 1.5 ? 'yes' : 'no' });
    }
    await deleteTopic('bench-startup');
  }

  // --- 2. produce N lines from stdin
  if (section(2)) {
    const kt: RunResult[] = [];
    const kc: RunResult[] = [];
    for (let i = 0; i < RUNS; i++) {
      const a = `bench-produce-kt-${i}`;
      const b = `bench-produce-kcat-${i}`;
      await createTopic(a, PARTITIONS);
      await createTopic(b, PARTITIONS);
      const r = check(await run(NODE, [KT, 'produce', '-t', a, '--acks', 'all'], { env, stdinFile: lines100, cpu: true }), 'kt produce');
      const got = await endOffsets(a, PARTITIONS);
      if (got !== N) throw new Error(`kt produce: ${got} records in ${a}, expected ${N}`);
      kt.push(r);
      if (kcat) {
        const k = check(await run(kcat, ['-P', '-b', bootstrap, '-t', b, '-X', 'acks=all'], { env, stdinFile: lines100, cpu: true }), 'kcat -P');
        const got2 = await endOffsets(b, PARTITIONS);
        if (got2 !== N) throw new Error(`kcat -P: ${got2} records in ${b}, expected ${N}`);
        kc.push(k);
      }
      await deleteTopic(a);
      await deleteTopic(b);
    }
    const k = median(kt.map((r) => r.ms));
    const p = kcat ? median(kc.map((r) => r.ms)) : NaN;
    const kr = N / (k / 1000);
    const pr = N / (p / 1000);
    results.produce = { n: N, kt: kt.map(({ ms, cpuMs }) => ({ ms, cpuMs })), kcat: kc.map(({ ms, cpuMs }) => ({ ms, cpuMs })) };
    addRow({
      section: 2,
      measure: `produce ${rate(N)} × 100 B lines from stdin, acks=all`,
      kt: `${rate(kr)} msgs/s (${ms(k)})`,
      peer: kcat ? `${rate(pr)} msgs/s (${ms(p)})` : 'n/a',
      vsPeer: kcat ? ratio(kr, pr) : 'n/a',
      target: '≥ 1.2x kcat',
      met: kcat && kr / pr >= 1.2 ? 'yes' : 'no',
    });
  }

  // --- 3. consume N records to a pipe
  if (section(3)) {
    const topic = 'bench-consume';
    await createTopic(topic, PARTITIONS);
    if (kcat) check(await run(kcat, ['-P', '-b', bootstrap, '-t', topic, '-X', 'acks=all'], { env, stdinFile: lines100 }), 'fill');
    else check(await run(NODE, [KT, 'produce', '-t', topic], { env, stdinFile: lines100 }), 'fill');
    const kt: RunResult[] = [];
    const kc: RunResult[] = [];
    const kcN: RunResult[] = [];
    const grouped: RunResult[] = [];
    const bytes = N * 100;
    for (let i = 0; i < RUNS; i++) {
      const r = check(await run(NODE, [KT, 'consume', '-t', topic, '--from-beginning', '--exit'], { env, cpu: true }), 'kt consume');
      if (r.stdoutBytes !== bytes) throw new Error(`kt consume wrote ${r.stdoutBytes} bytes, expected ${bytes}`);
      kt.push(r);
      // the same records through a consumer group (a new group each run: it starts at the beginning)
      const g = check(await run(NODE, [KT, 'consume', '-t', topic, '--group', `bench-group-${i}`, '--from-beginning', '--exit'], { env, cpu: true }), 'kt consume --group');
      if (g.stdoutBytes !== bytes) throw new Error(`kt consume --group wrote ${g.stdoutBytes} bytes, expected ${bytes}`);
      grouped.push(g);
      if (kcat) {
        // -o 0, not -o beginning: librdkafka 2.0 sometimes starts its offset query before it
        // knows the leader and retries 500 ms later (a client-side race, not the broker)
        const k = check(await run(kcat, ['-C', '-b', bootstrap, '-t', topic, '-o', '0', '-e', '-q'], { env, cpu: true }), 'kcat -C -e');
        if (k.stdoutBytes !== bytes) throw new Error(`kcat -C wrote ${k.stdoutBytes} bytes, expected ${bytes}`);
        kc.push(k);
        // kcat at its best: -c N ends at the last record (no idle fetch), and a fetch queue
        // large enough that librdkafka never pauses fetching (it resumes only on a ~1 s timer)
        const k2 = check(await run(kcat, ['-C', '-b', bootstrap, '-t', topic, '-o', '0', '-e', '-q', '-c', String(N), '-X', 'queued.min.messages=1000000'], { env, cpu: true }), 'kcat -C -e -c');
        kcN.push(k2);
      }
    }
    await deleteTopic(topic);
    const k = median(kt.map((r) => r.ms));
    const p = kcat ? median(kc.map((r) => r.ms)) : NaN;
    const p2 = kcat ? median(kcN.map((r) => r.ms)) : NaN;
    const gk = median(grouped.map((r) => r.ms));
    const gr = N / (gk / 1000);
    const kr = N / (k / 1000);
    const pr = N / (p / 1000);
    const pr2 = N / (p2 / 1000);
    results.consume = {
      n: N,
      kt: kt.map(({ ms, cpuMs }) => ({ ms, cpuMs })),
      kcat: kc.map(({ ms, cpuMs }) => ({ ms, cpuMs })),
      kcatCount: kcN.map(({ ms, cpuMs }) => ({ ms, cpuMs })),
      group: grouped.map(({ ms, cpuMs }) => ({ ms, cpuMs })),
    };
    addRow({
      section: 3,
      measure: `consume ${rate(N)} records to a pipe: \`kt consume --exit\` vs \`kcat -C -e\``,
      kt: `${rate(kr)} msgs/s (${ms(k)})`,
      peer: kcat ? `${rate(pr)} msgs/s (${ms(p)})` : 'n/a',
      vsPeer: kcat ? ratio(kr, pr) : 'n/a',
      target: '≥ 1.5x kcat',
      met: kcat && kr / pr >= 1.5 ? 'yes' : 'no',
    });
    if (kcat) {
      addRow({
        section: 3,
        measure: '… vs kcat at its best: `kcat -C -e -c N -X queued.min.messages=1000000`',
        kt: `${rate(kr)} msgs/s (${ms(k)})`,
        peer: `${rate(pr2)} msgs/s (${ms(p2)})`,
        vsPeer: ratio(kr, pr2),
        target: '(information)',
        met: '',
      });
    }
    addRow({
      section: 3,
      measure: '`kt consume --group G --from-beginning --exit` vs the assigned `kt consume --exit` above',
      kt: `${rate(gr)} msgs/s (${ms(gk)})`,
      peer: `${rate(kr)} msgs/s (${ms(k)})`,
      vsPeer: ratio(gr, kr),
      target: '≥ 0.8x',
      met: gr / kr >= 0.8 ? 'yes' : 'no',
    });
  }

  // --- 4. broker ceilings, kcat as the load
  if (section(4) && kcat) {
    const lines1k = linesFile(root, 'lines1k.txt', Math.round(BROKER_N / 5), 1024);
    const linesBig = BROKER_N === N ? lines100 : linesFile(root, 'lines100-broker.txt', BROKER_N, 100);
    const configs: Array<{ size: number; codec: string; file: string; n: number }> = [
      { size: 100, codec: 'none', file: linesBig, n: BROKER_N },
      { size: 100, codec: 'lz4', file: linesBig, n: BROKER_N },
      { size: 100, codec: 'zstd', file: linesBig, n: BROKER_N },
      { size: 1024, codec: 'none', file: lines1k, n: Math.round(BROKER_N / 5) },
      { size: 1024, codec: 'lz4', file: lines1k, n: Math.round(BROKER_N / 5) },
      { size: 1024, codec: 'zstd', file: lines1k, n: Math.round(BROKER_N / 5) },
    ];
    const broker: Record<string, unknown> = {};
    let ingest100 = 0;
    const runs = Math.max(1, Math.ceil(RUNS / 2));
    for (const c of configs) {
      const ing: Array<{ ms: number; brokerCpuMs: number; kcatCpuMs?: number }> = [];
      const fet: Array<{ ms: number; brokerCpuMs: number; kcatCpuMs?: number }> = [];
      for (let i = 0; i < runs; i++) {
        const topic = `bench-broker-${c.size}-${c.codec}-${i}`;
        await createTopic(topic);
        let cpu0 = procCpuMs(brokerPid);
        const w = check(await run(kcat, ['-P', '-b', bootstrap, '-t', topic, '-z', c.codec, '-X', 'acks=all'], { env, stdinFile: c.file, cpu: true }), `kcat -P ${c.codec}`);
        ing.push({ ms: w.ms, brokerCpuMs: procCpuMs(brokerPid) - cpu0, kcatCpuMs: w.cpuMs });
        const got = await endOffsets(topic);
        if (got !== c.n) throw new Error(`kcat -P ${c.codec}: ${got} records, expected ${c.n}`);
        cpu0 = procCpuMs(brokerPid);
        // -c N: kcat stops at the last record (no idle fetch at the end); -f '': prints nothing
        const r = check(
          await run(kcat, ['-C', '-b', bootstrap, '-t', topic, '-o', '0', '-e', '-q', '-c', String(c.n), '-f', '', '-X', 'queued.min.messages=10000000'], { env, cpu: true }),
          `kcat -C ${c.codec}`,
        );
        fet.push({ ms: r.ms, brokerCpuMs: procCpuMs(brokerPid) - cpu0, kcatCpuMs: r.cpuMs });
        await deleteTopic(topic);
      }
      broker[`${c.size}B-${c.codec}`] = { n: c.n, ingest: ing, fetch: fet };
      for (const [kind, samples] of [['ingest', ing], ['fetch', fet]] as const) {
        const wall = median(samples.map((s) => s.ms));
        const msgs = c.n / (wall / 1000);
        const mb = (c.n * c.size) / 1e6 / (wall / 1000);
        const brokerCpu = median(samples.map((s) => s.brokerCpuMs));
        const kcatCpu = median(samples.map((s) => s.kcatCpuMs ?? NaN));
        if (kind === 'ingest' && c.size === 100 && c.codec === 'none') ingest100 = msgs;
        const isIngest100 = kind === 'ingest' && c.size === 100 && c.codec === 'none';
        const isFetch100 = kind === 'fetch' && c.size === 100 && c.codec === 'none';
        addRow({
          section: 4,
          measure: `broker ${kind}, ${c.size === 100 ? '100 B' : '1 KB'}, ${c.codec} (${rate(c.n)} records; load: kcat ${kind === 'ingest' ? '-P' : '-C'})`,
          kt: `${rate(msgs)} msgs/s, ${mb.toFixed(0)} MB/s; broker CPU ${brokerCpu.toFixed(0)} ms`,
          peer: `kcat CPU ${kcatCpu.toFixed(0)} ms`,
          vsPeer: `${ratio(brokerCpu, kcatCpu)} CPU`,
          target: isIngest100 ? '≥ 1M/s' : isFetch100 ? '≥ 2M/s (2x the ingest target)' : '—',
          met: isIngest100 ? (msgs >= 1e6 ? 'yes' : 'no') : isFetch100 ? (msgs >= 2e6 ? 'yes' : 'no') : '',
        });
        if (isFetch100) {
          addRow({
            section: 4,
            measure: '… fetch vs the ingest measured just above',
            kt: `${rate(msgs)} msgs/s`,
            peer: `ingest ${rate(ingest100)} msgs/s`,
            vsPeer: ratio(msgs, ingest100),
            target: '≥ 2x',
            met: msgs >= 2 * ingest100 ? 'yes' : 'no',
          });
        }
      }
      if (c.size === 100 && c.codec === 'none') {
        // the same data read by a client that does not decode records (kcat's consumer is the bound above)
        const topic = 'bench-broker-raw';
        await createTopic(topic);
        check(await run(kcat, ['-P', '-b', bootstrap, '-t', topic, '-X', 'acks=all'], { env, stdinFile: c.file }), 'kcat -P raw');
        const raw: Array<{ ms: number; brokerCpuMs: number }> = [];
        for (let i = 0; i < runs; i++) {
          const cpu0 = procCpuMs(brokerPid);
          const r = await rawFetch(port, topic, c.n);
          raw.push({ ms: r.ms, brokerCpuMs: procCpuMs(brokerPid) - cpu0 });
        }
        await deleteTopic(topic);
        broker['100B-none-rawFetch'] = raw;
        const wall = median(raw.map((x) => x.ms));
        const msgs = c.n / (wall / 1000);
        addRow({
          section: 4,
          measure: `broker fetch, 100 B, none: a raw-protocol reader (no record decoding, 2 fetches in flight)`,
          kt: `${rate(msgs)} msgs/s, ${((c.n * 100) / 1e6 / (wall / 1000)).toFixed(0)} MB/s; broker CPU ${median(raw.map((x) => x.brokerCpuMs)).toFixed(0)} ms`,
          peer: `ingest ${rate(ingest100)} msgs/s`,
          vsPeer: ratio(msgs, ingest100),
          target: '≥ 2x ingest',
          met: msgs >= 2 * ingest100 ? 'yes' : 'no',
        });
      }
    }
    results.broker = broker;
  } else if (section(4)) {
    addRow({ section: 4, measure: 'broker ceilings (kcat as the load)', kt: 'n/a (no kcat)', peer: 'n/a', vsPeer: 'n/a', target: '≥ 1M/s', met: 'no' });
  }

  // --- 5. produce→consume latency
  if (section(5)) {
    const topic = 'bench-latency';
    await createTopic(topic);
    const COUNT = Number(process.env.KT_BENCH_LATENCY_N ?? 600);
    const INTERVAL = 5;
    const sent = new Map<string, number>();
    const arrivals: Record<'kt' | 'kcat', Map<string, number>> = { kt: new Map(), kcat: new Map() };
    const consumers: Array<['kt' | 'kcat', ChildProcess]> = [['kt', spawn(NODE, [KT, 'consume', '-t', topic], { env, stdio: ['ignore', 'pipe', 'ignore'] })]];
    if (kcat) consumers.push(['kcat', spawn(kcat, ['-C', '-b', bootstrap, '-t', topic, '-o', 'end', '-u', '-q', '-f', '%s\n'], { env, stdio: ['ignore', 'pipe', 'ignore'] })]);
    for (const [name, child] of consumers) {
      children.add(child);
      let rest = '';
      child.stdout!.on('data', (d: Buffer) => {
        const now = performance.now();
        const text = rest + d.toString();
        const lines = text.split('\n');
        rest = lines.pop() ?? '';
        for (const l of lines) if (!arrivals[name].has(l)) arrivals[name].set(l, now);
      });
    }
    const producer = await WireClient.connect('127.0.0.1', port, { clientId: 'bench-latency' });
    const produce = async (value: string) => {
      const records = buildBatch([{ key: null, value: Buffer.from(value) }]);
      const t = performance.now();
      sent.set(value, t);
      await producer.request(Produce, 7, { transactionalId: null, acks: 1, timeoutMs: 10_000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
    };
    // warm-up: until every consumer has seen a record
    for (let i = 0; ; i++) {
      await produce(`warmup-${i}`);
      await sleep(100);
      if (consumers.every(([name]) => [...arrivals[name].keys()].some((k) => k.startsWith('warmup')))) break;
      if (i > 150) throw new Error('latency: consumers did not start');
    }
    await sleep(200);
    const t0 = performance.now();
    for (let i = 0; i < COUNT; i++) {
      const due = t0 + i * INTERVAL;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      await produce(`rec-${i}`);
    }
    await sleep(1000);
    producer.close();
    for (const [, child] of consumers) child.kill('SIGTERM');
    const lat: Record<string, number[]> = {};
    for (const [name] of consumers) {
      lat[name] = [];
      for (let i = 0; i < COUNT; i++) {
        const k = `rec-${i}`;
        const a = arrivals[name].get(k);
        if (a !== undefined) lat[name].push(a - sent.get(k)!);
      }
    }
    const kp50 = percentile(lat.kt, 50);
    const kp99 = percentile(lat.kt, 99);
    results.latency = { count: COUNT, intervalMs: INTERVAL, received: Object.fromEntries(Object.entries(lat).map(([k, v]) => [k, v.length])), kt: lat.kt, kcat: lat.kcat };
    addRow({
      section: 5,
      measure: `produce→consume latency, 1 record / ${INTERVAL} ms (${lat.kt.length}/${COUNT} received): kt consume vs kcat -C`,
      kt: `p50 ${ms(kp50)}, p99 ${ms(kp99)}`,
      peer: kcat ? `p50 ${ms(percentile(lat.kcat, 50))}, p99 ${ms(percentile(lat.kcat, 99))}` : 'n/a',
      vsPeer: kcat ? ratio(kp99, percentile(lat.kcat, 99)) : 'n/a',
      target: 'p99 < 20 ms',
      met: kp99 < 20 && lat.kt.length === COUNT ? 'yes' : 'no',
    });
    await sleep(200);
    await deleteTopic(topic).catch(() => undefined);
  }

  // --- 6. local broker cold start
  if (section(6)) {
    const cold: number[] = [];
    const floor: number[] = [];
    const FLOOR_SERVER = `const net=require('node:net');const p=Number(process.argv[1]);net.createServer(s=>s.on('data',d=>{const r=Buffer.alloc(14);r.writeInt32BE(10,0);r.writeInt32BE(d.readInt32BE(8),4);r.writeInt16BE(0,8);r.writeInt32BE(0,10);s.write(r)})).listen(p,'127.0.0.1')`;
    const timeToAnswer = async (cmd: string, args: string[], p: number): Promise<number> => {
      const t0 = performance.now();
      const child = spawn(cmd, args, { env, stdio: 'ignore' });
      children.add(child);
      try {
        for (;;) {
          if (await answers(p)) return performance.now() - t0;
          if (child.exitCode !== null) throw new Error(`${args[0]} exited with ${child.exitCode}`);
          if (performance.now() - t0 > 15_000) throw new Error(`${args[0]}: no answer after 15 s`);
          await sleep(2);
        }
      } finally {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(5000)]);
        children.delete(child);
      }
    };
    for (let i = 0; i < RUNS; i++) {
      const p = await freePort();
      floor.push(await timeToAnswer(NODE, ['-e', FLOOR_SERVER, String(p)], p));
      const dir = fs.mkdtempSync(path.join(root, 'cold-'));
      const q = await freePort();
      cold.push(await timeToAnswer(NODE, [DAEMON, '--port', String(q), '--data-dir', dir], q));
    }
    // the embedded default: nothing configured, no broker running; the first command starts
    // the local broker, says so once, and finishes
    const first: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const dir = fs.mkdtempSync(path.join(root, 'fresh-'));
      const freshEnv = { ...env, KT_DATA_DIR: path.join(dir, 'data'), KT_CONFIG_DIR: path.join(dir, 'config'), KT_LOCAL_PORT: String(await freePort()) };
      const r = check(await run(NODE, [KT, 'produce', '-t', 'first', '--value', 'hello'], { env: freshEnv, timeoutMs: 30_000 }), 'first kt produce');
      const notices = r.stderr.split('\n').filter((l) => l.includes('started local broker')).length;
      if (notices !== 1) throw new Error(`first kt produce: ${notices} start notices: ${r.stderr}`);
      first.push(r.ms);
      check(await run(NODE, [KT, 'local', 'stop'], { env: freshEnv }), 'kt local stop');
    }
    results.firstCommand = { kt: first };
    const f1 = median(first);
    addRow({ section: 6, measure: 'first command, nothing configured: `kt produce --value` starts the local broker (says so once) and produces', kt: ms(f1), peer: '—', vsPeer: '—', target: '≤ 1.5 s', met: f1 <= 1500 ? 'yes' : 'no' });
    results.coldStart = { kt: cold, nodeFloor: floor };
    const k = median(cold);
    addRow({
      section: 6,
      measure: 'local broker cold start (fresh data dir) → first answered ApiVersions, vs a bare node server',
      kt: ms(k),
      peer: ms(median(floor)),
      vsPeer: ratio(k, median(floor)),
      target: '< 300 ms',
      met: k < 300 ? 'yes' : 'no',
    });
  }
} catch (err) {
  if (interrupted) await new Promise(() => undefined); // the SIGINT handler cleans up and exits
  throw err;
} finally {
  if (!interrupted) await cleanup();
}

// ---------------------------------------------------------------------------------------
// report

const elapsed = (performance.now() - started) / 1000;
const cpuModel = os.cpus()[0]?.model?.trim() ?? '?';
const header = `kt bench: node ${process.version}, kcat ${kcatVersion}, ${os.cpus().length} × ${cpuModel}; N=${N}, medians of ${RUNS} runs (per call ${Math.max(10, RUNS * 2)}); ${elapsed.toFixed(0)} s`;
const cols: Array<keyof Row> = ['section', 'measure', 'kt', 'peer', 'vsPeer', 'target', 'met'];
const titles: Record<keyof Row, string> = { section: '#', measure: 'measure', kt: 'kt', peer: 'peer', vsPeer: 'kt / peer', target: 'target', met: 'met' };
const table = [
  `| ${cols.map((c) => titles[c]).join(' | ')} |`,
  `|${cols.map((c) => (c === 'section' || c === 'met' ? ':-:' : '---')).join('|')}|`,
  ...rows.map((r) => `| ${cols.map((c) => String(r[c])).join(' | ')} |`),
].join('\n');
process.stdout.write(`\n${header}\n\n${table}\n\n`);
fs.mkdirSync(path.dirname(OUT), { recursive: true });
fs.writeFileSync(OUT, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, kcat: kcatVersion, cpus: os.cpus().length, cpuModel, n: N, runs: RUNS, brokerN: BROKER_N, partitions: PARTITIONS, seconds: elapsed, rows, samples: results }, null, 2)}\n`);
process.stdout.write(`results: ${path.relative(process.cwd(), OUT) || OUT}\n`);
