// Helpers for the local-broker tests: waiting for a condition, and what /proc says about a
// process (its state, its CPU time).
import fs from 'node:fs';

/** Polls `cond` until it returns a truthy value; fails with `what` after a generous deadline. */
export async function waitFor<T>(what: string, cond: () => T | Promise<T>, deadlineMs = 60_000): Promise<NonNullable<T>> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const v = await cond();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Fields of /proc/<pid>/stat after the command name (state is [0]), or undefined once reaped. */
function procStat(pid: number): string[] | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** R, S, Z, ... or undefined when the process no longer exists. */
export function procState(pid: number): string | undefined {
  return procStat(pid)?.[0];
}

/** User + system CPU time of a process, in clock ticks. */
export function cpuTicks(pid: number): number {
  const f = procStat(pid);
  if (!f) throw new Error(`process ${pid} is gone`);
  return Number(f[11]) + Number(f[12]);
}

/** Permission bits of a file or directory (no symlink following). */
export function mode(file: string): number {
  return fs.lstatSync(file).mode & 0o777;
}

export function readLog(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
