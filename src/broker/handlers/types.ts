// What a handler is: the schema of its API (versions as data) and one function from the
// decoded request to the response object. The broker's dispatch table and the ApiVersions
// response are both built from the same list of handlers, so they cannot drift.

import type { Broker } from '../broker.js';
import type { RequestHeader } from '../../protocol/header.js';
import type { ApiSchema, Req, Resp } from '../../protocol/schema.js';

export interface RequestContext {
  broker: Broker;
  header: RequestHeader;
  version: number;
  clientId: string;
  /** Client address as Kafka reports it in DescribeGroups: "/127.0.0.1". */
  clientHost: string;
  /** Aborted when the connection closes or the broker stops (long-polling Fetch, JoinGroup). */
  signal: AbortSignal;
  /**
   * Runs `fn` once the response has been handed to the socket, or the connection closed
   * (Fetch gives its share of the broker's fetch memory back). Without it, run `fn` at once.
   */
  afterSend?: (fn: () => void) => void;
}

export interface Handler<A extends ApiSchema = ApiSchema> {
  api: A;
  /** Returns the response, or null for requests Kafka does not answer (Produce with acks=0). */
  handle(req: Req<A>, ctx: RequestContext): Resp<A> | null | Promise<Resp<A> | null>;
}

export function handler<const A extends ApiSchema>(api: A, handle: Handler<A>['handle']): Handler<A> {
  return { api, handle };
}
