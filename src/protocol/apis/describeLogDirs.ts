// DescribeLogDirs (key 35). Kafka 4.x implements v1-5 (v0 removed in 4.0); v2+ flexible. v3
// adds the top-level errorCode, v4 each directory's totalBytes/usableBytes, v5 isCordoned
// (KIP-1066). Topics null means every partition.
import { defineApi, f } from '../schema.js';

export const DescribeLogDirs = defineApi({
  key: 35,
  name: 'DescribeLogDirs',
  min: 1,
  max: 5,
  flexible: 2,
  request: {
    topics: f([{ topic: 'string', partitions: ['int32'] }], { nullable: '0+' }),
  },
  response: {
    throttleTimeMs: 'int32',
    errorCode: f('int16', { v: '3+' }),
    results: [
      {
        errorCode: 'int16',
        logDir: 'string',
        topics: [
          {
            name: 'string',
            partitions: [{ partitionIndex: 'int32', partitionSize: 'int64', offsetLag: 'int64', isFutureKey: 'bool' }],
          },
        ],
        totalBytes: f('int64', { v: '4+', default: -1 }),
        usableBytes: f('int64', { v: '4+', default: -1 }),
        isCordoned: f('bool', { v: '5+' }),
      },
    ],
  },
});
