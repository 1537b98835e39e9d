// One client connection: splits the byte stream into frames, handles requests strictly one
// at a time (so responses leave in request order, as Kafka's muted channels do, even while
// a Fetch long-polls), and writes each response as a single corked burst.
//
// A bad frame (negative or oversized length, undecodable header or body, unsupported
// API or version) closes only this connection, with a log line.
//
// Limits (broker options, docs/durability.md): a frame takes memory as its bytes actually
// arrive (a 4-byte length alone allocates nothing): the socket's chunks are kept as they
// come, and once half of the frame is there it gets its buffer and every byte is copied once
// (a client dribbling many small chunks gets a buffer that doubles as bytes arrive instead).
// What a frame spanning chunks holds comes from the broker's receive memory; when that is used
// up, the broker closes the partial frame that has waited longest for bytes, and a frame must
// be whole within frameTimeoutMs of its first byte. While maxInFlightRequests frames wait to be
// handled, or they hold maxFrameBytes, or the client does not read its responses, the socket
// is paused: TCP back-pressure on the client, nothing is dropped. Requests are handled in
// time slices (scheduler.ts): a connection with many of them queued gives the others a turn.
//
// Timeouts, checked by the broker every so often: a connection that has not authenticated
// (SASL) or sent a whole request (other listeners) within authenticationTimeoutMs is closed;
// so is one with no request in progress and no bytes moving for connections.max.idle.ms.
//
// On a SASL listener every frame goes to the connection's SASL session (auth/session.ts)
// until it has authenticated: only ApiVersions, SaslHandshake and SaslAuthenticate (or, after
// SaslHandshake v0, raw SASL tokens) are accepted, frames are limited to Kafka's
// sasl.server.max.receive.size, and anything else closes the connection as Kafka does.

import type { Socket } from 'node:net';
import type { Broker } from './broker.js';
import { SASL_MAX_RECEIVE_SIZE, SASL_AUTHENTICATE_KEY, SASL_HANDSHAKE_KEY, SaslSession } from './auth/session.js';
import type { Handler, RequestContext } from './handlers/types.js';
import { ProtocolError, Reader, Writer } from '../protocol/bytes.js';
import { code } from '../protocol/errors.js';
import {
  API_VERSIONS_KEY,
  beginResponse,
  finishFrame,
  readRequestHeader,
  readRequestHeaderTags,
  type RequestHeader,
} from '../protocol/header.js';
import { isFlexible, requestCodec, responseCodec, type ApiSchema } from '../protocol/schema.js';
import { ApiVersions } from '../protocol/apis/apiVersions.js';
import { SaslAuthenticate } from '../protocol/apis/saslAuthenticate.js';
import { SaslHandshake } from '../protocol/apis/saslHandshake.js';
import { yieldSlice } from './scheduler.js';

/** A frame arriving in more pieces than this gets a buffer that grows (a dribbling client). */
const FRAME_MAX_PARTS = 64;
const FRAME_MIN_GROWTH = 64 * 1024;

/** A request frame decoded up to its body, ready for its handler. */
export interface DecodedRequest {
  header: RequestHeader;
  handler: Handler;
  flexible: boolean;
  body: Record<string, unknown>;
}

/**
 * Decodes a request frame (without its size prefix): header, API and version check, body.
 * An ApiVersions version we do not know comes back as `{ unsupportedApiVersions }` (answered
 * with a v0 body and UNSUPPORTED_VERSION); anything else it cannot accept throws ProtocolError,
 * also a body with more than `maxEntries` array entries in all. The fuzz test drives this directly.
 */
export function decodeRequest(frame: Buffer, handlers: ReadonlyMap<number, Handler>, maxEntries = Infinity): DecodedRequest | { unsupportedApiVersions: RequestHeader } {
  const r = new Reader(frame, 0, frame.length, { max: maxEntries, left: maxEntries });
  const header = readRequestHeader(r);
  const h = handlers.get(header.apiKey);
  if (!h || header.apiVersion < h.api.min || header.apiVersion > h.api.max) {
    if (header.apiKey === API_VERSIONS_KEY) return { unsupportedApiVersions: header };
    const what = h ? `${h.api.name} v${header.apiVersion}` : `API key ${header.apiKey}`;
    throw new ProtocolError(`unsupported ${what} from client ${header.clientId ?? ''}`);
  }
  const flexible = isFlexible(h.api, header.apiVersion);
  if (flexible) readRequestHeaderTags(r);
  const body = requestCodec(h.api, header.apiVersion).decode(r);
  return { header, handler: h, flexible, body };
}

