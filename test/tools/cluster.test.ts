// kt cluster, kt cluster api-versions, kt cluster check: real processes against the
// in-process broker.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Broker } from '../../src/index.js';
import { forTheFile, freePort, isolatedEnv, kt, testBroker } from '../helpers.js';

const broker = await forTheFile(testBroker());
const B = broker.bootstrap;
before(async () => {
  const c = await kt(['topics', 'create', 'present', '--partitions', '2', '-b', B]);
  assert.equal(c.code, 0, c.stderr);
});

test('kt cluster: cluster id, controller and a broker table; --json shape', async () => {
  const [host, port] = B.split(':');
  const h = await kt(['cluster', '-b', B]);
  assert.equal(h.code, 0, h.stderr);
  assert.match(h.out, /^Cluster ID: \S+\nController: 0\n\nID\s+HOST\s+PORT\s+RACK\s+CONTROLLER\n/);
  assert.match(h.out, new RegExp(`\\b0\\s+${host.replace(/\./g, '\\.')}\\s+${port}\\s+-\\s+yes\\n?$`));
  const j = await kt(['cluster', '--json', '-b', B]);
  assert.equal(j.code, 0, j.stderr);
  const doc = JSON.parse(j.out);
  assert.deepEqual(Object.keys(doc).sort(), ['brokers', 'clusterId', 'controller']);
  assert.equal(typeof doc.clusterId, 'string');
  assert.equal(doc.controller, 0);
  assert.deepEqual(doc.brokers, [{ nodeId: 0, host, port: Number(port), rack: null, controller: true }]);
});

