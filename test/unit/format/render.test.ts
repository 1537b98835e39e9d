import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeRenderer } from '../../../src/format/render.js';
import { DEFAULT_PRINT_OPTIONS } from '../../../src/format/apache.js';
import { parseTemplate } from '../../../src/format/template.js';
import type { ConsumedRecord } from '../../../src/format/record.js';

const recs: ConsumedRecord[] = [0, 1, 2].map((i) => ({
  topic: 't',
  partition: 0,
  offset: i,
  timestamp: 1000 + i,
  timestampType: 0,
  key: i === 1 ? null : Buffer.from(`k${i}`),
  value: i === 2 ? null : Buffer.from(`v${i}`),
  headers: [],
}));

test('default renderer: value per line, null literal', () => {
  assert.equal(makeRenderer({ kind: 'apache', options: DEFAULT_PRINT_OPTIONS })(recs).toString(), 'v0\nv1\nnull\n');
});

test('default renderer: a separator of several bytes, a byte that is no UTF-8, no records', () => {
  const crlf = makeRenderer({ kind: 'apache', options: { ...DEFAULT_PRINT_OPTIONS, lineSeparator: '\r\n' } });
  assert.equal(crlf(recs).toString(), 'v0\r\nv1\r\nnull\r\n');
  const ff = makeRenderer({ kind: 'apache', options: { ...DEFAULT_PRINT_OPTIONS, lineSeparator: Buffer.from([0xff]) } });
  assert.deepEqual(ff(recs), Buffer.from([0x76, 0x30, 0xff, 0x76, 0x31, 0xff, 0x6e, 0x75, 0x6c, 0x6c, 0xff]));
  assert.equal(crlf([]).length, 0);
});

test('apache renderer with key', () => {
  const r = makeRenderer({ kind: 'apache', options: { ...DEFAULT_PRINT_OPTIONS, printKey: true } });
  assert.equal(r(recs).toString(), 'k0\tv0\nnull\tv1\nk2\tnull\n');
});

test('template renderer', () => {
  assert.equal(makeRenderer({ kind: 'template', tokens: parseTemplate('%o:%v;') })(recs).toString(), '0:v0;1:v1;2:;');
});

test('json renderer: one object per line', () => {
  const out = makeRenderer({ kind: 'json', options: { keyEncoding: 'utf8', valueEncoding: 'utf8' } })(recs).toString();
  const lines = out.trimEnd().split('\n');
  assert.equal(lines.length, 3);
  assert.equal(JSON.parse(lines[2]).value, null);
  assert.ok(out.endsWith('\n'));
});
