// ListGroups (key 16). We implement 0-5. v1 adds throttleTimeMs, v3 is flexible, v4 adds the
// statesFilter request field (empty = all) and groupState per group (KIP-518), v5 the
// typesFilter (classic, consumer, share, streams; empty = all) and groupType per group
// (KIP-848). Both filters compare case-insensitively, as Kafka does.
import { defineApi, f } from '../schema.js';

export const ListGroups = defineApi({
  key: 16,
  name: 'ListGroups',
  min: 0,
  max: 5,
  flexible: 3,
  request: {
    statesFilter: f(['string'], { v: '4+' }),
    typesFilter: f(['string'], { v: '5+' }),
  },
  response: {
    throttleTimeMs: f('int32', { v: '1+' }),
    errorCode: 'int16',
    groups: [
      {
        groupId: 'string',
        protocolType: 'string',
        groupState: f('string', { v: '4+' }),
        groupType: f('string', { v: '5+' }),
      },
    ],
  },
});
