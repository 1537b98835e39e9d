// The one escape rule (src/format/escapes.ts) used by --format, --delimiter,
// --payload-delimiter and the separator properties: \n \t \r \0 \\ and \xHH as one byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToPiece, pieceBytes, unescapeBytes, unescapePiece } from '../../../src/format/escapes.js';
import { parseTemplate } from '../../../src/format/template.js';
import { parsePrintProperties } from '../../../src/format/apache.js';
import { parseProducerProperties } from '../../../src/format/input.js';
import { UsageError } from '../../../src/cli/errors.js';

test('every escape', () => {
  assert.deepEqual(unescapeBytes('\\n\\t\\r\\0\\\\', '--delimiter'), Buffer.from([0x0a, 0x09, 0x0d, 0x00, 0x5c]));
  assert.deepEqual(unescapeBytes('\\x00\\x7f\\x80\\xff\\xAb', '--delimiter'), Buffer.from([0x00, 0x7f, 0x80, 0xff, 0xab]));
});

test('plain text is UTF-8; escapes mix with it', () => {
  assert.deepEqual(unescapeBytes('', 'x'), Buffer.alloc(0));
  assert.deepEqual(unescapeBytes('é€', 'x'), Buffer.from('é€', 'utf8'));
  assert.deepEqual(unescapeBytes('a\\xffé\\tb', 'x'), Buffer.concat([Buffer.from('a'), Buffer.of(0xff), Buffer.from('é\tb')]));
  // \xc3\xa9 is the UTF-8 of é: bytes, not two characters
  assert.deepEqual(unescapeBytes('\\xc3\\xa9', 'x'), Buffer.from('é'));
});

test('\\xHH is one byte, never a character: --format, --delimiter and properties agree', () => {
  const ff = Buffer.of(0xff);
  assert.deepEqual(unescapeBytes('\\xff', '--delimiter'), ff);
  assert.deepEqual(parseTemplate('\\xff'), [{ lit: ff }]);
  assert.deepEqual(pieceBytes(parsePrintProperties({ 'line.separator': '\\xff' }).lineSeparator), ff);
  assert.deepEqual(pieceBytes(parseProducerProperties({ 'key.separator': '\\xff' }).keySeparator), ff);
});

test('valid UTF-8 stays text (the cheap output path), other bytes stay bytes', () => {
  assert.equal(unescapePiece('\\t', 'x'), '\t');
  assert.equal(unescapePiece('\\xc3\\xa9|', 'x'), 'é|');
  assert.deepEqual(unescapePiece('\\xc3', 'x'), Buffer.of(0xc3));
  assert.deepEqual(bytesToPiece(Buffer.of(0xef, 0xbf, 0xbd)), '\ufffd');
  assert.deepEqual(bytesToPiece(Buffer.of(0xff)), Buffer.of(0xff));
});

function fails(text: string, what: string, message: RegExp): void {
  assert.throws(
    () => unescapeBytes(text, what),
    (e: unknown) => e instanceof UsageError && e.exitCode === 2 && !e.message.includes('\n') && e.message.includes(what) && message.test(e.message),
    text,
  );
}

test('invalid escapes: one-line usage errors (exit 2) naming the flag and the escape', () => {
  fails('\\q', '--delimiter', /unknown escape '\\q'/);
  fails('a\\', '--delimiter', /lone '\\'/);
  fails('\\x', '--property key.separator', /bad escape '\\x'/);
  fails('\\xf', '--property key.separator', /bad escape '\\xf'/);
  fails('\\xg1', '--payload-delimiter', /bad escape '\\xg1'/);
  fails('\\u00ff', '--format', /unknown escape '\\u'/);
  // every message lists what is allowed
  assert.throws(() => unescapeBytes('\\q', 'x'), /\\n \\t \\r \\0 \\\\ \\xHH/);
  // --format and the properties report the same way
  assert.throws(() => parseTemplate('%v\\q'), (e: unknown) => e instanceof UsageError && /'\\q' in --format/.test(e.message));
  assert.throws(() => parsePrintProperties({ 'key.separator': '\\q' }), /'\\q' in --property key\.separator/);
  assert.throws(() => parseProducerProperties({ 'headers.delimiter': '\\x1' }), /--property headers\.delimiter/);
});
