// The bundled broker as a library, for in-process use (test suites, tools); src/index.ts
// exports it as kt's public API.
import { Broker, type BrokerOptions } from './broker.js';

export { Broker, type BrokerOptions };

/**
 * Starts a Kafka-compatible broker in this process.
 *
 *   const broker = await startBroker({ port: 0, memory: true });
 *   // ... kafkajs / any client on broker.bootstrap ...
 *   await broker.stop();
 */
export function startBroker(opts: BrokerOptions = {}): Promise<Broker> {
  return Broker.start(opts);
}
