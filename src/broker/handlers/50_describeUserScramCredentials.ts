// DescribeUserScramCredentials v0: the mechanisms and iterations of each user's SCRAM
// credentials (never salts or keys). Users null or empty: every user. As Kafka's ScramImage
// answers it: a user asked for twice gets DUPLICATE_RESOURCE (once), a user with no
// credential RESOURCE_NOT_FOUND, each with Kafka's message; the top-level error is NONE.
// Users come back sorted by name (Kafka's order is a hash map's). Messages Kafka leaves unset
// are "" (its generated default), not null: the top-level one and a described user's.
import { DescribeUserScramCredentials } from '../../protocol/apis/describeUserScramCredentials.js';
import { code } from '../../protocol/errors.js';
import { SCRAM_MECHANISM_TYPES } from './51_alterUserScramCredentials.js';
import { handler } from './types.js';

export default handler(DescribeUserScramCredentials, (req, ctx) => {
  const { credentials } = ctx.broker;
  const duplicate = new Map<string, boolean>();
  if (!req.users || req.users.length === 0) {
    for (const name of credentials.userNames) duplicate.set(name, false);
  } else {
    for (const u of req.users) duplicate.set(u.name, duplicate.has(u.name));
  }
  const results = [...duplicate.keys()].sort().map((user) => {
    if (duplicate.get(user)) {
      return {
        user,
        errorCode: code('DUPLICATE_RESOURCE'),
        errorMessage: `Cannot describe SCRAM credentials for the same user twice in a single request: ${user}`,
        credentialInfos: [],
      };
    }
    const credentialInfos = credentials.mechanisms(user).map((mech) => ({
      mechanism: SCRAM_MECHANISM_TYPES.indexOf(mech),
      iterations: credentials.get(user, mech)!.iterations,
    }));
    if (credentialInfos.length === 0) {
      return {
        user,
        errorCode: code('RESOURCE_NOT_FOUND'),
        errorMessage: `Attempt to describe a user credential that does not exist: ${user}`,
        credentialInfos,
      };
    }
    return { user, errorCode: 0, errorMessage: '', credentialInfos };
  });
  return { throttleTimeMs: 0, errorCode: 0, errorMessage: '', results };
});
