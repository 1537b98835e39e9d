// Where kt keeps things (PRODUCT.md §2):
//   config:  $KT_CONFIG_DIR, else $XDG_CONFIG_HOME/kt, else ~/.config/kt
//   data:    $KT_DATA_DIR,   else $XDG_DATA_HOME/kt,   else ~/.local/share/kt
// The local broker's files live in the data directory (mode 0700; the broker writes its files
// with umask 077, so they are 0600 and its directories 0700):
//   local.json   the running broker (pid, host, port, started) and the remembered port
//   local.log    its log
//   broker/      topics, segments, committed offsets
//   credentials.json  SCRAM credentials of the SASL users (mode 0600; no passwords)
//   tls/         the self-signed CA and certificate of --tls-self-signed

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KT_CONFIG_DIR) return env.KT_CONFIG_DIR;
  const base = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'kt');
}

export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KT_DATA_DIR) return env.KT_DATA_DIR;
  const base = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'kt');
}

export interface LocalPaths {
  root: string;
  state: string;
  log: string;
  brokerData: string;
  credentials: string;
  tls: string;
}

export function localPaths(root = dataDir()): LocalPaths {
  return {
    root,
    state: path.join(root, 'local.json'),
    log: path.join(root, 'local.log'),
    brokerData: path.join(root, 'broker'),
    credentials: path.join(root, 'credentials.json'),
    tls: path.join(root, 'tls'),
  };
}

export const DEFAULT_LOCAL_PORT = 9092;

/**
 * The port of the local broker: the one `kt local start --port` chose (remembered in
 * local.json as portChosen), else KT_LOCAL_PORT, else the one it last ran on, else 9092.
 */
export function localPort(state: { port?: number; portChosen?: boolean } | undefined, envPort: number | undefined): number {
  if (state?.portChosen && state.port !== undefined) return state.port;
  return envPort ?? state?.port ?? DEFAULT_LOCAL_PORT;
}
export const DEFAULT_LOCAL_HOST = '127.0.0.1';

/**
 * Creates the data directory with mode 0700, or makes an existing one 0700 (older kt versions
 * made it 0755): topics, records and the log are nobody else's business.
 */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = fs.statSync(dir);
  if ((st.mode & 0o077) !== 0 && st.uid === process.getuid?.()) fs.chmodSync(dir, 0o700);
}
