// The local broker's files: private to their owner (directory 0700, files 0600), and its
// small metadata files (topics.json, meta.json) survive being truncated: the broker
// recovers them, or says how to repair them, and never silently loses a topic.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { freePort, isolatedEnv, kt } from '../helpers.js';
import { localPaths } from '../../src/local/paths.js';
import { mode, readLog } from './helpers.js';

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? [p, ...walk(p)] : [p];
  });
}

async function localEnv(): Promise<Record<string, string | undefined>> {
  return isolatedEnv({ KT_LOCAL_PORT: String(await freePort()) });
}

test('the data directory is 0700 and everything the broker writes in it is private', async () => {
  const env = await localEnv();
  const p = localPaths(env.KT_DATA_DIR);
  // as an older kt left it
  fs.mkdirSync(p.root, { recursive: true, mode: 0o755 });
  fs.chmodSync(p.root, 0o755);
  fs.writeFileSync(p.log, 'old line\n', { mode: 0o644 });
  fs.chmodSync(p.log, 0o644);
  try {
    assert.equal((await kt(['local', 'start'], { env })).code, 0);
    const produce = await kt(['produce', '--topic', 'private'], { env, stdin: 'secret record\n' });
    assert.equal(produce.code, 0, produce.stderr);
    assert.equal((await kt(['local', 'stop'], { env })).code, 0);

    assert.equal(mode(p.root).toString(8), '700');
    assert.equal(mode(p.log).toString(8), '600');
    assert.equal(mode(p.state).toString(8), '600');
    const files = walk(p.brokerData);
    assert.ok(files.some((f) => f.endsWith('.log') && f.includes('private-0')), files.join('\n'));
    for (const f of [p.brokerData, ...files]) {
      assert.equal(mode(f) & 0o077, 0, `${f} is mode ${mode(f).toString(8)}`);
    }
  } finally {
    await kt(['local', 'stop'], { env });
  }
});

/** A broker with topic `kept` (compacted, one record), stopped. */
async function brokerWithTopic(env: Record<string, string | undefined>): Promise<void> {
  assert.equal((await kt(['local', 'start'], { env })).code, 0);
  const create = await kt(['topics', 'create', '--topic', 'kept', '--config', 'cleanup.policy=compact'], { env });
  assert.equal(create.code, 0, create.stderr);
  const produce = await kt(['produce', '--topic', 'kept', '--property', 'parse.key=true'], { env, stdin: 'k\tsurvives\n' });
  assert.equal(produce.code, 0, produce.stderr);
  assert.equal((await kt(['local', 'stop'], { env })).code, 0);
}

async function keptRecords(env: Record<string, string | undefined>): Promise<string> {
  const r = await kt(['consume', '--topic', 'kept', '--from-beginning', '-e'], { env });
  assert.equal(r.code, 0, r.stderr);
  return r.out;
}

async function keptConfig(env: Record<string, string | undefined>, name: string): Promise<string> {
  const r = await kt(['configs', 'describe', '--topic', 'kept', '--json'], { env });
  assert.equal(r.code, 0, r.stderr);
  const entry = JSON.parse(r.out).resources[0].configs.find((c: { name: string }) => c.name === name);
  return entry?.value;
}

test('a truncated topics.json is recovered from its backup, configs included', async () => {
  const env = await localEnv();
  const p = localPaths(env.KT_DATA_DIR);
  try {
    await brokerWithTopic(env);
    const file = path.join(p.brokerData, 'topics.json');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').slice(0, 20));
    const start = await kt(['local', 'start'], { env });
    assert.equal(start.code, 0, start.stderr);
    assert.equal(await keptRecords(env), 'survives\n');
    assert.equal(await keptConfig(env, 'cleanup.policy'), 'compact');
    assert.match(readLog(p.log), /topics\.json.*backup/);
  } finally {
    await kt(['local', 'stop'], { env });
  }
});

test('a truncated topics.json with no backup is rebuilt from the partition directories, deleting nothing', async () => {
  const env = await localEnv();
  const p = localPaths(env.KT_DATA_DIR);
  try {
    await brokerWithTopic(env);
    const file = path.join(p.brokerData, 'topics.json');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').slice(0, 20));
    fs.rmSync(`${file}.bak`, { force: true }); // as an older kt left it
    const start = await kt(['local', 'start'], { env });
    assert.equal(start.code, 0, start.stderr);
    assert.equal(await keptRecords(env), 'survives\n');
    // its overrides are unknown: nothing is deleted by retention until someone looks
    assert.equal(await keptConfig(env, 'retention.ms'), '-1');
    assert.match(readLog(p.log), /rebuilt topic kept .*partition directories/);
  } finally {
    await kt(['local', 'stop'], { env });
  }
});

test('a truncated meta.json: recovered from its backup (same cluster id), else an error that says how to repair', async () => {
  const env = await localEnv();
  const p = localPaths(env.KT_DATA_DIR);
  try {
    await brokerWithTopic(env);
    assert.equal((await kt(['local', 'start'], { env })).code, 0);
    const clusterId = JSON.parse((await kt(['cluster', '--json'], { env })).out).clusterId;
    assert.equal((await kt(['local', 'stop'], { env })).code, 0);
    const file = path.join(p.brokerData, 'meta.json');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').slice(0, 10));
    assert.equal((await kt(['local', 'start'], { env })).code, 0);
    assert.equal(JSON.parse((await kt(['cluster', '--json'], { env })).out).clusterId, clusterId);
    assert.equal((await kt(['local', 'stop'], { env })).code, 0);

    fs.writeFileSync(file, '{"version":1,"clus');
    fs.writeFileSync(`${file}.bak`, '');
    const start = await kt(['local', 'start'], { env });
    assert.equal(start.code, 1);
    assert.match(start.stderr, /meta\.json is damaged.*move .*meta\.json/);
  } finally {
    await kt(['local', 'stop'], { env });
  }
});
