// Helpers for the consumer-group tests: a broker with short session timeouts, kafkajs
// members that record what they own and what they read, polling instead of sleeping, and a
// producer that keeps writing numbered records while the group rebalances.
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import type { Broker, BrokerOptions } from '../../src/index.js';
import { testBroker } from '../helpers.js';

/** Short sessions so that expiry tests take seconds (Kafka's minimum is 6 s). */
export const SESSION_MS = 2000;
export const HEARTBEAT_MS = 200;

export function groupBroker(opts: BrokerOptions = {}): Promise<Broker> {
  return testBroker({ groupMinSessionTimeoutMs: 500, ...opts });
}

export function kafkaFor(bootstrap: string, clientId = 'kt-group-test'): Kafka {
  return new Kafka({ clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 50, maxRetryTime: 500 } });
}

/** Polls `cond` every 25 ms until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string | (() => string)): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await cond()) return Date.now() - start;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface Read {
  member: string;
  partition: number;
  offset: number;
  value: string;
}

/** A kafkajs group member that records its current assignment and every record it processed. */
export class Member {
  readonly consumer: Consumer;
  /** Partitions of `topic` owned since the last GROUP_JOIN (sorted). */
  owned: number[] = [];
  stopped = false;

  constructor(
    kafka: Kafka,
    readonly name: string,
    readonly groupId: string,
    readonly topic: string,
    private readonly reads: Read[],
  ) {
    this.consumer = kafka.consumer({
      groupId,
      sessionTimeout: SESSION_MS,
      heartbeatInterval: HEARTBEAT_MS,
      rebalanceTimeout: 10_000,
      maxWaitTimeInMs: 100,
      retry: { retries: 10, initialRetryTime: 50, maxRetryTime: 500 },
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, (e) => {
      this.owned = ((e.payload.memberAssignment as Record<string, number[]>)[topic] ?? []).slice().sort((a, b) => a - b);
    });
  }

  /** Joins and consumes with eachMessage; each record is processed, then its offset committed (autoCommitThreshold 1). */
  async start(fromBeginning = true): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning });
    await this.consumer.run({
      autoCommit: true,
      autoCommitThreshold: 1,
      eachMessage: async ({ partition, message }) => {
        this.reads.push({ member: this.name, partition, offset: Number(message.offset), value: message.value?.toString() ?? '' });
      },
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.owned = [];
    await this.consumer.disconnect();
  }
}

/** Writes records `prefix-0`, `prefix-1`, … round-robin over the partitions until stopped. */
export class SteadyProducer {
  sent = 0;
  private running = true;
  private done: Promise<void> = Promise.resolve();

  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly partitions: number,
    private readonly prefix = 'r',
  ) {}

  start(perTickMs = 10, batch = 3): void {
    this.done = (async () => {
      while (this.running) {
        const messages = [];
        for (let i = 0; i < batch; i++) {
          const n = this.sent + i;
          messages.push({ partition: n % this.partitions, value: `${this.prefix}-${n}` });
        }
        await this.producer.send({ topic: this.topic, messages });
        this.sent += batch;
        await new Promise((r) => setTimeout(r, perTickMs));
      }
    })();
  }

  async stop(): Promise<number> {
    this.running = false;
    await this.done;
    return this.sent;
  }
}

/** The values expected from a SteadyProducer that sent `n` records. */
export function expectedValues(n: number, prefix = 'r'): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
}

/** Values read more than once, and values never read. */
export function duplicatesAndMissing(reads: Read[], expected: string[]): { duplicates: string[]; missing: string[] } {
  const counts = new Map<string, number>();
  for (const r of reads) counts.set(r.value, (counts.get(r.value) ?? 0) + 1);
  return {
    duplicates: [...counts].filter(([, n]) => n > 1).map(([v]) => v),
    missing: expected.filter((v) => !counts.has(v)),
  };
}
