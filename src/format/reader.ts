// Turning produce input (stdin or --file) into records, streaming: lines (Apache
// LineMessageReader semantics), json (the consume envelope) or raw (all input, one record).

import { read } from 'node:fs';
import type { Readable } from 'node:stream';
import { KtError } from '../errors.js';
import { decodeEnvelope } from './envelope.js';
import { LineParseError, RecordSplitter, parseLine, type LineReaderOptions } from './input.js';
import type { Header, ProduceRecord } from './record.js';

export type InputMode = 'lines' | 'json' | 'raw';

export interface ReaderOptions {
  mode: InputMode;
  delimiter: Buffer;
  line: LineReaderOptions;
  /** --key: used when the input gives no key */
  fixedKey?: Buffer;
  /** --header: added to every record, before the record's own */
  headers: Header[];
  /** --partition: overrides any partition in the input */
  partition?: number;
  /** reports a skipped record (ignore.error) */
  onSkip?: (message: string) => void;
}

export function finishRecord(r: ProduceRecord, o: ReaderOptions, keyFromInput: boolean): ProduceRecord {
  if (!keyFromInput && r.key === null && o.fixedKey) r.key = o.fixedKey;
  if (o.headers.length) r.headers = [...o.headers, ...r.headers];
  if (o.partition !== undefined) r.partition = o.partition;
  return r;
}

/** One record from one unit of input (a line, or everything for raw). */
export function recordFrom(unit: Buffer, lineNumber: number, o: ReaderOptions): ProduceRecord | null {
  switch (o.mode) {
    case 'raw':
      return finishRecord({ key: null, value: unit, headers: [] }, o, false);
    case 'json': {
      if (unit.length === 0 || /^\s*$/.test(unit.toString('latin1'))) return null; // blank lines
      try {
        return finishRecord(decodeEnvelope(unit.toString('utf8')), o, true);
      } catch (err) {
        const msg = `line ${lineNumber}: ${(err as Error).message}`;
        if (o.line.ignoreError) {
          o.onSkip?.(msg);
          return null;
        }
        throw new KtError(`bad JSON input on ${msg}`, { hint: 'each line must be an object as written by kt consume --output json' });
      }
    }
    case 'lines':
      try {
        return finishRecord(parseLine(unit, lineNumber, o.line), o, o.line.parseKey);
      } catch (err) {
        // ignore.error lets a line without a separator through, not a header key that is the
        // null marker (Apache fails those either way)
        if (err instanceof LineParseError) throw new KtError(err.message, { hint: err.skippable ? 'or set --property ignore.error=true' : undefined });
        throw err;
      }
  }
}

/** Stream records from a readable (back-pressure: the consumer of the generator paces reads). */
export async function* readRecords(input: Readable, o: ReaderOptions): AsyncGenerator<ProduceRecord> {
  for await (const records of readRecordChunks(input, o)) yield* records;
}

/** As readRecords, the records of each input chunk at once (one await per chunk, not per record). */
export async function* readRecordChunks(input: Readable, o: ReaderOptions): AsyncGenerator<ProduceRecord[]> {
  if (o.mode === 'raw') {
    const chunks: Buffer[] = [];
    for await (const c of input) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
    const r = recordFrom(Buffer.concat(chunks), 1, o);
    if (r) yield [r];
    return;
  }
  const splitter = new RecordSplitter(o.delimiter);
  let lineNumber = 0;
  // A bad unit ends the stream after the good ones before it (they are still sent).
  let failure: unknown;
  const records = (units: Buffer[]): ProduceRecord[] => {
    const out: ProduceRecord[] = [];
    try {
      for (const u of units) {
        const r = recordFrom(u, ++lineNumber, o);
        if (r) out.push(r);
      }
    } catch (err) {
      failure = err;
    }
    return out;
  };
  for await (const chunk of input) {
    const out = records(splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)));
    if (out.length) yield out;
    if (failure) throw failure;
  }
  const last = records(splitter.end());
  if (last.length) yield last;
  if (failure) throw failure;
}

/**
 * The bytes of a file descriptor (a regular file) in chunks of `size`, read into two buffers
 * that take turns: a chunk is valid only until the next one is asked for. The next read is
 * under way (node's thread pool) while the caller works on the current chunk, and nothing
 * is allocated per chunk (node's streams allocate a new buffer for every read). `alloc`
 * makes the two buffers (the producer's fast path carves them from its batch memory).
 */
export async function* fileChunks(fd: number, size = 1 << 20, alloc: (size: number) => Buffer = Buffer.allocUnsafe): AsyncGenerator<Buffer> {
  const bufs = [alloc(size), alloc(size)];
  const fill = (buf: Buffer) => new Promise<number>((resolve, reject) => read(fd, buf, 0, size, null, (err, bytes) => (err ? reject(err) : resolve(bytes))));
  let turn = 0;
  let next = fill(bufs[0]);
  for (;;) {
    const n = await next;
    if (n === 0) return;
    const buf = bufs[turn];
    turn ^= 1;
    next = fill(bufs[turn]);
    next.catch(() => undefined); // reported when awaited
    yield buf.subarray(0, n);
  }
}
