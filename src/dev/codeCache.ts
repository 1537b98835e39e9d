// Build step (run by bundle.ts in a child process): V8's code cache for dist/kt.cjs from a
// training run. The child loads the bundle as a kt call does (bin/load.cjs), runs the
// commands scripts call most against an in-memory broker in this process, and saves
// everything V8 compiled on the way, so a later call of those commands compiles almost
// nothing. Output of the commands is discarded; a command that fails leaves the cache
// smaller, never the build broken (the failure is reported).
//
//   node dist/src/dev/codeCache.js

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
  loadBundle(o: { cache: boolean }): Loaded | undefined;
  writeCache(l: Loaded): void;
}

const TOPIC = 'kt-training';

/** The calls the cache is trained on (`{}` is the broker's bootstrap address). */
export const TRAINING: string[][] = [
  ['--help'],
  ['topics', 'create', TOPIC, '--if-not-exists', '-b', '{}'],
  ['produce', '-t', TOPIC, '--value', 'v', '-b', '{}'],
  ['consume', '-t', TOPIC, '--from-beginning', '--max-messages', '1', '-b', '{}'],
  ['topics', 'list', '-b', '{}'],
  ['topics', 'describe', TOPIC, '-b', '{}'],
  ['cluster', 'check', '-b', '{}'],
  ['groups', 'list', '-b', '{}'],
];

async function main(): Promise<void> {
  const root = PACKAGE_ROOT;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-training-'));
  // the commands' config and data go to a throwaway place, never the user's
  process.env.HOME = home;
  process.env.KT_CONFIG_DIR = path.join(home, 'config');
  process.env.KT_DATA_DIR = path.join(home, 'data');
  process.env.NO_COLOR = '1';
  const load = createRequire(import.meta.url)(path.join(root, 'bin', 'load.cjs')) as Loader;
  const kt = load.loadBundle({ cache: false });
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
    for (const call of TRAINING) {
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
