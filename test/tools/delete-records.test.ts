// kt delete-records (kafka-delete-records): the low watermark moves; checked with kt offsets.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { forTheFile, kt, tempDir, testBroker } from '../helpers.js';

const lines = (n: number) => Array.from({ length: n }, (_, i) => `r${i}`).join('\n') + '\n';

const broker = await forTheFile(testBroker());
const B = broker.bootstrap;
before(async () => {
  assert.equal((await kt(['topics', 'create', 'logs', '--partitions', '3', '-b', B])).code, 0);
  for (const p of [0, 1, 2]) {
    const r = await kt(['produce', '-t', 'logs', '-p', String(p), '-b', B], { stdin: lines(10) });
    assert.equal(r.code, 0, r.stderr);
  }
});

const earliest = async () => (await kt(['offsets', 'logs', '--time', 'earliest', '-b', B])).out;

test('TOPIC:P --before N: Apache lines, the low watermark moves, consumers start after it', async () => {
  const r = await kt(['delete-records', 'logs:0', '--before', '4', '--yes', '-b', B]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.out, 'Executing records delete operation\nRecords delete operation completed:\npartition: logs-0\tlow_watermark: 4\n');
  assert.equal(await earliest(), 'logs:0:4\nlogs:1:0\nlogs:2:0\n');
  const c = await kt(['consume', '-t', 'logs', '-p', '0', '--from-beginning', '--exit', '-b', B]);
  assert.equal(c.code, 0, c.stderr);
  assert.equal(c.out, 'r4\nr5\nr6\nr7\nr8\nr9\n');
});

test('several partitions, --json shape, and --before end (everything)', async () => {
  const r = await kt(['delete-records', 'logs:1,2', '--before', '3', '--json', '--yes', '-b', B]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.out), {
    partitions: [
      { topic: 'logs', partition: 1, lowWatermark: 3, error: null },
      { topic: 'logs', partition: 2, lowWatermark: 3, error: null },
    ],
  });
  assert.equal(await earliest(), 'logs:0:4\nlogs:1:3\nlogs:2:3\n');
  const end = await kt(['delete-records', 'logs:2', '--before', 'end', '--yes', '-b', B]);
  assert.equal(end.code, 0, end.stderr);
  assert.match(end.out, /partition: logs-2\tlow_watermark: 10\n$/);
  const off = await kt(['offsets', 'logs:2', '--json', '-b', B]);
  assert.deepEqual(JSON.parse(off.out).partitions, [{ topic: 'logs', partition: 2, offset: 10, earliest: 10, latest: 10 }]);
});

test('--offset-json-file (Apache format; offset -1 = high watermark)', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'offsets.json');
  fs.writeFileSync(file, JSON.stringify({ partitions: [{ topic: 'logs', partition: 0, offset: 6 }, { topic: 'logs', partition: 1, offset: -1 }], version: 1 }));
  const r = await kt(['delete-records', '--offset-json-file', file, '--yes', '-b', B]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.out,
    'Executing records delete operation\nRecords delete operation completed:\npartition: logs-0\tlow_watermark: 6\npartition: logs-1\tlow_watermark: 10\n',
  );
  assert.equal(await earliest(), 'logs:0:6\nlogs:1:10\nlogs:2:10\n');
  fs.writeFileSync(file, JSON.stringify({ partitions: [{ topic: 'logs', partition: 0, offset: 7 }, { topic: 'logs', partition: 0, offset: 8 }] }));
  const dup = await kt(['delete-records', '--offset-json-file', file, '--yes', '-b', B]);
  assert.equal(dup.code, 2);
  assert.match(dup.stderr, /duplicate topic partitions: logs-0/);
});

test('an offset past the end: the partition error line and exit 1; usage errors exit 2; unknown topic exits 1', async () => {
  const r = await kt(['delete-records', 'logs:0', '--before', '99', '--yes', '-b', B]);
  assert.equal(r.code, 1);
  assert.match(r.out, /^Executing records delete operation\nRecords delete operation completed:\npartition: logs-0\terror: .*\(OFFSET_OUT_OF_RANGE\)\n$/);
  assert.equal(await earliest(), 'logs:0:6\nlogs:1:10\nlogs:2:10\n', 'nothing moved');
  for (const args of [['logs:0'], ['logs:0', '--before', 'soon']]) {
    const u = await kt(['delete-records', ...args, '--yes', '-b', B]);
    assert.equal(u.code, 2, `${args.join(' ')}: ${u.stderr}`);
    assert.equal(u.out, '');
  }
  const missing = await kt(['delete-records', 'nope:0', '--before', '1', '--yes', '-b', B]);
  assert.equal(missing.code, 1);
  assert.equal(missing.out, '');
  assert.match(missing.stderr, /Topic 'nope' does not exist/);
});