export class Connection {
  private readonly frames: Buffer[] = [];
  private queuedBytes = 0;
  private busy = false;
  private closed = false;
  private writeBlocked = false;
  private paused = false;
  private readonly abort = new AbortController();
  /** Callbacks to run once the current response is written (or the connection closes). */
  private afterSend: (() => void)[] = [];
  private readonly pendingAfterSend = new Set<() => void>();
  // frame assembly
  private sizeBuf = Buffer.alloc(4);
  private sizeHave = 0;
  /** A frame spanning socket chunks: first its pieces (views, no copy), then its buffer. */
  private frameParts: Buffer[] | null = null;
  private frameBuf: Buffer | null = null;
  private frameSize = 0;
  private frameHave = 0;
  /** When the partial frame's first and latest bytes came; the receive memory it holds. */
  private frameStartedAt = 0;
  lastByteAt = 0;
  receiveMemoryHeld = 0;
  private readonly connectedAt = Date.now();
  /** Bytes last moved, or a request was last finished (connections.max.idle.ms). */
  private lastActive = Date.now();
  /** A request is in its handler (a long-polling Fetch or JoinGroup is not idleness). */
  private handling = false;
  /** A whole request frame has arrived. */
  private requestSeen = false;
  readonly clientHost: string;
  /** The SASL state on a SASL listener; null on PLAINTEXT and SSL listeners. */
  readonly sasl: SaslSession | null;

  constructor(
    private readonly broker: Broker,
    private readonly socket: Socket,
  ) {
    this.clientHost = `/${socket.remoteAddress ?? 'unknown'}`;
    this.sasl = broker.sasl ? new SaslSession(broker.sasl) : null;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  /**
   * Closes the connection. `flush`: what was written still reaches the client (a final error
   * response) before the socket closes; otherwise it is dropped at once.
   */
  close(reason?: string, opts: { flush?: boolean } = {}): void {
    if (this.closed) return;
    this.closed = true;
    if (reason) this.broker.log(`closing connection from ${this.clientHost}: ${reason}`);
    this.abort.abort();
    this.frames.length = 0;
    this.queuedBytes = 0;
    this.dropPartialFrame();
    if (opts.flush) {
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 2000).unref();
    } else {
      this.socket.destroy();
    }
    for (const fn of [...this.pendingAfterSend, ...this.afterSend]) fn();
    this.pendingAfterSend.clear();
    this.afterSend = [];
    this.broker.connectionClosed(this);
  }

  /**
   * Established: authenticated on a SASL listener, else a whole request has arrived. Until
   * then the connection has authenticationTimeoutMs, and at max.connections it may be closed to
   * make room for a new one.
   */
  get established(): boolean {
    return this.sasl ? this.sasl.complete : this.requestSeen;
  }

  /** Closes the connection if one of its timeouts has passed (the broker calls this regularly). */
  expire(now: number): void {
    const { authenticationTimeoutMs, frameTimeoutMs, connectionsMaxIdleMs } = this.broker.config;
    let why: [kind: string, reason: string] | undefined;
    if (!this.established && now - this.connectedAt > authenticationTimeoutMs) {
      why = ['auth-timeout', this.sasl ? `not authenticated within ${authenticationTimeoutMs} ms (authenticationTimeoutMs)` : `no request within ${authenticationTimeoutMs} ms (authenticationTimeoutMs)`];
    } else if (this.receiveMemoryHeld > 0 && now - this.frameStartedAt > frameTimeoutMs) {
      why = ['frame-timeout', `request incomplete after ${frameTimeoutMs} ms (frameTimeoutMs): ${this.frameHave} of ${this.frameSize} bytes arrived`];
    } else if (!this.handling && now - this.lastActive > connectionsMaxIdleMs) {
      why = ['idle', `idle for more than ${connectionsMaxIdleMs} ms (connections.max.idle.ms)`];
    }
    if (!why) return;
    this.close();
    this.broker.logFlood(why[0], `closing connection from ${this.clientHost}: ${why[1]}`);
  }

