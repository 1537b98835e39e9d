// ApiVersions v0-5: advertises exactly the handlers the broker dispatches to, with the
// versions their schemas implement. (An unsupported ApiVersions version is answered by
// the connection itself with a v0 body and UNSUPPORTED_VERSION.) v5 (KIP-1242) may name the
// cluster and node the client believes it reached: both or neither must be given
// (INVALID_REQUEST), and a client that reached another cluster or node is answered
// REBOOTSTRAP_REQUIRED; both errors come with no API list, as in Kafka.

import { ApiVersions } from '../../protocol/apis/apiVersions.js';
import { code } from '../../protocol/errors.js';
import { handler } from './types.js';

export default handler(ApiVersions, (req, ctx) => {
  const { broker } = ctx;
  if (ctx.version >= 5 && (req.clusterId !== null || req.nodeId !== -1)) {
    const fail = (errorCode: number) => ({ errorCode, apiKeys: [], throttleTimeMs: 0 });
    if (req.clusterId === null || req.nodeId === -1) return fail(code('INVALID_REQUEST'));
    if (req.clusterId !== broker.store.clusterId || req.nodeId !== broker.nodeId) return fail(code('REBOOTSTRAP_REQUIRED'));
  }
  return {
    errorCode: 0,
    apiKeys: [...broker.handlers.values()]
      .map((h) => ({ apiKey: h.api.key, minVersion: h.api.advertisedMin ?? h.api.min, maxVersion: h.api.max }))
      .sort((a, b) => a.apiKey - b.apiKey),
    throttleTimeMs: 0,
  };
});
