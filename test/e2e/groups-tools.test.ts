// kt groups, configs, offsets, delete-records and cluster, against the bundled broker and
// Apache Kafka 4.4 (test/e2e/targets.ts): the same commands, the same answers.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../helpers.js';
import { forEachTarget, type Target } from './targets.js';

/** A topic with `per` records in each of `partitions` partitions, read to the end by `group`. */
async function consumed(t: Target, partitions: number, per: number, group: string): Promise<string> {
  const topic = t.unique('events');
  const c = await t.kt(['topics', 'create', topic, '--partitions', String(partitions)]);
  assert.equal(c.code, 0, c.stderr);
  for (let p = 0; p < partitions; p++) {
    const lines = Array.from({ length: per }, (_, i) => `p${p}-${i}`).join('\n') + '\n';
    const r = await t.kt(['produce', '-t', topic, '-p', String(p)], { stdin: lines });
    assert.equal(r.code, 0, r.stderr);
  }
  const r = await t.kt(['consume', '-t', topic, '-g', group, '--from-beginning', '--max-messages', String(partitions * per)]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`Processed a total of ${partitions * per} messages`));
  return topic;
}

const committed = async (t: Target, group: string) =>
  (JSON.parse((await t.kt(['groups', 'describe', group, '--json'])).out).groups[0].offsets as Array<{ topic: string; partition: number; currentOffset: number; lag: number }>)
    .map((o) => [o.partition, o.currentOffset, o.lag]);

