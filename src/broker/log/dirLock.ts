// One process at a time per data directory, with a lock the kernel drops when its holder
// exits, as Kafka's flock on <log.dir>/.lock. A pid file is not that: a broker killed with
// kill -9 stays a zombie until its parent reaps it (forever under an init that does not reap),
// so kill(pid, 0) still says alive; and after a reboot the pid may name an unrelated process.
// Node has no flock(2), so the lock is one of these, each released by the kernel when the
// process exits, zombie or not:
//
//   Linux:          a listening Unix socket in the abstract namespace named after the
//                   directory (device and inode), no file involved. It is scoped to the
//                   network namespace: two containers with their own networks that share a
//                   data directory do not see each other's lock.
//   Windows:        a named pipe of that name (the same code: a net.Server).
//   macOS and BSDs: <dir>/.lock opened with O_EXLOCK|O_NONBLOCK, an flock(2) taken by open(2).
//
// The holder answers a connection to its socket with its pid, so `kt local stop` learns from
// the holder itself which process to signal (on macOS and BSDs .lock holds the pid). Anyone on
// the machine can bind or connect to an abstract name, so the answer also carries a random
// token that the holder wrote to <dir>/.lock (mode 0600, in a data directory that is 0700): a
// process of another user squatting the name is not believed (it can keep the broker from
// starting, no more).

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { sha256Hex } from './sha256.js';

export interface DirLock {
  release(): void;
}

export class DirInUseError extends Error {
  constructor(readonly dir: string, how: string) {
    super(`data directory ${dir} is in use by ${how}`);
  }
}

/** The flock, or the socket's pid and token (and the pid file of kt versions before these locks). */
const LOCK_FILE = '.lock';
/** macOS, FreeBSD, OpenBSD, NetBSD: open(2) takes an exclusive flock (sys/fcntl.h). */
const O_EXLOCK = 0x20;
const FLOCK_PLATFORMS = new Set<string>(['darwin', 'freebsd', 'openbsd', 'netbsd']);
const held = new Set<string>();

/** The socket (Linux) or pipe (Windows) name of a directory; undefined where flock is used. */
function socketName(key: string): string | undefined {
  const hash = sha256Hex(key).slice(0, 40);
  if (process.platform === 'linux' || process.platform === 'android') return `\0kt-data-dir-lock-${hash}`;
  if (process.platform === 'win32') return `\\\\?\\pipe\\kt-data-dir-lock-${hash}`;
  if (FLOCK_PLATFORMS.has(process.platform)) return undefined;
  throw new Error(`kt cannot lock a data directory on ${process.platform}; use an in-memory broker`);
}

/** Device and inode: the same directory under any path (symlinks, bind mounts). */
function dirKey(dir: string): string {
  const st = fs.statSync(dir, { bigint: true });
  return `${st.dev}:${st.ino}`;
}

/** Locks `dir` (which must exist) for this process; throws DirInUseError when it is taken. */
export function lockDir(dir: string): DirLock {
  const key = dirKey(dir);
  if (held.has(key)) throw new DirInUseError(dir, 'this process (it is already open)');
  const name = socketName(key);
  const lock = name === undefined ? flock(dir) : socketLock(dir, name);
  held.add(key);
  let released = false;
  return {
    release: () => {
      if (released) return;
      released = true;
      held.delete(key);
      lock.release();
    },
  };
}

function socketLock(dir: string, name: string): DirLock {
  const identity = `${process.pid} ${randomBytes(16).toString('hex')}\n`;
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.end(identity);
  });
  server.on('error', () => {}); // a failed listen reports here on the next tick; handled below
  // Binding a pipe happens synchronously inside listen(): `listening` tells at once whether
  // the name was free, so the store can open synchronously.
  server.listen(name);
  if (!server.listening) throw new DirInUseError(dir, 'another process; stop it first');
  server.unref();
  // Written before this returns, so before the first probe can be answered; replaces what
  // was there (a stale token, the pid file of an older kt).
  try {
    fs.rmSync(path.join(dir, LOCK_FILE), { force: true });
    fs.writeFileSync(path.join(dir, LOCK_FILE), identity, { mode: 0o600 });
  } catch (e) {
    server.close();
    throw e;
  }
  return { release: () => server.close() };
}

function flock(dir: string): DirLock {
  const file = path.join(dir, LOCK_FILE);
  const c = fs.constants;
  let fd: number;
  try {
    fd = fs.openSync(file, c.O_RDWR | c.O_CREAT | c.O_NONBLOCK | O_EXLOCK, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EAGAIN' && (e as NodeJS.ErrnoException).code !== 'EWOULDBLOCK') throw e;
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    throw new DirInUseError(dir, `another process${pid > 0 ? ` (pid ${pid})` : ''}; stop it first`);
  }
  fs.ftruncateSync(fd, 0);
  fs.writeSync(fd, `${process.pid}\n`, 0);
  return { release: () => fs.closeSync(fd) };
}

/**
 * Who holds the lock on `dir`: undefined when nobody does (or `dir` does not exist), else the
 * holder's pid (undefined when the holder did not answer within `answerMs`, e.g. while it
 * recovers its logs at start).
 */
export async function dirLockHolder(dir: string, answerMs = 2000): Promise<{ pid: number | undefined } | undefined> {
  let key: string;
  try {
    key = dirKey(dir);
  } catch {
    return undefined;
  }
  if (held.has(key)) return { pid: process.pid };
  const name = socketName(key);
  if (name === undefined) {
    // flock: probing takes the lock for a moment (a broker starting at that instant would fail).
    try {
      flock(dir).release();
      return undefined;
    } catch (e) {
      if (!(e instanceof DirInUseError)) throw e;
      const pid = Number(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8').trim());
      return { pid: pid > 0 ? pid : undefined };
    }
  }
  return new Promise((resolve) => {
    const socket = net.connect(name);
    let text = '';
    let connected = false;
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      if (!connected) return resolve(undefined);
      let written = '';
      try {
        written = fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8');
      } catch {
        // not (yet) there: the holder is not believed
      }
      const pid = Number(text.split(' ')[0]);
      resolve({ pid: text !== '' && text === written && Number.isInteger(pid) && pid > 0 ? pid : undefined });
    };
    const timer = setTimeout(done, answerMs);
    socket.on('connect', () => (connected = true));
    socket.on('data', (d: Buffer) => (text += d.toString()));
    socket.on('end', done);
    socket.on('error', done);
  });
}
