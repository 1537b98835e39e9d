// kt produce keeps every byte of every line, whatever the shape of the input and however it
// arrives: a pipe (chunks as the pipe gives them), stdin redirected from a file and --file
// (1 MiB chunks read into the producer's batch memory and copied with copyWithin), read
// back with kt consume --output json (base64 values) and compared with what was written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { forTheFile, isolatedEnv, KT, kt, tempDir, testBroker, type RunResult } from '../helpers.js';

const broker = await forTheFile(testBroker());
const B = broker.bootstrap;
const dir = tempDir('kt-produce-bytes-');

let n = 0;
const topicName = (p: string) => `${p}-${process.pid}-${++n}`;

/** The producer's file read size (produce.ts: fileChunks(fd, 1 << 20)). */
const CHUNK = 1 << 20;
/** BatchEncoder's capacity with --batch-size 16384 (directProducer.ts: batch size + 4096). */
const CAPACITY = 16384 + 4096;

function prng(seed: number): () => number {
  let x = seed;
  return () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

/** Line bytes: ASCII, binary, NUL, 0xff, multi-byte UTF-8; never \n or \r. */
const PIECES = [Buffer.from('abc'), Buffer.from('é'), Buffer.from('€'), Buffer.from('𝄞'), Buffer.from([0]), Buffer.from([0xff, 0xfe]), Buffer.from('\t '), Buffer.from('xyz0123')];

function lineOf(length: number, rnd: () => number): Buffer {
  const parts: Buffer[] = [];
  let size = 0;
  while (size < length) {
    const p = PIECES[Math.floor(rnd() * PIECES.length)];
    parts.push(p);
    size += p.length;
  }
  return Buffer.concat(parts).subarray(0, length); // a cut multi-byte character is fine: bytes
}

/** Input built line by line; `values` are the records it must give. */
class Input {
  readonly parts: Buffer[] = [];
  readonly values: Buffer[] = [];
  size = 0;
  /** Where chunk boundaries fall in it (see shapes). */
  cut: Record<string, number> = {};
  constructor(private readonly eol: Buffer) {}
  line(value: Buffer, eol: Buffer = this.eol): void {
    this.parts.push(value, eol);
    this.values.push(value);
    this.size += value.length + eol.length;
  }
  /** A last line without a line end. */
  last(value: Buffer): void {
    this.parts.push(value);
    this.values.push(value);
    this.size += value.length;
  }
  /** Filler lines, then one line whose end puts `at` bytes of `tail` before `offset`. */
  reach(offset: number, rnd: () => number, tailBefore = 0): void {
    while (this.size + 3000 < offset) this.line(lineOf(Math.floor(rnd() * 2000), rnd));
    const gap = offset - this.size - tailBefore;
    assert.ok(gap >= 0);
    this.parts.push(lineOf(gap, rnd));
    this.size += gap;
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/**
 * An input whose lines meet the 1 MiB read chunks in every way: a multi-byte character and
 * a line cut by a chunk's end, \r and \n on either side of it, a line end as a chunk's last
 * byte and as the next chunk's first, a line longer than a chunk (and than max.message.bytes
 * by default: the topic allows it), empty lines, lines around the batch capacity, and the
 * last line without a line end.
 */
function shapes(eol: '\n' | '\r\n'): Input {
  const rnd = prng(eol === '\n' ? 7 : 11);
  const E = Buffer.from(eol);
  const input = new Input(E);
  /** The first chunk boundary with room for filler lines before it. */
  const boundary = () => (Math.floor((input.size + 3000) / CHUNK) + 1) * CHUNK;
  const cut: Record<string, number> = {};
  input.line(Buffer.alloc(0));
  // a chunk ends inside '€' (3 bytes: 1 before the boundary, 2 after)
  cut.euro = boundary();
  input.reach(cut.euro, rnd, 1);
  const euro = Buffer.concat([Buffer.from('€'), lineOf(500, rnd)]);
  input.parts.push(euro, E);
  input.values.push(Buffer.concat([input.parts[input.parts.length - 3], euro]));
  input.size += euro.length + E.length;
  // lines of every length around the batch capacity with --batch-size 16384 (each alone in
  // its batch: bigger than the batch size; the buffer is full at about CAPACITY - 77)
  for (let len = CAPACITY - 95; len <= CAPACITY - 55; len++) input.line(lineOf(len, rnd));
  for (let len = CAPACITY - 3; len <= CAPACITY + 3; len++) input.line(lineOf(len, rnd));
  // ... and small lines after batches nearly full (the next record overflows the buffer)
  for (let i = 0; i < 30; i++) {
    input.line(lineOf(16000 + Math.floor(rnd() * 380), rnd));
    input.line(lineOf(Math.floor(rnd() * 6000), rnd));
  }
  input.line(Buffer.alloc(0));
  input.line(Buffer.alloc(0));
  // a chunk ends with a line's last byte (its line end starts the next chunk)
  cut.lineEnd = boundary();
  input.reach(cut.lineEnd, rnd, 0);
  input.values.push(input.parts[input.parts.length - 1]);
  input.parts.push(E);
  input.size += E.length;
  // a chunk ends with a line end's last byte ('\n'): the next line starts the next chunk
  cut.nextLine = boundary();
  input.reach(cut.nextLine, rnd, E.length);
  input.values.push(input.parts[input.parts.length - 1]);
  input.parts.push(E);
  input.size += E.length;
  // a line longer than a chunk (and than the default max.message.bytes: the topic allows it), empty lines in a row
  input.line(lineOf(CHUNK + 300_000, rnd));
  for (let i = 0; i < 5; i++) input.line(Buffer.alloc(0));
  if (eol === '\r\n') {
    // a chunk ends between '\r' and '\n'
    cut.crlf = boundary();
    input.reach(cut.crlf, rnd, 1);
    input.values.push(input.parts[input.parts.length - 1]);
    input.parts.push(E);
    input.size += E.length;
  }
  for (let i = 0; i < 2000; i++) input.line(lineOf(Math.floor(rnd() * 120), rnd));
  input.last(lineOf(77, rnd));
  input.cut = cut;
  return input;
}

/** kt produce with stdin read from `file` (a regular file: the producer's file path). */
function produceFromFile(args: string[], file: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const fd = fs.openSync(file, 'r');
    const started = Date.now();
    const child = spawn(process.execPath, [KT, ...args], { env: isolatedEnv() as NodeJS.ProcessEnv, stdio: [fd, 'pipe', 'pipe'] });
    fs.closeSync(fd);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const stdout = Buffer.concat(out);
      resolve({ code, signal, stdout, stderr: Buffer.concat(err).toString(), ms: Date.now() - started, out: stdout.toString() });
    });
  });
}

