// The store's small metadata files (topics.json, meta.json) are kept twice. Each change is
// written atomically to <name>.bak first and then to <name>, so the backup is never older
// than the file: a file that is later found truncated or damaged (a disk or file system that
// lost it, a hand edit) is replaced by its backup with a log line, and nothing is lost.

import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './files.js';

export const backupOf = (file: string): string => `${file}.bak`;

/** Writes `text` to the backup, then to the file, each atomically and durably. */
export function writeMetadataFile(file: string, text: string): void {
  writeFileAtomic(backupOf(file), text);
  writeFileAtomic(file, text);
}

export type MetadataRead<T> =
  | { value: T; from: 'file' | 'backup' }
  /** Neither copy is usable: `problem` says why, undefined when neither exists. */
  | { value: undefined; problem: string | undefined };

/**
 * Reads `file`, else its backup. `check` returns why a parsed value is unusable, or null;
 * a version this kt does not know is an error, not damage (a newer kt wrote it).
 */
export function readMetadataFile<T extends { version: number }>(
  file: string,
  check: (v: T) => string | null,
  log: (line: string) => void,
): MetadataRead<T> {
  const main = readOne(file, check);
  if (main.value) {
    ensureBackup(file, main.text, log);
    return { value: main.value, from: 'file' };
  }
  const backup = readOne(backupOf(file), check);
  if (backup.value) {
    log(`${path.basename(file)} is ${main.problem ?? 'missing'}; using its backup ${path.basename(backupOf(file))}`);
    writeFileAtomic(file, backup.text);
    return { value: backup.value, from: 'backup' };
  }
  if (!main.problem && !backup.problem) return { value: undefined, problem: undefined };
  return { value: undefined, problem: `${main.problem ?? 'missing'}; its backup ${path.basename(backupOf(file))} is ${backup.problem ?? 'missing'}` };
}

function readOne<T extends { version: number }>(file: string, check: (v: T) => string | null): { value?: T; text: string; problem?: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { text: '' };
    throw e;
  }
  let value: T;
  try {
    value = JSON.parse(text) as T;
  } catch (e) {
    return { text, problem: `damaged (${text.length === 0 ? 'empty' : (e as Error).message})` };
  }
  if (typeof value !== 'object' || value === null) return { text, problem: 'damaged (not a JSON object)' };
  if (value.version !== 1) {
    if (typeof value.version === 'number') throw new Error(`${file} has unknown version ${value.version} (written by a newer kt?)`);
    return { text, problem: 'damaged (no version)' };
  }
  const wrong = check(value);
  return wrong ? { text, problem: `damaged (${wrong})` } : { value, text };
}

/** Directories from older kt versions have no backup yet; a stale one is brought up to date. */
function ensureBackup(file: string, text: string, log: (line: string) => void): void {
  const bak = backupOf(file);
  let current: string | undefined;
  try {
    current = fs.readFileSync(bak, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) return;
  try {
    writeFileAtomic(bak, text);
  } catch (e) {
    log(`cannot write ${path.basename(bak)}: ${(e as Error).message}`);
  }
}
