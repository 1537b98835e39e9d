// Every command's --help has real examples: at least one, each naming an existing command
// and only flags that command has (copy-pasteable), rendered by oclif's help.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Help } from '@oclif/core';
import KtHelp from '../../src/cli/help.js';
import { exampleLines, freshConfig, visibleCommands, type CachedCommand } from '../../src/dev/commands.js';
import { kt } from '../helpers.js';

const configPromise = freshConfig();

/** Shell words, quotes removed (enough for kt's examples). */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

/** The kt invocation in an example: the command it runs and its arguments, up to a pipe or redirect. */
function invocation(example: string, ids: string[]): { id: string; args: string[] } | undefined {
  const at = /(?:^|[\s"(])kt\s/.exec(example);
  if (!at) return undefined;
  const rest = example.slice(at.index + at[0].length).split(/\s(?:\||>|<|&&|;|#)|\)"?$|\)\s/)[0];
  const w = words(rest);
  let id = '';
  for (let n = 1; n <= Math.min(3, w.length); n++) {
    const cand = w.slice(0, n).join(':');
    if (ids.includes(cand)) id = cand;
  }
  return id ? { id, args: w.slice(id.split(':').length) } : undefined;
}

function checkFlags(cmd: CachedCommand, args: string[]): string[] {
  const bad: string[] = [];
  const flags = Object.values(cmd.flags);
  const byLong = new Map<string, (typeof flags)[number]>();
  for (const f of flags) {
    byLong.set(f.name, f);
    for (const a of f.aliases ?? []) byLong.set(a, f);
    if (f.type === 'boolean' && f.allowNo) byLong.set(`no-${f.name}`, f);
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    let f: (typeof flags)[number] | undefined;
    if (a.startsWith('--') && a.length > 2) {
      const name = a.slice(2).split('=')[0];
      f = byLong.get(name);
      if (!f) bad.push(a);
      else if (f.type === 'option' && !a.includes('=')) i++;
    } else if (/^-[A-Za-z]$/.test(a)) {
      f = flags.find((x) => x.char === a[1]);
      if (!f) bad.push(a);
      else if (f.type === 'option') i++;
    }
  }
  return bad;
}

/** oclif's help text of one command (formatCommand is protected; a subclass exposes it). */
class TextHelp extends KtHelp {
  text(cmd: CachedCommand): string {
    return this.formatCommand(cmd as Parameters<Help['formatCommand']>[0]);
  }
}

test('every command has at least one example, and oclif renders them under EXAMPLES', async () => {
  const config = await freshConfig(); // its own: oclif's Help rewrites the ids it formats ('a:b' → 'a b')
  const help = new TextHelp(config, { stripAnsi: true });
  const commands = visibleCommands(config);
  assert.ok(commands.length >= 35, `${commands.length} commands`);
  for (const cmd of commands) {
    const examples = exampleLines(cmd, config.bin);
    assert.ok(examples.length >= 1, `kt ${cmd.id.replace(/:/g, ' ')} has no example`);
    const text = help.text(cmd);
    assert.match(text, /EXAMPLES/, cmd.id);
    assert.ok(text.includes(examples[0].command), `${cmd.id}: first example rendered`);
    // every example is a shell line with "$ " (pipelines that start with printf or seq too)
    const section = text.slice(text.indexOf('EXAMPLES\n') + 9).split(/\n(?=[A-Z])/)[0];
    for (const line of section.split('\n').filter((l) => /^  \S/.test(l))) {
      assert.match(line, /^  \$ /, `${cmd.id}: an example without "$ ": ${line}`);
    }
  }
});

test('every example runs a real command with flags that command has; each command has an example of itself', async () => {
  const config = await configPromise;
  const all = config.commands; // aliases included: examples may use them
  const ids = all.map((c) => c.id);
  const problems: string[] = [];
  for (const cmd of visibleCommands(config)) {
    let self = false;
    for (const e of exampleLines(cmd, config.bin)) {
      const inv = invocation(e.command, ids);
      if (!inv) {
        problems.push(`${cmd.id}: '${e.command}' runs no kt command`);
        continue;
      }
      const target = all.find((c) => c.id === inv.id)!;
      if (inv.id === cmd.id || (cmd.aliases ?? []).includes(inv.id)) self = true;
      const bad = checkFlags(target, inv.args);
      if (bad.length) problems.push(`${cmd.id}: '${e.command}' uses ${bad.join(', ')}, unknown to kt ${inv.id.replace(/:/g, ' ')}`);
    }
    if (!self) problems.push(`${cmd.id}: no example runs kt ${cmd.id.replace(/:/g, ' ')} itself`);
  }
  assert.deepEqual(problems, []);
});

test('kt profile --help and kt completion --help (as processes) show their examples', async () => {
  for (const args of [['profile', 'add', '--help'], ['completion', '--help']]) {
    const r = await kt(args);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.out, /EXAMPLES\n\s+\$ (kt|eval)/);
  }
});
