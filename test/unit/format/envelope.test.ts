import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeEnvelope, decodeEnvelope, parseEncoding } from '../../../src/format/envelope.js';
import type { ConsumedRecord } from '../../../src/format/record.js';
import { UsageError } from '../../../src/cli/errors.js';

const base: ConsumedRecord = {
  topic: 't',
  partition: 1,
  offset: 7,
  timestamp: 1700000000000,
  timestampType: 0,
  key: Buffer.from('k'),
  value: Buffer.from('v'),
  headers: [],
};
const utf8 = { keyEncoding: 'utf8', valueEncoding: 'utf8' } as const;

test('field order and shape', () => {
  assert.equal(encodeEnvelope(base, utf8), '{"topic":"t","partition":1,"offset":7,"timestamp":1700000000000,"key":"k","value":"v","headers":{}}');
});

test('null key and value are JSON null, with no encoding marker', () => {
  const s = encodeEnvelope({ ...base, key: null, value: null }, { keyEncoding: 'base64', valueEncoding: 'hex' });
  const o = JSON.parse(s);
  assert.equal(o.key, null);
  assert.equal(o.value, null);
  assert.equal(o.keyEncoding, undefined);
  assert.equal(o.valueEncoding, undefined);
});

test('non-UTF-8 value falls back to base64 and says so', () => {
  const o = JSON.parse(encodeEnvelope({ ...base, value: Buffer.from([0xff, 0xfe, 0x00]) }, utf8));
  assert.equal(o.value, '//4A');
  assert.equal(o.valueEncoding, 'base64');
  assert.equal(o.keyEncoding, undefined);
});

test('non-UTF-8 key falls back to base64 and says so', () => {
  const o = JSON.parse(encodeEnvelope({ ...base, key: Buffer.from([0xc3]) }, utf8));
  assert.equal(o.keyEncoding, 'base64');
  assert.equal(o.key, 'ww==');
});

test('explicit encodings: hex, base64, json', () => {
  const hex = JSON.parse(encodeEnvelope(base, { keyEncoding: 'hex', valueEncoding: 'base64' }));
  assert.equal(hex.key, '6b');
  assert.equal(hex.keyEncoding, 'hex');
  assert.equal(hex.value, 'dg==');
  assert.equal(hex.valueEncoding, 'base64');
  const json = JSON.parse(encodeEnvelope({ ...base, value: Buffer.from('{"a":[1,2]}') }, { keyEncoding: 'utf8', valueEncoding: 'json' }));
  assert.deepEqual(json.value, { a: [1, 2] });
  assert.equal(json.valueEncoding, 'json');
  const notJson = JSON.parse(encodeEnvelope({ ...base, value: Buffer.from('plain') }, { keyEncoding: 'utf8', valueEncoding: 'json' }));
  assert.equal(notJson.value, 'plain');
  assert.equal(notJson.valueEncoding, undefined);
});

test('json encoding embeds only JSON that JSON.parse reads faithfully; the rest stays text and copies back byte for byte', () => {
  const enc = (text: string) => JSON.parse(encodeEnvelope({ ...base, value: Buffer.from(text) }, { keyEncoding: 'utf8', valueEncoding: 'json' }));
  // whitespace between tokens is the only difference allowed
  assert.deepEqual(enc('{"a": [1, 2.5, {"b": "x  y"}], "t": true}').value, { a: [1, 2.5, { b: 'x  y' }], t: true });
  assert.equal(enc(' 5 ').value, 5);
  assert.equal(enc('9007199254740991').value, 9007199254740991);
  // rounded or rewritten numbers, repeated keys, escapes JSON.stringify writes otherwise, the text null
  for (const text of ['12345678901234567890', '{"id":9007199254740993}', '1.0', '1e2', '-0', '1E400', '{"a":1,"a":2}', '"\\u0041"', 'null']) {
    const o = enc(text);
    assert.equal(o.value, text, text);
    assert.equal(o.valueEncoding, undefined, text); // utf8, the default
    assert.deepEqual(decodeEnvelope(JSON.stringify(o)).value, Buffer.from(text), text);
  }
});

