#!/usr/bin/env node
// Runs the compiled test files (dist/test/**/*.test.js) with node's test runner, which
// prints pass/fail totals. Arguments filter by path substring: `npm test -- unit/log`.
//
// When end-to-end tests (test/e2e) are selected, one Apache Kafka 4.4 node is started for
// the whole run (test/kafka) and its address is passed to the test processes as
// KT_TEST_APACHE_BOOTSTRAP; it is stopped at the end. A machine without Java (or without
// Maven while the jars are not cached yet) fails the run, naming what is missing.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'test');
const filters = process.argv.slice(2);

function find(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return find(p);
    return e.name.endsWith('.test.js') ? [p] : [];
  });
}

const files = find(root)
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}

const env = { ...process.env };
let apache = null;
const needsApache = files.some((f) => f.includes(`${path.sep}e2e${path.sep}`) || f.includes(`${path.sep}kafka${path.sep}`));
if (needsApache && !env.KT_TEST_APACHE_BOOTSTRAP) {
  const harness = await import(path.join(root, 'kafka', 'kafka.js'));
  const missing = harness.apacheMissing();
  if (missing) {
    console.error(`test/run.js: the end-to-end suites (test/e2e, test/kafka) run against Apache Kafka ${harness.KAFKA_VERSION} and this machine lacks ${missing}.`);
    console.error('Install them (.ci/run does) or leave those suites out with a filter; they are never skipped.');
    process.exit(1);
  }
  const started = Date.now();
  try {
    apache = await harness.startKafka({ props: { 'group.initial.rebalance.delay.ms': 0 } }); // as test/e2e/targets.ts APACHE_TEST_PROPS
  } catch (e) {
    console.error(`test/run.js: could not start Apache Kafka ${harness.KAFKA_VERSION}: ${e.message}`);
    process.exit(1);
  }
  console.error(`# Apache Kafka ${harness.KAFKA_VERSION} at ${apache.bootstrap} (started in ${Date.now() - started} ms)`);
  env.KT_TEST_APACHE_BOOTSTRAP = apache.bootstrap;
}

const child = spawn(process.execPath, ['--test', '--test-concurrency=4', ...files], { stdio: 'inherit', env });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
const code = await new Promise((resolve) => child.on('close', (c, s) => resolve(c ?? (s ? 1 : 1))));
if (apache) await apache.stop();
process.exit(code);