  /** Takes receive memory for the partial frame; closes the connection when there is none. */
  private hold(bytes: number): boolean {
    if (bytes <= 0) return true;
    if (!this.broker.reserveReceiveMemory(this, bytes)) {
      this.close(`receive memory (receiveMemoryBytes ${this.broker.config.receiveMemoryBytes}) used up`);
      return false;
    }
    this.receiveMemoryHeld += bytes;
    return true;
  }

  /** The partial frame is complete or abandoned: its receive memory goes back. */
  private dropPartialFrame(): void {
    this.frameParts = null;
    this.frameBuf = null;
    this.broker.receiveMemory.release(this.receiveMemoryHeld);
    this.receiveMemoryHeld = 0;
  }

  /** Reads from the socket only while there is room for more requests and responses. */
  private updateReading(): void {
    const full = this.frames.length >= this.broker.config.maxInFlightRequests || this.queuedBytes >= this.broker.config.maxFrameBytes;
    const pause = !this.closed && (this.writeBlocked || full);
    if (pause === this.paused) return;
    this.paused = pause;
    if (pause) this.socket.pause();
    else this.socket.resume();
  }

  private enqueue(frame: Buffer): void {
    this.frames.push(frame);
    this.queuedBytes += frame.length;
    this.requestSeen = true;
  }

  private onData(chunk: Buffer): void {
    const now = Date.now();
    this.lastActive = now;
    this.lastByteAt = now;
    let pos = 0;
    while (pos < chunk.length && !this.closed) {
      if (this.frameParts === null && this.frameBuf === null) {
        const take = Math.min(4 - this.sizeHave, chunk.length - pos);
        chunk.copy(this.sizeBuf, this.sizeHave, pos, pos + take);
        this.sizeHave += take;
        pos += take;
        if (this.sizeHave < 4) return;
        const size = this.sizeBuf.readInt32BE(0);
        this.sizeHave = 0;
        const max = this.sasl && !this.sasl.complete ? Math.min(SASL_MAX_RECEIVE_SIZE, this.broker.config.maxFrameBytes) : this.broker.config.maxFrameBytes;
        // A raw SASL token (after SaslHandshake v0) may be empty.
        if (size < 0 || (size === 0 && !this.sasl?.expectsRawToken) || size > max) {
          this.close(`invalid frame size ${size} (max ${max}${max === SASL_MAX_RECEIVE_SIZE ? ' before SASL authentication' : ''})`);
          return;
        }
        // Zero-copy when the whole frame is inside this chunk.
        if (chunk.length - pos >= size) {
          this.enqueue(chunk.subarray(pos, pos + size));
          pos += size;
          continue;
        }
        this.frameParts = [];
        this.frameSize = size;
        this.frameHave = 0;
        this.frameStartedAt = now;
      }
      const take = Math.min(this.frameSize - this.frameHave, chunk.length - pos);
      if (this.frameParts !== null) {
        if (!this.hold(take)) return;
        this.frameParts.push(chunk.subarray(pos, pos + take));
        this.frameHave += take;
        pos += take;
        if (this.frameHave === this.frameSize) {
          this.enqueue(this.frameParts.length === 1 ? this.frameParts[0] : Buffer.concat(this.frameParts, this.frameSize));
          this.dropPartialFrame();
        } else if (this.frameHave * 2 >= this.frameSize || this.frameParts.length >= FRAME_MAX_PARTS) {
          // half there: the whole buffer; many small pieces: one that doubles as bytes come
          const size = this.frameHave * 2 >= this.frameSize ? this.frameSize : Math.min(this.frameSize, Math.max(this.frameHave * 2, FRAME_MIN_GROWTH));
          if (!this.hold(size - this.frameHave)) return;
          this.frameBuf = Buffer.allocUnsafe(size);
          let at = 0;
          for (const part of this.frameParts) at += part.copy(this.frameBuf, at);
          this.frameParts = null;
        }
        continue;
      }
      const buf = this.frameBuf as Buffer;
      if (this.frameHave + take > buf.length) {
        const grown = Buffer.allocUnsafe(Math.min(this.frameSize, Math.max(buf.length * 2, this.frameHave + take)));
        if (!this.hold(grown.length - buf.length)) return;
        buf.copy(grown, 0, 0, this.frameHave);
        this.frameBuf = grown;
      }
      chunk.copy(this.frameBuf as Buffer, this.frameHave, pos, pos + take);
      this.frameHave += take;
      pos += take;
      if (this.frameHave === this.frameSize) {
        this.enqueue(this.frameBuf as Buffer);
        this.dropPartialFrame();
      }
    }
    this.updateReading();
    if (!this.busy && this.frames.length > 0) void this.pump();
  }

