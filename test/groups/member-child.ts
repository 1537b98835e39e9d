// A kafkajs group member run as its own process, so a test can SIGKILL it.
//   node member-child.js BOOTSTRAP GROUP TOPIC SESSION_MS HEARTBEAT_MS
// Writes one JSON object a line on stdout:
//   {"t":"join","owned":[0,1]}            after each GROUP_JOIN
//   {"t":"m","p":0,"o":12,"v":"r-40"}     after processing a record (before its commit)
//   {"t":"c","p":0,"o":13}                after a commit of offset 13 (next to read) succeeded
import { Kafka, logLevel } from 'kafkajs';

const [bootstrap, groupId, topic, sessionMs, heartbeatMs] = process.argv.slice(2);
const out = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

const kafka = new Kafka({ clientId: 'kt-child', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 50, maxRetryTime: 500 } });
const consumer = kafka.consumer({
  groupId,
  sessionTimeout: Number(sessionMs),
  heartbeatInterval: Number(heartbeatMs),
  rebalanceTimeout: 10_000,
  maxWaitTimeInMs: 100,
});
consumer.on(consumer.events.GROUP_JOIN, (e) => {
  out({ t: 'join', owned: ((e.payload.memberAssignment as Record<string, number[]>)[topic] ?? []).slice().sort((a, b) => a - b) });
});
consumer.on(consumer.events.COMMIT_OFFSETS, (e) => {
  const topics = (e.payload as unknown as { topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }> }).topics;
  for (const t of topics) for (const p of t.partitions) out({ t: 'c', p: Number(p.partition), o: Number(p.offset) });
});

await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
await consumer.run({
  autoCommit: true,
  autoCommitThreshold: 1,
  eachMessage: async ({ partition, message }) => {
    out({ t: 'm', p: partition, o: Number(message.offset), v: message.value?.toString() ?? '' });
  },
});
