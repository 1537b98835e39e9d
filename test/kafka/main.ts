// `node dist/test/kafka/main.js resolve` resolves the Apache Kafka jars into the cache (CI
// runs this once); `start [n]` starts a single node (or an n-node cluster), prints the
// bootstrap address and runs until interrupted (for the bench and for poking by hand).
import { kafkaLibs, startKafka, startKafkaCluster } from './kafka.js';

const [cmd = 'resolve', arg] = process.argv.slice(2);
if (cmd === 'resolve') {
  console.log(kafkaLibs());
} else if (cmd === 'start') {
  const n = Number(arg ?? 1);
  const c = n === 1 ? (await startKafka()).cluster : await startKafkaCluster(n);
  console.log(c.bootstrap);
  console.error(`# JVM pids ${c.pids().join(' ')}; data in ${c.dir}`);
  const stop = () => void c.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  setInterval(() => undefined, 1 << 30);
} else {
  console.error('usage: main.js resolve | start [n]');
  process.exit(2);
}
