// kt profile add in a terminal (tmux): asks for the bootstrap servers, the SASL username and
// a hidden password; the password is masked on screen and lands only in the 0600 file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { isolatedEnv, KT, requirePeer } from '../helpers.js';
import { sh, Terminal } from '../interactive/terminal.js';

test('kt profile add prompts for what is missing in a terminal; the password is masked', { timeout: 120_000 }, async (t) => {
  const missing = requirePeer('tmux');
  if (missing) {
    console.log(`# skipping the profile prompt test: ${missing}`);
    t.skip(missing);
    return;
  }
  const env = isolatedEnv();
  delete env.CI;
  const secret = 'Typed-Secret-42';
  const line = [process.execPath, KT, 'profile', 'add', 'prod', '-X', 'security.protocol=SASL_SSL', '-X', 'sasl.mechanism=SCRAM-SHA-256', '--use'].map(sh).join(' ');
  const term = await Terminal.start(line, { env });
  try {
    await term.waitFor(/Bootstrap servers/);
    await term.type('not-an-address');
    await term.send('Enter');
    await term.waitFor(/bad broker address 'not-an-address'/);
    for (let i = 0; i < 'not-an-address'.length; i++) await term.send('BSpace');
    await term.type('kafka1:9093');
    await term.send('Enter');
    await term.waitFor(/SASL username \(SCRAM-SHA-256\)/);
    await term.type('app');
    await term.send('Enter');
    await term.waitFor(/Password for app/);
    await term.type(secret);
    const masked = await term.waitFor(/Password for app.*\*{5}/);
    assert.ok(!masked.includes(secret), 'the password is not echoed');
    await term.send('Enter');
    const done = await term.waitFor(/Switched to profile prod\./);
    assert.ok(!done.includes(secret));
    assert.equal(await term.waitForExit(), 0);
  } finally {
    await term.close();
  }
  const file = path.join(env.KT_CONFIG_DIR!, 'config.json');
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  const cfg = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(cfg.current, 'prod');
  assert.equal(cfg.profiles.prod.bootstrap, 'kafka1:9093');
  assert.equal(cfg.profiles.prod.properties['sasl.jaas.config'], `org.apache.kafka.common.security.scram.ScramLoginModule required username="app" password="${secret}";`);
});
