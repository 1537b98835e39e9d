// The Apache Kafka harness itself: jars resolved once into the cache, a node that answers, and
// JVMs that never outlive the process that started them (killed with SIGKILL, no clean-up
// code runs: the kernel's parent-death signal or the process group takes them down).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaLibs, kafkaLibsDir, runTool, TOOLS } from './kafka.js';

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.js');

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('the jars are resolved once into the cache and reused', () => {
  const dir = kafkaLibs();
  assert.equal(dir, kafkaLibsDir());
  const jars = fs.readdirSync(dir).filter((f) => f.endsWith('.jar'));
  for (const j of ['kafka_2.13-4.4.0.jar', 'kafka-tools-4.4.0.jar', 'kafka-clients-4.4.0.jar']) assert.ok(jars.includes(j), j);
  const stamp = fs.statSync(path.join(dir, '.complete')).mtimeMs;
  assert.equal(kafkaLibs(), dir);
  assert.equal(fs.statSync(path.join(dir, '.complete')).mtimeMs, stamp, 'not resolved again');
});

test('a failing Apache tool reports its exit code and message', async () => {
  const usage = await runTool(TOOLS.topics, ['--no-such-option']);
  assert.notEqual(usage.code, 0);
  assert.match(usage.stdout + usage.stderr, /no-such-option|not a recognized option/);
});

test('a node started by a process that is SIGKILLed dies with it, and answered while it lived', async () => {
  const child = spawn(process.execPath, [MAIN, 'start'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise((r) => child.on('close', r));
  try {
    await new Promise<void>((resolve, reject) => {
      const check = () => (/# JVM pids \d+/.test(err) ? resolve() : undefined);
      child.stderr.on('data', check);
      child.on('close', () => reject(new Error(`main.js start exited: ${out}${err}`)));
    });
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  const bootstrap = out.trim().split('\n')[0];
  const pid = Number(/# JVM pids (\d+)/.exec(err)![1]);
  const dir = /data in (\S+)/.exec(err)![1];
  assert.ok(alive(pid));
  const admin = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const d = await admin.describeCluster();
  await admin.disconnect();
  assert.equal(d.brokers.length, 1);
  assert.equal(`${d.brokers[0].host}:${d.brokers[0].port}`, bootstrap);

  child.kill('SIGKILL');
  await exited;
  const deadline = Date.now() + 30_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.equal(alive(pid), false, `JVM ${pid} outlived its parent`);
  fs.rmSync(dir, { recursive: true, force: true });
});