  private async pump(): Promise<void> {
    this.busy = true;
    try {
      while (this.frames.length > 0 && !this.closed) {
        const frame = this.frames.shift() as Buffer;
        this.queuedBytes -= frame.length;
        this.updateReading();
        this.handling = true;
        try {
          await this.handleFrame(frame);
        } finally {
          this.handling = false;
          this.lastActive = Date.now();
        }
        if (this.socket.writableNeedDrain && !this.closed) {
          // back-pressure: a slow reader stops us from queueing more responses
          this.writeBlocked = true;
          this.updateReading();
          await new Promise<void>((resolve) => {
            const done = (): void => {
              this.socket.off('drain', done);
              this.socket.off('close', done);
              resolve();
            };
            this.socket.once('drain', done);
            this.socket.once('close', done);
          });
          this.writeBlocked = false;
          this.updateReading();
        }
        await yieldSlice();
      }
    } catch (err) {
      const msg = err instanceof ProtocolError ? err.message : (err as Error)?.stack ?? String(err);
      this.close(`bad request: ${msg}`);
    } finally {
      this.busy = false;
    }
  }

  private async handleFrame(frame: Buffer): Promise<void> {
    if (this.sasl && !this.sasl.complete) {
      await this.handleSaslFrame(frame, this.sasl);
      return;
    }
    const decoded = this.decode(frame);
    if ('unsupportedApiVersions' in decoded) {
      this.unsupportedApiVersions(decoded.unsupportedApiVersions);
      return;
    }
    await this.dispatch(decoded);
  }

  private decode(frame: Buffer): ReturnType<typeof decodeRequest> {
    return decodeRequest(frame, this.broker.handlers, this.broker.config.maxRequestElements);
  }

  /** A frame before authentication on a SASL listener (the states: auth/session.ts). */
  private async handleSaslFrame(frame: Buffer, sasl: SaslSession): Promise<void> {
    if (sasl.expectsRawToken) {
      const r = await sasl.rawToken(frame);
      if (r.failure !== undefined) {
        // Nothing in this framing carries an error: Kafka closes the connection.
        await this.failedAuthenticationDelay();
        this.close(r.failure);
        return;
      }
      const token = r.token ?? Buffer.alloc(0);
      const size = Buffer.allocUnsafe(4);
      size.writeInt32BE(token.length, 0);
      this.write(token.length > 0 ? [size, token] : [size]);
      return;
    }
    // The header first: nothing but the three SASL-phase APIs has its body parsed.
    let header: RequestHeader;
    try {
      header = readRequestHeader(new Reader(frame));
    } catch {
      this.close('not a Kafka request before SASL authentication (GSSAPI is not supported)');
      return;
    }
    const h = this.broker.handlers.get(header.apiKey);
    if (!h) {
      this.close(`unsupported API key ${header.apiKey} before SASL authentication`);
      return;
    }
    const refused = sasl.admit(header.apiKey, h.api.name);
    if (refused) {
      const inRange = header.apiVersion >= h.api.min && header.apiVersion <= h.api.max;
      if (refused.errorResponse && inRange && (header.apiKey === API_VERSIONS_KEY || header.apiKey === SASL_HANDSHAKE_KEY)) {
        // Kafka answers with the request's error response (ILLEGAL_SASL_STATE), then closes.
        const d = this.decode(frame);
        if (!('unsupportedApiVersions' in d)) {
          const resp = header.apiKey === API_VERSIONS_KEY
            ? { errorCode: code('ILLEGAL_SASL_STATE'), apiKeys: [], throttleTimeMs: 0 }
            : { errorCode: code('ILLEGAL_SASL_STATE'), mechanisms: [] };
          this.sendResponse(d.header, d.handler.api, d.flexible, resp);
          this.close(refused.reason, { flush: true });
          return;
        }
      }
      this.close(refused.reason);
      return;
    }
    const decoded = this.decode(frame);
    if ('unsupportedApiVersions' in decoded) {
      this.unsupportedApiVersions(decoded.unsupportedApiVersions); // the state stays: the client retries
      return;
    }
    const { body, flexible } = decoded;
    switch (header.apiKey) {
      case API_VERSIONS_KEY:
        await this.dispatch(decoded);
        sasl.versionsAnswered();
        return;
      case SASL_HANDSHAKE_KEY: {
        const r = sasl.handshake(String((body as { mechanism: unknown }).mechanism), header.apiVersion);
        if (r.failure !== undefined) await this.failedAuthenticationDelay();
        this.sendResponse(header, SaslHandshake, flexible, r.response);
        if (r.failure !== undefined) this.close(r.failure, { flush: true });
        return;
      }
      case SASL_AUTHENTICATE_KEY: {
        const r = await sasl.authenticate((body as { authBytes: Buffer }).authBytes);
        if (r.failure !== undefined) await this.failedAuthenticationDelay();
        this.sendResponse(header, SaslAuthenticate, flexible, r.response);
        if (r.failure !== undefined) this.close(r.failure, { flush: true });
        return;
      }
    }
  }

