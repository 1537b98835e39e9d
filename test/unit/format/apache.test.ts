import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePrintProperties, renderApache, isValueOnly, DEFAULT_PRINT_OPTIONS } from '../../../src/format/apache.js';
import { piecesToBuffer, type ConsumedRecord, type Piece } from '../../../src/format/record.js';
import { UsageError } from '../../../src/cli/errors.js';

const rec: ConsumedRecord = {
  topic: 't',
  partition: 0,
  offset: 42,
  timestamp: 1700000000000,
  timestampType: 0,
  key: Buffer.from('my-key'),
  value: Buffer.from('my-value'),
  headers: [['h1', Buffer.from('v1')]],
};

function render(props: Record<string, string>, r = rec): string {
  const out: Piece[] = [];
  renderApache(parsePrintProperties(props), r, out);
  return piecesToBuffer(out).toString();
}

test('default prints only the value and a newline', () => {
  assert.equal(render({}), 'my-value\n');
  assert.ok(isValueOnly(DEFAULT_PRINT_OPTIONS));
});

test("all fields in Apache's order (reference B3 example)", () => {
  const all = { 'print.timestamp': 'true', 'print.partition': 'true', 'print.offset': 'true', 'print.headers': 'true', 'print.key': 'true' };
  assert.equal(render(all), 'CreateTime:1700000000000\tPartition:0\tOffset:42\th1:v1\tmy-key\tmy-value\n');
});

test('LogAppendTime, NO_TIMESTAMP, NO_HEADERS, null literal', () => {
  assert.equal(render({ 'print.timestamp': 'true' }, { ...rec, timestampType: 1 }), 'LogAppendTime:1700000000000\tmy-value\n');
  assert.equal(render({ 'print.timestamp': 'true' }, { ...rec, timestamp: -1, timestampType: -1 }), 'NO_TIMESTAMP\tmy-value\n');
  assert.equal(render({ 'print.headers': 'true' }, { ...rec, headers: [] }), 'NO_HEADERS\tmy-value\n');
  assert.equal(render({ 'print.key': 'true' }, { ...rec, key: null, value: null }), 'null\tnull\n');
  assert.equal(render({ 'print.key': 'true', 'null.literal': 'NULL' }, { ...rec, key: null }), 'NULL\tmy-value\n');
});

test('separators, with escapes', () => {
  const two = { ...rec, headers: [['a', Buffer.from('1')], ['b', null]] as ConsumedRecord['headers'] };
  assert.equal(
    render({ 'print.key': 'true', 'print.headers': 'true', 'key.separator': ' | ', 'headers.separator': ';', 'line.separator': '\\r\\n' }, two),
    'a:1;b:null | my-key | my-value\r\n',
  );
  assert.equal(render({ 'print.key': 'true', 'key.separator': '\\t' }), 'my-key\tmy-value\n');
});

test('print.value=false with print.key prints only the key', () => {
  assert.equal(render({ 'print.key': 'true', 'print.value': 'false' }), 'my-key\n');
});

test('unknown properties and bad booleans are usage errors', () => {
  assert.throws(() => parsePrintProperties({ 'print.kye': 'true' }), (e: unknown) => e instanceof UsageError && /print\.kye/.test(e.message));
  assert.throws(() => parsePrintProperties({ 'print.key': 'yes' }), UsageError);
  assert.throws(() => parsePrintProperties({ 'key.deserializer': 'org.apache.X' }), (e: unknown) => e instanceof UsageError && /Java class/.test(e.message));
});

test('binary value bytes are kept', () => {
  const out: Piece[] = [];
  renderApache(DEFAULT_PRINT_OPTIONS, { ...rec, value: Buffer.from([0x00, 0xff]) }, out);
  assert.deepEqual(piecesToBuffer(out), Buffer.from([0x00, 0xff, 0x0a]));
});
