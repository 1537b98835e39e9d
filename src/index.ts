// kt as a library: the bundled broker for in-process use (test suites, tools).
export { Broker, type BrokerOptions, startBroker } from './broker/index.js';
