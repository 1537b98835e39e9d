// kt profile add|use|list|show|remove as processes; profiles used by commands against an
// in-process broker; secrets never printed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Broker } from '../../src/index.js';
import { isolatedEnv, kt, testBroker } from '../helpers.js';

const SECRET = 'hunter2-Very-Secret';
let broker: Broker;
before(async () => {
  broker = await testBroker();
});
after(async () => {
  await broker?.stop();
});

const noSecret = (r: { out: string; stderr: string }, what: string) => {
  assert.ok(!r.out.includes(SECRET) && !r.stderr.includes(SECRET), `${what} printed the secret:\n${r.out}\n${r.stderr}`);
};

test('add → list → show → use → remove; the config file is 0600 and holds the secret; output never does', async () => {
  const env = isolatedEnv();
  const add = await kt(['profile', 'add', 'prod', '-b', 'kafka1:9093,kafka2:9093', '-X', 'security.protocol=SASL_SSL', '-X', 'sasl.mechanism=SCRAM-SHA-512', '--username', 'app', '--password-stdin'], { env, stdin: `${SECRET}\n` });
  assert.equal(add.code, 0, add.stderr);
  assert.equal(add.out, 'Created profile prod.\n');
  noSecret(add, 'add');
  const file = path.join(env.KT_CONFIG_DIR!, 'config.json');
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.equal(fs.statSync(env.KT_CONFIG_DIR!).mode & 0o777, 0o700);
  const cfg = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(cfg.profiles.prod.bootstrap, 'kafka1:9093,kafka2:9093');
  assert.equal(cfg.profiles.prod.properties['sasl.jaas.config'], `org.apache.kafka.common.security.scram.ScramLoginModule required username="app" password="${SECRET}";`);
  assert.equal(cfg.current, undefined, 'add does not switch without --use');

  const dev = await kt(['profile', 'add', 'dev', '-b', broker.bootstrap, '--use'], { env });
  assert.equal(dev.code, 0, dev.stderr);
  assert.equal(dev.out, 'Created profile dev.\nSwitched to profile dev.\n');

  const list = await kt(['profile', 'list'], { env });
  assert.equal(list.code, 0, list.stderr);
  const rows = list.out.trimEnd().split('\n');
  assert.match(rows[0], /^CURRENT\s+NAME\s+BOOTSTRAP\s+SECURITY$/);
  assert.match(rows[1], new RegExp(`^\\*\\s+dev\\s+${broker.bootstrap}\\s+PLAINTEXT$`));
  assert.match(rows[2], /^\s+prod\s+kafka1:9093,kafka2:9093\s+SASL_SSL \(SCRAM-SHA-512\)$/);
  noSecret(list, 'list');

  for (const args of [['profile', 'show', 'prod'], ['profile', 'show', 'prod', '--json'], ['profile', 'list', '--json'], ['profile', '--json']]) {
    const r = await kt(args, { env });
    assert.equal(r.code, 0, r.stderr);
    noSecret(r, args.join(' '));
  }
  const show = await kt(['profile', 'show', 'prod'], { env });
  assert.match(show.out, /^bootstrap\.servers=kafka1:9093,kafka2:9093$/m);
  assert.match(show.out, /^sasl\.jaas\.config=org\.apache\.kafka\.common\.security\.scram\.ScramLoginModule required username="app" password="\*\*\*";$/m);
  const shown = JSON.parse((await kt(['profile', 'show', '--json'], { env })).out);
  assert.equal(shown.name, 'dev', 'without a name: the current profile');

  const use = await kt(['profile', 'use', 'prod'], { env });
  assert.equal(use.code, 0, use.stderr);
  assert.equal(use.out, 'Switched to profile prod (kafka1:9093,kafka2:9093).\n');
  const rm = await kt(['profile', 'remove', 'prod', '--yes'], { env });
  assert.equal(rm.code, 0, rm.stderr);
  assert.equal(rm.out, 'Removed profile prod.\n');
  const after = JSON.parse((await kt(['profile', 'list', '--json'], { env })).out);
  assert.equal(after.current, null, 'removing the current profile clears current');
  assert.deepEqual(after.profiles.map((p: { name: string }) => p.name), ['dev']);
});

