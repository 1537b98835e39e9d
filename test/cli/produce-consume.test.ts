// kt produce / kt consume as processes against the in-process broker (src/broker).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forTheFile, kt, requirePeer, run, spawnKt, testBroker } from '../helpers.js';

const broker = await forTheFile(testBroker());
const B = broker.bootstrap;

let n = 0;
const topicName = (p: string) => `${p}-${process.pid}-${++n}`;

test('tutorial: produce two lines, consume --from-beginning --max-messages 2', async () => {
  const p = await kt(['produce', '--broker-list', B, '--topic', 'myTestTopic'], { stdin: 'my first message\nmy second message\n' });
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stderr, /^Produced 2 messages to myTestTopic$/m);
  assert.equal(p.out, '');
  const c = await kt(['consume', '--bootstrap-server', B, '--topic', 'myTestTopic', '--from-beginning', '--max-messages', '2']);
  assert.equal(c.code, 0, c.stderr);
  assert.equal(c.out, 'my first message\nmy second message\n');
  assert.match(c.stderr, /^Processed a total of 2 messages$/m);
});

test('without --from-beginning (latest) and --timeout-ms 2000 nothing prints, exit 0', async () => {
  const c = await kt(['consume', '--bootstrap-server', B, '--topic', 'myTestTopic', '--timeout-ms', '2000']);
  assert.equal(c.code, 0, c.stderr);
  assert.equal(c.out, '');
  assert.match(c.stderr, /Processed a total of 0 messages/);
  assert.ok(c.ms >= 1900, `ended after ${c.ms} ms`);
});

test('--timeout-ms before --max-messages is reached → exit 3', async () => {
  const t = topicName('short');
  await kt(['produce', '-b', B, '-t', t], { stdin: 'only one\n' });
  const c = await kt(['consume', '-b', B, '-t', t, '--from-beginning', '--max-messages', '5', '--timeout-ms', '1000']);
  assert.equal(c.code, 3, c.stderr);
  assert.equal(c.out, 'only one\n');
  assert.match(c.stderr, /Processed a total of 1 messages/);
});

test('--exit stops at the end offsets captured at start; empty topic ends at once', async () => {
  const t = topicName('exit');
  const lines = Array.from({ length: 50 }, (_, i) => `line-${i}`);
  await kt(['topics', 'create', t, '--partitions', '3', '-b', B]);
  const p = await kt(['produce', '-b', B, '-t', t], { stdin: lines.join('\n') + '\n' });
  assert.equal(p.code, 0, p.stderr);
  const c = await kt(['consume', '-b', B, '-t', t, '--from-beginning', '--exit']);
  assert.equal(c.code, 0, c.stderr);
  assert.deepEqual(c.out.trimEnd().split('\n').sort(), [...lines].sort());
  const latest = await kt(['consume', '-b', B, '-t', t, '--exit']);
  assert.equal(latest.code, 0);
  assert.equal(latest.out, '');
});

test('--offset grammar: -N, +N, N with --partition, @timestamp, @-duration', async () => {
  const t = topicName('offsets');
  const p = await kt(['produce', '-b', B, '-t', t], { stdin: 'a\nb\nc\nd\ne\n' });
  assert.equal(p.code, 0);
  const cases: Array<[string[], string]> = [
    [['--offset', '-2'], 'd\ne\n'],
    [['--offset', '+3'], 'd\ne\n'],
    [['--offset', '1', '--partition', '0'], 'b\nc\nd\ne\n'],
    [['--offset', 'earliest'], 'a\nb\nc\nd\ne\n'],
    [['--offset', 'latest'], ''],
    [['--offset', '@0'], 'a\nb\nc\nd\ne\n'],
    [['--offset', '@-1h'], 'a\nb\nc\nd\ne\n'],
    [['--offset', `@${Date.now() + 3_600_000}`], ''],
  ];
  for (const [args, expected] of cases) {
    const c = await kt(['consume', '-b', B, '-t', t, '--exit', ...args]);
    assert.equal(c.code, 0, `${args.join(' ')}: ${c.stderr}`);
    assert.equal(c.out, expected, args.join(' '));
  }
  const bad = await kt(['consume', '-b', B, '-t', t, '--partition', '7', '--exit']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /no partition 7/);
});

