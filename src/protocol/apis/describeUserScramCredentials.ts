// DescribeUserScramCredentials (key 50). Kafka 4.x implements v0 only, flexible. Users null (or
// empty) means every user with a SCRAM credential. Mechanism numbers are Kafka's
// ScramMechanism types: 1 SCRAM-SHA-256, 2 SCRAM-SHA-512 (0 is UNKNOWN).
import { defineApi, f } from '../schema.js';

export const DescribeUserScramCredentials = defineApi({
  key: 50,
  name: 'DescribeUserScramCredentials',
  min: 0,
  max: 0,
  flexible: 0,
  request: {
    users: f([{ name: 'string' }], { nullable: '0+' }),
  },
  response: {
    throttleTimeMs: 'int32',
    errorCode: 'int16',
    errorMessage: 'string?',
    results: [
      {
        user: 'string',
        errorCode: 'int16',
        errorMessage: 'string?',
        credentialInfos: [{ mechanism: 'int8', iterations: 'int32' }],
      },
    ],
  },
});
