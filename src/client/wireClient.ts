// The gateway's fast path for one-shot requests to one known broker (a minimal Kafka client
// over kt's own schemas: one connection, requests pipelined, responses matched by correlation
// id), for where loading kafkajs would cost more than the request: `kt local status` and shell
// completion asking the local broker for names. Everything else goes through gateway.ts. Tests
// use it for exact control of versions and bytes.

import net from 'node:net';
import { Reader, Writer } from '../protocol/bytes.js';
import { isFlexible, requestCodec, responseCodec, type ApiSchema, type DecodedResp, type ReqInput } from '../protocol/schema.js';

interface Pending {
  resolve: (frame: Buffer) => void;
  reject: (err: Error) => void;
}

export class WireClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private buf: Buffer = Buffer.alloc(0);
  private error: Error | null = null;

  private constructor(
    private readonly socket: net.Socket,
    readonly clientId: string,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = (err: Error): void => {
      this.error = err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  static connect(host: string, port: number, opts: { clientId?: string; timeoutMs?: number } = {}): Promise<WireClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`timed out connecting to ${host}:${port}`));
      }, opts.timeoutMs ?? 5000);
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new WireClient(socket, opts.clientId ?? 'kt'));
      });
    });
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= 4) {
      const size = this.buf.readInt32BE(0);
      if (this.buf.length < 4 + size) return;
      const frame = this.buf.subarray(4, 4 + size);
      this.buf = this.buf.subarray(4 + size);
      const id = frame.readInt32BE(0);
      const p = this.pending.get(id);
      this.pending.delete(id);
      p?.resolve(frame);
    }
  }

  /** Sends raw bytes (tests: malformed frames). */
  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Encodes a request frame without sending it. */
  encode<A extends ApiSchema>(api: A, version: number, body: ReqInput<A>, correlationId = this.nextId++): Buffer {
    const w = new Writer(256);
    w.int32(0);
    w.int16(api.key).int16(version).int32(correlationId).string(this.clientId);
    if (isFlexible(api, version)) w.uvarint(0);
    requestCodec(api, version).encode(w, body as Record<string, unknown>);
    const frame = w.toBuffer();
    frame.writeInt32BE(frame.length - 4, 0);
    return frame;
  }

  /** Sends a request and decodes the response; `expectResponse: false` for acks=0 produce. */
  async request<A extends ApiSchema>(api: A, version: number, body: ReqInput<A>): Promise<DecodedResp<A>> {
    if (this.error) throw this.error;
    const id = this.nextId++;
    const frame = this.encode(api, version, body, id);
    const response = new Promise<Buffer>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.socket.write(frame);
    const data = await response;
    const r = new Reader(data, 4);
    // Flexible responses carry a header tag section, except ApiVersions (always header v0).
    if (isFlexible(api, version) && api.key !== 18) r.uvarint();
    return responseCodec(api, version).decode(r) as DecodedResp<A>;
  }

  close(): void {
    this.socket.destroy();
  }
}