test('Apache print properties in Apache order; --format templates', async () => {
  const t = topicName('print');
  await kt(['produce', '-b', B, '-t', t, '--property', 'parse.key=true', '--property', 'parse.headers=true'], { stdin: 'h1:v1,h2:v2\tk1\tvalue one\n' });
  const c = await kt(['consume', '-b', B, '-t', t, '--from-beginning', '--exit', ...['print.timestamp', 'print.partition', 'print.offset', 'print.headers', 'print.key'].flatMap((p) => ['--property', `${p}=true`])]);
  assert.equal(c.code, 0, c.stderr);
  assert.match(c.out, /^CreateTime:\d{13}\tPartition:0\tOffset:0\th1:v1,h2:v2\tk1\tvalue one\n$/);
  const f = await kt(['consume', '-b', B, '-t', t, '--from-beginning', '--exit', '--format', '%t %p %o %k=%v %K %V [%h]\\n']);
  assert.equal(f.out, `${t} 0 0 k1=value one 2 9 [h1=v1,h2=v2]\n`);
});

test('null.marker, fixed --key, --header, --value', async () => {
  const t = topicName('misc');
  await kt(['produce', '-b', B, '-t', t, '--property', 'parse.key=true', '--property', 'null.marker=NULL'], { stdin: 'NULL\tv1\nk2\tNULL\n' });
  await kt(['produce', '-b', B, '-t', t, '--value', 'single', '--key', 'fixed', '-H', 'a=1', '-H', 'b:2']);
  const c = await kt(['consume', '-b', B, '-t', t, '--from-beginning', '--exit', '--output', 'json']);
  const recs = c.out.trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.equal(recs.length, 3);
  assert.equal(recs[0].key, null);
  assert.equal(recs[0].value, 'v1');
  assert.equal(recs[1].key, 'k2');
  assert.equal(recs[1].value, null);
  assert.equal(recs[2].key, 'fixed');
  assert.equal(recs[2].value, 'single');
  assert.deepEqual(recs[2].headers, { a: '1', b: '2' });
});

test('consume --output json | produce --input json copies keys, headers and binary values byte for byte', async () => {
  const src = topicName('copy-src');
  const dst = topicName('copy-dst');
  await kt(['topics', 'create', src, '--partitions', '3', '-b', B]);
  await kt(['topics', 'create', dst, '--partitions', '3', '-b', B]);
  // Source records built with --input json from arbitrary bytes.
  const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
  const records = Array.from({ length: 60 }, (_, i) => {
    const bytes = Buffer.from(Array.from({ length: 1 + (i % 17) }, (_, j) => (i * 31 + j * 7) % 256));
    const withHeaders = i % 3 !== 0;
    return {
      key: i % 5 === 0 ? null : i % 2 ? `key-${i}` : b64(Buffer.from([0xff, i])),
      keyEncoding: i % 5 !== 0 && i % 2 === 0 ? 'base64' : undefined,
      value: i % 7 === 0 ? null : bytes.toString('base64'),
      valueEncoding: 'base64',
      headers: withHeaders ? { h: b64(`v${i}`), bin: b64(Buffer.from([0x80, i])), rep: [b64('x'), b64('y')] } : {},
      headersEncoding: withHeaders ? 'base64' : undefined,
      partition: i % 3,
    };
  });
  const input = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
  const p = await kt(['produce', '-b', B, '-t', src, '--input', 'json'], { stdin: input });
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stderr, /Produced 60 messages/);

  const dump = await kt(['consume', '-b', B, '-t', src, '--from-beginning', '--exit', '--output', 'json']);
  assert.equal(dump.code, 0, dump.stderr);
  const copy = await kt(['produce', '-b', B, '-t', dst, '--input', 'json'], { stdin: dump.stdout });
  assert.equal(copy.code, 0, copy.stderr);
  const dump2 = await kt(['consume', '-b', B, '-t', dst, '--from-beginning', '--exit', '--output', 'json']);
  assert.equal(dump2.code, 0);

  const norm = (out: string) =>
    out
      .trimEnd()
      .split('\n')
      .map((l) => {
        const o = JSON.parse(l);
        delete o.topic;
        delete o.timestamp;
        return o;
      })
      .sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  const a = norm(dump.out);
  const b = norm(dump2.out);
  assert.equal(a.length, 60);
  assert.deepEqual(b, a);
  // and the bytes are the ones we sent
  const bytesOf = (v: string | null, enc?: string) => (v === null ? null : Buffer.from(v, enc === 'base64' ? 'base64' : 'utf8'));
  const eq = (x: Buffer | null, y: Buffer | null) => (x === null ? y === null : y !== null && x.equals(y));
  for (const rec of records) {
    const match = a.find(
      (x) => x.partition === rec.partition && eq(bytesOf(x.value, x.valueEncoding), bytesOf(rec.value, 'base64')) && eq(bytesOf(x.key, x.keyEncoding), bytesOf(rec.key, rec.keyEncoding)),
    );
    assert.ok(match, `record not found: ${JSON.stringify(rec)}`);
  }
  // timestamps are kept too
  assert.deepEqual(
    dump2.out.trimEnd().split('\n').map((l) => JSON.parse(l).timestamp).sort(),
    dump.out.trimEnd().split('\n').map((l) => JSON.parse(l).timestamp).sort(),
  );
});

