// SaslHandshake (key 17). Versions 0-1, never flexible. v0 is followed by raw SASL tokens on
// the socket (no Kafka framing of requests); v1 by SaslAuthenticate requests.
import { defineApi } from '../schema.js';

export const SaslHandshake = defineApi({
  key: 17,
  name: 'SaslHandshake',
  min: 0,
  max: 1,
  flexible: null,
  request: {
    mechanism: 'string',
  },
  response: {
    errorCode: 'int16',
    mechanisms: ['string'],
  },
});