interface Back {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string | string[]>;
  partition: number;
}

async function consumeAll(topic: string): Promise<Back[]> {
  const c = await kt(['consume', '-b', B, '-t', topic, '--from-beginning', '--exit', '--output', 'json', '--key-encoding', 'base64', '--value-encoding', 'base64']);
  assert.equal(c.code, 0, c.stderr);
  if (c.out === '') return [];
  return c.out.trimEnd().split('\n').map((l) => {
    const j = JSON.parse(l) as { key: string | null; value: string | null; headers: Record<string, string | string[]>; partition: number };
    return {
      key: j.key === null ? null : Buffer.from(j.key, 'base64'),
      value: j.value === null ? null : Buffer.from(j.value, 'base64'),
      headers: j.headers,
      partition: j.partition,
    };
  });
}

/** The records read back are `expected`, in order, byte for byte. */
function sameValues(back: Back[], expected: Buffer[], what: string): void {
  assert.equal(back.length, expected.length, `${what}: record count`);
  for (let i = 0; i < expected.length; i++) {
    const v = back[i].value;
    if (v === null || !v.equals(expected[i])) {
      assert.fail(`${what}: record ${i} differs: ${v === null ? 'null' : `${v.length} bytes`} read back, ${expected[i].length} bytes written`);
    }
  }
}

async function topic(prefix: string, partitions = 1): Promise<string> {
  const t = topicName(prefix);
  const c = await kt(['topics', 'create', t, '--partitions', String(partitions), '--config', 'max.message.bytes=4000000', '-b', B]);
  assert.equal(c.code, 0, c.stderr);
  return t;
}

