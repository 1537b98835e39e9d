// Byte-level reading and writing of Kafka's primitive types (big-endian ints, Kafka's
// zigzag varints inside record batches, unsigned varints for compact lengths).
//
// The Writer keeps a list of chunks so that large payloads (record batches read from a
// segment) are referenced, not copied, until the frame goes to the socket.

/** Raised when a frame is shorter or stranger than its schema says. Closes the connection. */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

const BIG_CHUNK = 1024;

export class Writer {
  private chunks: Buffer[] = [];
  private buf: Buffer;
  private pos = 0;
  private done = 0; // bytes in finished chunks

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  get length(): number {
    return this.done + this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const size = Math.max(this.buf.length * 2, n + this.pos, 256);
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  int8(v: number): this {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
    return this;
  }

  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }

  int16(v: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  uint16(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  int32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  uint32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
    return this;
  }

  /** int64 carried as a JS number (offsets, timestamps and ids stay far below 2^53). */
  int64(v: number | bigint): this {
    this.ensure(8);
    this.buf.writeBigInt64BE(BigInt(v), this.pos);
    this.pos += 8;
    return this;
  }

  float64(v: number): this {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
    return this;
  }

  uvarint(v: number): this {
    this.ensure(5);
    let n = v >>> 0;
    while (n >= 0x80) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.buf[this.pos++] = n;
    return this;
  }

  /** Zigzag varint (record-level fields). */
  varint(v: number): this {
    return this.uvarint((v << 1) ^ (v >> 31));
  }

  /** Zigzag varlong, for timestamp deltas. */
  varlong(v: number): this {
    let n = BigInt(v);
    n = (n << 1n) ^ (n >> 63n);
    n = BigInt.asUintN(64, n);
    this.ensure(10);
    while (n >= 0x80n) {
      this.buf[this.pos++] = Number(n & 0x7fn) | 0x80;
      n >>= 7n;
    }
    this.buf[this.pos++] = Number(n);
    return this;
  }

  uuid(v: Buffer | null | undefined): this {
    this.ensure(16);
    if (v && v.length === 16) v.copy(this.buf, this.pos);
    else this.buf.fill(0, this.pos, this.pos + 16);
    this.pos += 16;
    return this;
  }

  /** Raw bytes; big buffers are referenced rather than copied. */
  raw(b: Buffer): this {
    if (b.length >= BIG_CHUNK) {
      this.flushCurrent();
      this.chunks.push(b);
      this.done += b.length;
    } else {
      this.ensure(b.length);
      b.copy(this.buf, this.pos);
      this.pos += b.length;
    }
    return this;
  }

  private utf8(s: string, lengthPrefix: (n: number) => void): void {
    const n = Buffer.byteLength(s);
    lengthPrefix(n);
    this.ensure(n);
    this.buf.write(s, this.pos, 'utf8');
    this.pos += n;
  }

  string(s: string | null | undefined): this {
    if (s === null || s === undefined) return this.int16(-1);
    this.utf8(s, (n) => this.int16(n));
    return this;
  }

  compactString(s: string | null | undefined): this {
    if (s === null || s === undefined) return this.uvarint(0);
    this.utf8(s, (n) => this.uvarint(n + 1));
    return this;
  }

  bytes(b: Buffer | null | undefined): this {
    if (b === null || b === undefined) return this.int32(-1);
    this.int32(b.length);
    return this.raw(b);
  }

  compactBytes(b: Buffer | null | undefined): this {
    if (b === null || b === undefined) return this.uvarint(0);
    this.uvarint(b.length + 1);
    return this.raw(b);
  }

  private flushCurrent(): void {
    if (this.pos === 0) return;
    this.chunks.push(this.buf.subarray(0, this.pos));
    this.done += this.pos;
    this.buf = this.buf.subarray(this.pos);
    this.pos = 0;
    if (this.buf.length < 64) this.buf = Buffer.allocUnsafe(256);
  }

  /** The written bytes as chunks (no copy of referenced buffers). */
  toChunks(): Buffer[] {
    this.flushCurrent();
    return this.chunks;
  }

  toBuffer(): Buffer {
    const chunks = this.toChunks();
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, this.done);
  }
}

/** How many array entries a decode may still produce: one budget for a whole request. */
export interface EntryBudget {
  readonly max: number;
  left: number;
}

export class Reader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
    /** Shared with readers of the same message (tagged fields), so nesting cannot reset it. */
    readonly entries: EntryBudget = { max: Infinity, left: Infinity },
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Counts `n` array entries against the budget before they are allocated. */
  takeEntries(n: number): void {
    if (n > this.entries.left) throw new ProtocolError(`more than ${this.entries.max} array entries in one request (maxRequestElements)`);
    this.entries.left -= n;
  }

  private need(n: number): number {
    const at = this.pos;
    if (n < 0 || at + n > this.end) {
      throw new ProtocolError(`truncated: need ${n} bytes at ${at}, have ${this.end - at}`);
    }
    this.pos += n;
    return at;
  }

  int8(): number {
    return this.buf.readInt8(this.need(1));
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  int16(): number {
    return this.buf.readInt16BE(this.need(2));
  }

  uint16(): number {
    return this.buf.readUInt16BE(this.need(2));
  }

  int32(): number {
    return this.buf.readInt32BE(this.need(4));
  }

  uint32(): number {
    return this.buf.readUInt32BE(this.need(4));
  }

  int64(): number {
    return Number(this.buf.readBigInt64BE(this.need(8)));
  }

  float64(): number {
    return this.buf.readDoubleBE(this.need(8));
  }

  uvarint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.buf[this.need(1)];
      if (shift === 28 && b > 0x0f) throw new ProtocolError('uvarint too long');
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
      shift += 7;
    }
  }

  varint(): number {
    const n = this.uvarint();
    return (n >>> 1) ^ -(n & 1);
  }

  varlong(): number {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.buf[this.need(1)];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7n;
      if (shift > 63n) throw new ProtocolError('varlong too long');
    }
    return Number((result >> 1n) ^ -(result & 1n));
  }

  uuid(): Buffer {
    const at = this.need(16);
    return this.buf.subarray(at, at + 16);
  }

  raw(n: number): Buffer {
    const at = this.need(n);
    return this.buf.subarray(at, at + n);
  }

  string(): string | null {
    const n = this.int16();
    if (n < 0) return null;
    const at = this.need(n);
    return this.buf.toString('utf8', at, at + n);
  }

  compactString(): string | null {
    const n = this.uvarint() - 1;
    if (n < 0) return null;
    const at = this.need(n);
    return this.buf.toString('utf8', at, at + n);
  }

  bytes(): Buffer | null {
    const n = this.int32();
    if (n < 0) return null;
    return this.raw(n);
  }

  compactBytes(): Buffer | null {
    const n = this.uvarint() - 1;
    if (n < 0) return null;
    return this.raw(n);
  }
}
