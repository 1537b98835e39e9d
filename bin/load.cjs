// Loads the bundled CLI (dist/kt.cjs, see src/dev/bundle.ts) with V8's code cache
// (dist/kt.cjs.cache, or the command's own: cacheFor), so a call of kt does not parse and
// compile it again. A cache that V8 rejects (another Node version, other V8 flags) is
// ignored: the bundle compiles as usual and the cache is rewritten when the directory is
// writable. Returns undefined without a bundle (a checkout before its first build).
//
// V8 runs with its default flags: a cache is only accepted under the flags it was made with,
// and keeping the young generation small while kt starts (tried: --semi-space-growth-factor=1)
// saved 1 MB of peak memory per call for ~10 ms more garbage collection (npm run bench).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

// the real path: the key under which require() (oclif's, for the commands) finds it
const BUNDLE = (() => {
  const p = path.join(__dirname, '..', 'dist', 'kt.cjs');
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
})();
const CACHE = `${BUNDLE}.cache`;

// The commands scripts call most have a cache of their own, trained on that command only
// (src/dev/codeCache.ts, CACHE_GROUPS): V8 deserializes all of a cache before the bundle
// runs, and the code of forty other commands is time and memory a `kt produce` does not use.
// Other calls use dist/kt.cjs.cache (trained on them all).
function cacheFor(argv) {
  const word = argv[0];
  if (word && /^[a-z][a-z-]*$/.test(word)) {
    const own = `${BUNDLE}.${word}.cache`;
    if (fs.existsSync(own)) return own;
  }
  return CACHE;
}

function loadBundle({ cache = true, cacheFile = cacheFor(process.argv.slice(2)) } = {}) {
  let source;
  try {
    source = fs.readFileSync(BUNDLE, 'latin1');
  } catch {
    return undefined;
  }
  let cachedData;
  if (cache) {
    try {
      cachedData = fs.readFileSync(cacheFile);
    } catch {
      // no cache yet
    }
  }
  // the build wraps the bundle in its module function (src/dev/bundle.ts, BUNDLE_HEAD): compiled
  // as it is, its value is that function, and the 1.8 MB text is not copied by Module.wrap
  const wrapped = source.startsWith('((f, a) =>');
  const script = new vm.Script(wrapped ? source : Module.wrap(source), { filename: BUNDLE, cachedData });
  const mod = new Module(BUNDLE, module);
  mod.filename = BUNDLE;
  mod.paths = Module._nodeModulePaths(path.dirname(BUNDLE));
  // oclif loads the commands from this file: it finds this instance in the cache
  Module._cache[BUNDLE] = mod;
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(BUNDLE), mod, BUNDLE, path.dirname(BUNDLE));
  mod.loaded = true;
  const loaded = { exports: mod.exports, script, cacheFile };
  if (cache && (cachedData === undefined || script.cachedDataRejected)) process.once('exit', () => writeCache(loaded));
  return loaded;
}

/** Saves what V8 has compiled of the bundle so far (atomically; best effort). */
function writeCache(loaded) {
  const file = loaded.cacheFile;
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, loaded.script.createCachedData());
    fs.renameSync(tmp, file);
  } catch {
    try { fs.rmSync(tmp, { force: true }); } catch { /* read-only install */ }
  }
}

module.exports = { loadBundle, writeCache, cacheFor, BUNDLE, CACHE };
