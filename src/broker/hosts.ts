// The host a broker binds and the one it advertises (Kafka's listeners / advertised.listeners).

import os from 'node:os';

/** Whether `host` binds every interface. */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}

/**
 * The host clients are sent to when none is given: the bound one, or for a wildcard bind the
 * machine's host name, as Kafka advertises a listener without a host (0.0.0.0 is no address a
 * client can connect to from elsewhere).
 */
export function defaultAdvertisedHost(host: string): string {
  return isWildcardHost(host) ? os.hostname() || '127.0.0.1' : host;
}
