// kafkajs codec plug-ins for snappy, lz4 and zstd (kafkajs 2.2.4 ships gzip only), and a
// bounded gzip in place of kafkajs's own.
//
// kafkajs looks a codec up per batch through `CompressionCodecs[type]()` and then awaits
// `compress(encoder)` / `decompress(buffer)`. Registering a factory costs nothing; the
// codec's native package is loaded on the first batch that uses it (see
// ../protocol/compression.ts for the framings: xerial snappy, LZ4 frame, zstd frame).
//
// Decompression is bounded, so a fetched "bomb" (a small batch inflating to gigabytes) cannot
// take a consumer's memory: no batch decompresses past MAX_DECOMPRESSED_BYTES (256 MiB, the
// largest a kt broker accepts for any topic; Kafka's clients have no bound at all). Each codec
// stops before producing more (gzip as it inflates, the others from their framing), and the
// fetch fails with a DecompressedSizeError naming the codec and the limit. kt's own fetch
// path (recordDecoder.ts: inflate, decodeBatches) uses the same functions and bound.

import {
  CODEC_GZIP,
  CODEC_LZ4,
  CODEC_SNAPPY,
  CODEC_ZSTD,
  compress,
  decompress,
} from '../protocol/compression.js';

export interface KafkaJSCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

function codec(type: number): KafkaJSCodec {
  return {
    compress: (encoder) => compress(type, encoder.buffer),
    decompress: (buffer) => decompress(type, buffer),
  };
}

const CODECS: Record<number, KafkaJSCodec> = {
  [CODEC_GZIP]: codec(CODEC_GZIP),
  [CODEC_SNAPPY]: codec(CODEC_SNAPPY),
  [CODEC_LZ4]: codec(CODEC_LZ4),
  [CODEC_ZSTD]: codec(CODEC_ZSTD),
};

const FACTORIES: [number, () => KafkaJSCodec][] = Object.entries(CODECS).map(([type, c]) => [Number(type), () => c]);

/** Installs kt's gzip, snappy, lz4 and zstd codecs into a kafkajs module (idempotent). */
export function registerCodecs(kafkajs: { CompressionCodecs: Record<number, () => unknown> }): void {
  for (const [type, factory] of FACTORIES) kafkajs.CompressionCodecs[type] = factory;
}
