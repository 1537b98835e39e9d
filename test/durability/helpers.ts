// Helpers for the durability, load and crash tests: the broker as a child process (so it can be
// killed with SIGKILL and its memory measured), whole-log reads over the wire, RSS sampling.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Fetch } from '../../src/protocol/apis/fetch.js';
import { Writer } from '../../src/protocol/bytes.js';
import { batchesIn, readRecords } from '../../src/protocol/recordBatch.js';
import { isFlexible, requestCodec, type ApiSchema, type ReqInput } from '../../src/protocol/schema.js';
import { WireClient } from '../../src/client/wireClient.js';
import { startBroker, type Broker, type BrokerOptions } from '../../src/index.js';

/** The repository root (this file runs from dist/test/durability). */
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const MAIN = path.join(REPO, 'dist', 'src', 'local', 'main.js');

const created: string[] = [];
process.on('exit', () => {
  for (const d of created) fs.rmSync(d, { recursive: true, force: true });
});

/** A fresh temp directory, removed when the test process exits. */
export function tempDir(prefix = 'kt-durability-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** An in-process broker on a free port; in memory unless dataDir is given. */
export function testBroker(opts: BrokerOptions = {}): Promise<Broker> {
  // no initial rebalance delay unless a test asks (group tests join many groups); the
  // delay's own tests set it
  const delay = opts.groupInitialRebalanceDelayMs === undefined && opts.configs?.['group.initial.rebalance.delay.ms'] === undefined ? { groupInitialRebalanceDelayMs: 0 } : {};
  return startBroker({ port: 0, memory: !opts.dataDir, ...delay, ...opts });
}

export interface ChildBroker {
  proc: ChildProcess;
  pid: number;
  port: number;
  bootstrap: string;
  /** Everything the broker logged so far. */
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (graceful: flush, fsync, close) and wait for the exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL and wait for the exit. */
  kill(): Promise<void>;
}

/**
 * Starts `kt`'s broker process on a free port with its data under `root`; with
 * `openFilesLimit`, under that limit of open files (`ulimit -n`, soft and hard).
 */
export async function startChildBroker(root: string, timeoutMs = 30_000, opts: { openFilesLimit?: number } = {}): Promise<ChildBroker> {
  const args = [MAIN, '--port', '0', '--host', '127.0.0.1', '--data-dir', root];
  const proc = opts.openFilesLimit === undefined
    ? spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn('/bin/sh', ['-c', `ulimit -n ${opts.openFilesLimit} && exec "$0" "$@"`, process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`broker did not start within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const check = (): void => {
      const m = /broker listening on [\d.]+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    proc.stdout?.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`broker exited before listening:\n${out}`));
    });
  });
  return {
    proc,
    pid: proc.pid as number,
    port,
    bootstrap: `127.0.0.1:${port}`,
    output: () => out,
    exited,
    stop: async () => {
      proc.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      proc.kill('SIGKILL');
      await exited;
    },
  };
}

/** Resident set size of a process in bytes (Linux /proc, else ps). */
export function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux: ask ps
  }
  const r = spawnSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' });
  return Number(r.stdout.trim()) * 1024;
}

/** CPU seconds (user + system) a process used so far, or NaN where /proc is not available. */
export function cpuSeconds(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return NaN;
  }
}

export interface LogRecord {
  offset: number;
  key: string | null;
  value: string | null;
}

/** Every record of a partition, fetched from its log start to its high watermark. */
export async function readWholeLog(port: number, topic: string, partition: number): Promise<{ records: LogRecord[]; logStartOffset: number; highWatermark: number }> {
  const c = await WireClient.connect('127.0.0.1', port);
  try {
    const records: LogRecord[] = [];
    let next = 0;
    let logStartOffset = 0;
    let highWatermark = 0;
    for (let first = true; first || next < highWatermark; first = false) {
      const r = await c.request(Fetch, 11, {
        maxWaitMs: 0, minBytes: 0, maxBytes: 8 << 20,
        topics: [{ topic, partitions: [{ partition, fetchOffset: next, partitionMaxBytes: 8 << 20 }] }],
      });
      const p = r.responses[0].partitions[0];
      if (p.errorCode === 1 && first) {
        next = p.logStartOffset; // OFFSET_OUT_OF_RANGE: start at the log start
        highWatermark = p.highWatermark;
        logStartOffset = p.logStartOffset;
        continue;
      }
      if (p.errorCode !== 0) throw new Error(`fetch ${topic}-${partition} at ${next}: error ${p.errorCode}`);
      logStartOffset = p.logStartOffset;
      highWatermark = p.highWatermark;
      const buf = p.records ?? Buffer.alloc(0);
      let progressed = false;
      for (const [pos, h] of batchesIn(buf)) {
        for (const rec of readRecords(buf, pos)) {
          if ((rec.offset as number) >= next) records.push({ offset: rec.offset as number, key: rec.key?.toString() ?? null, value: rec.value?.toString() ?? null });
        }
        next = h.baseOffset + h.lastOffsetDelta + 1;
        progressed = true;
      }
      if (!progressed && next < highWatermark) throw new Error(`fetch ${topic}-${partition} at ${next} returned nothing below the high watermark ${highWatermark}`);
    }
    return { records, logStartOffset, highWatermark };
  } finally {
    c.close();
  }
}

/** Polls `check` until it returns true (or throws after `timeoutMs`). */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** One request as sent on the wire (size, header, body), for tests that write raw bytes to a socket. */
export function requestFrame<A extends ApiSchema>(api: A, version: number, body: ReqInput<A>, correlationId: number, clientId: string): Buffer {
  const w = new Writer(1 << 16);
  w.int32(0).int16(api.key).int16(version).int32(correlationId).string(clientId);
  if (isFlexible(api, version)) w.uvarint(0);
  requestCodec(api, version).encode(w, body as Record<string, unknown>);
  const f = w.toBuffer();
  f.writeInt32BE(f.length - 4, 0);
  return f;
}
