// Run by test/unit/compression-bomb.test.ts in a fresh process, so that its peak RSS is one
// bounded decompression's and nothing else's: `node bomb-child.js <codec> <limit|cap>`.
// Prints {"error": name, "message": ..., "peakRss": bytes}.
import { readFileSync } from 'node:fs';
import { decompressSync, decompressedLimit } from '../src/protocol/compression.js';
import { gzipBomb, lz4Bomb, snappyDeclaredBomb, zstdRleBomb } from './bombs.js';

const [codecArg, which] = process.argv.slice(2);
const codec = Number(codecArg);
const bomb = [null, () => gzipBomb(1024), () => snappyDeclaredBomb(), () => lz4Bomb(), () => zstdRleBomb()][codec]!();
let error = 'none';
let message = '';
try {
  const out = which === 'cap' ? decompressSync(codec, bomb) : decompressSync(codec, bomb, decompressedLimit(1048588));
  message = `decompressed ${out.length} bytes`;
} catch (err) {
  error = (err as Error).name;
  message = (err as Error).message;
}
// VmHWM: this process's own peak (getrusage's maxRSS may carry the parent's over fork and exec)
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
process.stdout.write(JSON.stringify({ error, message, peakRss: Number(hwm?.[1]) * 1024 }));
