#!/usr/bin/env node
// kt entry point. oclif finds and runs the command; errors that escape a command (unknown
// command, a parse error before the command's own handler) are printed as one
// `kt: error:` line with the exit code of PRODUCT.md §3. The process exits as soon as the
// command is done, so open sockets or timers of the Kafka client never keep it alive.
import { run, flush } from '@oclif/core';

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
