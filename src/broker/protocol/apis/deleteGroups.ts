// DeleteGroups (key 42). Versions 0-2; v2 is flexible. Kafka spells the request field
// `groupsNames`. Non-empty group: NON_EMPTY_GROUP (68); unknown: GROUP_ID_NOT_FOUND (69).
import { defineApi } from '../schema.js';

export const DeleteGroups = defineApi({
  key: 42,
  name: 'DeleteGroups',
  min: 0,
  max: 2,
  flexible: 2,
  request: {
    groupsNames: ['string'],
  },
  response: {
    throttleTimeMs: 'int32',
    results: [{ groupId: 'string', errorCode: 'int16' }],
  },
});
