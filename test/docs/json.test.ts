// Every command with --json, run as a process against an in-process broker: stdout is one
// JSON document (parsed) with the documented top-level keys (README "JSON output"), stderr
// has no error. A command that gains --json without a recipe here fails the first test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Broker } from '../../src/index.js';
import { freshConfig, visibleCommands } from '../../src/dev/commands.js';
import { isolatedEnv, kt, testBroker, type RunResult } from '../helpers.js';

interface Recipe {
  argv: string[];
  keys: string[];
  /** extra check on the parsed document */
  check?: (doc: Record<string, unknown>) => void;
  /** exit code when not 0 (kt local status: 1 when the broker does not run) */
  code?: number;
  /** no -b (commands that do not connect) */
  offline?: boolean;
}

const T = 'json-orders';
const G = 'json-billing';
const first = (doc: Record<string, unknown>, key: string) => (doc[key] as Array<Record<string, unknown>>)[0];

// Read-only recipes run in parallel after the setup; the rest run in this order.
const readOnly: Record<string, Recipe> = {
  cluster: { argv: ['cluster'], keys: ['brokers', 'clusterId', 'controller'] },
  'cluster:api-versions': { argv: ['cluster', 'api-versions'], keys: ['brokers'] },
  'cluster:check': { argv: ['cluster', 'check', '--topic', T], keys: ['brokers', 'clusterId', 'controller', 'ok', 'topics'], check: (d) => assert.equal(d.ok, true) },
  configs: { argv: ['configs', '--describe', '--topic', T], keys: ['resources'] },
  'configs:describe': { argv: ['configs', 'describe', '--topic', T], keys: ['resources'] },
  offsets: { argv: ['offsets', T], keys: ['partitions', 'time', 'timestamp'], check: (d) => assert.equal((d.partitions as Array<{ offset: number }>).reduce((n, p) => n + p.offset, 0), 10) },
  topics: { argv: ['topics'], keys: ['topics'] },
  'topics:list': { argv: ['topics', 'list'], keys: ['topics'], check: (d) => assert.ok((d.topics as Array<{ name: string }>).some((t) => t.name === T)) },
  'topics:describe': { argv: ['topics', 'describe', T], keys: ['topics'], check: (d) => assert.equal(first(d, 'topics').messageCount, 10) },
  groups: { argv: ['groups'], keys: ['groups'] },
  'groups:list': { argv: ['groups', 'list'], keys: ['groups'], check: (d) => assert.ok((d.groups as Array<{ group: string }>).some((g) => g.group === G)) },
  'groups:describe': { argv: ['groups', 'describe', G], keys: ['groups'], check: (d) => assert.equal(first(d, 'groups').totalLag, 0) },
  'local:status': { argv: ['local', 'status'], keys: ['running'], code: 1, offline: true, check: (d) => assert.equal(d.running, false) },
};
const ordered: Array<[string, Recipe]> = [
  ['topics:create', { argv: ['topics', 'create', 'json-new', '--partitions', '2'], keys: ['created', 'existing'] }],
  ['topics:alter', { argv: ['topics', 'alter', 'json-new', '--partitions', '3'], keys: ['configs', 'partitions', 'topic'], check: (d) => assert.deepEqual(d.partitions, { from: 2, to: 3 }) }],
  ['configs:alter', { argv: ['configs', 'alter', '--topic', 'json-new', '--add-config', 'retention.ms=3600000'], keys: ['deleted', 'name', 'set', 'type'] }],
  ['groups:reset-offsets', { argv: ['groups', 'reset-offsets', G, '--topic', T, '--to-earliest'], keys: ['executed', 'offsets'], check: (d) => assert.equal(d.executed, false) }],
  ['groups:delete-offsets', { argv: ['groups', 'delete-offsets', G, '--topic', `${T}:0`], keys: ['group', 'partitions'] }],
  ['groups:delete', { argv: ['groups', 'delete', G, '--yes'], keys: ['deleted', 'failed'], check: (d) => assert.deepEqual(d.deleted, [G]) }],
  ['delete-records', { argv: ['delete-records', `${T}:0`, '--before', '0', '--yes'], keys: ['partitions'] }],
  ['perf:produce', { argv: ['perf', 'produce', '--topic', 'json-perf', '--num-records', '200', '--record-size', '10', '--throughput', '-1'], keys: ['avgLatencyMs', 'maxLatencyMs', 'mbPerSec', 'p50Ms', 'p95Ms', 'p999Ms', 'p99Ms', 'records', 'recordsPerSec'] }],
  ['perf:consume', { argv: ['perf', 'consume', '--topic', 'json-perf', '--messages', '200'], keys: ['endTime', 'fetchMbPerSec', 'fetchMessagesPerSec', 'fetchTimeMs', 'mb', 'mbPerSec', 'messages', 'messagesPerSec', 'rebalanceTimeMs', 'startTime'] }],
  ['topics:delete', { argv: ['topics', 'delete', 'json-new', '--yes'], keys: ['deleted', 'missing'], check: (d) => assert.deepEqual(d.deleted, ['json-new']) }],
  ['profile:add', { argv: ['profile', 'add', 'json-p', '-b', '127.0.0.1:9092'], keys: ['bootstrap', 'current', 'name', 'path', 'replaced', 'securityProtocol'], offline: true }],
  ['profile:use', { argv: ['profile', 'use', 'json-p'], keys: ['current', 'previous'], offline: true }],
  ['profile:list', { argv: ['profile', 'list'], keys: ['active', 'current', 'path', 'profiles'], offline: true }],
  ['profile', { argv: ['profile'], keys: ['active', 'current', 'path', 'profiles'], offline: true }],
  ['profile:show', { argv: ['profile', 'show', 'json-p'], keys: ['bootstrap', 'current', 'managedBy', 'name', 'path', 'properties'], offline: true }],
  ['profile:remove', { argv: ['profile', 'remove', 'json-p', '--yes'], keys: ['current', 'missing', 'removed'], offline: true, check: (d) => assert.equal(d.current, null) }],
];