forEachTarget((t) => {
  test('groups: list, describe with lag, reset-offsets dry run / execute / shift / export + from-file, delete-offsets, delete', async () => {
    const group = t.unique('g');
    const topic = await consumed(t, 2, 5, group);
    const more = await t.kt(['produce', '-t', topic, '-p', '1'], { stdin: 'late-1\nlate-2\n' });
    assert.equal(more.code, 0, more.stderr);

    const list = await t.kt(['groups', '--list']);
    assert.equal(list.code, 0, list.stderr);
    assert.ok(list.out.split('\n').includes(group), list.out);
    assert.deepEqual(await committed(t, group), [[0, 5, 0], [1, 5, 2]]);
    const d = await t.kt(['groups', '--describe', '--group', group]);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.out, new RegExp(`^${group} +${topic} +1 +5 +7 +2 +- +- +-$`, 'm'));
    assert.equal(d.stderr, `\nConsumer group '${group}' has no active members.\n`);

    const dry = await t.kt(['groups', 'reset-offsets', group, '--topic', topic, '--to-earliest', '--dry-run', '--json']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.deepEqual(JSON.parse(dry.out).offsets.map((o: { newOffset: number }) => o.newOffset), [0, 0]);
    assert.deepEqual(await committed(t, group), [[0, 5, 0], [1, 5, 2]], 'a dry run changes nothing');
    const exec = await t.kt(['groups', 'reset-offsets', group, '--topic', topic, '--to-earliest', '--execute']);
    assert.equal(exec.code, 0, exec.stderr);
    assert.deepEqual(await committed(t, group), [[0, 0, 5], [1, 0, 7]]);
    const shift = await t.kt(['groups', 'reset-offsets', group, '--topic', `${topic}:1`, '--shift-by', '3', '--execute']);
    assert.equal(shift.code, 0, shift.stderr);
    const latest = await t.kt(['groups', 'reset-offsets', group, '--topic', `${topic}:0`, '--to-latest', '--execute']);
    assert.equal(latest.code, 0, latest.stderr);
    assert.deepEqual(await committed(t, group), [[0, 5, 0], [1, 3, 4]]);

    const exp = await t.kt(['groups', 'reset-offsets', group, '--all-topics', '--to-offset', '1', '--export', '--dry-run']);
    assert.equal(exp.code, 0, exp.stderr);
    assert.equal(exp.out, `${topic},0,1\n${topic},1,1\n`);
    const file = path.join(tempDir(), 'plan.csv');
    fs.writeFileSync(file, exp.out);
    const fromFile = await t.kt(['groups', 'reset-offsets', group, '--from-file', file, '--execute']);
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.deepEqual(await committed(t, group), [[0, 1, 4], [1, 1, 6]]);

    // the group reads on from the reset offsets
    const again = await t.kt(['consume', '-t', topic, '-g', group, '--exit', '--property', 'print.partition=true']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.out.split('\n').filter(Boolean).length, 10);

    const delOff = await t.kt(['groups', 'delete-offsets', group, '--topic', `${topic}:0`]);
    assert.equal(delOff.code, 0, delOff.stderr);
    assert.deepEqual((await committed(t, group)).map((r) => r[0]), [1]);

    const del = await t.kt(['groups', 'delete', group, '--yes']);
    assert.equal(del.code, 0, del.stderr);
    const gone = await t.kt(['groups', 'describe', group]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, new RegExp(`Consumer group '${group}' does not exist`));
  });

  test('configs: describe, alter add/delete on a topic; broker configs readable', async () => {
    const topic = t.unique('cfg');
    assert.equal((await t.kt(['topics', 'create', topic])).code, 0);
    const a = await t.kt(['configs', 'alter', '--topic', topic, '--add-config', 'retention.ms=7200000,cleanup.policy=[compact,delete]']);
    assert.equal(a.code, 0, a.stderr);
    let j = JSON.parse((await t.kt(['configs', 'describe', '--topic', topic, '--json'])).out);
    const cfg = (doc: { resources?: Array<{ configs: Array<{ name: string; value: string }> }> } & Record<string, unknown>) => JSON.stringify(doc);
    assert.match(cfg(j), /retention\.ms/);
    assert.match(cfg(j), /compact,delete/);
    const apache = await t.kt(['configs', '--describe', '--entity-type', 'topics', '--entity-name', topic]);
    assert.equal(apache.code, 0, apache.stderr);
    assert.match(apache.out, new RegExp(`^Dynamic configs for topic ${topic} are:\\n`));
    assert.match(apache.out, /^  retention\.ms=7200000 sensitive=false synonyms=\{DYNAMIC_TOPIC_CONFIG:retention\.ms=7200000/m);
    const del = await t.kt(['configs', '--alter', '--entity-type', 'topics', '--entity-name', topic, '--delete-config', 'retention.ms']);
    assert.equal(del.code, 0, del.stderr);
    j = JSON.parse((await t.kt(['configs', 'describe', '--topic', topic, '--json'])).out);
    assert.doesNotMatch(cfg(j), /retention\.ms/);
    assert.match(cfg(j), /compact,delete/);
    const broker = await t.kt(['configs', 'describe', '--entity-type', 'brokers', '--json']);
    assert.equal(broker.code, 0, broker.stderr);
  });

  test('offsets and delete-records: earliest/latest per partition, records deleted before an offset', async () => {
    const topic = t.unique('logs');
    assert.equal((await t.kt(['topics', 'create', topic, '--partitions', '3'])).code, 0);
    for (const p of [0, 1, 2]) {
      const r = await t.kt(['produce', '-t', topic, '-p', String(p)], { stdin: 'a\nb\nc\nd\ne\n'.repeat(p + 1) });
      assert.equal(r.code, 0, r.stderr);
    }
    const latest = await t.kt(['offsets', topic]);
    assert.equal(latest.code, 0, latest.stderr);
    assert.equal(latest.out, `${topic}:0:5\n${topic}:1:10\n${topic}:2:15\n`);
    const d = await t.kt(['delete-records', `${topic}:1`, '--before', '4', '--yes']);
    assert.equal(d.code, 0, d.stderr);
    const d2 = await t.kt(['delete-records', `${topic}:2`, '--before', 'end', '--json', '--yes']);
    assert.equal(d2.code, 0, d2.stderr);
    const earliest = await t.kt(['offsets', topic, '--time', 'earliest']);
    assert.equal(earliest.out, `${topic}:0:0\n${topic}:1:4\n${topic}:2:15\n`);
    const beyond = await t.kt(['delete-records', `${topic}:0`, '--before', '99', '--yes']);
    assert.equal(beyond.code, 1, 'past the high watermark');
    assert.match(beyond.out, new RegExp(`^partition: ${topic}-0\terror: .*\\(OFFSET_OUT_OF_RANGE\\)$`, 'm'));
    const c = await t.kt(['consume', '-t', topic, '-p', '1', '--offset', 'earliest', '--exit']);
    assert.equal(c.out, 'e\na\nb\nc\nd\ne\n');
    const missing = await t.kt(['offsets', t.unique('no-such-topic')]);
    assert.equal(missing.code, 1);
  });

  test('cluster: brokers, check, api-versions', async () => {
    const c = await t.kt(['cluster', '--json']);
    assert.equal(c.code, 0, c.stderr);
    const doc = JSON.parse(c.out);
    assert.equal(doc.brokers.length, 1);
    assert.equal(typeof doc.clusterId, 'string');
    assert.equal(doc.controller, doc.brokers[0].nodeId);
    const topic = t.unique('present');
    assert.equal((await t.kt(['topics', 'create', topic])).code, 0);
    const check = await t.kt(['cluster', 'check', '--topic', topic]);
    assert.equal(check.code, 0, check.stderr + check.out);
    const bad = await t.kt(['cluster', 'check', '--topic', t.unique('absent')]);
    assert.notEqual(bad.code, 0);
    const v = await t.kt(['cluster', 'api-versions', '--json']);
    assert.equal(v.code, 0, v.stderr);
    const apis = JSON.parse(v.out).brokers[0].apis as Array<{ name: string; usable: number | null }>;
    for (const name of ['Produce', 'Fetch', 'Metadata', 'ListOffsets', 'JoinGroup', 'DescribeConfigs', 'DeleteRecords']) {
      const api = apis.find((a) => a.name === name);
      assert.ok(api && typeof api.usable === 'number', `${name} usable: ${JSON.stringify(api)}`);
    }
  });
  test('perf: produce N records, consume them back; offsets agree', async () => {
    const topic = t.unique('perf');
    assert.equal((await t.kt(['topics', 'create', topic, '--partitions', '2'])).code, 0);
    const p = await t.kt(['perf', 'produce', '--topic', topic, '--num-records', '5000', '--record-size', '100', '--throughput', '-1']);
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.out, /^5000 records sent, [\d.]+ records\/sec/m);
    const offsets = await t.kt(['offsets', topic]);
    const total = offsets.out.split('\n').filter(Boolean).reduce((n, l) => n + Number(l.split(':')[2]), 0);
    assert.equal(total, 5000);
    const c = await t.kt(['perf', 'consume', '--topic', topic, '--messages', '5000', '--json']);
    assert.equal(c.code, 0, c.stderr);
    const j = JSON.parse(c.out);
    assert.equal(j.messages, 5000);
    assert.ok(Math.abs(j.mb - (5000 * 100) / 1048576) < 1e-9, c.out);
  });
});
