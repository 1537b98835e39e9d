// The load test: 50 kafkajs clients at once against the broker in a child process (25 producers
// with acks=all, 25 consumers in 5 groups of 5) for KT_LOAD_SECONDS (default 10 here; the
// full run in docs/durability.md uses 30). No client error, no record lost (every acknowledged
// record is consumed by every group, checked record by record), the broker's RSS stays bounded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { cpuSeconds, rssBytes, startChildBroker, tempDir } from '../durability/helpers.js';

const SECONDS = Number(process.env.KT_LOAD_SECONDS ?? 10);
const PRODUCERS = 25;
const GROUPS = 5;
const MEMBERS = 5;
const PARTITIONS = 10;
const BATCH = 50;
const VALUE_PAD = 'x'.repeat(100);
/** The broker must stay under this resident size under load. */
const MAX_RSS = 768 << 20;

/** Per producer, which sequence numbers a group has seen (and how often more than once). */
class Seen {
  private readonly bits: Uint8Array[] = Array.from({ length: PRODUCERS }, () => new Uint8Array(1 << 16));
  distinct = 0;
  duplicates = 0;
  mark(p: number, seq: number): void {
    let b = this.bits[p];
    if (seq >= b.length) {
      const grown = new Uint8Array(Math.max(b.length * 2, seq + 1));
      grown.set(b);
      this.bits[p] = b = grown;
    }
    if (b[seq]) this.duplicates++;
    else {
      b[seq] = 1;
      this.distinct++;
    }
  }
  missing(sent: number[]): string[] {
    const out: string[] = [];
    sent.forEach((n, p) => {
      for (let s = 0; s < n && out.length < 10; s++) if (!this.bits[p][s]) out.push(`p${p}-${s}`);
    });
    return out;
  }
}

test(`load: ${PRODUCERS} producers and ${GROUPS * MEMBERS} consumers for ${SECONDS} s, no errors, nothing lost, bounded memory`, { timeout: (SECONDS + 240) * 1000 }, async () => {
  const broker = await startChildBroker(tempDir());
  const errors: string[] = [];
  let peakRss = rssBytes(broker.pid);
  const startRss = peakRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssBytes(broker.pid))), 250);
  const kafka = (id: string) => new Kafka({ clientId: id, brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100 } });
  const producers: Producer[] = [];
  const consumers: Consumer[] = [];
  try {
    const admin = kafka('load-admin').admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'load', numPartitions: PARTITIONS }] });

    const seen = Array.from({ length: GROUPS }, () => new Seen());
    const joinStarted = Date.now();
    await Promise.all(Array.from({ length: GROUPS * MEMBERS }, async (_, i) => {
      const g = i % GROUPS;
      const c = kafka(`load-c${i}`).consumer({ groupId: `load-g${g}`, maxWaitTimeInMs: 200, heartbeatInterval: 500 });
      consumers.push(c);
      c.on(c.events.CRASH, (e) => errors.push(`consumer ${i} of group ${g} crashed: ${e.payload.error.message}`));
      await c.connect();
      await c.subscribe({ topic: 'load', fromBeginning: true });
      await c.run({
        eachBatch: async ({ batch }) => {
          for (const msg of batch.messages) {
            const v = msg.value?.toString() ?? '';
            const dash = v.indexOf('-');
            seen[g].mark(Number(v.slice(1, dash)), Number(v.slice(dash + 1, v.indexOf('|'))));
          }
        },
      });
    }));
    const joinSeconds = (Date.now() - joinStarted) / 1000;

    const sent = new Array<number>(PRODUCERS).fill(0);
    let running = true;
    const started = Date.now();
    const loops = Array.from({ length: PRODUCERS }, async (_, p) => {
      const producer = kafka(`load-p${p}`).producer();
      producers.push(producer);
      await producer.connect();
      while (running) {
        const messages = Array.from({ length: BATCH }, (_, i) => ({ value: `p${p}-${sent[p] + i}|${VALUE_PAD}` }));
        try {
          await producer.send({ topic: 'load', acks: -1, messages });
          sent[p] += BATCH;
        } catch (e) {
          errors.push(`producer ${p}: ${(e as Error).message}`);
          return;
        }
      }
    });
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    running = false;
    await Promise.all(loops);
    const produceSeconds = (Date.now() - started) / 1000;
    const brokerCpu = cpuSeconds(broker.pid);
    const total = sent.reduce((a, b) => a + b, 0);

    const drainDeadline = Date.now() + 180_000;
    while (seen.some((s) => s.distinct < total) && Date.now() < drainDeadline && errors.length === 0) await new Promise((r) => setTimeout(r, 200));
    const consumeSeconds = (Date.now() - started) / 1000;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, rssBytes(broker.pid));

    const offsets = await admin.fetchTopicOffsets('load');
    await admin.disconnect();
    const logged = offsets.reduce((n, o) => n + Number(o.high), 0);
    const mb = (total * (`p0-0|`.length + 6 + VALUE_PAD.length)) / 1e6;
    console.log(`load: ${SECONDS} s, ${PRODUCERS} producers + ${GROUPS * MEMBERS} consumers (joined in ${joinSeconds.toFixed(1)} s): produced ${total} records (${Math.round(total / produceSeconds)} records/s, ~${(mb / produceSeconds).toFixed(1)} MB/s of values, acks=all); `
      + `${GROUPS} groups consumed ${seen.reduce((n, s) => n + s.distinct, 0)} records (${seen.reduce((n, s) => n + s.duplicates, 0)} redelivered after rebalances) in ${consumeSeconds.toFixed(1)} s; `
      + `broker RSS ${(startRss / 2 ** 20).toFixed(0)} MiB at start, peak ${(peakRss / 2 ** 20).toFixed(0)} MiB; broker CPU ${brokerCpu.toFixed(1)} s`);

    assert.deepEqual(errors, []);
    assert.ok(total > 0);
    assert.equal(logged, total, 'the log holds exactly the acknowledged records');
    seen.forEach((s, g) => assert.deepEqual(s.missing(sent), [], `group ${g} saw every acknowledged record`));
    assert.ok(peakRss < MAX_RSS, `broker peak RSS ${peakRss} bytes`);
  } finally {
    clearInterval(sampler);
    await Promise.all([...producers.map((p) => p.disconnect().catch(() => {})), ...consumers.map((c) => c.disconnect().catch(() => {}))]);
    const { code } = await broker.stop();
    assert.equal(code, 0, 'the broker stops cleanly after the load');
  }
});
