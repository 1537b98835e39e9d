// kt's start-up does not pay for the codecs: `kt --help`, `kt --version` and a consume or
// produce without snappy/lz4/zstd batches load none of the native codec packages; a batch in
// one codec loads that codec's package only. (A --require hook in NODE_OPTIONS reports each
// codec package the CLI process loads.)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { isolatedEnv, kt, tempDir, testBroker } from '../helpers.js';

const PACKAGES: Record<string, string> = { snappy: 'snappy', 'lz4-napi': 'lz4', '@toondepauw/node-zstd': 'zstd' };
const HOOK = `const Module = require('node:module');
const load = Module._load;
const names = ${JSON.stringify(Object.keys(PACKAGES))};
Module._load = function (request, ...rest) {
  if (names.includes(request)) process.stderr.write('KT-CODEC-LOAD ' + request + '\\n');
  return load.call(this, request, ...rest);
};
`;

function loaded(stderr: string): string[] {
  const found = new Set(stderr.split('\n').filter((l) => l.startsWith('KT-CODEC-LOAD ')).map((l) => PACKAGES[l.slice(14)] ?? l));
  return [...found].sort();
}

test('codec packages load lazily: none for --help, --version and plain batches; only the codec used', { timeout: 60_000 }, async () => {
  const broker = await testBroker();
  const b = broker.bootstrap;
  const hook = path.join(tempDir('kt-codec-hook-'), 'hook.cjs');
  fs.writeFileSync(hook, HOOK);
  const env = isolatedEnv({ NODE_OPTIONS: `--require ${hook}` });
  const run = (args: string[], stdin?: string) => kt(args, { env, stdin, timeoutMs: 30_000 });
  try {
    const kafka = new Kafka({ clientId: 'lazy', brokers: [b], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'plain' }, { topic: 'packed' }] });
    await admin.disconnect();

    // the hook works: a process that loads a codec package says so
    const probe = await kt(['--version'], { env: { ...env, NODE_OPTIONS: `--require ${hook} --require snappy` } });
    assert.deepEqual(loaded(probe.stderr), ['snappy'], probe.stderr);

    const [help, version, p1] = await Promise.all([run(['--help']), run(['--version']), run(['produce', '-b', b, '-t', 'plain', '--compression', 'gzip'], 'a\nb\n')]);
    assert.equal(help.code, 0);
    assert.deepEqual(loaded(help.stderr), []);
    assert.equal(version.code, 0);
    assert.deepEqual(loaded(version.stderr), []);

    assert.equal(p1.code, 0, p1.stderr.slice(-500));
    assert.deepEqual(loaded(p1.stderr), [], 'gzip is node:zlib');
    const c1 = await run(['consume', '-b', b, '-t', 'plain', '--from-beginning', '-e']);
    assert.equal(c1.code, 0, c1.stderr.slice(-500));
    assert.equal(c1.out, 'a\nb\n');
    assert.deepEqual(loaded(c1.stderr), []);

    const p2 = await run(['produce', '-b', b, '-t', 'packed', '--compression', 'zstd'], 'c\n');
    assert.equal(p2.code, 0, p2.stderr.slice(-500));
    assert.deepEqual(loaded(p2.stderr), ['zstd']);
    const p3 = await run(['produce', '-b', b, '-t', 'packed', '--compression', 'lz4'], 'd\n');
    assert.deepEqual(loaded(p3.stderr), ['lz4']);
    const c2 = await run(['consume', '-b', b, '-t', 'packed', '--from-beginning', '-e']);
    assert.equal(c2.code, 0, c2.stderr.slice(-500));
    assert.equal(c2.out, 'c\nd\n');
    assert.deepEqual(loaded(c2.stderr), ['lz4', 'zstd']);
  } finally {
    await broker.stop();
  }
});
