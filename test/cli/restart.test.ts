// A consumer outlives a broker restart (issue 16 item 1): with and without --group it keeps
// retrying, prints every record once, and its final count is the number it printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { KT, freePort, isolatedEnv, kt, tempDir, testBroker } from '../helpers.js';
import type { Broker } from '../../src/index.js';

/** A running kt process whose output is read as it comes. */
class Live {
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: Array<() => void> = [];
  constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (d: Buffer) => {
      this.stdout += d.toString();
      this.wake();
    });
    child.stderr!.on('data', (d: Buffer) => {
      this.stderr += d.toString();
      this.wake();
    });
    this.exited = new Promise((r) => child.on('close', (code, signal) => r({ code, signal })));
    void this.exited.then(() => this.wake());
  }
  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
  /** Resolves when `check` is true of the output so far; fails if the process ends first. */
  async until(what: string, check: () => boolean): Promise<void> {
    let ended = false;
    void this.exited.then(() => (ended = true));
    while (!check()) {
      if (ended) throw new Error(`kt ended before ${what}:\nstdout: ${this.stdout}\nstderr: ${this.stderr}`);
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }
}

async function restartCase(extra: string[]): Promise<void> {
  const dataDir = tempDir('kt-restart-');
  const port = await freePort();
  let broker: Broker = await testBroker({ port, dataDir });
  const B = broker.bootstrap;
  const topic = `restart-${process.pid}-${extra.length}`;
  try {
    const p1 = await kt(['produce', '-b', B, '-t', topic], { stdin: '1\n2\n3\n4\n5\n' });
    assert.equal(p1.code, 0, p1.stderr);
    const live = new Live(spawn(process.execPath, [KT, 'consume', '-b', B, '-t', topic, '--from-beginning', ...extra], { env: isolatedEnv() as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] }));
    try {
      await live.until('5 records', () => live.stdout.split('\n').length > 5);
      await broker.stop();
      if (extra.length === 0) await live.until('the retry notice', () => /retrying/.test(live.stderr));
      broker = await testBroker({ port, dataDir });
      const p2 = await kt(['produce', '-b', B, '-t', topic], { stdin: '6\n7\n8\n', timeoutMs: 60_000 });
      assert.equal(p2.code, 0, p2.stderr);
      await live.until('8 records', () => live.stdout.split('\n').length > 8);
      live.child.kill('SIGINT');
      const { code } = await live.exited;
      assert.equal(live.stdout, '1\n2\n3\n4\n5\n6\n7\n8\n');
      assert.match(live.stderr, /^Processed a total of 8 messages$/m, live.stderr);
      assert.equal(code, 130, live.stderr);
    } finally {
      live.child.kill('SIGKILL');
    }
  } finally {
    await broker.stop();
  }
}

test('consume without --group waits out a broker restart and counts what it printed', async () => {
  await restartCase([]);
});

test('consume --group waits out a broker restart and counts what it printed', async () => {
  await restartCase(['--group', `g-restart-${process.pid}`]);
});
