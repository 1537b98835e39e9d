// src/cli/compareIds.ts: the order of localeCompare (oclif's command sort) without ICU's collator
// where it is the same: ids of a-z, ':' and '-' in a C or English locale.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareIds, rootCollation } from '../../../src/cli/compareIds.js';

const root = new Intl.Collator('en-US');

test('for a-z, ":" and "-" the code-unit order is the root collation order', () => {
  const chars = 'abcxyz:-';
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
  const word = () => Array.from({ length: rnd(8) }, () => chars[rnd(chars.length)]).join('');
  for (let i = 0; i < 20000; i++) {
    const a = word();
    const b = word();
    assert.equal(Math.sign(compareIds(a, b, true)), Math.sign(root.compare(a, b)), `${a} vs ${b}`);
  }
  const ids = ['topics:list', 'topics', 'delete-records', 'groups:delete', 'groups:delete-offsets', 'groups:ls', 'profile:rm', 'cluster:api-versions'];
  assert.deepEqual([...ids].sort((a, b) => compareIds(a, b, true)), [...ids].sort(root.compare));
});

test('other strings go to localeCompare', () => {
  // code units would put "B" before "a" and "_" after "a"
  assert.ok(compareIds('a', 'B', true) < 0);
  assert.equal(Math.sign(compareIds('a_b', 'a-b', true)), Math.sign('a_b'.localeCompare('a-b')));
  assert.equal(Math.sign(compareIds('z', 'aa', false)), Math.sign('z'.localeCompare('aa')));
});

test('root collation: C, POSIX and English locales; not others', () => {
  for (const LANG of ['', 'C', 'C.UTF-8', 'POSIX', 'en', 'en_US.UTF-8', 'en_GB.ISO-8859-1', 'en_IE@euro']) assert.equal(rootCollation({ LANG }), true, LANG);
  for (const LANG of ['da_DK.UTF-8', 'lt_LT', 'de_DE.UTF-8', 'en_US_POSIX']) assert.equal(rootCollation({ LANG }), false, LANG);
  assert.equal(rootCollation({ LANG: 'en_US.UTF-8', LC_ALL: 'da_DK.UTF-8' }), false, 'LC_ALL first');
  assert.equal(rootCollation({ LANG: 'da_DK.UTF-8', LC_MESSAGES: 'C' }), true, 'LC_MESSAGES before LANG');
});
