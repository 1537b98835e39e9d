// Decompression "bombs" for the tests: small compressed data that decompresses to a lot,
// built by hand from each codec's framing (nothing this big is ever compressed for real).
import { gzipSync } from 'node:zlib';

/**
 * A zstd frame without a declared content size made of RLE blocks: 3-byte block header plus
 * one byte each, 128 KiB of zeros per block. 8192 blocks: 32 KiB that decompress to 1 GiB.
 */
export function zstdRleBomb(blocks = 8192): Buffer {
  const out = Buffer.alloc(6 + blocks * 4);
  // magic, frame header descriptor 0 (no content size, not single segment), window 2^(10+11)
  out.writeUInt32LE(0xfd2fb528, 0);
  out[4] = 0x00;
  out[5] = 11 << 3;
  for (let i = 0; i < blocks; i++) {
    const header = ((128 * 1024) << 3) | (1 << 1) | (i === blocks - 1 ? 1 : 0); // RLE, last?
    out.writeUIntLE(header, 6 + i * 4, 3);
    out[6 + i * 4 + 3] = 0; // the byte repeated
  }
  return out;
}

/** gzip members of 1 MiB of zeros, back to back (zlib reads them as one stream): ~1 KiB per MiB. */
export function gzipBomb(mib: number): Buffer {
  const member = gzipSync(Buffer.alloc(1 << 20), { level: 9 });
  return Buffer.concat(Array.from({ length: mib }, () => member));
}

/**
 * One LZ4 block of 4,080,025 zeros in 16,011 bytes: a literal zero, then one match at offset 1
 * whose length runs over 16,000 bytes of 255, then the 5 literals a block ends with.
 */
function lz4ZeroBlock(): Buffer {
  return Buffer.concat([Buffer.from([0x1f, 0x00, 0x01, 0x00]), Buffer.alloc(16_000, 255), Buffer.from([0x00, 0x50, 0, 0, 0, 0, 0])]);
}
export const LZ4_BLOCK_OUTPUT = 1 + 15 + 255 * 16_000 + 4 + 5;

/** An LZ4 frame (4 MiB blocks, independent, no checksums) of `blocks` such blocks: 263 make 1 GiB. */
export function lz4Bomb(blocks = 263): Buffer {
  const block = lz4ZeroBlock();
  const size = Buffer.alloc(4);
  size.writeUInt32LE(block.length);
  // magic, FLG (version 01, independent blocks), BD (4 MiB blocks), header checksum
  const header = Buffer.from('04224d18607073', 'hex');
  return Buffer.concat([header, ...Array.from({ length: blocks }, () => [size, block]).flat(), Buffer.alloc(4)]);
}

/** A raw snappy block whose length preamble declares `declared` bytes, followed by `body`. */
export function snappyDeclaredBomb(declared = 1 << 30, body = Buffer.from([0x00, 0x00])): Buffer {
  const pre: number[] = [];
  for (let n = declared; ; n = Math.floor(n / 128)) {
    if (n < 128) {
      pre.push(n);
      break;
    }
    pre.push((n & 0x7f) | 0x80);
  }
  return Buffer.concat([Buffer.from(pre), body]);
}
