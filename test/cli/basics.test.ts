// The CLI as a process, without a broker: version, help, usage errors, unreachable broker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kt, REPO as ROOT } from '../helpers.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

test('kt --version prints the version and exits 0', async () => {
  const r = await kt(['--version']);
  assert.equal(r.code, 0);
  assert.match(r.out, new RegExp(`^kt/${pkg.version.replace(/\./g, '\\.')} `));
});

test('kt --help lists the commands', async () => {
  const r = await kt(['--help']);
  assert.equal(r.code, 0);
  for (const c of ['produce', 'consume', 'topics']) assert.match(r.out, new RegExp(`\\b${c}\\b`));
});

test('command help shows description, connection flags and examples', async () => {
  for (const c of [['produce'], ['consume'], ['topics'], ['topics', 'create'], ['topics', 'describe']]) {
    const r = await kt([...c, '--help']);
    assert.equal(r.code, 0, c.join(' '));
    assert.match(r.out, /EXAMPLES/);
    assert.match(r.out, /--bootstrap-server/);
    assert.match(r.out, /\$ kt /);
  }
});

test('unknown flag → exit 2 with one kt: error line', async () => {
  const r = await kt(['consume', '--topic', 't', '--no-such-flag']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^kt: error: unknown flag --no-such-flag/m);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.equal(r.out, '');
});

test('unknown command → exit 2', async () => {
  const r = await kt(['nosuchcommand']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /kt: error: .*nosuchcommand/);
});

test('bad --offset → exit 2 with the grammar, before connecting', async () => {
  for (const bad of ['foo', '@yesterday', '1.5', '@-3x']) {
    const r = await kt(['consume', '-b', '127.0.0.1:1', '--topic', 't', '--offset', bad]);
    assert.equal(r.code, 2, bad);
    assert.match(r.stderr, new RegExp(`kt: error: invalid --offset '${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'`));
    assert.match(r.stderr, /earliest\|beginning, latest\|end/);
  }
});

test('absolute --offset without --partition → exit 2', async () => {
  const r = await kt(['consume', '-b', '127.0.0.1:1', '--topic', 't', '--offset', '5']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /needs --partition/);
});

test('--offset with --from-beginning → exit 2', async () => {
  const r = await kt(['consume', '-b', '127.0.0.1:1', '--topic', 't', '--offset', '-1', '--from-beginning']);
  assert.equal(r.code, 2);
});

test('unknown --format token → exit 2 naming it', async () => {
  const r = await kt(['consume', '-b', '127.0.0.1:1', '--topic', 't', '--format', '%v %q']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown --format token '%q'/);
});

test('unknown --property → exit 2 (consume and produce)', async () => {
  const c = await kt(['consume', '-b', '127.0.0.1:1', '--topic', 't', '--property', 'print.kye=true']);
  assert.equal(c.code, 2);
  assert.match(c.stderr, /print\.kye/);
  const p = await kt(['produce', '-b', '127.0.0.1:1', '--topic', 't', '--property', 'parse.kye=true'], { stdin: 'x\n' });
  assert.equal(p.code, 2);
});

test('missing --topic without a TTY → exit 2, no prompt, no wait', async () => {
  const c = await kt(['consume', '-b', '127.0.0.1:1']);
  assert.equal(c.code, 2);
  assert.match(c.stderr, /missing --topic/);
  const p = await kt(['produce', '-b', '127.0.0.1:1'], { stdin: 'x\n' });
  assert.equal(p.code, 2);
  assert.match(p.stderr, /missing --topic/);
  const d = await kt(['topics', '--delete', '-b', '127.0.0.1:1']);
  assert.equal(d.code, 2);
});

test('bad --bootstrap-server → exit 2', async () => {
  const r = await kt(['topics', 'list', '-b', 'nohostnoport']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad broker address/);
});

test('unreachable broker → exit 1, one clear line', async () => {
  for (const args of [
    ['consume', '--topic', 't'],
    ['produce', '--topic', 't'],
    ['topics', 'list'],
  ]) {
    const r = await kt([...args, '-b', '127.0.0.1:1'], { stdin: 'x\n' });
    assert.equal(r.code, 1, args.join(' '));
    const errLines = r.stderr.split('\n').filter((l) => l.startsWith('kt: error:'));
    assert.deepEqual(errLines, ['kt: error: cannot connect to 127.0.0.1:1: connection refused — is the broker running? try kt local start']);
    assert.doesNotMatch(r.stderr, /\bat \w+ \(/, 'no stack trace without --debug');
  }
});

test('--debug adds the stack', async () => {
  const r = await kt(['topics', 'list', '-b', '127.0.0.1:1', '--debug']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\n\s+at /);
});

test('aliases --broker-list and --brokers are accepted', async () => {
  for (const flag of ['--broker-list', '--brokers']) {
    const r = await kt(['topics', 'list', flag, '127.0.0.1:1']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /127\.0\.0\.1:1/);
  }
});

test('a password in -X never shows up in output', async () => {
  const r = await kt(['topics', 'list', '-b', '127.0.0.1:1', '--debug', '-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanism=PLAIN', '-X', 'sasl.jaas.config=x required username="u" password="VerySecret123";']);
  assert.equal(r.code, 1);
  assert.doesNotMatch(r.stderr + r.out, /VerySecret123/);
});

test('KT_BOOTSTRAP_SERVERS and profiles are used', async () => {
  const { isolatedEnv } = await import('../helpers.js');
  const r = await kt(['topics', 'list'], { env: isolatedEnv({ KT_BOOTSTRAP_SERVERS: '127.0.0.1:2' }) });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /127\.0\.0\.1:2/);
  const p = await kt(['topics', 'list', '--profile', 'nope']);
  assert.equal(p.code, 2);
  assert.match(p.stderr, /no profile named 'nope'/);
});

test('every oclif parse error is a usage error (exit 2) on one line', async () => {
  const cases: string[][] = [
    ['topics', 'create', 'x', '--partitions', 'abc'],
    ['consume', '-t', 'x', '--topic', 'y'],
    ['consume', '-t', 'x', '--max-messages', '0'],
    ['produce', '-t', 'x', '--input', 'yaml'],
    ['topics', '--create', '--list'],
    ['consume', '-t', 'x', '--format', '%v', '--output', 'json'],
  ];
  for (const args of cases) {
    const r = await kt([...args, '-b', '127.0.0.1:1']);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^kt: error: /);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});