  /** Kafka's connection.failed.authentication.delay.ms: slows down password guessing. */
  private failedAuthenticationDelay(): Promise<void> {
    const ms = this.broker.sasl?.failedAuthenticationDelayMs ?? 0;
    if (ms <= 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      const signal = this.abort.signal;
      function done(): void {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Encodes and writes one response. */
  private sendResponse(header: RequestHeader, api: ApiSchema, flexible: boolean, resp: Record<string, unknown>): void {
    const w = new Writer(256);
    beginResponse(w, header.correlationId, flexible && header.apiKey !== API_VERSIONS_KEY);
    responseCodec(api, header.apiVersion).encode(w, resp);
    this.write(finishFrame(w));
  }

  private async dispatch(decoded: DecodedRequest): Promise<void> {
    const { header, handler: h, flexible, body } = decoded;
    const ctx: RequestContext = {
      broker: this.broker,
      header,
      version: header.apiVersion,
      clientId: header.clientId ?? '',
      clientHost: this.clientHost,
      signal: this.abort.signal,
      afterSend: (fn) => {
        if (this.closed) fn();
        else this.afterSend.push(fn);
      },
    };
    // Callbacks of a response that is not written (none, an error, closed) run right away.
    const takeAfterSend = (): (() => void)[] => {
      const fns = this.afterSend;
      this.afterSend = [];
      return fns;
    };
    let resp;
    try {
      resp = await h.handle(body as never, ctx);
    } catch (err) {
      for (const fn of takeAfterSend()) fn();
      throw err;
    }
    const pending = takeAfterSend();
    if (resp === null || this.closed) {
      for (const fn of pending) fn();
      return;
    }
    let out: Buffer[];
    try {
      const w = new Writer(512);
      beginResponse(w, header.correlationId, flexible && header.apiKey !== API_VERSIONS_KEY);
      responseCodec(h.api, header.apiVersion).encode(w, resp as Record<string, unknown>);
      out = finishFrame(w);
    } catch (err) {
      for (const fn of pending) fn();
      throw err;
    }
    this.write(out, pending);
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

  private write(chunks: Buffer[], afterSend: (() => void)[] = []): void {
    let done: (() => void) | undefined;
    if (afterSend.length > 0) {
      // Once: the socket calls it when the bytes are handed over, close() if it never does.
      done = () => {
        if (!this.pendingAfterSend.delete(done as () => void)) return;
        for (const fn of afterSend) fn();
      };
      this.pendingAfterSend.add(done);
    }
    if (this.closed) {
      done?.();
      return;
    }
    this.lastActive = Date.now();
    const last = chunks.length - 1;
    if (last > 0) this.socket.cork();
    chunks.forEach((c, i) => {
      if (i === last && done) this.socket.write(c, done);
      else this.socket.write(c);
    });
    if (last > 0) this.socket.uncork();
  }
}