test('commands connect through --profile, KT_PROFILE and the current profile', async () => {
  const env = isolatedEnv();
  assert.equal((await kt(['profile', 'add', 'here', '-b', broker.bootstrap], { env })).code, 0);
  assert.equal((await kt(['profile', 'add', 'nowhere', '-b', '127.0.0.1:1'], { env })).code, 0);
  const c = await kt(['topics', 'create', 'via-profile', '--profile', 'here'], { env });
  assert.equal(c.code, 0, c.stderr);
  const viaEnv = await kt(['topics', 'list'], { env: { ...env, KT_PROFILE: 'here' } });
  assert.equal(viaEnv.code, 0, viaEnv.stderr);
  assert.match(viaEnv.out, /^via-profile$/m);
  assert.equal((await kt(['profile', 'use', 'here'], { env })).code, 0);
  const viaCurrent = await kt(['topics', 'list'], { env });
  assert.match(viaCurrent.out, /^via-profile$/m);
  // the unreachable-broker error names the address it tried, with the hint
  const dead = await kt(['topics', 'list', '--profile', 'nowhere'], { env, timeoutMs: 15_000 });
  assert.equal(dead.code, 1);
  assert.equal(dead.out, '');
  assert.match(dead.stderr, /^kt: error: cannot connect to 127\.0\.0\.1:1: .* — is the broker running\?/m);
  const none = await kt(['topics', 'list', '--profile', 'missing'], { env });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no profile named 'missing'.*known profiles: here, nowhere/);
});

test('a secret in a profile stays out of error messages when the broker refuses', async () => {
  const env = isolatedEnv();
  const add = await kt(['profile', 'add', 'sasl', '-b', '127.0.0.1:1', '-X', 'security.protocol=SASL_PLAINTEXT', '-X', `sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="${SECRET}";`], { env });
  assert.equal(add.code, 0, add.stderr);
  noSecret(add, 'add with -X');
  const r = await kt(['topics', 'list', '--profile', 'sasl', '--debug'], { env, timeoutMs: 15_000 });
  assert.equal(r.code, 1);
  noSecret(r, 'a failing command with --debug');
});

test('without a terminal: missing --bootstrap-server or password is a usage error (exit 2, nothing written)', async () => {
  const env = isolatedEnv();
  const a = await kt(['profile', 'add', 'x'], { env });
  assert.equal(a.code, 2);
  assert.equal(a.out, '');
  assert.match(a.stderr, /kt: error: missing --bootstrap-server/);
  const b = await kt(['profile', 'add', 'x', '-b', 'h:1', '-X', 'security.protocol=SASL_SSL', '--username', 'u'], { env });
  assert.equal(b.code, 2);
  assert.match(b.stderr, /missing the SASL password .*--password-stdin/);
  const c = await kt(['profile', 'add', 'x', '-b', 'h:1', '--username', 'u'], { env });
  assert.equal(c.code, 2);
  assert.match(c.stderr, /need SASL/);
  const d = await kt(['profile', 'add', 'bad name', '-b', 'h:1'], { env });
  assert.equal(d.code, 2);
  const e = await kt(['profile', 'add', 'x', '-b', 'h:1', '-X', 'security.protocol=SSL', '-X', 'ssl.ca.location=/no/such/ca.pem'], { env });
  assert.equal(e.code, 2);
  assert.match(e.stderr, /cannot read ssl\.ca\.location \/no\/such\/ca\.pem: no such file/);
  const u = await kt(['profile', 'use'], { env });
  assert.equal(u.code, 2);
  assert.equal(fs.existsSync(path.join(env.KT_CONFIG_DIR!, 'config.json')), false, 'nothing was written');
});

test('--command-config copies a properties file (bootstrap.servers included); --force replaces; duplicates fail', async () => {
  const env = isolatedEnv();
  fs.mkdirSync(env.KT_CONFIG_DIR!, { recursive: true });
  const props = path.join(env.KT_CONFIG_DIR!, '..', 'client.properties');
  fs.writeFileSync(props, `bootstrap.servers=k1:9092\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="${SECRET}";\n`);
  const a = await kt(['profile', 'add', 'cc', '--command-config', props, '--json'], { env });
  assert.equal(a.code, 0, a.stderr);
  assert.deepEqual(JSON.parse(a.out), { name: 'cc', bootstrap: 'k1:9092', securityProtocol: 'SASL_PLAINTEXT', replaced: false, current: false, path: path.join(env.KT_CONFIG_DIR!, 'config.json') });
  const again = await kt(['profile', 'add', 'cc', '-b', 'k2:9092'], { env });
  assert.equal(again.code, 1);
  assert.match(again.stderr, /profile 'cc' already exists — pass --force/);
  const forced = await kt(['profile', 'add', 'cc', '-b', 'k2:9092', '--force'], { env });
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(forced.out, 'Replaced profile cc.\n');
  const gone = await kt(['profile', 'remove', 'nope'], { env });
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /no profile named 'nope'/);
  assert.equal((await kt(['profile', 'remove', 'nope', '--if-exists'], { env })).code, 0);
  const none = await kt(['profile', 'use', '--none'], { env });
  assert.equal(none.code, 0);
  assert.match(none.out, /bundled local broker/);
});
