// FindCoordinator v0-6: this node coordinates every group (key type 0) and transaction (key
// type 1). v4+ asks for a batch of keys and gets one entry per key, each with its own error
// (Kafka leaves the per-key errorMessage empty; v1-3 answer "NONE" on success). Share groups (key type 2, v6) are not
// implemented: each such key gets INVALID_REQUEST, as Kafka answers when it has no share
// coordinator (and for key type 2 below v6). An unknown key type fails the whole request
// with INVALID_REQUEST and its message (v0-3: the flat error; v4+: every key). A group key
// creates the internal __consumer_offsets topic when it does not exist yet, as Kafka does.
import { FindCoordinator } from '../../protocol/apis/findCoordinator.js';
import { code, ERRORS } from '../../protocol/errors.js';
import { handler } from './types.js';

const GROUP = 0;
const TRANSACTION = 1;
const SHARE = 2;

export default handler(FindCoordinator, (req, ctx) => {
  const { broker, version } = ctx;
  const invalid = code('INVALID_REQUEST');
  const invalidMessage = ERRORS.get(invalid)?.message ?? null;
  const noNode = { nodeId: -1, host: '', port: -1 };
  const self = { nodeId: broker.nodeId, host: broker.config.advertisedHost, port: broker.port };
  const known = req.keyType === GROUP || req.keyType === TRANSACTION || req.keyType === SHARE;
  // one key's answer: an error and a node
  const lookup = (): { errorCode: number } & typeof self => {
    if (req.keyType === SHARE) return { errorCode: invalid, ...noNode };
    if (req.keyType === GROUP) {
      // Kafka creates __consumer_offsets on the first group lookup
      try {
        broker.offsetsTopic.ensure();
      } catch (err) {
        broker.log(`cannot create __consumer_offsets: ${(err as Error).message}`);
        return { errorCode: code('COORDINATOR_NOT_AVAILABLE'), ...noNode };
      }
    }
    return { errorCode: 0, ...self };
  };
  if (version < 4) {
    if (!known) return { throttleTimeMs: 0, errorCode: invalid, errorMessage: invalidMessage, ...noNode };
    const r = lookup();
    // Kafka's message for NONE is its name
    return { throttleTimeMs: 0, errorMessage: r.errorCode === 0 ? 'NONE' : (ERRORS.get(r.errorCode)?.message ?? null), ...r };
  }
  return {
    throttleTimeMs: 0,
    coordinators: req.coordinatorKeys.map((key) =>
      known ? { key, ...lookup(), errorMessage: '' } : { key, errorCode: invalid, errorMessage: invalidMessage, ...noNode },
    ),
  };
});
