// ApiVersions v0-3: advertises exactly the handlers the broker dispatches to, with the
// versions their schemas implement. (An unsupported ApiVersions version is answered by
// the connection itself with a v0 body and UNSUPPORTED_VERSION.)
//
// One exception, for compression: Produce is advertised from v0 although v0-2 (message sets,
// magic 0/1) are not implemented. librdkafka 2.0 (kcat, confluent-kafka from Debian) compresses
// gzip, snappy and lz4 only when the broker's Produce range includes v0 (its per-codec check asks
// for Produce 0..0; zstd asks for 0..7) and otherwise sends those batches uncompressed, silently.
// Kafka 3.x advertises Produce 0-N. No client sends v0-2 to a broker whose range reaches v3+:
// each picks the highest common version (kafka-python picks v7 from the versions it infers).
import { ApiVersions } from '../protocol/apis/apiVersions.js';
import { handler } from './types.js';

const PRODUCE_KEY = 0;

export default handler(ApiVersions, (_req, ctx) => ({
  errorCode: 0,
  apiKeys: [...ctx.broker.handlers.values()]
    .map((h) => ({ apiKey: h.api.key, minVersion: h.api.key === PRODUCE_KEY ? 0 : h.api.min, maxVersion: h.api.max }))
    .sort((a, b) => a.apiKey - b.apiKey),
  throttleTimeMs: 0,
}));
