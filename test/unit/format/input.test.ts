import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { RecordSplitter, parseLine, parseProducerProperties, parseHeaderFlag, DEFAULT_LINE_READER, LineParseError } from '../../../src/format/input.js';
import { readRecords, type ReaderOptions } from '../../../src/format/reader.js';
import { unescapeBytes } from '../../../src/format/escapes.js';
import { KtError, UsageError } from '../../../src/cli/errors.js';

const s = (bufs: Buffer[]) => bufs.map((b) => b.toString());

test('lines: \\n splits, trailing \\r stripped, last line without newline kept, empty tail dropped', () => {
  const sp = new RecordSplitter();
  assert.deepEqual(s(sp.push(Buffer.from('a\r\nb\n\nc'))), ['a', 'b', '']);
  assert.deepEqual(s(sp.end()), ['c']);
  const sp2 = new RecordSplitter();
  assert.deepEqual(s(sp2.push(Buffer.from('x\n'))), ['x']);
  assert.deepEqual(sp2.end(), []);
});

test('records spanning chunks', () => {
  const sp = new RecordSplitter();
  const out: string[] = [];
  for (const c of ['he', 'llo wo', 'rld\nsec', 'ond\r', '\nthird']) out.push(...s(sp.push(Buffer.from(c))));
  out.push(...s(sp.end()));
  assert.deepEqual(out, ['hello world', 'second', 'third']);
});

test('multi-byte delimiter straddling chunks; no \\r stripping for other delimiters', () => {
  const sp = new RecordSplitter(Buffer.from('||'));
  const out: string[] = [];
  for (const c of ['a|', '|b||c\r|', '|', 'd']) out.push(...s(sp.push(Buffer.from(c))));
  out.push(...s(sp.end()));
  assert.deepEqual(out, ['a', 'b', 'c\r', 'd']);
});

test('every split point of a random input gives the same records', () => {
  const input = Buffer.from('one;;two;;;;three;;four;');
  const expected = ['one', 'two', '', 'three', 'four;'];
  for (let i = 0; i <= input.length; i++) {
    for (let j = i; j <= input.length; j++) {
      const sp = new RecordSplitter(Buffer.from(';;'));
      const out = [...sp.push(input.subarray(0, i)), ...sp.push(input.subarray(i, j)), ...sp.push(input.subarray(j)), ...sp.end()];
      assert.deepEqual(s(out), expected, `split at ${i},${j}`);
    }
  }
});

test('binary bytes pass through unchanged', () => {
  const sp = new RecordSplitter();
  const rec = Buffer.from([0xff, 0x00, 0xfe]);
  const [first] = sp.push(Buffer.concat([rec, Buffer.from('\n')]));
  assert.deepEqual(first, rec);
});

test('empty delimiter is a usage error', () => {
  assert.throws(() => new RecordSplitter(Buffer.alloc(0)), UsageError);
});

test('parse.key with default TAB separator', () => {
  const o = parseProducerProperties({ 'parse.key': 'true' });
  const r = parseLine(Buffer.from('k1\tv1\twith tab'), 1, o);
  assert.equal(r.key!.toString(), 'k1');
  assert.equal(r.value!.toString(), 'v1\twith tab');
});

test("parse.headers + parse.key (Apache's layout) with custom separators", () => {
  const o = parseProducerProperties({ 'parse.key': 'true', 'parse.headers': 'true', 'key.separator': ':', 'headers.delimiter': '|', 'headers.separator': ';', 'headers.key.separator': '=' });
  const r = parseLine(Buffer.from('a=1;b=2|key:value'), 1, o);
  assert.equal(r.key!.toString(), 'key');
  assert.equal(r.value!.toString(), 'value');
  assert.deepEqual(r.headers.map(([k, v]) => [k, v?.toString()]), [['a', '1'], ['b', '2']]);
});

test('null.marker nulls keys, values and header values', () => {
  const o = parseProducerProperties({ 'parse.key': 'true', 'parse.headers': 'true', 'null.marker': 'NULL' });
  const r = parseLine(Buffer.from('h:NULL\tNULL\tNULL'), 1, o);
  assert.equal(r.key, null);
  assert.equal(r.value, null);
  assert.deepEqual(r.headers, [['h', null]]);
  const whole = parseLine(Buffer.from('NULL\tk\tv'), 1, o);
  assert.deepEqual(whole.headers, []);
  // ignore.error cannot help a header key that is the null marker: no hint says it would
  assert.throws(() => parseLine(Buffer.from('NULL:x\tk\tv'), 1, o), (e: unknown) => e instanceof LineParseError && /null marker/.test(e.message) && !e.skippable);
});

