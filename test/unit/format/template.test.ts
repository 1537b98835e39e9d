import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTemplate, renderTemplate } from '../../../src/format/template.js';
import { piecesToBuffer, type ConsumedRecord, type Piece } from '../../../src/format/record.js';
import { UsageError } from '../../../src/cli/errors.js';

const rec: ConsumedRecord = {
  topic: 'orders',
  partition: 2,
  offset: 41,
  timestamp: Date.parse('2024-05-01T12:00:00.123Z'),
  timestampType: 0,
  key: Buffer.from('k1'),
  value: Buffer.from('héllo'),
  headers: [
    ['a', Buffer.from('1')],
    ['b', null],
  ],
};

function render(t: string, r = rec): Buffer {
  const out: Piece[] = [];
  renderTemplate(parseTemplate(t), r, out);
  return piecesToBuffer(out);
}

test('parses once into literal and field tokens', () => {
  assert.deepEqual(parseTemplate('%t:%p\\n'), [{ field: 't' }, { lit: ':' }, { field: 'p' }, { lit: '\n' }]);
  assert.deepEqual(parseTemplate('100%%'), [{ lit: '100%' }]);
});

test('renders every token', () => {
  assert.equal(render('%t|%p|%o|%k|%v|%K|%V|%T|%d|%h|%%').toString(), `orders|2|41|k1|héllo|2|6|${rec.timestamp}|2024-05-01T12:00:00.123Z|a=1,b=|%`);
});

test('escapes', () => {
  assert.equal(render('%k\\t%v\\n').toString(), 'k1\théllo\n');
  assert.equal(render('a\\\\b').toString(), 'a\\b');
  assert.equal(render('\\x41').toString(), 'A');
});

test('null key/value: empty text, length -1', () => {
  const r = { ...rec, key: null, value: null };
  assert.equal(render('[%k][%v][%K][%V]', r).toString(), '[][][-1][-1]');
});

test('binary values are written as bytes', () => {
  const r = { ...rec, value: Buffer.from([0xff, 0x00, 0xfe]) };
  assert.deepEqual(render('%v', r), Buffer.from([0xff, 0x00, 0xfe]));
});

test('unknown tokens and escapes are usage errors naming them', () => {
  assert.throws(() => parseTemplate('%x'), (e: unknown) => e instanceof UsageError && /'%x'/.test(e.message));
  assert.throws(() => parseTemplate('abc%'), UsageError);
  assert.throws(() => parseTemplate('\\q'), (e: unknown) => e instanceof UsageError && /\\q/.test(e.message));
  assert.throws(() => parseTemplate('\\xZZ'), UsageError);
});
