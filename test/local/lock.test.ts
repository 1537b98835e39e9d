// The data-directory lock of the local broker belongs to the kernel, not to a pid file: a
// broker killed with SIGKILL whose parent has not reaped it yet (a zombie, forever under an
// init that does not reap), or a pid that now names an unrelated process, must not keep
// `kt local start` from starting, nor make `kt local stop` signal that process; and when
// start-up fails, `kt local start` says why.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../src/broker/log/store.js';
import { canConnect } from '../../src/local/daemon.js';
import { freePort, isolatedEnv, kt, REPO } from '../helpers.js';
import { procState, waitFor } from './helpers.js';

const MAIN = path.join(REPO, 'dist', 'src', 'local', 'main.js');

test('a SIGKILLed broker that is still a zombie does not block kt local start', async () => {
  const port = await freePort();
  const env = isolatedEnv({ KT_LOCAL_PORT: String(port) });
  const dataDir = env.KT_DATA_DIR as string;
  fs.mkdirSync(dataDir, { recursive: true });
  // The broker's parent is a shell that execs `sleep`: it never waits for its child, so the
  // killed broker stays a zombie for as long as the test wants.
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const broker = `${q(process.execPath)} ${q(MAIN)} --port ${port} --host 127.0.0.1 --data-dir ${q(dataDir)} >>${q(path.join(dataDir, 'local.log'))} 2>&1`;
  const parent = spawn('sh', ['-c', `${broker} & echo $!; exec sleep 600`], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const pid = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(d.toString()))));
    await waitFor('the broker to listen', () => canConnect('127.0.0.1', port));
    process.kill(pid, 'SIGKILL');
    await waitFor(`broker ${pid} to be a zombie`, () => procState(pid) === 'Z');

    const start = await kt(['local', 'start'], { env });
    assert.equal(start.code, 0, start.stderr);
    assert.equal(start.out, `127.0.0.1:${port}\n`);
    assert.equal(procState(pid), 'Z', 'the old broker is still an unreaped zombie');
    const status = await kt(['local', 'status', '--json'], { env });
    assert.equal(status.code, 0, status.stderr);
    assert.notEqual(JSON.parse(status.out).pid, pid);
  } finally {
    await kt(['local', 'stop'], { env });
    parent.kill('SIGKILL');
  }
});

test('a pid in local.json and broker/.lock that now names an unrelated process is neither a lock nor a target', async () => {
  const port = await freePort();
  const env = isolatedEnv({ KT_LOCAL_PORT: String(port) });
  const dataDir = env.KT_DATA_DIR as string;
  // A live process that is not a kt broker, as after a reboot that reused the broker's pid.
  const unrelated = spawn('sleep', ['600'], { stdio: 'ignore' });
  const pid = unrelated.pid as number;
  try {
    fs.mkdirSync(path.join(dataDir, 'broker'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'local.json'), JSON.stringify({ pid, host: '127.0.0.1', port, startedAt: 1 }));
    fs.writeFileSync(path.join(dataDir, 'broker', '.lock'), `${pid}\n`);

    const stop = await kt(['local', 'stop'], { env });
    assert.equal(stop.code, 0, stop.stderr);
    assert.match(stop.stderr, /not running/);
    assert.equal(unrelated.exitCode, null, 'kt local stop signalled an unrelated process');
    assert.equal(unrelated.signalCode, null, 'kt local stop signalled an unrelated process');
    assert.notEqual(procState(pid), undefined);

    const start = await kt(['local', 'start'], { env });
    assert.equal(start.code, 0, start.stderr);
    assert.equal(start.out, `127.0.0.1:${port}\n`);
    const stopped = await kt(['local', 'stop'], { env });
    assert.match(stopped.stderr, /stopped the local broker/);
    assert.equal(unrelated.signalCode, null);
  } finally {
    await kt(['local', 'stop'], { env });
    unrelated.kill('SIGKILL');
  }
});

test('kt local start names the reason when the broker cannot start', async () => {
  const port = await freePort();
  const env = isolatedEnv({ KT_LOCAL_PORT: String(port) });
  // Another process (this one) has the broker's data open.
  const store = openStore({ dataDir: path.join(env.KT_DATA_DIR as string, 'broker') });
  try {
    const start = await kt(['local', 'start'], { env });
    assert.equal(start.code, 1);
    assert.match(start.stderr, /kt: error: .*data directory .*broker is in use by another process/);
    assert.equal(start.out, '');
  } finally {
    store.close();
  }
  const start = await kt(['local', 'start'], { env });
  try {
    assert.equal(start.code, 0, start.stderr);
  } finally {
    await kt(['local', 'stop'], { env });
  }
});

test('a process squatting the lock name cannot make kt local stop signal anything', async () => {
  const env = isolatedEnv({ KT_LOCAL_PORT: String(await freePort()) });
  const dataDir = env.KT_DATA_DIR as string;
  fs.mkdirSync(dataDir, { recursive: true });
  // Any local user can bind an abstract socket name; this one answers with a victim's pid.
  const victim = spawn('sleep', ['600'], { stdio: 'ignore' });
  const st = fs.statSync(dataDir, { bigint: true });
  const name = `\0kt-data-dir-lock-${createHash('sha256').update(`${st.dev}:${st.ino}`).digest('hex').slice(0, 40)}`;
  const squatter = net.createServer((s) => s.end(`${victim.pid} 0123456789abcdef0123456789abcdef\n`)).listen(name);
  try {
    const stop = await kt(['local', 'stop'], { env });
    assert.equal(stop.code, 1);
    assert.match(stop.stderr, /did not identify itself/);
    assert.equal(victim.signalCode, null, 'kt local stop signalled the pid a squatter named');
    assert.notEqual(procState(victim.pid as number), undefined);
  } finally {
    squatter.close();
    victim.kill('SIGKILL');
  }
});
