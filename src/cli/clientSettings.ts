// Java producer/consumer properties (-X, --command-config, a profile's properties, and the
// Apache 4.x spellings --producer-property/--producer.config, --consumer-property/--consumer.config)
// mapped onto kt produce's and kt consume's own settings. A flag given on the command line wins
// over the property, as Apache's console tools let an explicit option win (maybeMergeOptions).
// The keys taken here are removed from the properties, so openKafka does not report them as
// unused; any other producer/consumer property is reported as unused, as for -X.

import { Flags } from '@oclif/core';
import { UsageError } from './errors.js';
import type { Properties } from './properties.js';
import { PRODUCER_TUNING_KEYS, producerTuning, type ProducerTuning } from '../format/perf.js';

/** Names of the flags the user typed (canonical names, whichever alias was used). */
export function givenFlags(raw: ReadonlyArray<{ type: string; flag?: string }>): Set<string> {
  return new Set(raw.filter((t) => t.type === 'flag' && t.flag).map((t) => t.flag!));
}

function take(props: Properties, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) {
    if (props[k] === undefined) continue;
    out[k] = props[k];
    delete props[k];
  }
  return out;
}

/** acks, compression.type, batch.size, linger.ms, max.in.flight.requests.per.connection, enable.idempotence. */
export function takeProducerSettings(props: Properties): ProducerTuning & { set: Set<string> } {
  const taken = take(props, PRODUCER_TUNING_KEYS);
  const set = new Set<string>();
  const names: Record<string, string> = {
    acks: 'acks',
    'compression.type': 'compression',
    'batch.size': 'batch-size',
    'linger.ms': 'linger-ms',
    'max.in.flight.requests.per.connection': 'max-in-flight',
    'enable.idempotence': 'idempotent',
  };
  for (const k of Object.keys(taken)) set.add(names[k]);
  return { ...producerTuning(taken), set };
}

export interface ConsumerSettings {
  group?: string;
  autoOffsetReset?: 'earliest' | 'latest';
  isolationLevel?: 'read_committed' | 'read_uncommitted';
}

/** group.id, auto.offset.reset (earliest|latest), isolation.level. */
export function takeConsumerSettings(props: Properties): ConsumerSettings {
  const t = take(props, ['group.id', 'auto.offset.reset', 'isolation.level']);
  const out: ConsumerSettings = {};
  if (t['group.id'] !== undefined) {
    if (t['group.id'].trim() === '') throw new UsageError('group.id cannot be empty');
    out.group = t['group.id'];
  }
  if (t['auto.offset.reset'] !== undefined) {
    const v = t['auto.offset.reset'].trim().toLowerCase();
    if (v !== 'earliest' && v !== 'latest') {
      throw new UsageError(`auto.offset.reset=${t['auto.offset.reset']} is not supported by kt consume; expected earliest or latest`, 'for other start positions use --offset (e.g. --offset @-1h)');
    }
    out.autoOffsetReset = v;
  }
  if (t['isolation.level'] !== undefined) {
    const v = t['isolation.level'].trim().toLowerCase();
    if (v !== 'read_committed' && v !== 'read_uncommitted') throw new UsageError(`isolation.level=${t['isolation.level']} is not valid; expected read_committed or read_uncommitted`);
    out.isolationLevel = v;
  }
  return out;
}

/**
 * The connection flags of kt produce / kt consume: --command-config and -X/--command-property
 * take the Apache 4.x names of the tool as aliases (--producer.config, --producer-property;
 * --consumer.config, --consumer-property), with the same meaning.
 */
export function clientFlags<T extends Record<string, unknown>>(base: T, kind: 'producer' | 'consumer'): T {
  const keys =
    kind === 'producer'
      ? 'acks, compression.type, batch.size, linger.ms, enable.idempotence, max.in.flight.requests.per.connection'
      : 'group.id, auto.offset.reset, isolation.level';
  return {
    ...base,
    'command-config': Flags.string({
      summary: `Java ${kind} properties file (also --${kind}.config, Apache 4.x): the connection properties and ${keys}.`,
      aliases: [`${kind}.config`],
      helpValue: 'FILE',
      helpGroup: 'CONNECTION',
    }),
    'command-property': Flags.string({
      char: 'X',
      summary: `Java ${kind} property KEY=VALUE, as in --command-config (repeatable; also --${kind}-property, Apache 4.x).`,
      aliases: [`${kind}-property`],
      helpValue: 'KEY=VALUE',
      multiple: true,
      multipleNonGreedy: true,
      helpGroup: 'CONNECTION',
    }),
  };
}

/** Apache's --compression-codec takes an optional value: given without one, it means gzip. */
export function optionalCodecValue(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (a === '--compression-codec=') out.push('--compression-codec=gzip');
    else if (a === '--compression-codec' && (i + 1 >= argv.length || argv[i + 1].startsWith('-'))) out.push(a, 'gzip');
    else out.push(a);
  }
  return out;
}
