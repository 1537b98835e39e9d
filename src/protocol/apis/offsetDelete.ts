// OffsetDelete (key 47). Version 0 only, not flexible. Deletes committed offsets of a group;
// note the response puts errorCode before throttleTimeMs. Partitions still consumed by an
// active member answer GROUP_SUBSCRIBED_TO_TOPIC (86).
import { defineApi } from '../schema.js';

export const OffsetDelete = defineApi({
  key: 47,
  name: 'OffsetDelete',
  min: 0,
  max: 0,
  flexible: null,
  request: {
    groupId: 'string',
    topics: [{ name: 'string', partitions: [{ partitionIndex: 'int32' }] }],
  },
  response: {
    errorCode: 'int16',
    throttleTimeMs: 'int32',
    topics: [{ name: 'string', partitions: [{ partitionIndex: 'int32', errorCode: 'int16' }] }],
  },
});
