// Client quotas through Apache's own kafka-configs (a third-party judge of Describe/
// AlterClientQuotas), against the bundled broker and Apache Kafka 4.4: the same commands, the
// same output. Quotas are stored and described, not enforced, by the bundled broker (README).
// Only named entities: the default ones belong to test/e2e/differential-quotas.test.ts, which
// may run at the same time against the same Apache node.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runTool, TOOLS } from '../kafka/kafka.js';
import { forEachTarget } from './targets.js';

forEachTarget((t) => {
  const configs = (args: string[]) => runTool(TOOLS.configs, ['--bootstrap-server', t.bootstrap, ...args]);
  /**
   * Describes until the output is `expected`: Apache answers from its broker's metadata image,
   * which may be a moment behind its controller's answer to the alter (a bounded number of asks).
   */
  const described = async (args: string[], expected: string) => {
    let r = await configs(['--describe', ...args]);
    for (let i = 0; i < 20 && r.stdout !== expected; i++) r = await configs(['--describe', ...args]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, expected);
  };

  test('kafka-configs --alter and --describe quotas of users, clients, a user and client, an ip', async () => {
    const user = t.unique('quota-user');
    const client = t.unique('quota-client');
    const ip = t.name === 'bundled' ? '127.0.0.11' : '127.0.0.12';
    const steps: [string[], string][] = [
      [['--entity-type', 'users', '--entity-name', user, '--add-config', 'producer_byte_rate=1024'], `Completed updating config for user ${user}.\n`],
      [['--entity-type', 'clients', '--entity-name', client, '--add-config', 'request_percentage=12.5'], `Completed updating config for client ${client}.\n`],
      [['--entity-type', 'users', '--entity-name', user, '--entity-type', 'clients', '--entity-name', client, '--add-config', 'consumer_byte_rate=2048'], `Completed updating config for user ${user}.\n`],
      [['--entity-type', 'ips', '--entity-name', ip, '--add-config', 'connection_creation_rate=10'], `Completed updating config for ip ${ip}.\n`],
    ];
    for (const [args, out] of steps) {
      const r = await configs(['--alter', ...args]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, out);
    }
    await described(['--entity-type', 'users', '--entity-name', user], `Quota configs for user-principal '${user}' are producer_byte_rate=1024.0\n`);
    await described(['--entity-type', 'clients', '--entity-name', client], `Quota configs for client-id '${client}' are request_percentage=12.5\n`);
    await described(['--entity-type', 'users', '--entity-name', user, '--entity-type', 'clients', '--entity-name', client], `Quota configs for user-principal '${user}', client-id '${client}' are consumer_byte_rate=2048.0\n`);
    await described(['--entity-type', 'ips', '--entity-name', ip], `Quota configs for ip '${ip}' are connection_creation_rate=10.0\n`);

    const bad = await configs(['--alter', '--entity-type', 'ips', '--entity-name', ip, '--add-config', 'connection_creation_rate=2.5']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /InvalidRequestException: connection_creation_rate cannot be a fractional value\./);

    for (const [type, name, key] of [['users', user, 'producer_byte_rate'], ['clients', client, 'request_percentage'], ['ips', ip, 'connection_creation_rate']]) {
      const r = await configs(['--alter', '--entity-type', type, '--entity-name', name, '--delete-config', key]);
      assert.equal(r.code, 0, r.stderr);
    }
    await described(['--entity-type', 'users', '--entity-name', user], '');
    await described(['--entity-type', 'ips', '--entity-name', ip], '');
  });
});
