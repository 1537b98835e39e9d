// FindCoordinator v0-3: this node coordinates every group (key type 0) and transaction
// (key type 1).
import { FindCoordinator } from '../protocol/apis/findCoordinator.js';
import { code } from '../protocol/errors.js';
import { handler } from './types.js';

export default handler(FindCoordinator, (req, ctx) => {
  const { broker } = ctx;
  if (req.keyType !== 0 && req.keyType !== 1) {
    return { throttleTimeMs: 0, errorCode: code('INVALID_REQUEST'), errorMessage: `unknown key type ${req.keyType}`, nodeId: -1, host: '', port: -1 };
  }
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    errorMessage: null,
    nodeId: broker.nodeId,
    host: broker.config.advertisedHost,
    port: broker.port,
  };
});
