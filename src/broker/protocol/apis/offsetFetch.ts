// OffsetFetch (key 9). We implement 0-7. v0 read ZooKeeper offsets (same shape as v1); v2 lets
// `topics` be null (= all committed topics) and adds a top-level errorCode; v3 throttleTimeMs;
// v5 committedLeaderEpoch; v6 is flexible; v7 adds requireStable. v8 batches several groups
// (`groups` / `groupIds` replace the top-level fields), which is why we stop at 7; the v8
// fields are described but absent. Unknown group/partition: offset -1, metadata "" or null,
// errorCode 0.
import { defineApi, f } from '../schema.js';

export const OffsetFetch = defineApi({
  key: 9,
  name: 'OffsetFetch',
  min: 0,
  max: 7,
  flexible: 6,
  request: {
    groupId: f('string', { v: '0-7' }),
    topics: f([{ name: 'string', partitionIndexes: ['int32'] }], { v: '0-7', nullable: '2-7' }),
    groups: f(
      [{ groupId: 'string', topics: f([{ name: 'string', partitionIndexes: ['int32'] }], { nullable: '8+' }) }],
      { v: '8+' },
    ),
    requireStable: f('bool', { v: '7+' }),
  },
  response: {
    throttleTimeMs: f('int32', { v: '3+' }),
    topics: f(
      [
        {
          name: 'string',
          partitions: [
            {
              partitionIndex: 'int32',
              committedOffset: 'int64',
              committedLeaderEpoch: f('int32', { v: '5-7', default: -1 }),
              metadata: 'string?',
              errorCode: 'int16',
            },
          ],
        },
      ],
      { v: '0-7' },
    ),
    errorCode: f('int16', { v: '2-7' }),
    groupIds: f(
      [
        {
          groupId: 'string',
          topics: [
            {
              name: 'string',
              partitions: [
                {
                  partitionIndex: 'int32',
                  committedOffset: 'int64',
                  committedLeaderEpoch: f('int32', { default: -1 }),
                  metadata: 'string?',
                  errorCode: 'int16',
                },
              ],
            },
          ],
          errorCode: 'int16',
        },
      ],
      { v: '8+' },
    ),
  },
});