for (const eol of ['\n', '\r\n'] as const) {
  const name = eol === '\n' ? 'LF' : 'CRLF';
  const input = shapes(eol);
  const bytes = input.bytes();
  const file = path.join(dir, `${name}.txt`);
  fs.writeFileSync(file, bytes);

  test(`${name} lines: the input meets chunks and batches in every way (${input.values.length} lines, ${bytes.length} bytes)`, () => {
    // the input itself is what the tests below assume
    assert.equal(Buffer.concat(input.values.map((v, i) => (i < input.values.length - 1 ? Buffer.concat([v, Buffer.from(eol)]) : v))).toString('hex'), bytes.toString('hex'));
    const { euro, lineEnd, nextLine, crlf } = input.cut;
    assert.equal(bytes.subarray(euro - 1, euro + 2).toString(), '€');
    assert.equal(bytes[lineEnd], eol.charCodeAt(0));
    assert.notEqual(bytes[lineEnd - 1], 0x0a);
    assert.equal(bytes[nextLine - 1], 0x0a);
    if (eol === '\r\n') assert.deepEqual([bytes[crlf - 1], bytes[crlf]], [0x0d, 0x0a]);
    assert.ok(input.values.some((v) => v.length > CHUNK));
    assert.notEqual(bytes[bytes.length - 1], 0x0a);
  });

  const runs: Array<[string, (t: string, extra: string[]) => Promise<RunResult>]> = [
    ['a pipe', (t, extra) => kt(['produce', '-b', B, '-t', t, ...extra], { stdin: bytes })],
    ['stdin from a file', (t, extra) => produceFromFile(['produce', '-b', B, '-t', t, ...extra], file)],
    ['--file', (t, extra) => kt(['produce', '-b', B, '-t', t, '--file', file, ...extra])],
  ];
  for (const [how, produce] of runs) {
    for (const extra of [['--batch-size', '16384'], []]) {
      test(`${name} lines from ${how}${extra.length ? ` (${extra.join(' ')})` : ''}: every record read back byte for byte`, async () => {
        const t = await topic(`bytes-${name}`);
        const p = await produce(t, extra);
        assert.equal(p.code, 0, p.stderr);
        assert.match(p.stderr, new RegExp(`^Produced ${input.values.length} messages to `, 'm'));
        sameValues(await consumeAll(t), input.values, `${name} from ${how}`);
      });
    }
  }
}

test('three partitions, a small batch size and one request in flight: the same lines, none lost or changed', async () => {
  const rnd = prng(3);
  const values = Array.from({ length: 30_000 }, (_, i) => (i % 97 === 0 ? Buffer.alloc(0) : lineOf(Math.floor(rnd() * (i % 11 === 0 ? 9000 : 150)), rnd)));
  const file = path.join(dir, 'three.txt');
  fs.writeFileSync(file, Buffer.concat(values.flatMap((v) => [v, Buffer.from('\n')])));
  for (const args of [['--batch-size', '4096', '--max-in-flight', '1'], ['--batch-size', '50000', '--max-in-flight', '8']]) {
    const t = await topic('bytes-three', 3);
    const p = await produceFromFile(['produce', '-b', B, '-t', t, ...args], file);
    assert.equal(p.code, 0, p.stderr);
    const back = await consumeAll(t);
    const hex = (bs: Array<Buffer | null>) => bs.map((b) => (b === null ? 'null' : b.toString('hex'))).sort();
    assert.deepEqual(hex(back.map((r) => r.value)), hex(values), args.join(' '));
    assert.deepEqual(new Set(back.map((r) => r.partition)), new Set([0, 1, 2]), 'round robin over the partitions');
  }
});

test('keys and headers: parse.key, --key and --header give the same values as plain lines', async () => {
  const rnd = prng(5);
  const values = Array.from({ length: 3000 }, (_, i) => (i % 50 === 0 ? Buffer.alloc(0) : lineOf(Math.floor(rnd() * 400), rnd)));
  const keys = values.map((_, i) => Buffer.from(`k${i}-é`));
  const plain = Buffer.concat(values.flatMap((v) => [v, Buffer.from('\r\n')]));
  const keyed = Buffer.concat(values.flatMap((v, i) => [keys[i], Buffer.from('\t'), v, Buffer.from('\n')]));
  const plainFile = path.join(dir, 'plain.txt');
  fs.writeFileSync(plainFile, plain);

  // parse.key (the reader's path, one record object per line)
  const t1 = await topic('bytes-parsekey');
  const p1 = await kt(['produce', '-b', B, '-t', t1, '--property', 'parse.key=true'], { stdin: keyed });
  assert.equal(p1.code, 0, p1.stderr);
  const b1 = await consumeAll(t1);
  sameValues(b1, values, 'parse.key');
  b1.forEach((r, i) => assert.ok(r.key?.equals(keys[i]), `parse.key: key ${i}`));

  // --key (the fast path with a key: one partition) and --header (the fast path with headers)
  for (const [args, check] of [
    [['--key', 'fixed-ключ'], (r: Back) => assert.equal(r.key?.toString(), 'fixed-ключ')],
    [['-H', 'src=kt', '-H', 'n:é'], (r: Back) => assert.deepEqual(r.headers, { src: 'kt', n: 'é' })],
    [['--key', 'k', '-H', 'h=1'], (r: Back) => (assert.equal(r.key?.toString(), 'k'), assert.deepEqual(r.headers, { h: '1' }))],
  ] as Array<[string[], (r: Back) => void]>) {
    for (const from of ['file', 'pipe'] as const) {
      const t = await topic('bytes-keyed', 3);
      const p = from === 'file' ? await produceFromFile(['produce', '-b', B, '-t', t, ...args], plainFile) : await kt(['produce', '-b', B, '-t', t, ...args], { stdin: plain });
      assert.equal(p.code, 0, p.stderr);
      const back = await consumeAll(t);
      if (args.includes('--key')) {
        // one key: one partition, in order
        assert.equal(new Set(back.map((r) => r.partition)).size, 1, `${args.join(' ')}: one partition`);
        sameValues(back, values, `${args.join(' ')} from a ${from}`);
      } else {
        const hex = (bs: Array<Buffer | null>) => bs.map((b) => (b === null ? 'null' : b.toString('hex'))).sort();
        assert.deepEqual(hex(back.map((r) => r.value)), hex(values), `${args.join(' ')} from a ${from}`);
      }
      back.forEach(check);
    }
  }
});

