import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base.js';
import { KtError, UsageError } from '../../cli/errors.js';
import { brokerDefaults } from '../../broker/log/config.js';
import { localPaths } from '../../local/paths.js';

/** KEY=VALUE flags → broker configs, checked against Kafka's broker config names and types. */
function brokerConfigs(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--config ${pair}: expected KEY=VALUE`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  try {
    brokerDefaults(out);
  } catch (err) {
    throw new UsageError(`--config: ${(err as Error).message}`);
  }
  return out;
}

export default class LocalStart extends BaseCommand {
  static override summary = 'Start the bundled Kafka-compatible broker.';
  static override description = `Starts kt's own Kafka broker (real Kafka wire protocol, data on disk) in the background and returns once it answers requests. Prints its bootstrap address on stdout. Idempotent: when it is already running, prints the address of the running broker.

Any Kafka client can use it: kafkajs, librdkafka (kcat, confluent-kafka), kafka-python, Java.`;

  static override examples = [
    '<%= config.bin %> local start',
    '<%= config.bin %> local start --port 19092',
    '<%= config.bin %> local start --memory',
    '<%= config.bin %> local start --config log.flush.interval.messages=1 --config num.partitions=3',
    '<%= config.bin %> local start --foreground   # in containers and CI; Ctrl-C stops it',
    'export KAFKA_BROKERS=$(<%= config.bin %> local start)',
  ];

  static override flags = {
    port: Flags.integer({ description: 'TCP port (remembered for later commands) [default: $KT_LOCAL_PORT or 9092]', min: 0, max: 65535 }),
    host: Flags.string({ description: 'interface to bind; 0.0.0.0 exposes the broker to the network', default: undefined }),
    'data-dir': Flags.string({ description: 'where the broker keeps its data [default: $KT_DATA_DIR or ~/.local/share/kt]' }),
    memory: Flags.boolean({ description: 'keep all data in memory (lost on stop)' }),
    config: Flags.string({
      description: "broker config KEY=VALUE by Kafka's server.properties name (repeatable; remembered): num.partitions, log.retention.ms, log.flush.interval.messages, auto.create.topics.enable, ...",
      multiple: true,
      multipleNonGreedy: true,
      helpValue: 'KEY=VALUE',
    }),
    foreground: Flags.boolean({ description: 'run in this process, logging to stderr, until Ctrl-C or SIGTERM' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(LocalStart);
    this.applyGlobalFlags(flags);
    const root = flags['data-dir'] ?? localPaths().root;
    const configs = flags.config ? brokerConfigs(flags.config) : undefined;
    if (flags.foreground) {
      const { runLocalBroker } = await import('../../local/main.js');
      const { readState, configuredPort, runningBroker } = await import('../../local/daemon.js');
      const running = await runningBroker(localPaths(root));
      if (running) throw new KtError(`the local broker is already running on ${running.host}:${running.port} (pid ${running.pid})`);
      const state = readState(localPaths(root));
      const host = flags.host ?? state?.host ?? '127.0.0.1';
      const port = flags.port ?? configuredPort(state);
      const log = (line: string): void => {
        process.stderr.write(`[${new Date().toISOString()}] ${line}\n`);
      };
      process.stdout.write(`${host}:${port}\n`);
      await runLocalBroker({ port, host, root, memory: flags.memory, configs: configs ?? state?.configs ?? {}, log });
      return;
    }
    const { startLocalBroker, runningBroker } = await import('../../local/daemon.js');
    const running = await runningBroker(localPaths(root));
    if (running && configs) {
      throw new KtError(`the local broker is already running on ${running.host}:${running.port}; stop it first to change its configs (kt local stop)`);
    }
    if (running && flags.port !== undefined && flags.port !== running.port) {
      throw new KtError(`the local broker is already running on ${running.host}:${running.port}; stop it first (kt local stop)`);
    }
    const info = await startLocalBroker({ port: flags.port, host: flags.host, dataDir: root, memory: flags.memory, configs });
    process.stdout.write(`${info.bootstrap}\n`);
    process.stderr.write(
      info.started
        ? `kt: started local broker on ${info.bootstrap} (pid ${info.pid}; stop: kt local stop)\n`
        : `kt: local broker already running on ${info.bootstrap} (pid ${info.pid})\n`,
    );
  }
}
