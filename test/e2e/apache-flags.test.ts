// The Apache 4.x console-tool flags that tutorials use, against the bundled broker and Apache
// Kafka 4.4: --producer-property, --producer.config, --compression-codec (gzip without a value),
// --request-required-acks on kt produce; --consumer-property, --consumer.config on kt consume;
// --formatter-property, --reader-property, --command-config, --include. Each one is checked for its
// effect (the codec of the stored batches, the group that committed, where reading starts); on
// Apache, the real ConsoleProducer given the same flags stores the same codec.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { WireClient } from '../../src/client/wireClient.js';
import { Fetch } from '../../src/protocol/apis/fetch.js';
import { batchesIn } from '../../src/protocol/recordBatch.js';
import { TOOLS, runTool } from '../kafka/kafka.js';
import { forEachTarget, type Target } from './targets.js';

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** The codec of every record batch of partition 0, in offset order. */
async function codecs(t: Target, topic: string): Promise<string[]> {
  const [host, port] = t.bootstrap.split(',')[0].split(':');
  const c = await WireClient.connect(host, Number(port), { clientId: 'kt-apache-flags' });
  try {
    const out: string[] = [];
    let offset = 0;
    for (;;) {
      const r = await c.request(Fetch, 11, {
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 1,
        maxBytes: 1 << 20,
        isolationLevel: 0,
        topics: [{ topic, partitions: [{ partition: 0, fetchOffset: offset, partitionMaxBytes: 1 << 20 }] }],
      });
      const p = r.responses[0].partitions[0] as unknown as { errorCode: number; records: Buffer | null };
      assert.equal(p.errorCode, 0);
      if (!p.records || p.records.length === 0) return out;
      for (const [, h] of batchesIn(p.records)) {
        out.push(CODECS[h.attributes & 7]);
        offset = h.baseOffset + h.lastOffsetDelta + 1;
      }
    }
  } finally {
    c.close();
  }
}

function tmpFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-flags-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

