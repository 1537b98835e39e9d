// ApiVersions v0-3: advertises exactly the handlers the broker dispatches to, with the
// versions their schemas implement. (An unsupported ApiVersions version is answered by
// the connection itself with a v0 body and UNSUPPORTED_VERSION.)

import { ApiVersions } from '../protocol/apis/apiVersions.js';
import { handler } from './types.js';

export default handler(ApiVersions, (_req, ctx) => ({
  errorCode: 0,
  apiKeys: [...ctx.broker.handlers.values()]
    .map((h) => ({ apiKey: h.api.key, minVersion: h.api.advertisedMin ?? h.api.min, maxVersion: h.api.max }))
    .sort((a, b) => a.apiKey - b.apiKey),
  throttleTimeMs: 0,
}));
