// kt completion bash|zsh: the scripts complete commands, subcommands, flags and values from
// the command definitions, and topic/group/profile names through the hidden fast path.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ARG_KINDS, ARG_OPTIONS, FREE_ARGS } from '../../src/cli/completion.js';
import { connectionFlags, shellWords } from '../../src/cli/completeNames.js';
import { freshConfig, visibleCommands } from '../../src/dev/commands.js';
import { forTheFile, freePort, isolatedEnv, KT, kt, requirePeer, run, tempDir, testBroker } from '../helpers.js';
import { sh, Terminal } from '../interactive/terminal.js';

// names from the test cluster must arrive however loaded the machine is: the budget that keeps
// a real TAB quick is lifted here (the give-up path has its own tests below)
const env = isolatedEnv({ KT_COMPLETE_BUDGET_MS: '60000' });
let bashFile: string;
let zshFile: string;

const broker = await forTheFile(testBroker());
const B = broker.bootstrap;
before(async () => {
  assert.equal((await kt(['topics', 'create', 'comp-alpha', 'comp-beta', '-b', B], { env })).code, 0);
  assert.equal((await kt(['produce', '-t', 'comp-alpha', '-b', B], { env, stdin: 'x\n' })).code, 0);
  assert.equal((await kt(['consume', '-t', 'comp-alpha', '-g', 'comp-group', '--from-beginning', '--exit', '-b', B], { env })).code, 0);
  assert.equal((await kt(['profile', 'add', 'comp-prof', '-b', B], { env })).code, 0);
  const dir = tempDir();
  const b = await kt(['completion', 'bash'], { env });
  assert.equal(b.code, 0, b.stderr);
  bashFile = path.join(dir, 'kt.bash');
  fs.writeFileSync(bashFile, b.out);
  const z = await kt(['completion', 'zsh'], { env });
  assert.equal(z.code, 0, z.stderr);
  zshFile = path.join(dir, '_kt');
  fs.writeFileSync(zshFile, z.out);
});

/** Runs _kt in bash for each command line (the last word is being completed); COMPREPLY sorted. */
async function bashComplete(lines: string[][]): Promise<string[][]> {
  // as bash sets them: COMP_LINE/COMP_POINT hold the line, COMP_WORDS its words
  const body = lines.map((words) => {
    const line = words.map((w) => (w === '' ? '' : sh(w))).join(' ');
    return `COMP_WORDS=(${words.map((w) => (w === '' ? "''" : sh(w))).join(' ')}); COMP_CWORD=${words.length - 1}; COMP_LINE=${sh(line)}; COMP_POINT=\${#COMP_LINE}; _kt; printf '%s\\n' "\${COMPREPLY[*]}"`;
  }).join('\n');
  const r = await run('bash', ['--norc', '--noprofile', '-c', `source ${sh(bashFile)}\n${body}`], { env });
  assert.equal(r.code, 0, r.stderr);
  return r.out.split('\n').slice(0, lines.length).map((l) => l.split(' ').filter(Boolean).sort());
}

test('bash: commands, subcommands, flags, flag choices, --flag=value, files', async () => {
  const syntax = await run('bash', ['-n', bashFile]);
  assert.equal(syntax.code, 0, syntax.stderr);
  const got = await bashComplete([
    ['kt', ''],
    ['kt', 'pro'],
    ['kt', 'topics', 'de'],
    ['kt', 'profile', ''],
    ['kt', 'consume', '--from'],
    ['kt', 'consume', '-t', 'x', '--output', ''],
    ['kt', 'consume', '--output', '=', 'j'],
    ['kt', 'produce', '--compression', ''],
    ['kt', 'completion', ''],
    ['kt', 'local', 'start', '--data-dir', '/'],
    ['kt', 'topics', 'create', ''],
  ]);
  assert.ok(got[0].includes('consume') && got[0].includes('topics') && got[0].includes('profile') && got[0].includes('completion'), got[0].join(' '));
  assert.deepEqual(got[1], ['produce', 'profile']);
  assert.deepEqual(got[2], ['delete', 'describe']);
  assert.deepEqual(got[3], ['add', 'list', 'remove', 'show', 'use']);
  assert.deepEqual(got[4], ['--from-beginning']);
  assert.deepEqual(got[5], ['json', 'text']);
  assert.deepEqual(got[6], ['json']);
  assert.deepEqual(got[7], ['gzip', 'lz4', 'none', 'snappy', 'zstd']);
  assert.deepEqual(got[8], ['bash', 'zsh']);
  assert.ok(got[9].includes('/tmp'), `directories: ${got[9].join(' ')}`);
  assert.deepEqual(got[10], [], 'a new topic name: nothing to offer');
});