forEachTarget((t) => {
  test('kt produce: --compression-codec (gzip without a value), --producer-property, --producer.config, --request-required-acks', async () => {
    const topic = t.unique('producer-flags');
    assert.equal((await t.kt(['topics', 'create', topic, '--partitions', '1'])).code, 0);
    const send = async (args: string[], line: string) => {
      const r = await t.kt(['produce', '--topic', topic, ...args], { stdin: `${line}\n` });
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      return r;
    };
    // Apache: --compression-codec given without a value means gzip
    await send(['--compression-codec'], 'a');
    await send(['--compression-codec', 'lz4', '--request-required-acks', '1'], 'b');
    // compression.type as a producer property, from the command line and from a file
    await send(['--producer-property', 'compression.type=snappy', '--producer-property', 'acks=all'], 'c');
    await send(['--producer.config', tmpFile('producer.properties', '# tutorial file\ncompression.type=zstd\nlinger.ms=5\n')], 'd');
    // the flag on the command line wins over the property (as Apache's explicit options do)
    await send(['--producer-property', 'compression.type=snappy', '--compression-codec', 'gzip'], 'e');
    // a producer property kt has no use for: reported, as for -X, and the record still goes
    const unused = await send(['--producer-property', 'buffer.memory=1048576', '--request-required-acks', '0'], 'f');
    assert.match(unused.stderr, /client property 'buffer\.memory' is not used by kt/);
    assert.deepEqual(await codecs(t, topic), ['gzip', 'lz4', 'snappy', 'zstd', 'gzip', 'none']);
    const c = await t.kt(['consume', '-t', topic, '--from-beginning', '--exit']);
    assert.equal(c.out, 'a\nb\nc\nd\ne\nf\n');
    // a property kt reads is checked as the flag is
    const bad = await t.kt(['produce', '-t', topic, '--producer-property', 'acks=2'], { stdin: 'x\n' });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /acks=2 is not valid; expected all, -1, 1 or 0/);
    if (t.name === 'apache') {
      // the real ConsoleProducer, same flags: gzip without a value too
      const other = t.unique('producer-flags-apache');
      assert.equal((await t.kt(['topics', 'create', other, '--partitions', '1'])).code, 0);
      const a = await runTool(TOOLS.consoleProducer, ['--bootstrap-server', t.bootstrap, '--topic', other, '--compression-codec', '--request-required-acks', '1'], { stdin: 'a\n' });
      assert.equal(a.code, 0, a.stderr);
      assert.deepEqual(await codecs(t, other), ['gzip']);
    }
  });

  test('kt consume: --consumer-property group.id / auto.offset.reset, --consumer.config; a different --group is an error', async () => {
    const topic = t.unique('consumer-flags');
    assert.equal((await t.kt(['topics', 'create', topic, '--partitions', '1'])).code, 0);
    assert.equal((await t.kt(['produce', '-t', topic], { stdin: 'one\ntwo\n' })).code, 0);
    const group = t.unique('flags-group');
    const c = await t.kt(['consume', '--topic', topic, '--consumer-property', `group.id=${group}`, '--consumer-property', 'auto.offset.reset=earliest', '--max-messages', '2']);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.out, 'one\ntwo\n');
    // the group committed what it printed
    const d = await t.kt(['groups', 'describe', group, '--json']);
    assert.equal(d.code, 0, d.stderr);
    assert.deepEqual(JSON.parse(d.out).groups[0].offsets.map((o: { currentOffset: number }) => o.currentOffset), [2]);
    // the same from a --consumer.config file: nothing new for the group, so nothing printed
    assert.equal((await t.kt(['produce', '-t', topic], { stdin: 'three\n' })).code, 0);
    const file = tmpFile('consumer.properties', `group.id=${group}\nauto.offset.reset=earliest\n`);
    const again = await t.kt(['consume', '--topic', topic, '--consumer.config', file, '--max-messages', '1']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.out, 'three\n', 'the group goes on from its committed offset');
    // no group.id, auto.offset.reset=earliest: --from-beginning
    const fresh = await t.kt(['consume', '--topic', topic, '--consumer-property', 'auto.offset.reset=earliest', '--max-messages', '3']);
    assert.equal(fresh.out, 'one\ntwo\nthree\n');
    // as Apache: the group ids must agree, --from-beginning and auto.offset.reset=latest conflict
    const clash = await t.kt(['consume', '-t', topic, '--group', 'other', '--consumer-property', `group.id=${group}`, '--exit']);
    assert.equal(clash.code, 2);
    assert.match(clash.stderr, /group ids .* do not match/);
    const reset = await t.kt(['consume', '-t', topic, '--from-beginning', '--consumer-property', 'auto.offset.reset=latest', '--exit']);
    assert.equal(reset.code, 2);
    assert.match(reset.stderr, /--from-beginning and auto\.offset\.reset=latest/);
    // a consumer property kt has no use for: reported, as for -X
    const unused = await t.kt(['consume', '-t', topic, '--from-beginning', '--exit', '--consumer-property', 'fetch.min.bytes=1']);
    assert.equal(unused.code, 0, unused.stderr);
    assert.match(unused.stderr, /client property 'fetch\.min\.bytes' is not used by kt/);
    assert.equal(unused.out, 'one\ntwo\nthree\n');
  });

  test('--formatter-property, --reader-property, --command-config and --include are accepted as Apache 4.x means them', async () => {
    const topic = t.unique('flags-accepted');
    assert.equal((await t.kt(['topics', 'create', topic])).code, 0);
    const p = await t.kt(['produce', '--topic', topic, '--reader-property', 'parse.key=true', '--command-config', '/dev/null'], { stdin: 'k\tv\n' });
    assert.equal(p.code, 0, p.stderr);
    const c = await t.kt(['consume', '--include', topic, '--formatter-property', 'print.key=true', '--from-beginning', '--max-messages', '1', '--command-config', '/dev/null']);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.out, 'k\tv\n');
  });
});
