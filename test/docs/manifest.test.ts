// oclif.manifest.json (src/dev/manifest.ts): built from the compiled commands, read by kt at
// start-up, never stale.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { freshConfig, visibleCommands } from '../../src/dev/commands.js';
import { createRequire } from 'node:module';
import { BUNDLE_FILE } from '../../src/dev/bundle.js';
import { buildManifest, MANIFEST_FILE } from '../../src/dev/manifest.js';
import { isolatedEnv, REPO, run } from '../helpers.js';
import { packageCopy } from './package-copy.js';

interface Manifest {
  version: string;
  commands: Record<string, { id: string; summary?: string; flags: Record<string, unknown> }>;
}

const manifestPromise = buildManifest() as Promise<Manifest>;

test('the manifest has every command, found in the bundle without scanning, at the package version', async () => {
  const m = await manifestPromise;
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
  assert.equal(m.version, pkg.version);
  const config = await freshConfig();
  const { COMMANDS } = createRequire(import.meta.url)(path.join(REPO, BUNDLE_FILE)) as { COMMANDS: Record<string, unknown> };
  for (const c of visibleCommands(config)) {
    const entry = m.commands[c.id];
    assert.ok(entry, `manifest has ${c.id}`);
    assert.equal(typeof COMMANDS[c.id], 'function', `the bundle has ${c.id}`);
  }
  assert.ok(m.commands['completion'], 'hidden helpers are in the manifest too');
});

test('the oclif.manifest.json the build wrote is not stale', async () => {
  const file = path.join(REPO, MANIFEST_FILE);
  // npm test and npm run build write it; without it kt scans the command files (slower start)
  assert.ok(fs.existsSync(file), `no ${MANIFEST_FILE}: run npm run build (or node dist/src/dev/manifest.js)`);
  const onDisk = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
  assert.deepEqual(onDisk, JSON.parse(JSON.stringify(await manifestPromise)), `${MANIFEST_FILE} is stale: run npm run build (or node dist/src/dev/manifest.js)`);
});

test('kt reads the manifest at start-up (a marked summary shows in --help) and runs commands from it', async () => {
  const m = JSON.parse(JSON.stringify(await manifestPromise)) as Manifest;
  m.commands['topics:list'].summary = 'SUMMARY-FROM-THE-MANIFEST';
  const { bin } = packageCopy(m);
  const help = await run(process.execPath, [bin, 'topics', 'list', '--help'], { env: isolatedEnv() });
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.out, /SUMMARY-FROM-THE-MANIFEST/);
  const list = await run(process.execPath, [bin, 'profile', 'list', '--json'], { env: isolatedEnv() });
  assert.equal(list.code, 0, list.stderr);
  assert.deepEqual(JSON.parse(list.out).profiles, []);
  const bad = await run(process.execPath, [bin, 'topics', 'list', '--no-such-flag'], { env: isolatedEnv() });
  assert.equal(bad.code, 2);
});
