// Helpers for tests that run the built CLI as a real process.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** repo root (dist/test/cli → ../../..) */
export const ROOT = resolve(here, '..', '..', '..');
export const BIN = join(ROOT, 'bin', 'run.js');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  ms: number;
  out: string;
}

export interface RunOptions {
  stdin?: string | Buffer;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  /** send SIGINT after this many ms */
  interruptAfterMs?: number;
}

/** Isolated config/data dirs: a test never touches ~/.config or starts a daemon by accident. */
export function isolatedEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const base = mkdtempSync(join(tmpdir(), 'kt-cli-'));
  const env: Record<string, string | undefined> = { ...process.env };
  for (const k of ['KT_PROFILE', 'KT_BOOTSTRAP_SERVERS', 'FORCE_COLOR', 'KAFKAJS_LOG_LEVEL']) delete env[k];
  return { ...env, KT_CONFIG_DIR: join(base, 'config'), KT_DATA_DIR: join(base, 'data'), KT_LOCAL_PORT: '1', NO_COLOR: '1', ...extra };
}

export function kt(args: string[], o: RunOptions = {}): Promise<RunResult> {
  return run(process.execPath, [BIN, ...args], o);
}

export function run(cmd: string, args: string[], o: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const started = Date.now();
    const child = spawn(cmd, args, { env: (o.env ?? isolatedEnv()) as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const killer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 30_000);
    if (o.interruptAfterMs !== undefined) setTimeout(() => child.kill('SIGINT'), o.interruptAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      const stdout = Buffer.concat(out);
      resolvePromise({ code, signal, stdout, stderr: Buffer.concat(err).toString(), ms: Date.now() - started, out: stdout.toString() });
    });
    child.stdin.on('error', () => undefined);
    if (o.stdin !== undefined) child.stdin.end(o.stdin);
    else child.stdin.end();
  });
}

export interface TestBroker {
  bootstrap: string;
  stop(): Promise<void>;
}

/** The in-process broker of src/broker (memory storage, random port). */
export async function startTestBroker(): Promise<TestBroker> {
  const mod = (await import(join(ROOT, 'dist', 'src', 'broker', 'index.js'))) as {
    startBroker(o: { port: number; memory: true }): Promise<TestBroker>;
  };
  return mod.startBroker({ port: 0, memory: true });
}
