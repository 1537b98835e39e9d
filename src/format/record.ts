// The record as the formatters see it: what a fetch returned, with bytes kept as bytes.

export type Header = [key: string, value: Buffer | null];

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: number;
  /** ms since epoch; -1 when the record has no timestamp */
  timestamp: number;
  /** 0 CreateTime, 1 LogAppendTime, -1 none */
  timestampType: 0 | 1 | -1;
  key: Buffer | null;
  value: Buffer | null;
  headers: Header[];
}

/** What produce sends: bytes plus optional placement. */
export interface ProduceRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: Header[];
  partition?: number;
  /** ms since epoch */
  timestamp?: number;
}

/** One output chunk piece: text or raw bytes. */
export type Piece = string | Buffer;

/** Join pieces into one Buffer (one write per fetched batch). */
export function piecesToBuffer(pieces: Piece[]): Buffer {
  const bufs: Buffer[] = new Array(pieces.length);
  let run = '';
  let n = 0;
  for (const p of pieces) {
    if (typeof p === 'string') {
      run += p;
    } else {
      if (run) {
        bufs[n++] = Buffer.from(run, 'utf8');
        run = '';
      }
      bufs[n++] = p;
    }
  }
  if (run) bufs[n++] = Buffer.from(run, 'utf8');
  bufs.length = n;
  return Buffer.concat(bufs);
}
