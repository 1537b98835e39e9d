// A real terminal for tests: a private tmux server (its own socket, no user config) running
// one command in a pane of fixed size. Tests type keys and read the screen as a user would.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { isolatedEnv, KT } from '../helpers.js';

const exec = promisify(execFile);
let counter = 0;

export interface TerminalOptions {
  env: Record<string, string | undefined>;
  cols?: number;
  rows?: number;
  cwd?: string;
}

export class Terminal {
  private constructor(
    private readonly socket: string,
    private readonly statusFile: string,
  ) {}

  /** Starts `command` (a shell command line) in a new tmux server. */
  static async start(command: string, o: TerminalOptions): Promise<Terminal> {
    const socket = `kt-test-${process.pid}-${++counter}`;
    // The exit status is written by a bash wrapper: tmux 3.3 often never fills in
    // #{pane_dead_status} when the terminal closes before the process is reaped (it read as
    // 0, which made exit-code checks flaky). The wrapper catches SIGINT with a no-op trap
    // (a caught signal is reset to its default in the child), so Ctrl-C still reaches the
    // command and the wrapper lives to record its status.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-term-'));
    const statusFile = path.join(dir, 'status');
    const script = path.join(dir, 'run.sh');
    // After the command the pane's shell stays (until close()): when the last process on a
    // terminal exits, the kernel hangs it up and output tmux has not read yet can be lost.
    fs.writeFileSync(script, `trap : INT\n${command}\nprintf '%s' "$?" > ${statusFile}.tmp && mv ${statusFile}.tmp ${statusFile}\nexec sleep 600\n`);
    const env = { ...o.env, TMUX: undefined, TERM: 'xterm-256color' } as NodeJS.ProcessEnv;
    for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
    await exec('tmux', [
      '-L', socket, '-f', '/dev/null',
      'new-session', '-d', '-s', 'main', '-x', String(o.cols ?? 120), '-y', String(o.rows ?? 40), ...(o.cwd ? ['-c', o.cwd] : []), `exec bash ${script}`,
    ], { env });
    return new Terminal(socket, statusFile);
  }

  private tmux(...args: string[]): Promise<{ stdout: string }> {
    return exec('tmux', ['-L', this.socket, ...args]);
  }

  /** Keys by tmux name (Enter, Tab, Down, C-c) or literal text with `literal`. */
  async send(keys: string, literal = false): Promise<void> {
    await this.tmux('send-keys', '-t', 'main', ...(literal ? ['-l', '--', keys] : [keys]));
  }

  async type(text: string): Promise<void> {
    await this.send(text, true);
  }

  /** The visible screen, trailing blanks trimmed. */
  async screen(): Promise<string> {
    const { stdout } = await this.tmux('capture-pane', '-p', '-J', '-t', 'main');
    return stdout.replace(/\s+$/, '');
  }

  /** Waits until the screen matches; fails with the screen in the message. */
  async waitFor(re: RegExp, timeoutMs = 30_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < until) {
      last = await this.screen().catch(() => last);
      if (re.test(last)) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${re} on the screen:\n${last}`);
  }

  /** The exit status once the command has ended, else null. */
  async exitStatus(): Promise<number | null> {
    try {
      return Number(fs.readFileSync(this.statusFile, 'utf8'));
    } catch {
      return null;
    }
  }

  async waitForExit(timeoutMs = 30_000): Promise<number> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const s = await this.exitStatus();
      if (s !== null) return s;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the command did not exit within ${timeoutMs} ms:\n${await this.screen()}`);
  }

  async close(): Promise<void> {
    await this.tmux('kill-server').catch(() => undefined);
  }
}

/** A shell word for a tmux command line. */
export function sh(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A terminal environment: no CI (it turns prompts off), isolated config and data. */
export function termEnv(): Record<string, string | undefined> {
  const env = isolatedEnv();
  delete env.CI;
  return env;
}

/** The tmux command line that runs kt with these arguments. */
export function ktLine(args: string[]): string {
  return [process.execPath, KT, ...args].map(sh).join(' ');
}
