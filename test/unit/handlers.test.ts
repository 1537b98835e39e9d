// The broker's dispatch table and the protocol's schema list say the same thing
// (protocol/apis/index.ts and broker/handlers/index.ts say so in their comments).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_APIS } from '../../src/protocol/apis/index.js';
import { HANDLERS } from '../../src/broker/handlers/index.js';

test('one handler per schema of ALL_APIS, in its order', () => {
  assert.deepEqual(HANDLERS.map((h) => h.api.name), ALL_APIS.map((a) => a.name));
  HANDLERS.forEach((h, i) => assert.equal(h.api, ALL_APIS[i], h.api.name));
});
