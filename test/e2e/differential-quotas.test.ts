// Differential tests of the client quota APIs (issue 13): AlterClientQuotas and
// DescribeClientQuotas at v1 and v0, valid and invalid requests, sent to the bundled broker and
// to Apache Kafka 4.4 and compared field by field (test/e2e/differential.ts). Quotas are stored
// and described, not enforced (README). The Apache node is shared by the run's test files: each
// case uses its own entity names, describes of "every entity" keep this file's entities (and
// the default ones, which only this file sets), and the defaults are removed before and after.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as A from '../../src/protocol/apis/index.js';
import { differential, type Side } from './differential.js';

const d = differential();
const EXACT = 0, DEFAULT = 1, SPECIFIED = 2;

type Entity = { entityType: string; entityName: string | null }[];
type Op = { key: string; value: number; remove: boolean };
const set = (key: string, value: number): Op => ({ key, value, remove: false });
const remove = (key: string): Op => ({ key, value: 0, remove: true });
const user = (name: string | null) => ({ entityType: 'user', entityName: name });
const client = (name: string | null) => ({ entityType: 'client-id', entityName: name });
const ip = (name: string | null) => ({ entityType: 'ip', entityName: name });

const mine = (s: Side, entity: Entity) => entity.every((e) => e.entityName === null || s.owns(e.entityName) || e.entityType === 'ip');

/** A describe, the entries of other test files left out; `entries` as Kafka answers. */
async function describe(s: Side, v: number, components: { entityType: string; matchType: number; match: string | null }[], strict: boolean) {
  const r = await s.c.request(A.DescribeClientQuotas, v, { components, strict });
  return { ...r, entries: r.entries && r.entries.filter((e) => mine(s, e.entity)) };
}

/**
 * Apache answers a describe from its broker's metadata image, which may be a moment behind its
 * controller's answer to AlterClientQuotas: Apache is asked again (a bounded number of times)
 * until its answer is the bundled broker's, names mapped; d.same then compares them.
 */
function settled(v: number, components: (s: Side) => { entityType: string; matchType: number; match: string | null }[], strict: boolean) {
  let bundled = '';
  const sorted = (x: unknown): unknown =>
    Array.isArray(x) ? x.map(sorted).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))
      : x && typeof x === 'object' ? Object.fromEntries(Object.entries(x).map(([key, val]) => [key, sorted(val)])) : x;
  const canonical = (x: unknown, from: string) => JSON.stringify(sorted(JSON.parse(JSON.stringify(x).split(from).join('<side>'))));
  return async (s: Side) => {
    const from = `-${s.name[0]}-${process.pid}-`;
    let r = await describe(s, v, components(s), strict);
    if (s.name === 'bundled') bundled = canonical(r, from);
    else for (let i = 0; i < 200 && canonical(r, from) !== bundled; i++) {
      await new Promise((res) => setTimeout(res, 10)); // a pause between polls, not a deadline
      r = await describe(s, v, components(s), strict);
    }
    return r;
  };
}

const everything = () => [] as { entityType: string; matchType: number; match: string | null }[];

/** Removes every quota of this file's entities and of the default ones. */
async function clear(s: Side): Promise<void> {
  const all = await describe(s, 1, [], false);
  assert.equal(all.errorCode, 0);
  const entries = all.entries!.map((e) => ({ entity: e.entity, ops: e.values.map((x) => remove(x.key)) }));
  if (entries.length === 0) return;
  const r = await s.c.request(A.AlterClientQuotas, 1, { entries, validateOnly: false });
  for (const e of r.entries) assert.equal(e.errorCode, 0, `${s.name}: clear: ${e.errorMessage}`);
}


