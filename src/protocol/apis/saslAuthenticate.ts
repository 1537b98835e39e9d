// SaslAuthenticate (key 36). Versions 0-2; v1 adds sessionLifetimeMs (KIP-368, 0 = none), v2 is
// flexible. Carries opaque SASL tokens after SaslHandshake v1.
import { defineApi, f } from '../schema.js';

export const SaslAuthenticate = defineApi({
  key: 36,
  name: 'SaslAuthenticate',
  min: 0,
  max: 2,
  flexible: 2,
  request: {
    authBytes: 'bytes',
  },
  response: {
    errorCode: 'int16',
    errorMessage: 'string?',
    authBytes: 'bytes',
    sessionLifetimeMs: f('int64', { v: '1+' }),
  },
});
