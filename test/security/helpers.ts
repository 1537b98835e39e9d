// Helpers for the security tests: a raw connection that sees every byte (and the close) of
// the SASL phase, certificates made with openssl, and the peers (kcat, kafka-python) run
// asynchronously (the broker under test lives in this process: a blocking spawn would stall it).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { Reader, Writer } from '../../src/protocol/bytes.js';
import { isFlexible, requestCodec, responseCodec, type ApiSchema, type DecodedResp, type ReqInput } from '../../src/protocol/schema.js';

/** A connection that reads size-prefixed frames in order and notices the broker closing it. */
export class RawConn {
  private buf = Buffer.alloc(0);
  private waiting: ((f: Buffer | null) => void) | null = null;
  private nextId = 1;
  closed = false;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.deliver();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.deliver();
    });
  }

  static connect(port: number, tlsOptions?: tls.ConnectionOptions): Promise<RawConn> {
    return new Promise((resolve, reject) => {
      const socket = tlsOptions
        ? tls.connect({ host: '127.0.0.1', port, ...tlsOptions }, () => resolve(new RawConn(socket)))
        : net.connect({ host: '127.0.0.1', port }, () => resolve(new RawConn(socket)));
      socket.once('error', reject);
    });
  }

  private deliver(): void {
    if (!this.waiting) return;
    if (this.buf.length >= 4) {
      const size = this.buf.readInt32BE(0);
      if (this.buf.length >= 4 + size) {
        const frame = this.buf.subarray(4, 4 + size);
        this.buf = this.buf.subarray(4 + size);
        const w = this.waiting;
        this.waiting = null;
        w(frame);
        return;
      }
    }
    if (this.closed) {
      const w = this.waiting;
      this.waiting = null;
      w(null);
    }
  }

  /** The next frame (without its size), or null when the broker closed the connection first. */
  next(timeoutMs = 3000): Promise<Buffer | null> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no frame and no close within the timeout')), timeoutMs);
      this.waiting = (f) => {
        clearTimeout(timer);
        resolve(f);
      };
      this.deliver();
    });
  }

  /** Resolves true once the broker has closed the connection (false after the timeout). */
  async closedWithin(ms = 3000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return this.closed;
  }

  /** Writes a raw frame: size prefix + bytes. */
  sendToken(token: Buffer): void {
    const size = Buffer.alloc(4);
    size.writeInt32BE(token.length, 0);
    this.socket.write(Buffer.concat([size, token]));
  }

  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  encode<A extends ApiSchema>(api: A, version: number, body: ReqInput<A>): Buffer {
    const w = new Writer(256);
    w.int32(0);
    w.int16(api.key).int16(version).int32(this.nextId++).string('kt-security-test');
    if (isFlexible(api, version)) w.uvarint(0);
    requestCodec(api, version).encode(w, body as Record<string, unknown>);
    const frame = w.toBuffer();
    frame.writeInt32BE(frame.length - 4, 0);
    return frame;
  }

  /** Sends a Kafka request; the decoded response, or null when the broker closed instead. */
  async request<A extends ApiSchema>(api: A, version: number, body: ReqInput<A>): Promise<DecodedResp<A> | null> {
    this.socket.write(this.encode(api, version, body));
    const frame = await this.next();
    if (!frame) return null;
    const r = new Reader(frame, 4);
    if (isFlexible(api, version) && api.key !== 18) r.uvarint();
    return responseCodec(api, version).decode(r) as DecodedResp<A>;
  }

  close(): void {
    this.socket.destroy();
  }
}

export interface Exec {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a program without blocking this process's event loop. */
export function exec(cmd: string, args: string[], opts: { timeoutMs?: number; input?: string } = {}): Promise<Exec> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { encoding: 'utf8', timeout: opts.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException).code === 'number' ? ((err as unknown as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
    // a command that exits without reading its input (openssl) closes the pipe first: EPIPE
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(opts.input ?? '');
  });
}

export interface TestPki {
  dir: string;
  ca: string;
  /** Server certificate for localhost and 127.0.0.1. */
  cert: string;
  key: string;
  /** Server certificate for other.example only (host name checks fail on 127.0.0.1). */
  otherCert: string;
  otherKey: string;
  /** A client certificate (ssl.client.auth). */
  clientCert: string;
  clientKey: string;
}

const OPENSSL_CNF = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = kt test
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1
[other]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:other.example
[client]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
`;

/** A CA and certificates it issued, made with openssl (EC P-256: fast) in `dir`. */
export async function makePki(dir: string): Promise<TestPki> {
  const f = (n: string): string => path.join(dir, n);
  fs.writeFileSync(f('openssl.cnf'), OPENSSL_CNF);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const run = async (args: string[]): Promise<void> => {
    const r = await exec('openssl', args);
    if (r.code !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
  };
  await run(['req', '-x509', '-new', ...ec, '-keyout', f('ca-key.pem'), '-out', f('ca.pem'), '-days', '2', '-config', f('openssl.cnf'), '-extensions', 'v3_ca', '-subj', '/CN=kt test CA']);
  let serial = 2;
  const issue = async (name: string, cn: string, section: string): Promise<void> => {
    await run(['req', '-new', ...ec, '-keyout', f(`${name}-key.pem`), '-out', f(`${name}.csr`), '-config', f('openssl.cnf'), '-subj', `/CN=${cn}`]);
    await run(['x509', '-req', '-in', f(`${name}.csr`), '-CA', f('ca.pem'), '-CAkey', f('ca-key.pem'), '-set_serial', String(serial++), '-days', '2', '-out', f(`${name}.pem`), '-extfile', f('openssl.cnf'), '-extensions', section]);
  };
  await Promise.all([issue('server', 'localhost', 'server'), issue('other', 'other.example', 'other'), issue('client', 'kt-client', 'client')]);
  return {
    dir,
    ca: f('ca.pem'),
    cert: f('server.pem'),
    key: f('server-key.pem'),
    otherCert: f('other.pem'),
    otherKey: f('other-key.pem'),
    clientCert: f('client.pem'),
    clientKey: f('client-key.pem'),
  };
}

/** kcat's -X options for a SASL login. */
export function kcatSasl(protocol: string, mechanism: string, user: string, password: string): string[] {
  return ['-X', `security.protocol=${protocol}`, '-X', `sasl.mechanisms=${mechanism}`, '-X', `sasl.username=${user}`, '-X', `sasl.password=${password}`];
}
