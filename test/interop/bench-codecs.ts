// Codec throughput as kt uses them (src/protocol/compression.ts): MB/s of uncompressed
// record data for record batches of 100-byte values (JSON-like, some entropy), 100 and 1000
// records a batch, through the synchronous calls (the broker) and the asynchronous ones (the
// kafkajs plug-ins; off the main thread from 64 KiB). Each figure is the median of three
// fresh processes (napi-rs external buffers make in-process runs depend on each other's GC).
// Not a test; after a build:
//
//   node dist/test/interop/bench-codecs.js
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CODEC_NAMES, compress, compressSync, decompress, decompressSync } from '../../src/protocol/compression.js';
import { buildBatch } from '../../src/protocol/recordBatch.js';

function payload(n: number): Buffer {
  let seed = 42;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  const records = Array.from({ length: n }, (_, i) => {
    const v = `{"id":${i},"user":"user-${rnd() % 10000}","event":"${['click', 'view', 'buy'][rnd() % 3]}","ts":${1_700_000_000_000 + i},"x":"${rnd().toString(16)}"}`;
    return { key: Buffer.from(`k${rnd() % 1000}`), value: Buffer.from(v.padEnd(100, ' ').slice(0, 100)), timestamp: 1_700_000_000_000 + i };
  });
  return buildBatch(records).subarray(61); // the records section, what a codec sees
}

async function measure(codec: number, mode: string, op: string, n: number): Promise<number> {
  const data = payload(n);
  const z = compressSync(codec, data);
  const fn = op === 'compress'
    ? mode === 'sync' ? () => compressSync(codec, data) : () => compress(codec, data)
    : mode === 'sync' ? () => decompressSync(codec, z) : () => decompress(codec, z);
  for (let i = 0; i < 50; i++) await fn();
  let iterations = 0;
  const t0 = process.hrtime.bigint();
  let seconds = 0;
  do {
    for (let i = 0; i < 10; i++) await fn();
    iterations += 10;
    seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  } while (seconds < 1);
  return (iterations * data.length) / 1e6 / seconds;
}

const [codecArg, mode, op, n] = process.argv.slice(2);
if (codecArg !== undefined) {
  process.stdout.write(`${(await measure(Number(codecArg), mode as string, op as string, Number(n))).toFixed(0)}\n`);
} else {
  const self = fileURLToPath(import.meta.url);
  const median = (args: string[]): number => {
    const runs = [0, 1, 2].map(() => Number(spawnSync(process.execPath, [self, ...args], { encoding: 'utf8' }).stdout));
    return runs.sort((a, b) => a - b)[1] as number;
  };
  for (const records of [100, 1000]) {
    const data = payload(records);
    console.log(`\n${records} records of 100 bytes: ${data.length} bytes uncompressed`);
    console.log('codec    ratio   compress MB/s (sync / async)   decompress MB/s (sync / async)');
    for (const [codec, name] of CODEC_NAMES.entries()) {
      if (codec === 0) continue;
      const ratio = data.length / compressSync(codec, data).length;
      const [cs, ca, ds, da] = [['sync', 'compress'], ['async', 'compress'], ['sync', 'decompress'], ['async', 'decompress']].map(([m, o]) => median([String(codec), m as string, o as string, String(records)]));
      console.log(`${name.padEnd(8)} ${ratio.toFixed(2).padStart(5)}   ${cs.toFixed(0).padStart(6)} / ${ca.toFixed(0).padStart(6)}                ${ds.toFixed(0).padStart(6)} / ${da.toFixed(0).padStart(6)}`);
    }
  }
}