test('bash: topic, group and profile names from the cluster and the config', async () => {
  const got = await bashComplete([
    ['kt', 'consume', '-b', B, '-t', 'comp-'],
    ['kt', 'topics', 'describe', '--bootstrap-server', B, 'comp-a'],
    ['kt', 'groups', 'describe', '-b', B, ''],
    ['kt', 'consume', '--profile', 'comp-prof', '--group', ''],
    ['kt', 'topics', 'list', '--profile', ''],
    ['kt', 'profile', 'use', ''],
  ]);
  assert.deepEqual(got[0], ['comp-alpha', 'comp-beta']);
  assert.deepEqual(got[1], ['comp-alpha']);
  assert.deepEqual(got[2], ['comp-group']);
  assert.deepEqual(got[3], ['comp-group'], 'the connection of --profile');
  assert.deepEqual(got[4], ['comp-prof']);
  assert.deepEqual(got[5], ['comp-prof']);
});

test('zsh: the same candidates (_kt_candidates), and the script loads with compinit', async (t) => {
  const missing = requirePeer('zsh');
  if (missing) {
    console.log(`# skipping zsh completion: ${missing} (apt-get install zsh)`);
    t.skip(missing);
    return;
  }
  const cases: string[][] = [
    ['kt', 'topics', ''],
    ['kt', 'consume', '--output', ''],
    ['kt', 'consume', '--output=j'],
    ['kt', 'consume', '-b', B, '-t', ''],
    ['kt', 'groups', 'describe', '-b', B, ''],
    ['kt', 'profile', 'show', ''],
    ['kt', 'produce', '--file', ''],
  ];
  const body = cases.map((w) => `words=(${w.map((x) => (x === '' ? "''" : sh(x))).join(' ')}); CURRENT=${w.length}; _kt_candidates; print -r -- "$REPLY|\${(j: :)reply}"`).join('\n');
  const r = await run('zsh', ['-f', '-c', `autoload -Uz compinit && compinit -u -D\nsource ${sh(zshFile)}\n${body}`], { env });
  assert.equal(r.code, 0, r.stderr);
  const out = r.out.trimEnd().split('\n').map((l, i) => (i === 0 ? l : l.replace(/\|(.*)$/, (_m, w: string) => `|${w.split(' ').filter(Boolean).sort().join(' ')}`)));
  assert.equal(out[0], 'describe|alter:Add partitions to a topic or change its configs. create:Create topics. delete:Delete topics and their data. describe:Describe topics: partitions, leaders, replicas, ISR, watermarks, configs. list:List topics.');
  assert.equal(out[1], 'values|json text');
  assert.equal(out[2], 'values|json text');
  assert.equal(out[3], 'values|comp-alpha comp-beta');
  assert.equal(out[4], 'values|comp-group');
  assert.equal(out[5], 'values|comp-prof');
  assert.equal(out[6], 'files|');
});

test('the name lookup never starts the local broker and answers nothing when the cluster does not', async () => {
  const quiet = isolatedEnv(); // no profile, no running local broker
  const local = await kt(['completion', '--complete', 'topics', '--', 'consume', '-t', ''], { env: quiet });
  assert.equal(local.code, 0, local.stderr);
  assert.equal(local.out, '');
  assert.equal(fs.existsSync(path.join(quiet.KT_DATA_DIR!, 'local.json')), false, 'the local broker was not started');
  const closed = await freePort();
  for (const target of [`127.0.0.1:${closed}`, '10.255.255.1:9092']) {
    const r = await kt(['completion', '--complete', 'groups', '--', 'groups', 'describe', '-b', target], { env: quiet });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.out, '');
    assert.equal(r.stderr, '');
  }
});

test('the name lookup gives up at its deadline when a server accepts but never answers', async () => {
  // timing is the benchmark's business; here: the deadline path resolves (a hang would time the test out)
  const sockets: net.Socket[] = [];
  const silent = net.createServer((sock) => sockets.push(sock)).listen(0, '127.0.0.1');
  await once(silent, 'listening');
  const port = (silent.address() as net.AddressInfo).port;
  try {
    const { completeNames } = await import('../../src/cli/completeNames.js');
    assert.deepEqual(await completeNames('groups', ['groups', 'describe', '-b', `127.0.0.1:${port}`], 300), []);
  } finally {
    for (const sock of sockets) sock.destroy();
    silent.close();
  }
});