test('missing separators are errors, or fall back with ignore.error', () => {
  const strict = parseProducerProperties({ 'parse.key': 'true' });
  assert.throws(() => parseLine(Buffer.from('novalue'), 3, strict), (e: unknown) => e instanceof LineParseError && /key separator found on line number 3/.test(e.message));
  const lax = parseProducerProperties({ 'parse.key': 'true', 'ignore.error': 'true' });
  const r = parseLine(Buffer.from('novalue'), 3, lax);
  assert.equal(r.key, null);
  assert.equal(r.value!.toString(), 'novalue');
  const h = parseProducerProperties({ 'parse.headers': 'true' });
  assert.throws(() => parseLine(Buffer.from('bad\tv'), 1, h), (e: unknown) => e instanceof LineParseError && /No header key separator/.test(e.message) && e.skippable);
  // an empty headers field is one empty pair, as Apache's ConsoleProducer reads it
  assert.throws(() => parseLine(Buffer.from('\tk\tv'), 2, parseProducerProperties({ 'parse.headers': 'true', 'parse.key': 'true' })), /No header key separator found in pair '' on line number 2/);
  const laxHeaders = parseLine(Buffer.from('\tk\tv'), 2, parseProducerProperties({ 'parse.headers': 'true', 'parse.key': 'true', 'ignore.error': 'true' }));
  assert.deepEqual(laxHeaders.headers, [['', null]]);
  assert.equal(laxHeaders.key!.toString(), 'k');
});

test('producer properties are validated', () => {
  assert.throws(() => parseProducerProperties({ 'parse.kye': 'true' }), (e: unknown) => e instanceof UsageError && /parse\.kye/.test(e.message));
  assert.throws(() => parseProducerProperties({ 'parse.key': 'maybe' }), UsageError);
  assert.throws(() => parseProducerProperties({ 'key.separator': '' }), UsageError);
  assert.throws(() => parseProducerProperties({ 'parse.key': 'true', 'null.marker': '\\t' }), UsageError);
  assert.equal(parseProducerProperties({ 'key.separator': '\\t' }).keySeparator, '\t');
  assert.deepEqual(parseProducerProperties({}), DEFAULT_LINE_READER);
});

test('--header KEY=VALUE and KEY:VALUE', () => {
  assert.deepEqual(parseHeaderFlag('a=b'), ['a', Buffer.from('b')]);
  assert.deepEqual(parseHeaderFlag('a:b=c'), ['a', Buffer.from('b=c')]);
  assert.deepEqual(parseHeaderFlag('url=http://x'), ['url', Buffer.from('http://x')]);
  assert.deepEqual(parseHeaderFlag('empty='), ['empty', Buffer.from('')]);
  assert.throws(() => parseHeaderFlag('novalue'), UsageError);
  assert.throws(() => parseHeaderFlag('=v'), UsageError);
});

test('separator escapes', () => {
  // An unknown escape (\\q) used to stay literal in separators while --format rejected it;
  // with one rule for both it is a usage error (test/unit/format/escapes.test.ts).
  assert.deepEqual(unescapeBytes('\\t|\\n|\\\\', 'x'), Buffer.from('\t|\n|\\'));
  assert.throws(() => unescapeBytes('\\q', 'x'), UsageError);
  assert.deepEqual(unescapeBytes('\\x00\\xff', 'x'), Buffer.from([0, 0xff]));
  assert.deepEqual(unescapeBytes('\\n', 'x'), Buffer.from('\n'));
  assert.throws(() => unescapeBytes('\\xg1', 'x'), UsageError);
});

