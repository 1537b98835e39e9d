// Where kt keeps its files (PRODUCT.md §2) and the profiles in config.json.
//
// config.json: { "current": "name", "profiles": { "name": { "bootstrap": "h:p",
//               "properties": { "security.protocol": "...", ... } } } }

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KtError } from './errors.js';

export interface Profile {
  bootstrap?: string;
  properties?: Record<string, string>;
}

export interface KtConfig {
  current?: string;
  profiles?: Record<string, Profile>;
}

type Env = Record<string, string | undefined>;

export function configDir(env: Env = process.env): string {
  if (env.KT_CONFIG_DIR) return env.KT_CONFIG_DIR;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'kt');
  return join(homedir(), '.config', 'kt');
}

export function dataDir(env: Env = process.env): string {
  if (env.KT_DATA_DIR) return env.KT_DATA_DIR;
  if (env.XDG_DATA_HOME) return join(env.XDG_DATA_HOME, 'kt');
  return join(homedir(), '.local', 'share', 'kt');
}

export function configPath(env: Env = process.env): string {
  return join(configDir(env), 'config.json');
}

/** Reads config.json; a missing file is an empty config, a broken one is an error. */
export function readConfig(env: Env = process.env): KtConfig {
  const path = configPath(env);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new KtError(`cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
    return parsed as KtConfig;
  } catch (err) {
    throw new KtError(`cannot parse ${path}: ${(err as Error).message}`, { hint: 'fix or remove the file' });
  }
}