test('consume | head -1 exits quietly (EPIPE)', async () => {
  const t = topicName('pipe');
  const lines = Array.from({ length: 20000 }, (_, i) => `row ${i} ${'x'.repeat(50)}`).join('\n') + '\n';
  await kt(['produce', '-b', B, '-t', t], { stdin: lines });
  const { KT: BIN } = await import('../helpers.js');
  const r = await run('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" consume -b ${B} -t ${t} --from-beginning | head -1`]);
  assert.equal(r.out, 'row 0 ' + 'x'.repeat(50) + '\n');
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /error|EPIPE|at /i);
});

test('Ctrl-C: commits with --group, prints the total, exit 130', async () => {
  const t = topicName('sigint');
  await kt(['produce', '-b', B, '-t', t], { stdin: 'a\nb\nc\n' });
  const g = `g-${t}`;
  // Ctrl-C once the records are out (so the handler is installed), not after a guessed delay
  const live = spawnKt(['consume', '-b', B, '-t', t, '--group', g, '--from-beginning']);
  await live.until('3 records', () => live.stdout === 'a\nb\nc\n');
  live.child.kill('SIGINT');
  const { code } = await live.exited;
  assert.equal(code, 130, live.stderr);
  assert.equal(live.stdout, 'a\nb\nc\n');
  assert.match(live.stderr, /Processed a total of 3 messages/);
  // committed: the group starts after c
  await kt(['produce', '-b', B, '-t', t], { stdin: 'd\n' });
  const again = await kt(['consume', '-b', B, '-t', t, '--group', g, '--from-beginning', '--exit']);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.out, 'd\n');
});

test('--group commits what was printed; --exit works with a group', async () => {
  const t = topicName('group');
  const g = `g-${t}`;
  await kt(['topics', 'create', t, '--partitions', '2', '-b', B]);
  await kt(['produce', '-b', B, '-t', t], { stdin: '1\n2\n3\n4\n5\n6\n' });
  const first = await kt(['consume', '-b', B, '-t', t, '-g', g, '--from-beginning', '--max-messages', '2']);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.out.trimEnd().split('\n').length, 2);
  const rest = await kt(['consume', '-b', B, '-t', t, '-g', g, '--from-beginning', '--exit']);
  assert.equal(rest.code, 0, rest.stderr);
  assert.deepEqual([...first.out.trimEnd().split('\n'), ...rest.out.trimEnd().split('\n')].sort(), ['1', '2', '3', '4', '5', '6']);
  const none = await kt(['consume', '-b', B, '-t', t, '-g', g, '--exit']);
  assert.equal(none.out, '');
});

test('--group with --partition reads that partition and commits to the group', async () => {
  const t = topicName('gp');
  const g = `g-${t}`;
  await kt(['topics', 'create', t, '--partitions', '2', '-b', B]);
  await kt(['produce', '-b', B, '-t', t, '-p', '1'], { stdin: 'x\ny\n' });
  const a = await kt(['consume', '-b', B, '-t', t, '-p', '1', '-g', g, '--from-beginning', '-n', '1']);
  assert.equal(a.out, 'x\n');
  const b = await kt(['consume', '-b', B, '-t', t, '-p', '1', '-g', g, '--exit']);
  assert.equal(b.out, 'y\n');
});