test('a separator given as \\xHH bytes splits lines and headers on those bytes', () => {
  const o = parseProducerProperties({ 'parse.key': 'true', 'parse.headers': 'true', 'key.separator': '\\xfe', 'headers.delimiter': '\\xff', 'headers.separator': '\\x80', 'headers.key.separator': '=' });
  assert.deepEqual(o.keySeparator, Buffer.of(0xfe));
  const line = Buffer.concat([Buffer.from('h1=é'), Buffer.of(0x80), Buffer.from('h2=2'), Buffer.of(0xff), Buffer.from('k'), Buffer.of(0xfe), Buffer.from('v')]);
  assert.deepEqual(parseLine(line, 1, o), { key: Buffer.from('k'), value: Buffer.from('v'), headers: [['h1', Buffer.from('é')], ['h2', Buffer.from('2')]] });
});

const readerOpts = (o: Partial<ReaderOptions> = {}): ReaderOptions => ({
  mode: 'lines',
  delimiter: Buffer.from('\n'),
  line: DEFAULT_LINE_READER,
  headers: [],
  ...o,
});

async function collect(input: string | Buffer, o: ReaderOptions) {
  const out = [];
  for await (const r of readRecords(Readable.from([Buffer.from(input)]), o)) out.push(r);
  return out;
}

test('reader: lines with fixed key, static headers and partition', async () => {
  const recs = await collect('a\nb\n', readerOpts({ fixedKey: Buffer.from('K'), headers: [['s', Buffer.from('1')]], partition: 2 }));
  assert.equal(recs.length, 2);
  assert.equal(recs[1].key!.toString(), 'K');
  assert.equal(recs[1].value!.toString(), 'b');
  assert.deepEqual(recs[0].headers, [['s', Buffer.from('1')]]);
  assert.equal(recs[0].partition, 2);
});

test('reader: raw sends everything as one record', async () => {
  const recs = await collect('a\nb\n', readerOpts({ mode: 'raw' }));
  assert.equal(recs.length, 1);
  assert.equal(recs[0].value!.toString(), 'a\nb\n');
});

test('reader: json lines, blank lines skipped, bad line fails with its number', async () => {
  const good = await collect('{"key":"k","value":"v"}\n\n{"value":"w","partition":1}\n', readerOpts({ mode: 'json' }));
  assert.equal(good.length, 2);
  assert.equal(good[1].partition, 1);
  await assert.rejects(collect('{"value":"v"}\nnope\n', readerOpts({ mode: 'json' })), (e: unknown) => e instanceof KtError && /line 2/.test(e.message));
  const skipped: string[] = [];
  const lax = await collect('nope\n{"value":"v"}\n', readerOpts({ mode: 'json', line: { ...DEFAULT_LINE_READER, ignoreError: true }, onSkip: (m) => skipped.push(m) }));
  assert.equal(lax.length, 1);
  assert.equal(skipped.length, 1);
});

test('fileChunks: the file in order, read into the two buffers alloc gives (taking turns), the last chunk short', async () => {
  const { mkdtempSync, writeFileSync, openSync, closeSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { fileChunks } = await import('../../../src/format/reader.js');
  const file = join(mkdtempSync(join(tmpdir(), 'kt-chunks-')), 'in.bin');
  const data = Buffer.from(Array.from({ length: 2500 }, (_, i) => (i * 7 + (i >> 8)) & 0xff));
  writeFileSync(file, data);
  const memory = Buffer.alloc(3000, 0xee);
  const given: Buffer[] = [];
  const alloc = (size: number) => {
    const b = memory.subarray(given.length * size, (given.length + 1) * size);
    given.push(b);
    return b;
  };
  const fd = openSync(file, 'r');
  try {
    const seen: Buffer[] = [];
    const where: number[] = [];
    for await (const chunk of fileChunks(fd, 1000, alloc)) {
      assert.equal(chunk.buffer, memory.buffer, 'a chunk lies in the memory alloc gave');
      where.push(chunk.byteOffset - memory.byteOffset);
      seen.push(Buffer.from(chunk)); // valid only until the next chunk is asked for
    }
    assert.equal(given.length, 2);
    assert.deepEqual(where, [0, 1000, 0]);
    assert.deepEqual(seen.map((c) => c.length), [1000, 1000, 500]);
    assert.equal(Buffer.concat(seen).toString('hex'), data.toString('hex'));
    assert.ok(memory.subarray(2000).every((b) => b === 0xee), 'nothing written past the two buffers');
  } finally {
    closeSync(fd);
  }
});
