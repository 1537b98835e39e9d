// Self-signed TLS material without openssl: Node 20 parses X.509 (crypto.X509Certificate)
// but cannot create it, so this writes the few DER structures a certificate needs (RFC 5280)
// and signs them with node:crypto. Keys are ECDSA P-256, signatures ecdsa-with-SHA256:
// accepted by OpenSSL (librdkafka, kafka-python), Java and Node.
//
//   CA      CN=kt local CA <random>; basicConstraints CA:TRUE (critical); keyUsage keyCertSign,
//           cRLSign (critical); subjectKeyIdentifier
//   server  CN=<first host>; issued by the CA; basicConstraints CA:FALSE; keyUsage
//           digitalSignature (critical); extKeyUsage serverAuth; subjectAltName DNS/IP of
//           every host; subject/authority key identifiers

import crypto from 'node:crypto';
import net from 'node:net';

// ---- DER ---------------------------------------------------------------------------------

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
}

const seq = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
const octets = (b: Buffer): Buffer => tlv(0x04, b);
const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
const bool = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0x00]));
/** [n] EXPLICIT */
const explicit = (n: number, body: Buffer): Buffer => tlv(0xa0 | n, body);

function bitString(b: Buffer, unusedBits = 0): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), b]));
}

function integer(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0 && (b[i + 1] & 0x80) === 0) i++;
  let body = b.subarray(i);
  if (body[0] & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return tlv(0x02, body);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [parts[0] * 40 + parts[1]];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime through 2049, GeneralizedTime after (RFC 5280 4.1.2.5). */
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14); // YYYYMMDDHHMMSS
  if (d.getUTCFullYear() < 2050) return tlv(0x17, Buffer.from(`${iso.slice(2)}Z`, 'ascii'));
  return tlv(0x18, Buffer.from(`${iso}Z`, 'ascii'));
}

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
};

function name(cn: string): Buffer {
  return seq(set(seq(oid(OID.organization), utf8('kt'))), set(seq(oid(OID.commonName), utf8(cn))));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

/** keyUsage bits, DER: the named bit list without trailing zero bits. */
function keyUsage(bits: number[]): Buffer {
  let v = 0;
  for (const b of bits) v |= 0x80 >> b;
  let unused = 0;
  while (unused < 8 && (v & (1 << unused)) === 0) unused++;
  return bitString(Buffer.from([v]), unused);
}

const KU = { digitalSignature: 0, keyCertSign: 5, cRLSign: 6 };

function keyId(publicKey: crypto.KeyObject): Buffer {
  // RFC 5280 4.2.1.2 (1): SHA-1 of the subjectPublicKey BIT STRING value
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return crypto.createHash('sha1').update(spki.subarray(spki.length - 65)).digest();
}

function altNames(hosts: string[]): Buffer {
  const names = hosts.map((h) => {
    if (net.isIPv4(h)) return tlv(0x87, Buffer.from(h.split('.').map(Number)));
    if (net.isIPv6(h)) return tlv(0x87, ipv6Bytes(h));
    return tlv(0x82, Buffer.from(h, 'ascii'));
  });
  return seq(...names);
}

function ipv6Bytes(ip: string): Buffer {
  const [head, tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g || '0', 16), i * 2));
  return out;
}

interface CertSpec {
  subject: string;
  issuer: string;
  publicKey: crypto.KeyObject;
  signingKey: crypto.KeyObject;
  days: number;
  extensions: Buffer[];
}

function certificate(spec: CertSpec): string {
  const algorithm = seq(oid(OID.ecdsaWithSha256));
  const notBefore = new Date(Date.now() - 60 * 60 * 1000);
  const notAfter = new Date(Date.now() + spec.days * 24 * 60 * 60 * 1000);
  const serial = crypto.randomBytes(16);
  serial[0] &= 0x7f;
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(serial),
    algorithm,
    name(spec.issuer),
    seq(time(notBefore), time(notAfter)),
    name(spec.subject),
    spec.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, seq(...spec.extensions)),
  );
  const signature = crypto.sign('sha256', tbs, spec.signingKey);
  const der = seq(tbs, algorithm, bitString(signature));
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

export interface SelfSignedMaterial {
  /** The CA certificate clients trust (ssl.ca.location / ssl.truststore.location, PEM). */
  caCert: string;
  /** The server certificate, issued by the CA, followed by nothing else. */
  cert: string;
  /** The server's private key (PKCS#8 PEM). */
  key: string;
}

/**
 * A throw-away CA and a server certificate it issued for `hosts` (DNS names and IP
 * addresses). The CA's private key is not returned: nothing else can be issued with it.
 */
export function generateSelfSigned(hosts: string[], days = 825): SelfSignedMaterial {
  if (hosts.length === 0) throw new Error('a certificate needs at least one host name or address');
  const ca = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const server = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const caName = `kt local CA ${crypto.randomBytes(4).toString('hex')}`;
  const caKeyId = keyId(ca.publicKey);
  const caCert = certificate({
    subject: caName,
    issuer: caName,
    publicKey: ca.publicKey,
    signingKey: ca.privateKey,
    days: days + 1,
    extensions: [
      extension(OID.basicConstraints, true, seq(bool(true))),
      extension(OID.keyUsage, true, keyUsage([KU.keyCertSign, KU.cRLSign])),
      extension(OID.subjectKeyIdentifier, false, octets(caKeyId)),
    ],
  });
  const cert = certificate({
    subject: hosts[0],
    issuer: caName,
    publicKey: server.publicKey,
    signingKey: ca.privateKey,
    days,
    extensions: [
      extension(OID.basicConstraints, false, seq()),
      extension(OID.keyUsage, true, keyUsage([KU.digitalSignature])),
      extension(OID.extKeyUsage, false, seq(oid(OID.serverAuth))),
      extension(OID.subjectAltName, false, altNames(hosts)),
      extension(OID.subjectKeyIdentifier, false, octets(keyId(server.publicKey))),
      extension(OID.authorityKeyIdentifier, false, seq(tlv(0x80, caKeyId))),
    ],
  });
  const key = server.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { caCert, cert, key };
}
