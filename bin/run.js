#!/usr/bin/env node
// kt entry point. oclif finds and runs the command; errors that escape a command (unknown
// command, a parse error before the command's own handler) are printed as one
// `kt: error:` line with the exit code of PRODUCT.md §3. The process exits as soon as the
// command is done, so open sockets or timers of the Kafka client never keep it alive.

// `kt --version` is called in loops by scripts: answer it without loading oclif (same
// text as oclif's: name/version platform-arch node-version).
if (process.argv.length === 3 && process.argv[2] === '--version') {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.oclif?.bin ?? pkg.name}/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`);
  process.exit(0);
}

const { run, flush } = await import('@oclif/core');

let code = 0;
try {
  await run(process.argv.slice(2), import.meta.url);
  await flush();
} catch (err) {
  const errors = await import('../dist/src/cli/errors.js');
  code = errors.exitCodeOf(err);
  if (!(err instanceof errors.ExitSignal) && !(err && err.code === 'EEXIT')) {
    process.stderr.write(`kt: error: ${errors.describeError(err)}\n`);
    if (process.argv.includes('--debug')) process.stderr.write(`${errors.debugStack(err)}\n`);
  }
}
const { drainStdio } = await import('../dist/src/cli/output.js');
await drainStdio();
process.exit(typeof process.exitCode === 'number' && process.exitCode !== 0 ? process.exitCode : code);
