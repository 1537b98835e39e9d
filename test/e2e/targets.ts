// The two targets every end-to-end test runs against: kt's bundled broker (in-process, one per
// test file) and Apache Kafka 4.4 (one node shared by the whole run: test/run.js starts it and
// passes KT_TEST_APACHE_BOOTSTRAP; a file run on its own starts its own node). The same test
// code runs against both, parameterised by bootstrap address.
import { after, before, describe } from 'node:test';
import type { Broker } from '../../src/index.js';
import { kt, testBroker, type RunOptions, type RunResult } from '../helpers.js';
import { startKafka, type KafkaNode } from '../kafka/kafka.js';

export interface Target {
  readonly name: 'bundled' | 'apache';
  /** host:port, valid inside tests (set in before()) */
  readonly bootstrap: string;
  /** kt with `--bootstrap-server <this target>` appended */
  kt(args: string[], o?: RunOptions): Promise<RunResult>;
  /** a topic/group name unique to this process and target */
  unique(prefix: string): string;
}

let seq = 0;

/** Runs `body` once per target inside describe(<target name>), with the target started. */
export function forEachTarget(body: (t: Target) => void): void {
  for (const name of ['bundled', 'apache'] as const) {
    let bootstrap = '';
    let broker: Broker | undefined;
    let own: KafkaNode | undefined;
    const target: Target = {
      name,
      get bootstrap() {
        return bootstrap;
      },
      kt: (args, o) => kt([...args, '--bootstrap-server', bootstrap], o),
      unique: (prefix) => `${prefix}-${name}-${process.pid}-${++seq}`,
    };
    describe(name, () => {
      before(async () => {
        if (name === 'bundled') {
          broker = await testBroker();
          bootstrap = broker.bootstrap;
        } else if (process.env.KT_TEST_APACHE_BOOTSTRAP) {
          bootstrap = process.env.KT_TEST_APACHE_BOOTSTRAP;
        } else {
          own = await startKafka({ props: APACHE_TEST_PROPS });
          bootstrap = own.bootstrap;
        }
      });
      after(async () => {
        await broker?.stop();
        await own?.stop();
      });
      body(target);
    });
  }
}

/**
 * Settings of the shared Apache node: consumer groups start at once instead of after
 * Apache's 3 s initial rebalance delay (the group tests join and leave many groups).
 */
export const APACHE_TEST_PROPS = { 'group.initial.rebalance.delay.ms': 0 };

/**
 * For tests that need Apache Kafka alone (parity with the Apache tools): the run's shared node,
 * or one started for this file. Call in before(); stop() in after().
 */
export async function apacheNode(): Promise<{ bootstrap: string; stop(): Promise<void> }> {
  if (process.env.KT_TEST_APACHE_BOOTSTRAP) return { bootstrap: process.env.KT_TEST_APACHE_BOOTSTRAP, stop: async () => undefined };
  return startKafka({ props: APACHE_TEST_PROPS });
}
