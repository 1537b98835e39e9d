// Apache Kafka 4.4 beside kt and kcat (`npm run bench:apache`):
//   A1. one record, start to exit: kafka-console-producer (a JVM start per call) vs kt produce
//       --value vs kcat -P
//   A2. produce N 100-byte lines from a file, acks=all: ConsoleProducer vs kt produce vs kcat -P
//   A3. consume N records to a pipe: ConsoleConsumer vs kt consume --exit vs kcat -C -e
//   A4. broker ingest and fetch with kcat as the load (N 100-byte records): the bundled broker
//       (kt local's daemon) vs the Apache broker (one KRaft node, -Xmx384m)
//   A5. produce→consume latency: kt produce one record while kt consume waits, p50 of runs,
//       bundled broker vs Apache broker
// Settings: KT_BENCH_APACHE_N=200000 (records), KT_BENCH_RUNS=3. Everything started is stopped.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOOLS, freePort, startKafka, toolArgs, type KafkaNode } from '../kafka/kafka.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const KT = path.join(REPO, 'bin', 'run.js');
const DAEMON = path.join(REPO, 'dist', 'src', 'local', 'main.js');
const N = Number(process.env.KT_BENCH_APACHE_N ?? 200_000);
const RUNS = Math.max(1, Number(process.env.KT_BENCH_RUNS ?? 3));
const log = (m: string) => process.stderr.write(`bench: ${m}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const kcat = ['/usr/bin/kcat', ...(process.env.PATH ?? '').split(':').map((d) => path.join(d, 'kcat'))].find((p) => fs.existsSync(p));

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-bench-apache-'));
const env = { ...process.env, KT_CONFIG_DIR: path.join(root, 'config'), KT_DATA_DIR: path.join(root, 'data'), NO_COLOR: '1' };

/** Runs to exit; stdin from a file (or nothing), stdout discarded; returns ms, or throws. */
function timed(cmd: string, args: string[], stdinFile?: string, input?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const fd = stdinFile ? fs.openSync(stdinFile, 'r') : undefined;
    const child = spawn(cmd, args, { env, stdio: [fd ?? 'pipe', 'ignore', 'pipe'] });
    if (fd !== undefined) fs.closeSync(fd);
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    if (fd === undefined) child.stdin!.end(input ?? '');
    child.on('close', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`${cmd} ${args.slice(-6).join(' ')}: exit ${code}: ${err.slice(-500)}`))));
  });
}

const lines = path.join(root, 'lines.txt');
fs.writeFileSync(lines, Array.from({ length: N }, (_, i) => `${String(i).padStart(10, '0')}${'x'.repeat(89)}`).join('\n') + '\n');

const rows: string[][] = [];
const row = (id: string, measure: string, ...cells: string[]) => {
  rows.push([id, measure, ...cells]);
  log(`${id} ${measure}: ${cells.join(' | ')}`);
};
const rate = (ms: number) => `${Math.round(N / (ms / 1000)).toLocaleString('en-US')}/s`;
const ms = (x: number) => `${x.toFixed(0)} ms`;

let apache: KafkaNode | undefined;
let daemon: ReturnType<typeof spawn> | undefined;
try {
  const t0 = performance.now();
  apache = await startKafka();
  log(`Apache Kafka at ${apache.bootstrap} in ${ms(performance.now() - t0)}`);
  const port = await freePort();
  daemon = spawn(process.execPath, [DAEMON, '--port', String(port), '--data-dir', path.join(root, 'bundled')], { env, stdio: 'ignore' });
  const bundled = `127.0.0.1:${port}`;
  await timed(process.execPath, [KT, 'cluster', 'check', '--wait', '30s', '-b', bundled]);
  const A = apache.bootstrap;
  const java = (cls: string, args: string[]) => ['java', toolArgs(cls, args)] as const;
  let topicSeq = 0;
  const topic = async (b: string) => {
    const t = `bench-${++topicSeq}`;
    await timed(process.execPath, [KT, 'topics', 'create', t, '--partitions', '1', '-b', b]);
    return t;
  };

  // A1: one record, start to exit
  {
    const t = await topic(A);
    const cp: number[] = [];
    const kp: number[] = [];
    const kc: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      cp.push(await timed(...java(TOOLS.consoleProducer, ['--bootstrap-server', A, '--topic', t]), undefined, 'one\n'));
      kp.push(await timed(process.execPath, [KT, 'produce', '-t', t, '--value', 'one', '-b', A]));
      if (kcat) kc.push(await timed(kcat, ['-P', '-b', A, '-t', t], undefined, 'one\n'));
    }
    row('A1', 'one record, start to exit (Apache broker)', ms(median(cp)), ms(median(kp)), kcat ? ms(median(kc)) : 'n/a');
  }
  // A2 / A3: N lines through the Apache broker
  {
    const p = { cp: [] as number[], kp: [] as number[], kc: [] as number[] };
    const c = { cp: [] as number[], kp: [] as number[], kc: [] as number[] };
    for (let i = 0; i < RUNS; i++) {
      const t1 = await topic(A);
      p.cp.push(await timed(...java(TOOLS.consoleProducer, ['--bootstrap-server', A, '--topic', t1, '--producer-property', 'acks=all', '--producer-property', 'linger.ms=10', '--producer-property', 'batch.size=262144']), lines));
      const t2 = await topic(A);
      p.kp.push(await timed(process.execPath, [KT, 'produce', '-t', t2, '--acks', 'all', '-q', '-b', A], lines));
      if (kcat) {
        const t3 = await topic(A);
        p.kc.push(await timed(kcat, ['-P', '-b', A, '-t', t3, '-X', 'acks=all'], lines));
      }
      c.cp.push(await timed(...java(TOOLS.consoleConsumer, ['--bootstrap-server', A, '--topic', t2, '--partition', '0', '--offset', 'earliest', '--max-messages', String(N)])));
      c.kp.push(await timed(process.execPath, [KT, 'consume', '-t', t2, '--from-beginning', '--exit', '-b', A]));
      if (kcat) c.kc.push(await timed(kcat, ['-C', '-b', A, '-t', t2, '-o', 'beginning', '-e', '-q']));
    }
    row('A2', `produce ${N.toLocaleString('en-US')} × 100 B lines, acks=all (Apache broker)`, rate(median(p.cp)), rate(median(p.kp)), kcat ? rate(median(p.kc)) : 'n/a');
    row('A3', `consume ${N.toLocaleString('en-US')} records to a pipe (Apache broker)`, rate(median(c.cp)), rate(median(c.kp)), kcat ? rate(median(c.kc)) : 'n/a');
  }
  // A4: broker ingest / fetch with kcat as the load
  if (kcat) {
    const ingest: Record<string, number[]> = { bundled: [], apache: [] };
    const fetch: Record<string, number[]> = { bundled: [], apache: [] };
    for (let i = 0; i < RUNS; i++) {
      for (const [name, b] of [['bundled', bundled], ['apache', A]] as const) {
        const t = await topic(b);
        ingest[name].push(await timed(kcat, ['-P', '-b', b, '-t', t, '-X', 'acks=all', '-X', 'linger.ms=5', '-X', 'batch.size=1000000'], lines));
        fetch[name].push(await timed(kcat, ['-C', '-b', b, '-t', t, '-o', 'beginning', '-e', '-q']));
      }
    }
    row('A4', 'broker ingest, kcat -P (bundled vs Apache)', rate(median(ingest.bundled)), rate(median(ingest.apache)), '');
    row('A4', 'broker fetch, kcat -C -e (bundled vs Apache)', rate(median(fetch.bundled)), rate(median(fetch.apache)), '');
  }
  // A5: produce → consume latency through each broker, kt on both ends
  {
    const lat: Record<string, number[]> = { bundled: [], apache: [] };
    for (const [name, b] of [['bundled', bundled], ['apache', A]] as const) {
      const t = await topic(b);
      for (let i = 0; i < RUNS * 3; i++) {
        const consumer = spawn(process.execPath, [KT, 'consume', '-t', t, '-p', '0', '-n', '1', '--format', '%v\n', '-b', b], { env, stdio: ['ignore', 'pipe', 'pipe'] });
        const got = new Promise<number>((resolve) => consumer.stdout.once('data', () => resolve(performance.now())));
        const closed = new Promise((r) => consumer.on('close', r));
        await new Promise((r) => setTimeout(r, 1500)); // the consumer is at the log end
        const sent = performance.now();
        await timed(process.execPath, [KT, 'produce', '-t', t, '--value', String(sent), '-b', b]);
        lat[name].push((await got) - sent);
        await closed;
      }
    }
    row('A5', 'kt produce (process) → kt consume prints it, p50 (bundled vs Apache)', ms(median(lat.bundled)), ms(median(lat.apache)), '');
  }
} finally {
  daemon?.kill('SIGTERM');
  await apache?.stop();
  fs.rmSync(root, { recursive: true, force: true });
}

const java = spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr.split('\n')[0];
process.stdout.write(`\nApache Kafka 4.4.0 beside kt and kcat: node ${process.version}, ${java}, ${os.cpus().length} CPUs, N=${N}, medians of ${RUNS} runs\n\n`);
process.stdout.write('| # | measure | Apache tool / bundled broker | kt / Apache broker | kcat |\n|:-:|---|---|---|---|\n');
for (const r of rows) process.stdout.write(`| ${r.join(' | ')} |\n`);
