// One client connection: splits the byte stream into frames, handles requests strictly one
// at a time (so responses leave in request order, as Kafka's muted channels do, even while
// a Fetch long-polls), and writes each response as a single corked burst.
//
// A bad frame (negative or oversized length, undecodable header or body, unsupported
// API or version) closes only this connection, with a log line.

import type { Socket } from 'node:net';
import type { Broker } from './broker.js';
import type { Handler, RequestContext } from './handlers/types.js';
import { ProtocolError, Reader, Writer } from './protocol/bytes.js';
import { code } from './protocol/errors.js';
import {
  API_VERSIONS_KEY,
  beginResponse,
  finishFrame,
  readRequestHeader,
  readRequestHeaderTags,
  type RequestHeader,
} from './protocol/header.js';
import { isFlexible, requestCodec, responseCodec } from './protocol/schema.js';
import { ApiVersions } from './protocol/apis/apiVersions.js';

export class Connection {
  private readonly frames: Buffer[] = [];
  private busy = false;
  private closed = false;
  private readonly abort = new AbortController();
  // frame assembly
  private sizeBuf = Buffer.alloc(4);
  private sizeHave = 0;
  private frame: Buffer | null = null;
  private frameHave = 0;
  readonly clientHost: string;

  constructor(
    private readonly broker: Broker,
    private readonly socket: Socket,
  ) {
    this.clientHost = `/${socket.remoteAddress ?? 'unknown'}`;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  close(reason?: string): void {
    if (this.closed) return;
    this.closed = true;
    if (reason) this.broker.log(`closing connection from ${this.clientHost}: ${reason}`);
    this.abort.abort();
    this.frames.length = 0;
    this.socket.destroy();
    this.broker.connectionClosed(this);
  }

  private onData(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length && !this.closed) {
      if (this.frame === null) {
        const take = Math.min(4 - this.sizeHave, chunk.length - pos);
        chunk.copy(this.sizeBuf, this.sizeHave, pos, pos + take);
        this.sizeHave += take;
        pos += take;
        if (this.sizeHave < 4) return;
        const size = this.sizeBuf.readInt32BE(0);
        this.sizeHave = 0;
        if (size <= 0 || size > this.broker.config.maxFrameBytes) {
          this.close(`invalid frame size ${size} (max ${this.broker.config.maxFrameBytes})`);
          return;
        }
        // Zero-copy when the whole frame is inside this chunk.
        if (chunk.length - pos >= size) {
          this.frames.push(chunk.subarray(pos, pos + size));
          pos += size;
          continue;
        }
        this.frame = Buffer.allocUnsafe(size);
        this.frameHave = 0;
      }
      const take = Math.min(this.frame.length - this.frameHave, chunk.length - pos);
      chunk.copy(this.frame, this.frameHave, pos, pos + take);
      this.frameHave += take;
      pos += take;
      if (this.frameHave === this.frame.length) {
        this.frames.push(this.frame);
        this.frame = null;
      }
    }
    if (!this.busy && this.frames.length > 0) void this.pump();
  }

  private async pump(): Promise<void> {
    this.busy = true;
    try {
      while (this.frames.length > 0 && !this.closed) {
        const frame = this.frames.shift() as Buffer;
        await this.handleFrame(frame);
        if (this.socket.writableNeedDrain && !this.closed) {
          // back-pressure: a slow reader stops us from queueing more responses
          this.socket.pause();
          await new Promise<void>((resolve) => {
            const done = (): void => {
              this.socket.off('drain', done);
              this.socket.off('close', done);
              resolve();
            };
            this.socket.once('drain', done);
            this.socket.once('close', done);
          });
          this.socket.resume();
        }
      }
    } catch (err) {
      const msg = err instanceof ProtocolError ? err.message : (err as Error)?.stack ?? String(err);
      this.close(`bad request: ${msg}`);
    } finally {
      this.busy = false;
    }
  }

  private async handleFrame(frame: Buffer): Promise<void> {
    const r = new Reader(frame);
    const header = readRequestHeader(r);
    const h = this.broker.handlers.get(header.apiKey);
    if (!h || header.apiVersion < h.api.min || header.apiVersion > h.api.max) {
      if (header.apiKey === API_VERSIONS_KEY) {
        this.unsupportedApiVersions(header);
        return;
      }
      const what = h ? `${h.api.name} v${header.apiVersion}` : `API key ${header.apiKey}`;
      throw new ProtocolError(`unsupported ${what} from client ${header.clientId ?? ''}`);
    }
    const flexible = isFlexible(h.api, header.apiVersion);
    if (flexible) readRequestHeaderTags(r);
    const req = requestCodec(h.api, header.apiVersion).decode(r);
    const ctx: RequestContext = {
      broker: this.broker,
      header,
      version: header.apiVersion,
      clientId: header.clientId ?? '',
      clientHost: this.clientHost,
      signal: this.abort.signal,
    };
    const resp = await (h as Handler).handle(req as never, ctx);
    if (resp === null || this.closed) return;
    const w = new Writer(512);
    beginResponse(w, header.correlationId, flexible && header.apiKey !== API_VERSIONS_KEY);
    responseCodec(h.api, header.apiVersion).encode(w, resp as Record<string, unknown>);
    this.write(finishFrame(w));
  }

  /** Kafka answers an ApiVersions version it doesn't know with a v0 body and error 35. */
  private unsupportedApiVersions(header: RequestHeader): void {
    const w = new Writer(64);
    beginResponse(w, header.correlationId, false);
    responseCodec(ApiVersions, 0).encode(w, {
      errorCode: code('UNSUPPORTED_VERSION'),
      apiKeys: [{ apiKey: API_VERSIONS_KEY, minVersion: ApiVersions.min, maxVersion: ApiVersions.max }],
    });
    this.write(finishFrame(w));
  }

  private write(chunks: Buffer[]): void {
    if (this.closed) return;
    if (chunks.length === 1) {
      this.socket.write(chunks[0]);
      return;
    }
    this.socket.cork();
    for (const c of chunks) this.socket.write(c);
    this.socket.uncork();
  }
}
