import { Flags } from '@oclif/core';
import type { Connection } from '../../cli/base.js';
import { KtCommand } from '../../cli/base.js';
import { UsageError, registerSecret } from '../../cli/errors.js';
import type { EntityFlags } from '../../format/cluster.js';
import { entityFlags } from './describe.js';

export interface AlterResult {
  type: 'topic' | 'broker';
  name: string;
  set: Record<string, string>;
  deleted: string[];
}

export default class ConfigsAlter extends KtCommand {
  static override summary = 'Set or remove configs of a topic or broker (kafka-configs --alter).';
  static override description =
    'Sets the configs of --add-config and removes the overrides named by --delete-config; every other ' +
    'override is kept (Kafka\'s IncrementalAlterConfigs; with a broker that lacks it, kt sends AlterConfigs ' +
    'with the current overrides merged in). --add-config takes k1=v1,k2=v2; a value with commas goes in ' +
    'square brackets (quoted for the shell): \'cleanup.policy=[compact,delete]\'. Prints "Completed updating config for topic T." as ' +
    'kafka-configs does. Removing a config that is not set is an error (exit 2). Values of secret-looking ' +
    'keys (password, secret, ...) are shown as ***.\n\n' +
    'JSON (--json): {"type":"topic","name":"orders","set":{"retention.ms":"3600000"},"deleted":["cleanup.policy"]}';
  static override enableJsonFlag = true;
  static override examples = [
    'kt configs alter --topic orders --add-config retention.ms=3600000',
    "kt configs alter --topic orders --add-config 'retention.ms=3600000,cleanup.policy=[compact,delete]'",
    'kt configs alter --topic orders --delete-config retention.ms',
    'kt configs alter --entity-type topics --entity-name orders --add-config-file overrides.properties',
  ];
  static override flags = {
    ...entityFlags,
    'add-config': Flags.string({ summary: 'Configs to set: k1=v1,k2=[v1,v2] (repeatable).', multiple: true, multipleNonGreedy: true, helpValue: 'K=V[,K=V]' }),
    'add-config-file': Flags.string({ summary: 'A properties file of configs to set.', helpValue: 'FILE' }),
    'delete-config': Flags.string({ summary: 'Config overrides to remove: k1,k2 (repeatable).', multiple: true, multipleNonGreedy: true, helpValue: 'K[,K]' }),
  };

  async run(): Promise<AlterResult> {
    const { flags } = await this.parse(ConfigsAlter);
    this.applyGlobalFlags(flags);
    const conn = await this.connection(flags);
    return ConfigsAlter.work(conn, flags, { add: flags['add-config'], addFile: flags['add-config-file'], del: flags['delete-config'], json: this.jsonEnabled(), log: (l) => this.log(l) });
  }

  /** Shared with `kt configs --alter`. */
  static async work(
    conn: Connection,
    entity: EntityFlags,
    o: { add?: string[]; addFile?: string; del?: string[]; json: boolean; log(l: string): void },
  ): Promise<AlterResult> {
    const fmt = await import('../../format/cluster.js');
    const target = fmt.resolveEntity(entity);
    if (target.name === null) throw new UsageError('--alter needs one entity', 'pass --topic T, --broker N, --broker-defaults or --entity-name X');
    const set: Record<string, string> = {};
    if (o.addFile !== undefined) {
      const { readPropertiesFile } = await import('../../cli/properties.js');
      Object.assign(set, readPropertiesFile(o.addFile));
    }
    for (const a of o.add ?? []) Object.assign(set, fmt.parseAddConfig(a));
    const del = fmt.parseDeleteConfig(o.del);
    if (Object.keys(set).length === 0 && del.length === 0) {
      throw new UsageError('nothing to alter', 'pass --add-config K=V, --add-config-file FILE or --delete-config K');
    }
    const both = del.filter((k) => k in set);
    if (both.length) throw new UsageError(`config ${both.join(',')} is both added and deleted`);
    const { isSecretProperty } = await import('../../cli/properties.js');
    for (const [k, v] of Object.entries(set)) if (isSecretProperty(k)) registerSecret(v);
    const [{ openKafka }, admin] = await Promise.all([import('../../client/index.js'), import('../../client/admin.js')]);
    const h = await openKafka(conn, { clientId: 'kt-admin' });
    const ref = { type: target.type, name: target.name };
    await admin.withSession(h, (s) => admin.alterConfigs(s, ref, { set, delete: del }));
    if (!o.json) {
      o.log(target.name === '' ? 'Completed updating default config for brokers in the cluster.' : `Completed updating config for ${target.type} ${target.name}.`);
    }
    const shown = Object.fromEntries(Object.entries(set).map(([k, v]) => [k, isSecretProperty(k) ? '***' : v]));
    return { type: target.type, name: target.name, set: shown, deleted: del };
  }
}