for (const v of [1, 0]) {
  const k = (x: string) => `q${v}-${x}`;
  const alter = (label: string, entries: (s: Side) => { entity: Entity; ops: Op[] }[], validateOnly = false) =>
    d.request(label, A.AlterClientQuotas, v, (s) => ({ entries: entries(s), validateOnly }));

  test(`AlterClientQuotas v${v} and DescribeClientQuotas v${v}: each entity type, defaults, combinations, match types, strict`, async () => {
    await d.same('clear', async (s) => {
      await clear(s);
      return null;
    });
    await alter('set quotas of each kind of entity', (s) => [
      { entity: [user(s.n(k('u1')))], ops: [set('producer_byte_rate', 1024), set('consumer_byte_rate', 2048)] },
      { entity: [client(s.n(k('c1')))], ops: [set('request_percentage', 12.5)] },
      { entity: [user(s.n(k('u1'))), client(s.n(k('c1')))], ops: [set('controller_mutation_rate', 3.5), set('producer_byte_rate', 10)] },
      { entity: [client(s.n(k('c2'))), user(s.n(k('u1')))], ops: [set('consumer_byte_rate', 99)] },
      { entity: [ip('127.0.0.1')], ops: [set('connection_creation_rate', 10)] },
      { entity: [ip('::1')], ops: [set('connection_creation_rate', 20)] },
      { entity: [user(null)], ops: [set('producer_byte_rate', 4096)] },
      { entity: [client(null)], ops: [set('consumer_byte_rate', 5000)] },
      { entity: [user(null), client(null)], ops: [set('request_percentage', 200)] },
      { entity: [user(s.n(k('u2'))), client(null)], ops: [set('request_percentage', 50)] },
      { entity: [ip(null)], ops: [set('connection_creation_rate', 100)] },
    ]);
    const u1 = (s: Side) => s.n(k('u1'));
    const cases: [string, (s: Side) => { entityType: string; matchType: number; match: string | null }[], boolean][] = [
      ['every entity', everything, false],
      ['every entity, strict (none: no components)', everything, true],
      ['user u1', (s) => [{ entityType: 'user', matchType: EXACT, match: u1(s) }], false],
      ['user u1, strict', (s) => [{ entityType: 'user', matchType: EXACT, match: u1(s) }], true],
      ['the default user', () => [{ entityType: 'user', matchType: DEFAULT, match: null }], false],
      ['the default user, strict', () => [{ entityType: 'user', matchType: DEFAULT, match: null }], true],
      ['any user', () => [{ entityType: 'user', matchType: SPECIFIED, match: null }], false],
      ['any user, strict', () => [{ entityType: 'user', matchType: SPECIFIED, match: null }], true],
      ['user u1 and any client-id', (s) => [{ entityType: 'user', matchType: EXACT, match: u1(s) }, { entityType: 'client-id', matchType: SPECIFIED, match: null }], true],
      ['any user and the default client-id', () => [{ entityType: 'user', matchType: SPECIFIED, match: null }, { entityType: 'client-id', matchType: DEFAULT, match: null }], false],
      ['client-id c1', (s) => [{ entityType: 'client-id', matchType: EXACT, match: s.n(k('c1')) }], false],
      ['an unknown user', (s) => [{ entityType: 'user', matchType: EXACT, match: `${u1(s)}-none` }], false],
      ['any ip', () => [{ entityType: 'ip', matchType: SPECIFIED, match: null }], true],
      ['ip 127.0.0.1', () => [{ entityType: 'ip', matchType: EXACT, match: '127.0.0.1' }], false],
      ['the default ip', () => [{ entityType: 'ip', matchType: DEFAULT, match: null }], false],
    ];
    for (const [label, components, strict] of cases) await d.same(`describe ${label}`, settled(v, components, strict));
  });

  test(`DescribeClientQuotas v${v}: invalid filters`, async () => {
    const bad: [string, { entityType: string; matchType: number; match: string | null }[]][] = [
      ['an empty entity type', [{ entityType: '', matchType: SPECIFIED, match: null }]],
      ['a type twice', [{ entityType: 'user', matchType: SPECIFIED, match: null }, { entityType: 'user', matchType: DEFAULT, match: null }]],
      ['an unknown type', [{ entityType: 'group', matchType: SPECIFIED, match: null }]],
      ['exact without a name', [{ entityType: 'user', matchType: EXACT, match: null }]],
      ['default with a name', [{ entityType: 'user', matchType: DEFAULT, match: 'x' }]],
      ['specified with a name', [{ entityType: 'client-id', matchType: SPECIFIED, match: 'x' }]],
      ['an unknown match type', [{ entityType: 'user', matchType: 7, match: null }]],
      ['ip with user', [{ entityType: 'ip', matchType: SPECIFIED, match: null }, { entityType: 'user', matchType: DEFAULT, match: null }]],
      ['client-id with ip', [{ entityType: 'client-id', matchType: EXACT, match: 'x' }, { entityType: 'ip', matchType: DEFAULT, match: null }]],
    ];
    for (const [label, components] of bad) {
      const [b] = await d.request(`describe with ${label}`, A.DescribeClientQuotas, v, () => ({ components, strict: false }));
      assert.notEqual(b.errorCode, 0, label);
    }
  });

  test(`AlterClientQuotas v${v}: validateOnly, removal, unknown keys, bad values, bad entities, duplicates`, async () => {
    const e = (s: Side) => [user(s.n(k('v')))];
    await alter('set', (s) => [{ entity: e(s), ops: [set('producer_byte_rate', 100), set('request_percentage', 5)] }, { entity: [ip('10.0.0.1')], ops: [set('connection_creation_rate', 7)] }]);
    await alter('validateOnly: a change, a removal, a new entity', (s) => [
      { entity: e(s), ops: [set('producer_byte_rate', 200), remove('request_percentage')] },
      { entity: [client(s.n(k('v-new')))], ops: [set('consumer_byte_rate', 1)] },
    ], true);
    const check = (label: string) => d.same(label, settled(v, (s) => [{ entityType: 'user', matchType: EXACT, match: s.n(k('v')) }], false));
    await check('validateOnly changed nothing');
    await alter('validateOnly with an error', (s) => [{ entity: e(s), ops: [set('producer_byte_rate', -1)] }], true);
    await alter('remove a key, and a key it does not have (no error)', (s) => [{ entity: e(s), ops: [remove('request_percentage'), remove('consumer_byte_rate'), remove('no_such_quota')] }]);
    await check('after removal');
    await alter('remove the last key of an entity', () => [{ entity: [ip('10.0.0.1')], ops: [remove('connection_creation_rate')] }]);
    await d.same('the entity is gone', settled(v, () => [{ entityType: 'ip', matchType: EXACT, match: '10.0.0.1' }], false));
    const bad: [string, (s: Side) => { entity: Entity; ops: Op[] }[]][] = [
      ['an unknown key', (s) => [{ entity: e(s), ops: [set('no_such_quota', 1)] }]],
      ['an ip key for a user', (s) => [{ entity: e(s), ops: [set('connection_creation_rate', 1)] }]],
      ['a user key for an ip', () => [{ entity: [ip('127.0.0.2')], ops: [set('producer_byte_rate', 1)] }]],
      ['a negative value', (s) => [{ entity: e(s), ops: [set('consumer_byte_rate', -5)] }]],
      ['zero', (s) => [{ entity: e(s), ops: [set('request_percentage', 0)] }]],
      ['a fraction of a byte rate', (s) => [{ entity: e(s), ops: [set('producer_byte_rate', 1.5)] }]],
      ['too large a LONG', (s) => [{ entity: e(s), ops: [set('consumer_byte_rate', 1e19)] }]],
      ['too large an INT', () => [{ entity: [ip(null)], ops: [set('connection_creation_rate', 3e9)] }]],
      ['a fraction of a connection rate', () => [{ entity: [ip(null)], ops: [set('connection_creation_rate', 2.25)] }]],
      ['one bad value among good ones (nothing of the entity set)', (s) => [{ entity: e(s), ops: [set('producer_byte_rate', 300), set('consumer_byte_rate', -1), set('request_percentage', 9)] }]],
      ['ip with user', (s) => [{ entity: [ip('127.0.0.1'), user(s.n(k('v')))], ops: [set('connection_creation_rate', 1)] }]],
      ['ip with client-id', (s) => [{ entity: [client(s.n(k('v'))), ip(null)], ops: [set('request_percentage', 1)] }]],
      ['an empty entity', () => [{ entity: [], ops: [set('request_percentage', 1)] }]],
      ['an unknown entity type', (s) => [{ entity: [{ entityType: 'group', entityName: s.n(k('v')) }], ops: [set('request_percentage', 1)] }]],
      ['an empty user name', () => [{ entity: [user('')], ops: [set('request_percentage', 1)] }]],
      ['an empty client-id next to a user', (s) => [{ entity: [user(s.n(k('v'))), client('')], ops: [set('request_percentage', 1)] }]],
      ['an ip that is no address', () => [{ entity: [ip('999.1.1.1')], ops: [set('connection_creation_rate', 1)] }]],
      ['a key twice', (s) => [{ entity: e(s), ops: [set('producer_byte_rate', 1), set('producer_byte_rate', 2)] }]],
      ['an entity twice (its first entry applies)', (s) => [
        { entity: [user(s.n(k('twice')))], ops: [set('producer_byte_rate', 11)] },
        { entity: [user(s.n(k('twice')))], ops: [set('producer_byte_rate', 12)] },
      ]],
      ['a type twice in one entity (the last name counts)', (s) => [{ entity: [user(s.n(k('first'))), user(s.n(k('last')))], ops: [set('request_percentage', 3)] }]],
      ['good and bad entities together', (s) => [
        { entity: [client(s.n(k('good')))], ops: [set('request_percentage', 1.25)] },
        { entity: [client(s.n(k('bad')))], ops: [set('request_percentage', -1.25)] },
      ]],
      ['no entries', () => []],
    ];
    for (const [label, entries] of bad) await alter(label, entries);
    await check('nothing of the refused changes');
    await d.same('every entity after', settled(v, everything, false));
  });
}

test('clear: the default entities lose their quotas again', async () => {
  await d.same('clear', async (s) => {
    await clear(s);
    return null;
  });
  await d.same('nothing left', settled(1, everything, false));
});