test('connectionFlags reads every spelling of the connection flags', () => {
  assert.deepEqual(connectionFlags(['consume', '-b', 'h:1', '-t', 'x']), { 'bootstrap-server': 'h:1' });
  assert.deepEqual(connectionFlags(['--bootstrap-server=h:2', '--broker-list', 'h:3']), { 'bootstrap-server': 'h:3' });
  assert.deepEqual(connectionFlags(['-bh:4', '--profile', 'p', '--local', '-X', 'a=b', '--command-property=c=d', '--command-config', 'f']), {
    'bootstrap-server': 'h:4', profile: 'p', local: true, X: ['a=b', 'c=d'], 'command-config': 'f',
  });
  assert.deepEqual(connectionFlags(['-b', '']), {}, 'a flag still being typed is ignored');
});

test('shellWords splits COMP_LINE as the shell would (HOST:PORT stays one word)', () => {
  assert.deepEqual(shellWords('kt consume -b 127.0.0.1:9092 -t '), ['kt', 'consume', '-b', '127.0.0.1:9092', '-t']);
  assert.deepEqual(shellWords(`kt x -X 'sasl.jaas.config=M required password="a b";' "q\\"d" e\\ f`), ['kt', 'x', '-X', 'sasl.jaas.config=M required password="a b";', 'q"d', 'e f']);
  assert.deepEqual(shellWords('kt ""'), ['kt', '']);
});

test('every command with positional arguments says what they complete to', async () => {
  const config = await freshConfig();
  const unclassified = visibleCommands(config)
    .filter((c) => Object.keys(c.args ?? {}).length > 0 || c.strict === false)
    .filter((c) => !(c.id in ARG_KINDS) && !FREE_ARGS.has(c.id) && !(c.id in ARG_OPTIONS) && !Object.values(c.args ?? {}).some((a) => a.options?.length))
    .map((c) => c.id);
  assert.deepEqual(unclassified, [], 'add them to ARG_KINDS, ARG_OPTIONS or FREE_ARGS in src/cli/completion.ts');
});

test('in a real bash (tmux): Tab completes a command, then a topic from the cluster', { timeout: 120_000 }, async (t) => {
  const missing = requirePeer('tmux');
  if (missing) {
    console.log(`# skipping interactive completion: ${missing}`);
    t.skip(missing);
    return;
  }
  const bin = tempDir();
  fs.writeFileSync(path.join(bin, 'kt'), `#!/bin/sh\nexec ${sh(process.execPath)} ${sh(KT)} "$@"\n`, { mode: 0o755 });
  const termEnv: Record<string, string | undefined> = { ...env, PATH: `${bin}:${process.env.PATH}`, PS1: '$ ', HISTFILE: '/dev/null' };
  delete termEnv.CI;
  const term = await Terminal.start('bash --norc --noprofile -i', { env: termEnv });
  try {
    await term.type('eval "$(kt completion bash)" && echo COMPLETION-LOADED');
    await term.send('Enter');
    await term.waitFor(/^COMPLETION-LOADED$/m);
    await term.type('kt cons');
    await term.send('Tab');
    await term.waitFor(/ kt consume$/m); // the screen's trailing blanks are trimmed
    await term.type(`-b ${B} -t comp-a`);
    await term.send('Tab');
    await term.waitFor(new RegExp(` kt consume -b ${B.replace(/\./g, '\\.')} -t comp-alpha$`, 'm'));
  } finally {
    await term.close();
  }
});

test('in a real zsh (tmux): Tab lists subcommands with their summaries and completes a flag', { timeout: 120_000 }, async (t) => {
  const missing = requirePeer('tmux') || requirePeer('zsh');
  if (missing) {
    console.log(`# skipping interactive zsh completion: ${missing}`);
    t.skip(missing);
    return;
  }
  const bin = tempDir();
  fs.writeFileSync(path.join(bin, 'kt'), `#!/bin/sh\nexec ${sh(process.execPath)} ${sh(KT)} "$@"\n`, { mode: 0o755 });
  const termEnv: Record<string, string | undefined> = { ...env, PATH: `${bin}:${process.env.PATH}`, ZDOTDIR: bin, PS1: '%% ' };
  delete termEnv.CI;
  const term = await Terminal.start('zsh -f', { env: termEnv });
  try {
    await term.type('autoload -Uz compinit && compinit -u && eval "$(kt completion zsh)" && echo COMPLETION-LOADED');
    await term.send('Enter');
    await term.waitFor(/^COMPLETION-LOADED$/m);
    await term.type('kt topics ');
    await term.send('Tab');
    await term.waitFor(/^describe\s+-- Describe topics: partitions/m);
    await term.send('C-c');
    await term.type('kt consume --from-b');
    await term.send('Tab');
    await term.waitFor(/kt consume --from-beginning$/m);
  } finally {
    await term.close();
  }
});