test('headers: repeated names become arrays, null stays null, binary → headersEncoding', () => {
  const o = JSON.parse(encodeEnvelope({ ...base, headers: [['a', Buffer.from('1')], ['a', Buffer.from('2')], ['n', null]] }, utf8));
  assert.deepEqual(o.headers, { a: ['1', '2'], n: null });
  const b = JSON.parse(encodeEnvelope({ ...base, headers: [['x', Buffer.from([0xff])], ['y', Buffer.from('ok')]] }, utf8));
  assert.equal(b.headersEncoding, 'base64');
  assert.deepEqual(b.headers, { x: '/w==', y: 'b2s=' });
});

test('LogAppendTime is marked', () => {
  assert.equal(JSON.parse(encodeEnvelope({ ...base, timestampType: 1 }, utf8)).timestampType, 'LogAppendTime');
});

test('round trip is byte for byte for every encoding and odd bytes', () => {
  const samples: Array<Buffer | null> = [
    null,
    Buffer.alloc(0),
    Buffer.from('plain text ✓'),
    Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80]),
    Buffer.from('{"json":true}'),
    Buffer.from('\ud800', 'latin1'),
  ];
  const encs = ['utf8', 'base64', 'hex', 'json'] as const;
  for (const k of samples) {
    for (const v of samples) {
      for (const ke of encs) {
        for (const ve of encs) {
          const rec: ConsumedRecord = { ...base, key: k, value: v, headers: [['h', v], ['h', Buffer.from('x')], ['z', null]] };
          const line = encodeEnvelope(rec, { keyEncoding: ke, valueEncoding: ve });
          const back = decodeEnvelope(line);
          if (ve === 'json' && v && /^\{/.test(v.toString())) {
            // json mode re-serialises: same JSON, not necessarily the same bytes
            assert.deepEqual(JSON.parse(back.value!.toString()), JSON.parse(v.toString()));
          } else {
            assert.deepEqual(back.value, v, `value ${ke}/${ve}`);
          }
          if (!(ke === 'json' && k && /^\{/.test(k.toString()))) assert.deepEqual(back.key, k, `key ${ke}/${ve}`);
          assert.deepEqual(back.headers, rec.headers);
          assert.equal(back.partition, 1);
          assert.equal(back.timestamp, 1700000000000);
        }
      }
    }
  }
});

test('decode accepts other shapes: array headers, JSON values, ISO timestamps', () => {
  const r = decodeEnvelope('{"value":{"a":1},"headers":[{"key":"k","value":"v"}],"timestamp":"2024-05-01T00:00:00Z"}');
  assert.equal(r.value!.toString(), '{"a":1}');
  assert.equal(r.key, null);
  assert.deepEqual(r.headers, [['k', Buffer.from('v')]]);
  assert.equal(r.timestamp, Date.parse('2024-05-01T00:00:00Z'));
  assert.equal(r.partition, undefined);
});

test('decode rejects bad input with a reason', () => {
  assert.throws(() => decodeEnvelope('not json'), /not JSON/);
  assert.throws(() => decodeEnvelope('[1]'), /not a JSON object/);
  assert.throws(() => decodeEnvelope('{"value":"@@","valueEncoding":"base64"}'), /base64/);
  assert.throws(() => decodeEnvelope('{"value":"zz","valueEncoding":"hex"}'), /hex/);
  assert.throws(() => decodeEnvelope('{"value":"a","valueEncoding":"rot13"}'), /rot13/);
  assert.throws(() => decodeEnvelope('{"value":"a","partition":-1}'), /partition/);
  assert.throws(() => decodeEnvelope('{"value":"a","headers":{"h":1}}'), /header/);
});

test('parseEncoding', () => {
  assert.equal(parseEncoding('hex', '--x'), 'hex');
  assert.throws(() => parseEncoding('utf16', '--value-encoding'), UsageError);
});
