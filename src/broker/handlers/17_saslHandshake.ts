// SaslHandshake v0-1 once a connection is past authentication, or on a listener without
// SASL: ILLEGAL_SASL_STATE, as Kafka's KafkaApis answers it. (On a SASL listener the
// handshake itself is handled by the connection's SASL session, src/broker/auth/session.ts.)
import { SaslHandshake } from '../../protocol/apis/saslHandshake.js';
import { code } from '../../protocol/errors.js';
import { handler } from './types.js';

export default handler(SaslHandshake, () => ({ errorCode: code('ILLEGAL_SASL_STATE'), mechanisms: [] }));
