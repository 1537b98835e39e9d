// A copy of the package root whose bin/ and package.json are real files and whose
// dist/ and node_modules/ are links to the repository's: kt run from there finds the copy's
// oclif.manifest.json (or none), without touching the repository's root.
import fs from 'node:fs';
import path from 'node:path';
import { REPO, tempDir } from '../helpers.js';

export function packageCopy(manifest?: unknown): { root: string; bin: string } {
  const root = tempDir('kt-pkg-');
  fs.mkdirSync(path.join(root, 'bin'));
  for (const f of fs.readdirSync(path.join(REPO, 'bin'))) fs.copyFileSync(path.join(REPO, 'bin', f), path.join(root, 'bin', f));
  fs.copyFileSync(path.join(REPO, 'package.json'), path.join(root, 'package.json'));
  fs.symlinkSync(path.join(REPO, 'dist'), path.join(root, 'dist'));
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'));
  if (manifest !== undefined) fs.writeFileSync(path.join(root, 'oclif.manifest.json'), JSON.stringify(manifest));
  return { root, bin: path.join(root, 'bin', 'run.js') };
}
