// Where kt keeps things (PRODUCT.md §2):
//   config:  $KT_CONFIG_DIR, else $XDG_CONFIG_HOME/kt, else ~/.config/kt
//   data:    $KT_DATA_DIR,   else $XDG_DATA_HOME/kt,   else ~/.local/share/kt
// The local broker's files live in the data directory:
//   local.json   the running broker (pid, host, port, started) and the remembered port
//   local.log    its log
//   broker/      topics, segments, committed offsets
//   credentials.json  SCRAM credentials of the SASL users (mode 0600; no passwords)
//   tls/         the self-signed CA and certificate of --tls-self-signed

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
export const DEFAULT_LOCAL_HOST = '127.0.0.1';
