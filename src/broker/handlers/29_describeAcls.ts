// DescribeAcls v1-3: the bundled broker has no authorizer, so it answers as Kafka does without
// one (`authorizer.class.name` unset): SECURITY_DISABLED with Kafka's message and no resources.
import { DescribeAcls } from '../../protocol/apis/describeAcls.js';
import { code } from '../../protocol/errors.js';
import { handler } from './types.js';

/** Kafka's message for a DescribeAcls without an authorizer (AclApis). */
export const NO_AUTHORIZER_DESCRIBE = 'No Authorizer is configured on the broker';
/** Kafka's message for each CreateAcls creation / DeleteAcls filter without an authorizer. */
export const NO_AUTHORIZER = 'No Authorizer is configured.';

export default handler(DescribeAcls, () => ({
  throttleTimeMs: 0,
  errorCode: code('SECURITY_DISABLED'),
  errorMessage: NO_AUTHORIZER_DESCRIBE,
  resources: [],
}));
