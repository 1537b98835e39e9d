// man/: generated from the command definitions (src/dev/man.ts), checked in, rendered by man.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { freshConfig, visibleCommands } from '../../src/dev/commands.js';
import { diffManDir, renderManPages, roff } from '../../src/dev/man.js';
import { have, REPO, requirePeer, run } from '../helpers.js';

const MAN = path.join(REPO, 'man');
const pagesPromise = freshConfig().then((c) => ({ config: c, pages: renderManPages(c) }));

test('man/ matches the command definitions (regenerate: node dist/src/dev/man.js)', async () => {
  const { pages } = await pagesPromise;
  const diff = diffManDir(pages, MAN);
  assert.deepEqual(diff, { changed: [], missing: [], stale: [] }, 'man pages drifted from the commands: run `node dist/src/dev/man.js` after the build');
});

test('one page per command and per command group, plus kt.1; each names its flags and examples', async () => {
  const { config, pages } = await pagesPromise;
  assert.ok(pages.has('kt.1'));
  for (const cmd of visibleCommands(config)) {
    const file = `kt-${cmd.id.replace(/:/g, '-')}.1`;
    const page = pages.get(file);
    assert.ok(page, `${file} for kt ${cmd.id.replace(/:/g, ' ')}`);
    assert.match(page, /^\.SH NAME$/m);
    assert.match(page, /^\.SH SYNOPSIS$/m);
    assert.match(page, /^\.SH EXAMPLES$/m, `${file} has examples`);
    assert.match(page, /^\.SH EXIT STATUS$/m);
    assert.match(page, /^\.SH SEE ALSO$/m);
    for (const f of Object.values(cmd.flags).filter((x) => !x.hidden)) {
      assert.ok(page.includes(roff(`--${f.name}`)) || page.includes(roff(`--[no-]${f.name}`)), `${file} documents --${f.name}`);
    }
    assert.ok(pages.get('kt.1')!.includes(roff(`kt ${cmd.id.replace(/:/g, ' ')}`)), `kt.1 lists kt ${cmd.id}`);
  }
  for (const topic of ['kt-local.1', 'kt-perf.1']) assert.ok(pages.has(topic), topic);
  assert.match(pages.get('kt-consume.1')!, /^\.TP\n\\fB3\\fR\n/m, 'kt-consume documents exit status 3');
});

test('roff escaping: hyphens, backslashes, quotes, leading dots, non-ASCII', () => {
  assert.equal(roff('--from-beginning'), '\\-\\-from\\-beginning');
  assert.equal(roff('a\\nb'), 'a\\enb');
  assert.equal(roff(".hidden 'x'"), "\\&.hidden \\(aqx\\(aq");
  assert.equal(roff('a — b'), 'a \\[u2014] b');
});

const manMissing = requirePeer('man') || requirePeer('groff');
test('man -l man/kt-consume.1 renders (and groff finds nothing to warn about in any page)', { skip: manMissing ? `${manMissing} (apt-get install man-db groff-base)` : undefined }, async () => {
  const env = { ...process.env, MANWIDTH: '100', MANPAGER: 'cat', PAGER: 'cat', LANG: 'C.UTF-8' };
  const r = await run('man', ['-l', path.join(MAN, 'kt-consume.1')], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const text = r.out.replace(/.\x08/g, ''); // overstrike bold/underline when not a terminal
  assert.match(text, /^KT-CONSUME\(1\)/m);
  assert.match(text, /^NAME\n\s+kt-consume - Read records from topics/m);
  assert.match(text, /^\s+-t, --topic TOPIC$/m);
  assert.match(text, /\$ kt consume --topic myTestTopic --from-beginning/);
  assert.match(text, /^EXIT STATUS/m);
  if (have('groff')) {
    const warnings: string[] = [];
    for (const f of fs.readdirSync(MAN).filter((x) => x.endsWith('.1'))) {
      const g = await run('groff', ['-man', '-Tutf8', '-ww', '-z', path.join(MAN, f)], { env });
      if (g.stderr.trim()) warnings.push(g.stderr.trim());
    }
    assert.deepEqual(warnings, []);
  }
});

test('package.json "man" lists every page', async () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { man?: string[] };
  assert.ok(pkg.man, 'package.json has a "man" list (npm installs the pages from it)');
  const { pages } = await pagesPromise;
  assert.deepEqual([...pkg.man].sort(), [...pages.keys()].map((f) => `./man/${f}`).sort());
});