test('--include regex reads several topics', async () => {
  const base = topicName('inc');
  await kt(['produce', '-b', B, '-t', `${base}-a`], { stdin: 'A\n' });
  await kt(['produce', '-b', B, '-t', `${base}-b`], { stdin: 'B\n' });
  const c = await kt(['consume', '-b', B, '--include', `${base}-.*`, '--from-beginning', '--exit']);
  assert.equal(c.code, 0, c.stderr);
  assert.deepEqual(c.out.trimEnd().split('\n').sort(), ['A', 'B']);
});

test('produce: --file, --delimiter, raw input, CRLF, --sync, --rate', async () => {
  const t = topicName('prod');
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const f = join(mkdtempSync(join(tmpdir(), 'kt-')), 'in.txt');
  writeFileSync(f, 'f1\r\nf2\r\n');
  assert.equal((await kt(['produce', '-b', B, '-t', t, '--file', f])).code, 0);
  assert.equal((await kt(['produce', '-b', B, '-t', t, '--delimiter', ';'], { stdin: 'd1;d2' })).code, 0);
  assert.equal((await kt(['produce', '-b', B, '-t', t, '--input', 'raw'], { stdin: 'r1\nr2' })).code, 0);
  assert.equal((await kt(['produce', '-b', B, '-t', t, '--sync'], { stdin: 's1\ns2\n' })).code, 0);
  const rate = await kt(['produce', '-b', B, '-t', t, '--rate', '10'], { stdin: 'q1\nq2\nq3\nq4\nq5\n' });
  assert.equal(rate.code, 0);
  assert.ok(rate.ms >= 400, `--rate 10 for 5 records took ${rate.ms} ms`);
  const c = await kt(['consume', '-b', B, '-t', t, '--from-beginning', '--exit', '--output', 'json']);
  const values = c.out.trimEnd().split('\n').map((l) => JSON.parse(l).value);
  assert.deepEqual(values, ['f1', 'f2', 'd1', 'd2', 'r1\nr2', 's1', 's2', 'q1', 'q2', 'q3', 'q4', 'q5']);
  const missing = await kt(['produce', '-b', B, '-t', t, '--file', '/nonexistent/x']);
  assert.equal(missing.code, 2);
});

test('produce failures exit 1 naming how many failed', async () => {
  const t = topicName('fail');
  await kt(['topics', 'create', t, '--partitions', '1', '-b', B]);
  const r = await kt(['produce', '-b', B, '-t', t, '--partition', '5'], { stdin: 'a\nb\nc\n' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /kt: error: 3 of 3 messages failed to produce to /);
  assert.match(r.stderr, /Produced 0 messages/);
});

test('kcat reads what kt produce wrote (keys, headers) and kt reads kcat -P', { skip: requirePeer('kcat') || undefined }, async () => {
  const topic = topicName('kcat');
  const p = await kt(['produce', '-b', B, '-t', topic, '--property', 'parse.key=true', '-H', 'src=kt'], { stdin: 'k1\tv1\nk2\tv2\n' });
  assert.equal(p.code, 0, p.stderr);
  const k = await run('kcat', ['-b', B, '-C', '-t', topic, '-e', '-q', '-f', '%k=%s|%h\n']);
  assert.equal(k.code, 0, k.stderr);
  assert.equal(k.out, 'k1=v1|src=kt\nk2=v2|src=kt\n');

  const topic2 = topicName('fromkcat');
  const kp = await run('kcat', ['-b', B, '-P', '-t', topic2, '-K', ':', '-H', 'hk=hv'], { stdin: 'a:1\nb:2\n' });
  assert.equal(kp.code, 0, kp.stderr);
  const c = await kt(['consume', '-b', B, '-t', topic2, '--from-beginning', '--exit', '--property', 'print.key=true', '--property', 'print.headers=true']);
  assert.equal(c.code, 0, c.stderr);
  assert.equal(c.out, 'hk:hv\ta\t1\nhk:hv\tb\t2\n');
});

test('batched produce keeps the input order within a partition', async () => {
  const t = topicName('order');
  const input = Array.from({ length: 60000 }, (_, i) => String(i)).join('\n') + '\n';
  const p = await kt(['produce', '-b', B, '-t', t, '--batch-size', '16384'], { stdin: input });
  assert.equal(p.code, 0, p.stderr);
  const c = await kt(['consume', '-b', B, '-t', t, '--from-beginning', '--exit']);
  assert.equal(c.code, 0, c.stderr);
  assert.equal(c.out, input);
});