let broker: Broker;
const env = isolatedEnv();

function parse(id: string, r: RunResult, recipe: Recipe): void {
  assert.equal(r.code, recipe.code ?? 0, `kt ${id} --json exited ${r.code}: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /kt: error/, id);
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(r.out) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`kt ${id} --json printed something that is not one JSON document: ${(err as Error).message}\n${r.out}`);
  }
  assert.equal(typeof doc, 'object', id);
  for (const k of recipe.keys) assert.ok(k in doc, `kt ${id} --json has "${k}" (got ${Object.keys(doc).join(', ')})`);
  recipe.check?.(doc);
}

const runRecipe = (id: string, recipe: Recipe) =>
  kt([...recipe.argv, '--json', ...(recipe.offline ? [] : ['-b', broker.bootstrap])], { env, timeoutMs: 30_000 }).then((r) => parse(id, r, recipe));

before(async () => {
  broker = await testBroker();
  const B = broker.bootstrap;
  const c = await kt(['topics', 'create', T, '--partitions', '3', '-b', B], { env });
  assert.equal(c.code, 0, c.stderr);
  const p = await kt(['produce', '-t', T, '-b', B], { env, stdin: Array.from({ length: 10 }, (_, i) => `r${i}`).join('\n') });
  assert.equal(p.code, 0, p.stderr);
  const g = await kt(['consume', '-t', T, '-g', G, '--from-beginning', '--exit', '-b', B], { env });
  assert.equal(g.code, 0, g.stderr);
});
after(async () => {
  await broker?.stop();
});

test('every command with --json has a recipe here', async () => {
  const config = await freshConfig();
  const withJson = visibleCommands(config).filter((c) => 'json' in c.flags).map((c) => c.id).sort();
  const covered = [...Object.keys(readOnly), ...ordered.map(([id]) => id)].sort();
  assert.deepEqual(covered, withJson);
});

test('read-only commands print one JSON document with the documented keys', { timeout: 60_000 }, async () => {
  await Promise.all(Object.entries(readOnly).map(([id, r]) => runRecipe(id, r)));
});

test('changing commands print one JSON document with the documented keys', { timeout: 60_000 }, async () => {
  for (const [id, r] of ordered) await runRecipe(id, r);
});
