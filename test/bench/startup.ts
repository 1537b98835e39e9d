// Start-up time of kt with and without oclif.manifest.json (median of N runs each, runs
// interleaved). Two copies of the package root (test/docs/package-copy.ts) differ only in
// the manifest.
//
//   npx tsc -p tsconfig.json && node dist/test/bench/startup.js [RUNS]
import { buildManifest } from '../../src/dev/manifest.js';
import { packageCopy } from '../docs/package-copy.js';
import { isolatedEnv, run, testBroker } from '../helpers.js';

const runs = Number(process.argv[2] ?? 20);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const broker = await testBroker();
const env = isolatedEnv();
const withManifest = packageCopy(await buildManifest());
const without = packageCopy();
const cases: Array<[string, string[]]> = [
  ['kt --help', ['--help']],
  ['kt topics list --help', ['topics', 'list', '--help']],
  ['kt produce --value x', ['produce', '-t', 'startup', '--value', 'x', '-b', broker.bootstrap]],
];
console.log(`node ${process.version}, ${runs} runs each, median ms`);
console.log('command'.padEnd(26), 'no manifest'.padStart(12), 'manifest'.padStart(10));
for (const [name, args] of cases) {
  const times: Record<string, number[]> = { with: [], without: [] };
  for (let i = 0; i < runs; i++) {
    for (const [key, pkg] of [['without', without], ['with', withManifest]] as const) {
      const r = await run(process.execPath, [pkg.bin, ...args], { env });
      if (r.code !== 0) throw new Error(`${name}: exit ${r.code}: ${r.stderr}`);
      times[key].push(r.ms);
    }
  }
  console.log(name.padEnd(26), String(median(times.without)).padStart(12), String(median(times.with)).padStart(10));
}
await broker.stop();
