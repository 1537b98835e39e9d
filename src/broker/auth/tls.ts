// TLS listener options (Kafka's ssl.keystore.* / ssl.truststore.* / ssl.client.auth, PEM
// only) and the self-signed material of `kt local start --tls-self-signed`.

import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type tls from 'node:tls';
import { generateSelfSigned } from './x509.js';

/** Kafka's ssl.client.auth. */
export type ClientAuth = 'required' | 'requested' | 'none';

export interface BrokerTlsOptions {
  /** Server certificate chain: PEM text or a path to a PEM file. */
  cert: string | Buffer;
  /** Its private key: PEM text or a path to a PEM file. */
  key: string | Buffer;
  /** Passphrase of an encrypted key (never logged). */
  passphrase?: string;
  /** CAs that client certificates must chain to (PEM text or path); needed for clientAuth. */
  ca?: string | Buffer;
  /** Kafka's ssl.client.auth (default none). */
  clientAuth?: ClientAuth;
}

/** PEM text as is; anything else is a path to read. */
export function pemOrFile(value: string | Buffer, what: string): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value.includes('-----BEGIN')) return Buffer.from(value);
  try {
    return fs.readFileSync(value);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(`cannot read the TLS ${what} ${value}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
}

export function tlsServerOptions(o: BrokerTlsOptions): tls.TlsOptions {
  const clientAuth = o.clientAuth ?? 'none';
  if (!['required', 'requested', 'none'].includes(clientAuth)) throw new Error(`tls.clientAuth must be required, requested or none, got ${clientAuth}`);
  if (clientAuth !== 'none' && !o.ca) throw new Error(`tls.clientAuth ${clientAuth} needs tls.ca (the CAs client certificates chain to)`);
  return {
    cert: pemOrFile(o.cert, 'certificate'),
    key: pemOrFile(o.key, 'key'),
    passphrase: o.passphrase,
    ca: o.ca ? pemOrFile(o.ca, 'CA') : undefined,
    requestCert: clientAuth !== 'none',
    rejectUnauthorized: clientAuth === 'required',
    minVersion: 'TLSv1.2',
  };
}

// ---- self-signed material for the local broker --------------------------------------------

export interface SelfSignedFiles {
  dir: string;
  /** What clients trust: ssl.ca.location / ssl.truststore.location. */
  ca: string;
  cert: string;
  key: string;
}

export function selfSignedPaths(dir: string): SelfSignedFiles {
  return { dir, ca: path.join(dir, 'ca.pem'), cert: path.join(dir, 'server.pem'), key: path.join(dir, 'server-key.pem') };
}

/** The names a self-signed certificate for a broker bound to `host` covers. */
export function certificateHosts(host: string): string[] {
  const hosts = ['localhost', '127.0.0.1', '::1'];
  if (host === '0.0.0.0' || host === '::') hosts.push(os.hostname());
  else hosts.push(host);
  return [...new Set(hosts.filter(Boolean))];
}

function covers(certPem: Buffer, hosts: string[]): boolean {
  try {
    const cert = new X509Certificate(certPem);
    if (Date.parse(cert.validTo) < Date.now() + 24 * 60 * 60 * 1000) return false;
    return hosts.every((h) => (/^[\d.]+$|:/.test(h) ? cert.checkIP(h) : cert.checkHost(h)) !== undefined);
  } catch {
    return false;
  }
}

/**
 * The self-signed CA and server certificate in `dir`, made (pure node:crypto, no openssl)
 * when missing, expiring within a day, or not covering `hosts`. Key file mode 0600.
 */
export function ensureSelfSigned(dir: string, hosts: string[]): SelfSignedFiles & { created: boolean } {
  const p = selfSignedPaths(dir);
  try {
    if (covers(fs.readFileSync(p.cert), hosts) && fs.existsSync(p.key) && fs.existsSync(p.ca)) return { ...p, created: false };
  } catch {
    // missing: make them
  }
  const m = generateSelfSigned(hosts);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeAtomic(p.key, m.key, 0o600);
  writeAtomic(p.cert, m.cert, 0o644);
  writeAtomic(p.ca, m.caCert, 0o644);
  return { ...p, created: true };
}

function writeAtomic(file: string, text: string, mode: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, { mode });
  fs.chmodSync(tmp, mode);
  fs.renameSync(tmp, file);
}
