// Build step: writes oclif.manifest.json beside package.json from the compiled commands, so
// `kt` finds every command's flags without importing each command file at start-up. The same
// thing `oclif manifest` does, without the oclif package:
//
//   tsc -p tsconfig.json && node dist/src/dev/manifest.js
//
// A stale manifest makes kt parse with old flags: the build always rewrites it, and
// test/docs/manifest.test.ts fails when the file on disk differs from the commands.

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { freshPlugin, PACKAGE_ROOT } from './commands.js';

export const MANIFEST_FILE = 'oclif.manifest.json';

export async function buildManifest(root = PACKAGE_ROOT): Promise<unknown> {
  const plugin = await freshPlugin(root);
  return plugin.manifest;
}

// compact: every kt call reads and parses it (a third smaller than indented)
export function manifestText(manifest: unknown): string {
  return `${JSON.stringify(manifest)}\n`;
}

async function main(argv: string[]): Promise<void> {
  const root = PACKAGE_ROOT;
  const target = path.join(root, MANIFEST_FILE);
  if (argv.includes('--remove')) {
    fs.rmSync(target, { force: true });
    process.stderr.write(`removed ${MANIFEST_FILE}\n`);
    return;
  }
  const manifest = (await buildManifest(root)) as { commands: Record<string, unknown> };
  const tmp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, manifestText(manifest));
  fs.renameSync(tmp, target);
  process.stderr.write(`wrote ${MANIFEST_FILE} (${Object.keys(manifest.commands).length} commands)\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`manifest: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
