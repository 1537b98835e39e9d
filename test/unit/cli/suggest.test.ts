import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editDistance, suggest, didYouMean } from '../../../src/cli/suggest.js';
import { unknownCommand } from '../../../src/cli/hooks/notFound.js';
import { isBase64 } from '../../../src/format/envelope.js';

test('edit distance counts a swap of neighbours as one edit', () => {
  assert.equal(editDistance('topics', 'tpoics'), 1);
  assert.equal(editDistance('from-begining', 'from-beginning'), 1);
  assert.equal(editDistance('abc', 'abc'), 0);
  assert.equal(editDistance('', 'abc'), 3);
});

test('suggest: close names first, prefixes, nothing for far ones', () => {
  assert.deepEqual(suggest('creat', ['create', 'delete', 'describe', 'list']), ['create']);
  assert.deepEqual(suggest('lis', ['list', 'alter']), ['list']);
  assert.deepEqual(suggest('frobnicate', ['topics', 'groups', 'consume']), []);
  assert.equal(didYouMean(['a', 'b']), 'did you mean a or b?');
  assert.equal(didYouMean([]), '');
});

test('unknownCommand names the words that went wrong and suggests under the known topic', () => {
  const ids = ['topics', 'topics:create', 'topics:delete', 'groups', 'groups:delete', 'consume'];
  const e = unknownCommand('topics:creat:x', ids, ['topics', 'groups']);
  assert.equal(e.message, "unknown command 'kt topics creat'");
  assert.equal(e.hint, "did you mean 'kt topics create'?");
  assert.equal(e.exitCode, 2);
  assert.equal(unknownCommand('-v', ids, []).hint, 'did you mean kt --version?');
});

test('isBase64 is strict about length and padding', () => {
  for (const ok of ['', 'aGk=', 'aGk', 'aGVsbG8=', 'aGVsbG8', 'QQ==', 'QQ', '-_8=']) assert.ok(isBase64(ok), ok);
  for (const bad of ['x', 'abcde', 'QQ===', 'Q===', 'aGk==', 'a b', '@@']) assert.ok(!isBase64(bad), bad);
});
