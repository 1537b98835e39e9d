// The SCRAM credential store: per user and mechanism what Kafka keeps (salt, iterations,
// StoredKey, ServerKey; never the password), in the string form of Kafka's
// ScramCredentialUtils. On disk it is one JSON file, written atomically (temporary file,
// fsync, rename) with mode 0600:
//
//   { "version": 1,
//     "users": { "alice": { "SCRAM-SHA-256": "salt=…,stored_key=…,server_key=…,iterations=4096",
//                           "SCRAM-SHA-512": "salt=…,stored_key=…,server_key=…,iterations=4096" } } }
//
// A user added from a password gets both SCRAM credentials, so any enabled mechanism
// (PLAIN included, checked against a SCRAM credential) works for them.

import fs from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_ITERATIONS,
  SCRAM_MECHANISMS,
  credentialFromString,
  credentialToString,
  scramCredential,
  type ScramCredential,
  type ScramMechanism,
} from './scram.js';

export const CREDENTIALS_FILE = 'credentials.json';

interface FileFormat {
  version: 1;
  users: Record<string, Partial<Record<ScramMechanism, string>>>;
}

export class CredentialStore {
  private readonly users = new Map<string, Partial<Record<ScramMechanism, ScramCredential>>>();

  get(user: string, mech: ScramMechanism): ScramCredential | undefined {
    return this.users.get(user)?.[mech];
  }

  set(user: string, mech: ScramMechanism, cred: ScramCredential): void {
    if (user === '') throw new Error('a SASL user name cannot be empty');
    const entry = this.users.get(user) ?? {};
    entry[mech] = cred;
    this.users.set(user, entry);
  }

  delete(user: string): boolean {
    return this.users.delete(user);
  }

  /** Removes one mechanism's credential; a user left with none is gone. */
  deleteCredential(user: string, mech: ScramMechanism): boolean {
    const entry = this.users.get(user);
    if (!entry?.[mech]) return false;
    delete entry[mech];
    if (Object.keys(entry).length === 0) this.users.delete(user);
    return true;
  }

  /** The mechanisms a user has a credential for, in SCRAM_MECHANISMS order. */
  mechanisms(user: string): ScramMechanism[] {
    const entry = this.users.get(user);
    return entry ? SCRAM_MECHANISMS.filter((m) => entry[m] !== undefined) : [];
  }

  /** Adds (or replaces) a user from a password: both SCRAM credentials, fresh salts. */
  async addUser(user: string, password: string, iterations = DEFAULT_ITERATIONS): Promise<void> {
    if (user === '') throw new Error('a SASL user name cannot be empty');
    if (password === '') throw new Error(`the password of SASL user ${user} is empty`);
    for (const mech of SCRAM_MECHANISMS) this.set(user, mech, await scramCredential(mech, password, iterations));
  }

  get userNames(): string[] {
    return [...this.users.keys()].sort();
  }

  get size(): number {
    return this.users.size;
  }

  static async fromUsers(users: Record<string, string>, iterations?: number): Promise<CredentialStore> {
    const store = new CredentialStore();
    for (const [u, p] of Object.entries(users)) await store.addUser(u, p, iterations);
    return store;
  }

  /** Reads a credentials file; a missing file is an empty store. */
  static load(file: string): CredentialStore {
    const store = new CredentialStore();
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return store;
      throw err;
    }
    let doc: FileFormat;
    try {
      doc = JSON.parse(text) as FileFormat;
      if (doc.version !== 1 || typeof doc.users !== 'object' || doc.users === null) throw new Error('unknown format');
      for (const [user, creds] of Object.entries(doc.users)) {
        for (const mech of SCRAM_MECHANISMS) {
          const s = creds[mech];
          if (s !== undefined) store.set(user, mech, credentialFromString(s));
        }
      }
    } catch (err) {
      throw new Error(`invalid SASL credentials file ${file}: ${(err as Error).message}`);
    }
    return store;
  }

  toJSON(): FileFormat {
    const users: FileFormat['users'] = {};
    for (const name of this.userNames) {
      const creds = this.users.get(name) ?? {};
      users[name] = {};
      for (const mech of SCRAM_MECHANISMS) {
        const c = creds[mech];
        if (c) users[name][mech] = credentialToString(c);
      }
    }
    return { version: 1, users };
  }

  /** Atomic write, mode 0600 (the file never exists with wider permissions). */
  save(file: string): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeSync(fd, `${JSON.stringify(this.toJSON(), null, 2)}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.chmodSync(tmp, 0o600); // an existing tmp file keeps its mode on open: make sure
    fs.renameSync(tmp, file);
    try {
      const dirFd = fs.openSync(path.dirname(file), 'r');
      try {
        fs.fsyncSync(dirFd);
      } finally {
        fs.closeSync(dirFd);
      }
    } catch {
      // directories cannot be fsynced everywhere
    }
  }
}
