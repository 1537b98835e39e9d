// SaslAuthenticate v0-2 once a connection is past authentication, or on a listener without
// SASL: ILLEGAL_SASL_STATE with Kafka's message (KafkaApis.handleSaslAuthenticateRequest).
// Before authentication the connection's SASL session answers it (src/broker/auth/session.ts).
import { SaslAuthenticate } from '../../protocol/apis/saslAuthenticate.js';
import { code } from '../../protocol/errors.js';
import { handler } from './types.js';

export default handler(SaslAuthenticate, () => ({
  errorCode: code('ILLEGAL_SASL_STATE'),
  errorMessage: 'SaslAuthenticate request received after successful authentication',
  authBytes: Buffer.alloc(0),
  sessionLifetimeMs: 0,
}));
