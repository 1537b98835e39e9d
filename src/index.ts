// kt as a library: the bundled broker for in-process use (test suites, tools).
import { Broker, type BrokerOptions } from './broker/broker.js';

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
