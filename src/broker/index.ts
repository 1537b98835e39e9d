export { Broker, type BrokerOptions } from './broker.js';
export { startBroker } from '../index.js';
