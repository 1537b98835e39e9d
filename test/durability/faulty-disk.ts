// A disk that fails on demand, for the storage-error tests: the synchronous node:fs calls the
// broker's storage makes (it imports the default `fs` object and calls its methods) are
// wrapped, so a test can make them fail as a full disk (ENOSPC on data writes and new
// directories), a read-only one (EROFS on anything that changes the file system) or a broken
// one (EIO) would, for the files it names. No root, no loop device, no tmpfs needed.
//
// Importing this module installs the wrappers; they do nothing until fail() is called, and
// they remember which file every descriptor belongs to, so a rule can name files while the
// broker writes through descriptors.
import fs from 'node:fs';

export type Op = 'open' | 'write' | 'sync' | 'truncate' | 'rename' | 'remove' | 'mkdir';

export interface Fault {
  code: 'ENOSPC' | 'EROFS' | 'EIO';
  /** Which operations fail. Defaults by code: ENOSPC write+mkdir; EROFS all but sync; EIO write+sync. */
  ops?: Op[];
  /** Which files (absolute paths) the fault applies to; default every file. */
  files?: (file: string) => boolean;
  /** A failing write first writes this many bytes of its data (a torn write). */
  partialBytes?: number;
}

const DEFAULT_OPS: Record<Fault['code'], Op[]> = {
  ENOSPC: ['write', 'mkdir'],
  EROFS: ['open', 'write', 'truncate', 'rename', 'remove', 'mkdir'],
  EIO: ['write', 'sync'],
};

let active: Fault | undefined;
/** How many operations each fault made fail (tests wait for the fault to be hit). */
let hits = 0;
const fdFiles = new Map<number, string>();

const original = {
  openSync: fs.openSync,
  closeSync: fs.closeSync,
  writeSync: fs.writeSync,
  writeFileSync: fs.writeFileSync,
  fsyncSync: fs.fsyncSync,
  fdatasyncSync: fs.fdatasyncSync,
  ftruncateSync: fs.ftruncateSync,
  renameSync: fs.renameSync,
  rmSync: fs.rmSync,
  unlinkSync: fs.unlinkSync,
  mkdirSync: fs.mkdirSync,
};

function errno(code: string, syscall: string, file: string | undefined): NodeJS.ErrnoException {
  const text = { ENOSPC: 'no space left on device', EROFS: 'read-only file system', EIO: 'i/o error' }[code] ?? code;
  const e = new Error(`${code}: ${text}, ${syscall}${file ? ` '${file}'` : ''} (injected)`) as NodeJS.ErrnoException;
  e.code = code;
  e.syscall = syscall;
  if (file) e.path = file;
  return e;
}

function faultFor(op: Op, file: string | undefined): Fault | undefined {
  const f = active;
  if (!f || file === undefined) return undefined;
  if (!(f.ops ?? DEFAULT_OPS[f.code]).includes(op)) return undefined;
  if (f.files && !f.files(file)) return undefined;
  hits++;
  return f;
}

function check(op: Op, syscall: string, file: string | undefined): void {
  const f = faultFor(op, file);
  if (f) throw errno(f.code, syscall, file);
}

const isWriteFlag = (flags: unknown): boolean =>
  typeof flags === 'number' ? (flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT)) !== 0 : typeof flags === 'string' && flags !== 'r' && flags !== 'rs';

const asPath = (p: unknown): string | undefined => (typeof p === 'string' ? p : p instanceof URL ? p.pathname : Buffer.isBuffer(p) ? p.toString() : undefined);

const patched = fs as unknown as Record<keyof typeof original, unknown>;

patched.openSync = (file: fs.PathLike, flags?: fs.OpenMode, mode?: fs.Mode): number => {
  const p = asPath(file);
  if (isWriteFlag(flags)) check('open', 'open', p);
  const fd = original.openSync(file, flags ?? 'r', mode);
  if (p) fdFiles.set(fd, p);
  return fd;
};
patched.closeSync = (fd: number): void => {
  fdFiles.delete(fd);
  original.closeSync(fd);
};
patched.writeSync = (fd: number, buffer: NodeJS.ArrayBufferView | string, ...rest: unknown[]): number => {
  const f = faultFor('write', fdFiles.get(fd));
  if (f) {
    const partial = f.partialBytes ?? 0;
    if (partial > 0 && typeof buffer !== 'string') {
      const [offset = 0, length = buffer.byteLength, position = null] = rest as [number?, number?, (number | null)?];
      const n = Math.min(partial, length);
      original.writeSync(fd, buffer, offset, n, position);
    }
    throw errno(f.code, 'write', fdFiles.get(fd));
  }
  return (original.writeSync as (...a: unknown[]) => number)(fd, buffer, ...rest);
};
patched.writeFileSync = (file: fs.PathOrFileDescriptor, data: string | NodeJS.ArrayBufferView, options?: fs.WriteFileOptions): void => {
  const p = typeof file === 'number' ? fdFiles.get(file) : asPath(file);
  check('open', 'open', p);
  const len = typeof data === 'string' ? data.length : data.byteLength;
  if (len > 0) check('write', 'write', p);
  original.writeFileSync(file, data, options);
};
patched.fsyncSync = (fd: number): void => {
  check('sync', 'fsync', fdFiles.get(fd));
  original.fsyncSync(fd);
};
patched.fdatasyncSync = (fd: number): void => {
  check('sync', 'fdatasync', fdFiles.get(fd));
  original.fdatasyncSync(fd);
};
patched.ftruncateSync = (fd: number, len?: number): void => {
  check('truncate', 'ftruncate', fdFiles.get(fd));
  original.ftruncateSync(fd, len);
};
patched.renameSync = (from: fs.PathLike, to: fs.PathLike): void => {
  check('rename', 'rename', asPath(from));
  original.renameSync(from, to);
};
patched.rmSync = (file: fs.PathLike, options?: fs.RmOptions): void => {
  if (fs.existsSync(file)) check('remove', 'rm', asPath(file));
  original.rmSync(file, options);
};
patched.unlinkSync = (file: fs.PathLike): void => {
  check('remove', 'unlink', asPath(file));
  original.unlinkSync(file);
};
patched.mkdirSync = (file: fs.PathLike, options?: fs.MakeDirectoryOptions & { recursive?: boolean }): string | undefined => {
  if (!fs.existsSync(file)) check('mkdir', 'mkdir', asPath(file));
  return original.mkdirSync(file, options);
};

export const disk = {
  /** From now on, the operations of `fault` fail. */
  fail(fault: Fault): void {
    active = fault;
  },
  /** The disk works again. */
  heal(): void {
    active = undefined;
  },
  /** Operations failed so far (all faults together). */
  get hits(): number {
    return hits;
  },
};
