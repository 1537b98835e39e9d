// The base of every kt command that talks to Kafka: the shared connection flags (defined
// once), connection resolution (connection.ts), and error reporting (errors.ts).

import { Command, Flags, type Interfaces } from '@oclif/core';
import { ExitSignal, KtError, UsageError, debugStack, describeError, exitCodeOf, oneLine } from './errors.js';
import { locateBrokers, resolveConnection, type ResolvedConnection } from './connection.js';
import { cliReporter, diag, err as errColor, setColorFlag } from './output.js';
import type { ClientConnection, ClientReporter } from '../client/index.js';

// oclif's own definitions (not re-exported by @oclif/core's Interfaces).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type FlagOutput = { [name: string]: any };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ArgOutput = { [name: string]: any };

/** A resolved connection: what the client needs, where it came from, and the CLI's reporter. */
export interface Connection extends ClientConnection {
  source: ResolvedConnection['source'];
  profile?: string;
  reporter: ClientReporter;
}

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof KtCommand)['baseFlags'] & T['flags']>;

const globalFlags = {
  debug: Flags.boolean({
    summary: 'Print stack traces and kafkajs logs on stderr.',
    helpGroup: 'GLOBAL',
  }),
  color: Flags.boolean({
    summary: 'Colour output on a TTY (--no-color to turn off; NO_COLOR and FORCE_COLOR are honoured).',
    allowNo: true,
    helpGroup: 'GLOBAL',
  }),
};

/**
 * The base of every kt command: --debug and --color, parse errors as usage errors (exit 2),
 * anything else as one `kt: error:` line with the exit code of PRODUCT.md §3.
 */
export abstract class BaseCommand extends Command {
  static override baseFlags = globalFlags;

  /** Set once flags are parsed; before that, --debug is read from argv. */
  protected debugMode = false;

  override async init(): Promise<void> {
    await super.init();
    this.debugMode = this.argv.includes('--debug');
    if (this.argv.includes('--no-color')) setColorFlag(false);
  }

  /** Any error from oclif's parser is a usage error (exit 2), worded on one line; then the global flags apply. */
  protected override async parse<F extends FlagOutput, B extends FlagOutput, A extends ArgOutput>(
    options?: Interfaces.Input<F, B, A>,
    argv?: string[],
  ): Promise<Interfaces.ParserOutput<F, B, A>> {
    let parsed: Interfaces.ParserOutput<F, B, A>;
    try {
      parsed = await super.parse(options, argv);
    } catch (err) {
      if (err instanceof KtError) throw err;
      let message = String((err as Error).message ?? err);
      // oclif lists each failed flag rule on a line of its own (two exclusive flags fail
      // twice, once from each side): the first one says it
      if ((err as Error).constructor?.name === 'FailedFlagValidationError') {
        message = message.split('\n').map((l) => l.trim()).filter((l) => l && !/^The following errors? occurred:?$/i.test(l))[0] ?? message;
      }
      const text = oneLine(message)
        .replace(/^The following errors? occurred:\s*/i, '')
        .replace(/^Missing required flag\s+/i, 'missing required flag --')
        .replace(/^Nonexistent flags?:\s*/i, 'unknown flag ')
        .replace(/^Parsing (--[\w-]+)\s*/, '$1: ');
      const help = 'see kt ' + (this.id ?? '').replace(/:/g, ' ') + ' --help';
      const unknown = /^unknown flag (-{1,2}[^\s=]+)/.exec(text)?.[1];
      if (unknown) {
        const { didYouMean, suggest } = await import('./suggest.js');
        const defs = { ...(this.ctor.baseFlags ?? {}), ...(this.ctor.flags ?? {}) } as Record<string, { char?: string; aliases?: string[]; allowNo?: boolean }>;
        const names = Object.entries(defs).flatMap(([n, d]) => [`--${n}`, ...(d.aliases ?? []).map((a) => `--${a}`), ...(d.allowNo ? [`--no-${n}`] : [])]);
        const s = suggest(unknown.startsWith('--') ? unknown : `-${unknown}`, names, 2);
        if (s.length) throw new UsageError(text, didYouMean(s));
      }
      throw new UsageError(text, help);
    }
    this.applyGlobalFlags(parsed.flags as { debug?: boolean; color?: boolean });
    return parsed;
  }

  /** --debug and --color, applied here once for every command as its flags are parsed. */
  private applyGlobalFlags(flags: { debug?: boolean; color?: boolean }): void {
    this.debugMode = Boolean(flags.debug);
    setColorFlag(flags.color);
  }

  /** End the command with an exit code, after it printed what it had to. */
  protected exitWith(code: number): never {
    throw new ExitSignal(code);
  }

  override async catch(error: Error & { exitCode?: number }): Promise<void> {
    const code = exitCodeOf(error);
    if (!(error instanceof ExitSignal)) {
      const e = errColor();
      diag(`${e.red('kt: error:')} ${describeError(error)}`);
      if (this.debugMode) diag(debugStack(error));
    }
    process.exitCode = code;
  }
}

/** The base of every command that talks to Kafka: the connection flags, defined once. */
export abstract class KtCommand extends BaseCommand {
  static override baseFlags = {
    'bootstrap-server': Flags.string({
      char: 'b',
      aliases: ['broker-list', 'brokers'],
      summary: 'Kafka brokers to connect to (HOST:PORT[,HOST:PORT...]).',
      helpValue: 'HOST:PORT',
      helpGroup: 'CONNECTION',
    }),
    local: Flags.boolean({
      summary: 'Use the bundled local broker (started when not running).',
      helpGroup: 'CONNECTION',
    }),
    profile: Flags.string({
      summary: 'Connection profile from the kt config file (also env KT_PROFILE).',
      helpValue: 'NAME',
      helpGroup: 'CONNECTION',
    }),
    'command-config': Flags.string({
      summary: 'Java client properties file (security.protocol, sasl.*, ssl.*).',
      helpValue: 'FILE',
      helpGroup: 'CONNECTION',
    }),
    'command-property': Flags.string({
      char: 'X',
      summary: 'Client property KEY=VALUE, as in --command-config (repeatable).',
      helpValue: 'KEY=VALUE',
      multiple: true,
      multipleNonGreedy: true,
      helpGroup: 'CONNECTION',
    }),
    ...globalFlags,
  };

  /**
   * Resolve where to connect (PRODUCT.md §2). When nothing names brokers (the local broker:
   * --local, or nothing configured) `o.local` finds them; by default the local broker is
   * located and started if needed.
   */
  protected async connection(
    flags: {
      'bootstrap-server'?: string;
      local?: boolean;
      profile?: string;
      'command-config'?: string;
      'command-property'?: string[];
      debug?: boolean;
    },
    o: { local?: (resolved: ResolvedConnection) => Promise<string[]> } = {},
  ): Promise<Connection> {
    const resolved = resolveConnection({
      'bootstrap-server': flags['bootstrap-server'],
      local: flags.local,
      profile: flags.profile,
      'command-config': flags['command-config'],
      X: flags['command-property'],
    });
    let brokers = resolved.brokers;
    if (!brokers) {
      const locating = o.local ? o.local(resolved) : locateBrokers(resolved, (line) => diag(line));
      // every command that connects opens the client next: it loads while the local broker's
      // daemon answers (a socket round trip), and its failure, if any, is the open's
      void import('../client/gateway.js').then((g) => g.loadKafkaJS()).catch(() => undefined);
      brokers = await locating;
    }
    return { brokers, properties: resolved.properties, source: resolved.source, profile: resolved.profile, debug: Boolean(flags.debug), reporter: cliReporter };
  }
}
