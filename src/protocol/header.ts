// Request and response headers.
//
//   Request header v1: api_key int16 | api_version int16 | correlation_id int32 |
//                      client_id nullable string (int16 length, even in flexible versions)
//   Request header v2: v1 + tagged fields                   (flexible API versions)
//   Response header v0: correlation_id int32
//   Response header v1: v0 + tagged fields                  (flexible API versions,
//                                                            except ApiVersions: always v0)

import { Reader, Writer } from './bytes.js';
import { skipTaggedFields } from './schema.js';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

export const API_VERSIONS_KEY = 18;

/** Reads the fixed part of a request header (everything but the v2 tag section). */
export function readRequestHeader(r: Reader): RequestHeader {
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  const clientId = r.string();
  return { apiKey, apiVersion, correlationId, clientId };
}

/** Skips the tag section of a request header v2. */
export function readRequestHeaderTags(r: Reader): void {
  skipTaggedFields(r);
}

/**
 * Starts a response frame: a 4-byte size placeholder and the response header.
 * Call `finishFrame` after the body is written.
 */
export function beginResponse(w: Writer, correlationId: number, flexibleHeader: boolean): void {
  w.int32(0); // size, patched by finishFrame
  w.int32(correlationId);
  if (flexibleHeader) w.uvarint(0);
}

/** Patches the size prefix and returns the frame's chunks. */
export function finishFrame(w: Writer): Buffer[] {
  const chunks = w.toChunks();
  chunks[0].writeInt32BE(w.length - 4, 0);
  return chunks;
}
