// bin/load.cjs: the bundle is compiled with the code cache the build wrote (V8 accepts it: same
// source, same flags), and a cache that load.cjs writes itself (none yet) is accepted by the
// next call, whether the call that wrote it was short or ran for a while (V8 has optimised
// code by then; the cache must still be one the next call accepts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { isolatedEnv, REPO, run, tempDir } from '../helpers.js';
import { CACHE_GROUPS } from '../../src/dev/codeCache.js';

/** Loads the bundle of the package at `root` as a kt call does; prints whether V8 rejected the cache. */
function probe(root: string, stayMs = 0, word = ''): Promise<{ rejected: boolean; hadCache: boolean; exports: string[]; file: string }> {
  const code = `
    const l = require(${JSON.stringify(path.join(root, 'bin', 'load.cjs'))});
    const file = l.cacheFor(${JSON.stringify(word ? [word] : [])});
    const hadCache = require('node:fs').existsSync(file);
    const b = l.loadBundle({ cacheFile: file });
    const out = JSON.stringify({ rejected: b.script.cachedDataRejected === true, hadCache, exports: Object.keys(b.exports).sort(), file });
    setTimeout(() => { process.stdout.write(out); }, ${stayMs});`;
  return run(process.execPath, ['-e', code], { env: isolatedEnv() }).then((r) => {
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.out);
  });
}

test('a call compiles the bundle with the code cache the build wrote', async () => {
  assert.ok(fs.existsSync(path.join(REPO, 'dist', 'kt.cjs.cache')), 'npm run build writes dist/kt.cjs.cache');
  const r = await probe(REPO);
  assert.equal(r.hadCache, true);
  assert.equal(r.rejected, false, 'V8 rejected dist/kt.cjs.cache');
  assert.ok(r.exports.includes('run') && r.exports.includes('COMMANDS'), r.exports.join(' '));
  // the commands with a cache of their own (src/dev/codeCache.ts, CACHE_GROUPS)
  for (const word of Object.keys(CACHE_GROUPS)) {
    const g = await probe(REPO, 0, word);
    assert.equal(g.file, path.join(fs.realpathSync(path.join(REPO, 'dist')), `kt.cjs.${word}.cache`));
    assert.equal(g.hadCache, true, g.file);
    assert.equal(g.rejected, false, `V8 rejected ${g.file}`);
  }
  assert.equal((await probe(REPO, 0, 'groups')).file, path.join(fs.realpathSync(path.join(REPO, 'dist')), 'kt.cjs.cache'), 'others use the general cache');
});

test('without a cache, a call writes one that the next call uses (short and long calls)', async () => {
  for (const stayMs of [0, 600]) {
    const root = tempDir('kt-load-');
    fs.mkdirSync(path.join(root, 'bin'));
    fs.mkdirSync(path.join(root, 'dist'));
    fs.copyFileSync(path.join(REPO, 'bin', 'load.cjs'), path.join(root, 'bin', 'load.cjs'));
    fs.copyFileSync(path.join(REPO, 'dist', 'kt.cjs'), path.join(root, 'dist', 'kt.cjs'));
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'));
    const first = await probe(root, stayMs);
    assert.equal(first.hadCache, false);
    assert.ok(fs.existsSync(path.join(root, 'dist', 'kt.cjs.cache')), 'the first call wrote the cache');
    const second = await probe(root);
    assert.equal(second.hadCache, true);
    assert.equal(second.rejected, false, `the cache written by a call of ${stayMs} ms was rejected`);
  }
});

test('required as a plain CommonJS module, the bundle exports the same', () => {
  const r = run(process.execPath, ['-e', `process.stdout.write(Object.keys(require(${JSON.stringify(path.join(REPO, 'dist', 'kt.cjs'))})).sort().join(' '))`], { env: isolatedEnv() });
  return r.then((x) => {
    assert.equal(x.code, 0, x.stderr);
    assert.ok(x.out.split(' ').includes('COMMANDS') && x.out.split(' ').includes('run'), x.out);
  });
});