test('kt cluster api-versions: the kafka-broker-api-versions layout and --json', async () => {
  const r = await kt(['cluster', 'api-versions', '-b', B]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.out.trimEnd().split('\n');
  assert.equal(lines[0], `${B} (id: 0 rack: null isFenced: false) -> (`);
  assert.equal(lines[lines.length - 1], ')');
  const body = lines.slice(1, -1);
  for (const [i, l] of body.entries()) {
    assert.match(l, /^\t[A-Za-z]+\(\d+\): (?:\d+(?: to \d+)?(?: \[(?:usable: \d+|unusable: node too (?:old|new))\])?|UNSUPPORTED)(,?)$/);
    assert.equal(l.endsWith(','), i < body.length - 1, `comma after every API but the last: ${l}`);
  }
  assert.ok(body.some((l) => /^\tProduce\(0\): 0 to 13 \[usable: 8\],$/.test(l)), 'Produce: the broker 0-13 as Kafka 4.4, kt\'s producer up to v8');
  assert.ok(body.some((l) => /^\tIncrementalAlterConfigs\(44\): 0 to 1 \[usable: 1\],?$/.test(l)));
  const keys = body.map((l) => Number(/\((\d+)\)/.exec(l)![1]));
  assert.deepEqual(keys, [...keys].sort((a, b) => a - b), 'sorted by API key');

  const j = JSON.parse((await kt(['cluster', 'api-versions', '--json', '-b', B])).out);
  assert.equal(j.brokers.length, 1);
  const b0 = j.brokers[0];
  assert.equal(b0.error, null);
  assert.equal(b0.nodeId, 0);
  const fetch = b0.apis.find((a: { apiKey: number }) => a.apiKey === 1);
  assert.deepEqual(Object.keys(fetch).sort(), ['apiKey', 'maxVersion', 'minVersion', 'name', 'usable']);
  assert.equal(fetch.name, 'Fetch');
  assert.ok(fetch.usable <= fetch.maxVersion && fetch.usable >= fetch.minVersion);
});

test('kt cluster check: exit 0 with existing topics (one line on stdout, --json)', async () => {
  const r = await kt(['cluster', 'check', '--topic', 'present', '-b', B]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.out, /^OK: cluster \S+, 1 broker, controller 0; topics: present \(2 partitions\)\n$/);
  const bare = await kt(['cluster', 'check', '-b', B]);
  assert.equal(bare.code, 0, bare.stderr);
  const j = await kt(['cluster', 'check', '-t', 'present', '--json', '-b', B]);
  assert.equal(j.code, 0, j.stderr);
  const doc = JSON.parse(j.out);
  assert.equal(doc.ok, true);
  assert.equal(doc.brokers, 1);
  assert.deepEqual(doc.topics, [{ name: 'present', partitions: 2 }]);
});

test('kt cluster check: a missing topic → exit 1, the reason on one stderr line, nothing on stdout, nothing created', async () => {
  for (const extra of [[], ['--json']]) {
    const r = await kt(['cluster', 'check', '--topic', 'present', '--topic', 'absent-topic', ...extra, '-b', B]);
    assert.equal(r.code, 1);
    // --json: the failure is a document on stdout too
    assert.equal(r.out, extra.length ? '{\n  "ok": false,\n  "error": "topic \'absent-topic\' does not exist",\n  "exitCode": 1\n}\n' : '');
    assert.equal(r.stderr, "kt: error: cluster check failed: topic 'absent-topic' does not exist\n");
  }
  const list = await kt(['topics', 'list', '-b', B]);
  assert.ok(!list.out.split('\n').includes('absent-topic'), 'the check must not auto-create the topic');
});

test('kt cluster check: unreachable broker → exit 1; bad arguments → exit 2', async () => {
  const port = await freePort();
  const r = await kt(['cluster', 'check', '-t', 'present', '-b', `127.0.0.1:${port}`], { timeoutMs: 20_000 });
  assert.equal(r.code, 1);
  assert.equal(r.out, '');
  assert.match(r.stderr, /^kt: error: cluster check failed: cannot connect to 127\.0\.0\.1:\d+: connection refused/);
  const bad = await kt(['cluster', 'check', '--wait', 'soon', '-b', B]);
  assert.equal(bad.code, 2);
  assert.equal(bad.out, '');
  assert.match(bad.stderr, /invalid --wait 'soon'/);
  const unknown = await kt(['cluster', 'check', '--no-such-flag', '-b', B]);
  assert.equal(unknown.code, 2);
});

test('kt cluster check --wait: retries until the broker comes up', async () => {
  const port = await freePort();
  const late = new Promise<Broker>((resolve) => setTimeout(() => resolve(testBroker({ port })), 1500));
  const r = kt(['cluster', 'check', '--wait', '15s', '-b', `127.0.0.1:${port}`], { timeoutMs: 30_000 });
  const b2 = await late;
  try {
    const res = await r;
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.out, /^OK: cluster /);
    assert.ok(res.ms >= 1400, `answered after the broker started (${res.ms} ms)`);
  } finally {
    await b2.stop();
  }
});

test('kt cluster check never starts the local broker: nothing named + CI or no terminal → exit 2; --local when it is not running → exit 1', async () => {
  const port = await freePort();
  const env = isolatedEnv({ KT_LOCAL_PORT: String(port) });
  for (const ci of ['true', undefined]) {
    const r = await kt(['cluster', 'check'], { env: { ...env, CI: ci } });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.out, '');
    assert.match(r.stderr, /^kt: error: no cluster to check: no --bootstrap-server, --profile, KT_PROFILE, KT_BOOTSTRAP_SERVERS or current profile is set — pass -b HOST:PORT .*never starts a broker\n$/);
  }
  const j = await kt(['cluster', 'check', '--json'], { env: { ...env, CI: 'true' } });
  assert.equal(j.code, 2);
  assert.equal(JSON.parse(j.out).ok, false);
  const local = await kt(['cluster', 'check', '--local'], { env });
  assert.equal(local.code, 1, local.stderr);
  assert.match(local.stderr, /the bundled local broker is not running \(kt cluster check never starts it\) — start it with kt local start/);
  // and nothing was started behind the check's back
  const status = await kt(['local', 'status'], { env });
  assert.equal(status.code, 1, status.out);
  const { canConnect } = await import('../../src/local/daemon.js');
  assert.equal(await canConnect('127.0.0.1', port), false, 'no broker listens on the local port');
});
