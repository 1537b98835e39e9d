// Build step (run by bundle.ts in a child process): V8's code cache for dist/kt.cjs from a
// training run. The child loads the bundle as a kt call does (bin/load.cjs), runs the
// commands scripts call most against an in-memory broker in this process, and saves
// everything V8 compiled on the way, so a later call of those commands compiles almost
// nothing. Output of the commands is discarded; a command that fails leaves the cache
// smaller, never the build broken (the failure is reported). With a group name (CACHE_GROUPS)
// it trains that command's own cache, dist/kt.cjs.<word>.cache, instead of dist/kt.cjs.cache.
//
//   node dist/src/dev/codeCache.js [produce|consume|topics|cluster]

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { PACKAGE_ROOT } from './commands.js';

interface Loaded {
  exports: { run(argv: string[], from: string): Promise<unknown>; flush(): Promise<void> };
}
interface Loader {
  loadBundle(o: { cache: boolean; cacheFile: string }): Loaded | undefined;
  writeCache(l: Loaded): void;
  BUNDLE: string;
}

const TOPIC = 'kt-training';
const CREATE = ['topics', 'create', TOPIC, '--if-not-exists', '-b', '{}'];
const PRODUCE = ['produce', '-t', TOPIC, '--value', 'v', '-b', '{}'];
const CONSUME = ['consume', '-t', TOPIC, '--from-beginning', '--max-messages', '1', '-b', '{}'];

/** The calls dist/kt.cjs.cache is trained on (`{}` is the broker's bootstrap address). */
export const TRAINING: string[][] = [
  ['--help'],
  CREATE,
  PRODUCE,
  CONSUME,
  ['topics', 'list', '-b', '{}'],
  ['topics', 'describe', TOPIC, '-b', '{}'],
  ['cluster', 'check', '-b', '{}'],
  ['groups', 'list', '-b', '{}'],
];

/**
 * Commands with a cache of their own (dist/kt.cjs.<word>.cache, picked by bin/load.cjs from
 * the first word of a call): the calls it is trained on, after `setup` (whose code is in it too).
 */
export const CACHE_GROUPS: Record<string, { setup: string[][]; calls: string[][] }> = {
  produce: { setup: [], calls: [PRODUCE] },
  consume: { setup: [PRODUCE], calls: [CONSUME] },
  topics: { setup: [], calls: [CREATE, ['topics', 'list', '-b', '{}'], ['topics', 'describe', TOPIC, '-b', '{}']] },
  cluster: { setup: [], calls: [['cluster', 'check', '-b', '{}'], ['cluster', '-b', '{}']] },
};

async function main(): Promise<void> {
  const root = PACKAGE_ROOT;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-training-'));
  // the commands' config and data go to a throwaway place, never the user's
  process.env.HOME = home;
  process.env.KT_CONFIG_DIR = path.join(home, 'config');
  process.env.KT_DATA_DIR = path.join(home, 'data');
  process.env.NO_COLOR = '1';
  const load = createRequire(import.meta.url)(path.join(root, 'bin', 'load.cjs')) as Loader;
  // `codeCache.js produce`: the cache of that group; without a group, the general one
  const group = process.argv[2];
  if (group !== undefined && !(group in CACHE_GROUPS)) throw new Error(`no cache group ${group}`);
  const cacheFile = group === undefined ? `${load.BUNDLE}.cache` : `${load.BUNDLE}.${group}.cache`;
  const calls = group === undefined ? TRAINING : [...CACHE_GROUPS[group].setup, ...CACHE_GROUPS[group].calls];
  const kt = load.loadBundle({ cache: false, cacheFile });
  if (!kt) throw new Error('no dist/kt.cjs');
  let written = false;
  const save = () => {
    if (!written) load.writeCache(kt);
    written = true;
  };
  // a command that ends the process still leaves its compiled code behind
  process.once('exit', save);
  const { startBroker } = await import('../index.js');
  const broker = await startBroker({ port: 0, memory: true, log: () => undefined });
  // the package root, as bin/run.js gives it
  const from = root;
  const failed: string[] = [];
  try {
    for (const call of calls) {
      const argv = call.map((a) => (a === '{}' ? broker.bootstrap : a));
      try {
        await kt.exports.run(argv, from);
        await kt.exports.flush();
      } catch (err) {
        if ((err as { code?: string }).code !== 'EEXIT') failed.push(`kt ${call.join(' ')}: ${(err as Error).message ?? err}`);
      }
    }
  } finally {
    await broker.stop();
    fs.rmSync(home, { recursive: true, force: true });
  }
  save();
  for (const f of failed) process.stderr.write(`code cache: training call failed (cache is smaller): ${f}\n`);
  process.exit(0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    process.stderr.write(`code cache: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
