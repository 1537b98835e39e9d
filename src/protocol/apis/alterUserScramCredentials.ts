// AlterUserScramCredentials (key 51). Kafka 4.x implements v0 only, flexible. An upsertion
// carries what the client derived from the password (salt, iterations and the PBKDF2 salted
// password), never the password itself; the broker keeps StoredKey and ServerKey made from it.
// Mechanisms as in DescribeUserScramCredentials (1 SCRAM-SHA-256, 2 SCRAM-SHA-512).
import { defineApi } from '../schema.js';

export const AlterUserScramCredentials = defineApi({
  key: 51,
  name: 'AlterUserScramCredentials',
  min: 0,
  max: 0,
  flexible: 0,
  request: {
    deletions: [{ name: 'string', mechanism: 'int8' }],
    upsertions: [{ name: 'string', mechanism: 'int8', iterations: 'int32', salt: 'bytes', saltedPassword: 'bytes' }],
  },
  response: {
    throttleTimeMs: 'int32',
    results: [{ user: 'string', errorCode: 'int16', errorMessage: 'string?' }],
  },
});
