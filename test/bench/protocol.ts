// Micro-benchmark of the schema interpreter on the hot path: Produce v7 request decode and
// encode, Fetch v11/v12 response encode (1 topic, 1 partition, a 16 KB record batch).
//   npm run build && node dist/test/bench/protocol.js
import { Produce } from '../../src/protocol/apis/produce.js';
import { Fetch } from '../../src/protocol/apis/fetch.js';
import { Reader, Writer } from '../../src/protocol/bytes.js';
import { requestCodec, responseCodec } from '../../src/protocol/schema.js';

const N = Number(process.env.KT_BENCH_N ?? 1e5);

function measure(label: string, fn: () => void): void {
  for (let i = 0; i < 1000; i++) fn(); // warm up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn();
  const ns = Number(process.hrtime.bigint() - t0) / N;
  console.log(`${label}: ${ns.toFixed(0)} ns/op (${N} ops)`);
}

export function benchProtocol(): void {
  const value = {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30000,
    topicData: [{ name: 'orders', partitionData: [{ index: 0, records: Buffer.alloc(16 * 1024, 7) }] }],
  };
  const w = new Writer();
  requestCodec(Produce, 7).encode(w, value);
  const frame = w.toBuffer();
  const produce = requestCodec(Produce, 7);
  measure('decode Produce v7 request, 16 KB batch', () => produce.decode(new Reader(frame)));
  measure('encode Produce v7 request, 16 KB batch', () => {
    const x = new Writer();
    produce.encode(x, value);
    x.toChunks();
  });
  const fetch = responseCodec(Fetch, 11);
  const resp = {
    responses: [{ topic: 'orders', partitions: [{ partitionIndex: 0, highWatermark: 100, records: [Buffer.alloc(16 * 1024, 7)] }] }],
  };
  measure('encode Fetch v11 response, 16 KB batch (chunks)', () => {
    const x = new Writer();
    fetch.encode(x, resp);
    x.toChunks();
  });
  const f12 = responseCodec(Fetch, 12);
  measure('encode Fetch v12 response, 16 KB batch (chunks)', () => {
    const x = new Writer();
    f12.encode(x, resp);
    x.toChunks();
  });
}

if (import.meta.url === `file://${process.argv[1]}`) benchProtocol();
