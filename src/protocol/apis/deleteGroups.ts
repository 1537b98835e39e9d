// DeleteGroups (key 42). Versions 0-3; v2 is flexible, v3 adds a nullable errorMessage per
// group. Kafka spells the request field
// `groupsNames`. Non-empty group: NON_EMPTY_GROUP (68); unknown: GROUP_ID_NOT_FOUND (69).
import { defineApi, f } from '../schema.js';

export const DeleteGroups = defineApi({
  key: 42,
  name: 'DeleteGroups',
  min: 0,
  max: 3,
  flexible: 2,
  request: {
    groupsNames: ['string'],
  },
  response: {
    throttleTimeMs: 'int32',
    results: [{ groupId: 'string', errorCode: 'int16', errorMessage: f('string?', { v: '3+' }) }],
  },
});
