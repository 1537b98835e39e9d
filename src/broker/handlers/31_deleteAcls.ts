// DeleteAcls v1-3: no authorizer, so each filter is refused SECURITY_DISABLED with Kafka's
// message and no matching ACLs (Kafka's answer without `authorizer.class.name`).
import { DeleteAcls } from '../../protocol/apis/deleteAcls.js';
import { code } from '../../protocol/errors.js';
import { NO_AUTHORIZER } from './29_describeAcls.js';
import { handler } from './types.js';

export default handler(DeleteAcls, (req) => ({
  throttleTimeMs: 0,
  filterResults: req.filters.map(() => ({ errorCode: code('SECURITY_DISABLED'), errorMessage: NO_AUTHORIZER, matchingAcls: [] })),
}));
