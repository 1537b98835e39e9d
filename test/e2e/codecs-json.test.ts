// Every codec and the JSON envelope round trip, against the bundled broker and Apache Kafka 4.4;
// on Apache, the real ConsoleConsumer reads what kt wrote with each codec.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TOOLS, runTool } from '../kafka/kafka.js';
import { forEachTarget } from './targets.js';

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

forEachTarget((t) => {
  test('kt produce with every codec; kt consume (and on Apache, ConsoleConsumer) reads every record', async () => {
    const topic = t.unique('codecs');
    assert.equal((await t.kt(['topics', 'create', topic, '--partitions', '1'])).code, 0);
    const expected: string[] = [];
    for (const codec of CODECS) {
      const lines = Array.from({ length: 50 }, (_, i) => `${codec}-${i}-${'x'.repeat(i * 7)}`);
      const p = await t.kt(['produce', '-t', topic, '-z', codec], { stdin: lines.join('\n') + '\n' });
      assert.equal(p.code, 0, `${codec}: ${p.stderr}`);
      expected.push(...lines);
    }
    const c = await t.kt(['consume', '-t', topic, '--from-beginning', '--exit']);
    assert.equal(c.code, 0, c.stderr);
    assert.deepEqual(c.out.split('\n').filter(Boolean), expected);
    if (t.name === 'apache') {
      const a = await runTool(TOOLS.consoleConsumer, ['--bootstrap-server', t.bootstrap, '--topic', topic, '--partition', '0', '--offset', 'earliest', '--max-messages', String(expected.length)]);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(a.stdout, c.out, 'Apache decodes every codec kt wrote');
    }
  });

  test('JSON envelope: consume --output json | produce --input json copies keys, values, headers, binary data', async () => {
    const src = t.unique('json-src');
    const dst = t.unique('json-dst');
    for (const n of [src, dst]) assert.equal((await t.kt(['topics', 'create', n, '--partitions', '2'])).code, 0);
    const input = [
      JSON.stringify({ key: 'k1', value: '{"id":1}', headers: { source: 'cli', empty: '' }, partition: 0 }),
      JSON.stringify({ key: null, value: 'plain', partition: 1 }),
      JSON.stringify({ key: 'bin', value: Buffer.from([0, 255, 1, 128]).toString('base64'), valueEncoding: 'base64', partition: 1 }),
      JSON.stringify({ key: 'tomb', value: null, partition: 0 }),
    ].join('\n') + '\n';
    const p = await t.kt(['produce', '-t', src, '--input', 'json'], { stdin: input });
    assert.equal(p.code, 0, p.stderr);
    const out = await t.kt(['consume', '-t', src, '--from-beginning', '--exit', '--output', 'json']);
    assert.equal(out.code, 0, out.stderr);
    const copy = await t.kt(['produce', '-t', dst, '--input', 'json'], { stdin: out.out });
    assert.equal(copy.code, 0, copy.stderr);
    const back = await t.kt(['consume', '-t', dst, '--from-beginning', '--exit', '--output', 'json']);
    const strip = (s: string) =>
      s
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          const { topic: _t, offset: _o, timestamp: _ts, ...rest } = JSON.parse(l);
          return JSON.stringify(rest);
        })
        .sort();
    assert.deepEqual(strip(back.out), strip(out.out));
    const docs = out.out.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    assert.equal(docs.length, 4);
    const bin = docs.find((d) => d.key === 'bin');
    assert.equal(bin.valueEncoding, 'base64');
    assert.deepEqual([...Buffer.from(bin.value, 'base64')], [0, 255, 1, 128]);
    assert.deepEqual(docs.find((d) => d.key === 'k1').headers, { source: 'cli', empty: '' });
    assert.equal(docs.find((d) => d.key === 'tomb').value, null);
  });
});