test('an empty input and an input of line ends only', async () => {
  const t = await topic('bytes-empty');
  const none = await kt(['produce', '-b', B, '-t', t], { stdin: '' });
  assert.equal(none.code, 0, none.stderr);
  assert.match(none.stderr, /^Produced 0 messages/m);
  const empties = path.join(dir, 'empties.txt');
  fs.writeFileSync(empties, '\n\r\n\n');
  const p = await produceFromFile(['produce', '-b', B, '-t', t], empties);
  assert.equal(p.code, 0, p.stderr);
  sameValues(await consumeAll(t), [Buffer.alloc(0), Buffer.alloc(0), Buffer.alloc(0)], 'line ends only');
});

test('every codec, acks 0 and all: the lines of a file read back byte for byte', async () => {
  const rnd = prng(9);
  const values = Array.from({ length: 20_000 }, (_, i) => (i % 89 === 0 ? Buffer.alloc(0) : lineOf(Math.floor(rnd() * (i % 13 === 0 ? 30_000 : 200)), rnd)));
  const file = path.join(dir, 'codecs.txt');
  fs.writeFileSync(file, Buffer.concat(values.flatMap((v) => [v, Buffer.from('\n')])));
  const runs = [
    ['--compression', 'gzip'],
    ['--compression', 'snappy', '--batch-size', '16384'],
    ['--compression', 'lz4'],
    ['--compression', 'zstd', '--batch-size', '16384'],
    ['--acks', '0', '--batch-size', '16384'],
    ['--acks', 'all', '--max-in-flight', '1'],
  ];
  for (const args of runs) {
    const t = await topic('bytes-codec');
    const p = await produceFromFile(['produce', '-b', B, '-t', t, ...args], file);
    assert.equal(p.code, 0, p.stderr);
    sameValues(await consumeAll(t), values, args.join(' '));
  }
});

test('lines of 70 KB to a topic with the default max.message.bytes: no batch passes it (plain lines, parse.key)', async () => {
  // 14 such records fill a batch to ~980 KB, short of the 1 MB at which a batch is sent; a
  // 15th would take it past 1 MiB + 12 bytes (MESSAGE_TOO_LARGE), so it opens the next batch
  const rnd = prng(11);
  const values = Array.from({ length: 60 }, (_, i) => Buffer.from(lineOf(70_000 - (i % 3), rnd).map((b) => (b === 0x0a || b === 0x0d || b === 0x09 ? 0x61 : b))));
  const plainFile = path.join(dir, 'large.txt');
  fs.writeFileSync(plainFile, Buffer.concat(values.flatMap((v) => [v, Buffer.from('\n')])));
  const keyedFile = path.join(dir, 'large-keyed.txt');
  fs.writeFileSync(keyedFile, Buffer.concat(values.flatMap((v, i) => [Buffer.from(`k${i}\t`), v, Buffer.from('\n')])));
  for (const [file, args] of [[plainFile, []], [keyedFile, ['--property', 'parse.key=true']]] as const) {
    const t = topicName('bytes-large');
    const c = await kt(['topics', 'create', t, '--partitions', '1', '-b', B]);
    assert.equal(c.code, 0, c.stderr);
    const p = await produceFromFile(['produce', '-b', B, '-t', t, ...args], file);
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stderr, /^Produced 60 messages/m);
    sameValues(await consumeAll(t), values, `${file} ${args.join(' ')}`);
  }
});
