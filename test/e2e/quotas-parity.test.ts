// kt configs and Apache's kafka-configs (ConfigCommand) with the same client-quota arguments,
// on the bundled broker and Apache Kafka 4.4: the same stdout, stderr and exit code for
// successes; for refusals kt prints Apache's message as one `kt: error:` line (README: kt's
// error convention). Default entities only on the bundled broker: on the shared Apache node
// they belong to test/e2e/differential-quotas.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runTool, TOOLS, type ToolResult } from '../kafka/kafka.js';
import type { RunResult } from '../helpers.js';
import { forEachTarget } from './targets.js';

forEachTarget((t) => {
  const apache = (args: string[]) => runTool(TOOLS.configs, ['--bootstrap-server', t.bootstrap, ...args]);
  const ktc = (args: string[]) => t.kt(['configs', ...args]);
  const show = (a: ToolResult, k: RunResult) => `apache (${a.code}): ${a.stdout}${a.stderr}\nkt (${k.code}): ${k.out}${k.stderr}`;

  /** Both print the same bytes and exit 0 (asked again, a bounded number of times, while Apache's broker catches up with an alter). */
  const same = async (args: string[]) => {
    let a: ToolResult;
    let k: RunResult;
    let n = 0;
    do {
      a = await apache(args);
      k = await ktc(args);
    } while ((a.stdout !== k.out || a.code !== k.code) && ++n < 10);
    assert.equal(a.code, 0, show(a, k));
    assert.equal(k.code, 0, show(a, k));
    assert.equal(k.out, a.stdout, args.join(' '));
    assert.equal(k.stderr, a.stderr, args.join(' '));
    return k.out;
  };

  /** Both refuse: kt prints Apache's message (its first line, or the broker's exception text) after `kt: error: `. */
  const refused = async (args: string[], ktCode: number) => {
    const a = await apache(args);
    const k = await ktc(args);
    assert.equal(a.code, 1, show(a, k));
    assert.equal(k.code, ktCode, show(a, k));
    assert.equal(k.out, '');
    assert.equal(a.stdout, '');
    const cause = /^java\.util\.concurrent\.ExecutionException: org\.apache\.kafka\.common\.errors\.\w+: (.*)$/m.exec(a.stderr);
    if (cause) assert.equal(k.stderr, `kt: error: ${cause[1]} (INVALID_REQUEST)\n`, show(a, k));
    else assert.equal(k.stderr, `kt: error: ${a.stderr}`, show(a, k));
  };

  test('kt configs --alter/--describe of client quotas prints what kafka-configs prints', async () => {
    const user = t.unique('qp-user');
    const client = t.unique('qp-client');
    const other = t.unique('qp-other');
    const ip = t.name === 'bundled' ? '127.0.0.21' : '127.0.0.22';
    const U = ['--entity-type', 'users', '--entity-name', user];
    const C = ['--entity-type', 'clients', '--entity-name', client];
    const UC = [...U, ...C];

    // the same alter twice (Apache's, then kt's) leaves the same state and prints the same line
    for (const args of [
      [...U, '--add-config', 'producer_byte_rate=1024,consumer_byte_rate=10485760'],
      [...C, '--add-config', 'request_percentage=12.5,consumer_byte_rate=2048,producer_byte_rate=4096'],
      [...UC, '--add-config', 'controller_mutation_rate=3'],
      ['--entity-type', 'clients', '--entity-name', other, '--add-config', 'request_percentage=0.0001'],
      ['--client', other, '--add-config', 'consumer_byte_rate=77'],
      ['--entity-type', 'ips', '--entity-name', ip, '--add-config', 'connection_creation_rate=10'],
    ]) {
      assert.match(await same(['--alter', ...args]), /^Completed updating config for (user|client|ip) /);
    }

    assert.equal(await same(['--describe', ...U]), `Quota configs for user-principal '${user}' are consumer_byte_rate=1.048576E7, producer_byte_rate=1024.0\n`);
    assert.match(await same(['--describe', ...C]), new RegExp(`^Quota configs for client-id '${client}' are .*request_percentage=12.5`));
    assert.equal(await same(['--describe', ...UC]), `Quota configs for user-principal '${user}', client-id '${client}' are controller_mutation_rate=3.0\n`);
    await same(['--describe', '--user', user, '--client', client]);
    await same(['--describe', '--entity-type', 'clients', '--entity-name', other]);
    await same(['--describe', '--entity-type', 'ips', '--entity-name', ip]);
    // every client id, every user's client: several entities, in Apache's order
    await same(['--describe', '--entity-type', 'clients']);
    await same(['--describe', '--entity-type', 'users', '--entity-type', 'clients']);
    // a user with SCRAM credentials (set by Apache's tool): its quotas, then its credentials
    const scramUser = t.unique('qp-scram');
    for (const cred of ['SCRAM-SHA-256=[iterations=4096,password=pw]', 'SCRAM-SHA-512=[iterations=8192,password=pw]']) {
      const set = await apache(['--alter', '--entity-type', 'users', '--entity-name', scramUser, '--add-config', cred]);
      assert.equal(set.code, 0, set.stderr);
    }
    await same(['--alter', '--entity-type', 'users', '--entity-name', scramUser, '--add-config', 'producer_byte_rate=100']);
    // (the mechanisms in the broker's order: Apache 4.4 lists SCRAM-SHA-512 first, the bundled broker SCRAM-SHA-256)
    const described = await same(['--describe', '--entity-type', 'users', '--entity-name', scramUser]);
    const [quotaLine, scramLine, rest] = described.split('\n');
    assert.equal(quotaLine, `Quota configs for user-principal '${scramUser}' are producer_byte_rate=100.0`);
    assert.match(scramLine, new RegExp(`^SCRAM credential configs for user-principal '${scramUser}' are SCRAM-SHA-(256|512)=iterations=\\d+, SCRAM-SHA-(256|512)=iterations=\\d+$`));
    assert.ok(scramLine.includes('SCRAM-SHA-256=iterations=4096') && scramLine.includes('SCRAM-SHA-512=iterations=8192'), scramLine);
    assert.equal(rest, '');
    // nothing set: nothing printed
    assert.equal(await same(['--describe', '--entity-type', 'users', '--entity-name', t.unique('qp-nobody')]), '');

    // refusals: the checks before the request (kt: usage errors) and the broker's (both exit 1)
    await refused(['--alter', ...U, '--add-config', 'foo=1,bar=2,producer_byte_rate=3'], 2);
    await refused(['--alter', ...C, '--delete-config', 'foo,bar'], 2);
    await refused(['--alter', '--entity-type', 'ips', '--entity-name', ip, '--add-config', 'foo=1,bar=2'], 2);
    await refused(['--alter', ...U, '--add-config', 'producer_byte_rate=abc'], 2);
    await refused(['--alter', '--entity-type', 'users', '--add-config', 'producer_byte_rate=5'], 2);
    await refused(['--alter', ...U, '--entity-type', 'topics', '--add-config', 'producer_byte_rate=5'], 2);
    await refused(['--describe', '--entity-type', 'users', '--entity-name', user, '--entity-name', client], 2);
    await refused(['--alter', ...U, '--delete-config', 'request_percentage'], 1);
    await refused(['--alter', ...U, '--add-config', 'producer_byte_rate=-5'], 1);
    await refused(['--alter', ...U, '--add-config', 'producer_byte_rate=0.5'], 1);
    await refused(['--alter', '--entity-type', 'ips', '--entity-name', ip, '--add-config', 'connection_creation_rate=2.5'], 1);

    // --delete-config: kt removes, then both describe the same
    const k = await ktc(['--alter', ...U, '--delete-config', 'consumer_byte_rate']);
    assert.equal(k.code, 0, k.stderr);
    assert.equal(k.out, `Completed updating config for user ${user}.\n`);
    assert.equal(await same(['--describe', ...U]), `Quota configs for user-principal '${user}' are producer_byte_rate=1024.0\n`);
    for (const [args, key] of [[UC, 'controller_mutation_rate'], [['--entity-type', 'ips', '--entity-name', ip], 'connection_creation_rate'], [U, 'producer_byte_rate']] as const) {
      const r = await ktc(['--alter', ...args, '--delete-config', key]);
      assert.equal(r.code, 0, r.stderr);
    }
    assert.equal(await same(['--describe', ...UC]), '');
    assert.equal(await same(['--describe', '--entity-type', 'ips', '--entity-name', ip]), '');

    if (t.name === 'bundled') {
      // default entities (this file's own broker)
      assert.equal(await same(['--alter', '--entity-type', 'users', '--entity-default', '--add-config', 'producer_byte_rate=5']), 'Completed updating default config for users in the cluster.\n');
      await same(['--alter', '--client-defaults', '--add-config', 'request_percentage=7']);
      await same(['--alter', ...U, '--entity-type', 'clients', '--entity-default', '--add-config', 'consumer_byte_rate=9']);
      assert.equal(await same(['--describe', '--entity-type', 'users', '--entity-default']), 'Quota configs for the default user-principal are producer_byte_rate=5.0\n');
      await same(['--describe', '--user-defaults']);
      await same(['--describe', '--entity-type', 'clients']);
      await same(['--describe', '--entity-type', 'users']);
      await same(['--describe', ...U, '--entity-type', 'clients', '--entity-default']);
      await same(['--describe', '--entity-type', 'users', '--entity-type', 'clients']);
    }
  });
});
