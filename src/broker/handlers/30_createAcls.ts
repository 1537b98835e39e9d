// CreateAcls v1-3: no authorizer, so each creation is refused SECURITY_DISABLED with Kafka's
// message, in request order (Kafka's answer without `authorizer.class.name`).
import { CreateAcls } from '../../protocol/apis/createAcls.js';
import { code } from '../../protocol/errors.js';
import { NO_AUTHORIZER } from './29_describeAcls.js';
import { handler } from './types.js';

export default handler(CreateAcls, (req) => ({
  throttleTimeMs: 0,
  results: req.creations.map(() => ({ errorCode: code('SECURITY_DISABLED'), errorMessage: NO_AUTHORIZER })),
}));
