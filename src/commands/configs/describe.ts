import { Flags } from '@oclif/core';
import type { Connection } from '../../cli/base.js';
import { KtCommand } from '../../cli/base.js';
import { out } from '../../cli/output.js';
import type { EntityFlags } from '../../format/cluster.js';
import type { ResourceConfigs } from '../../client/clusterModel.js';

export const entityFlags = {
  topic: Flags.string({ char: 't', summary: 'The topic.', helpValue: 'TOPIC' }),
  broker: Flags.string({ summary: 'The broker id.', helpValue: 'ID' }),
  'broker-defaults': Flags.boolean({ summary: 'The cluster-wide broker defaults.' }),
  'entity-type': Flags.string({ summary: 'kafka-configs style: topics or brokers.', helpValue: 'TYPE' }),
  'entity-name': Flags.string({ summary: 'kafka-configs style: the topic name or broker id.', helpValue: 'NAME' }),
  'entity-default': Flags.boolean({ summary: 'kafka-configs style: the broker defaults.' }),
};

export interface DescribeResult {
  resources: ResourceConfigs[];
}

export default class ConfigsDescribe extends KtCommand {
  static override summary = 'Show the configs set on a topic or broker (kafka-configs --describe).';
  static override description =
    'Without --all, only the configs set on the resource (overrides; Kafka\'s "dynamic" configs), as ' +
    'kafka-configs --describe; with --all every config with its value and source. A table by default; ' +
    '--apache prints kafka-configs\' lines ("Dynamic configs for topic T are:" then ' +
    '"  k=v sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:k=v, ...}"). --entity-type topics without a name ' +
    'describes every topic; --entity-type brokers without a name every broker and the defaults. Sensitive ' +
    'values are never shown.\n\n' +
    'JSON (--json): {"resources":[{"type":"topic","name":"orders","configs":[{"name":"retention.ms",' +
    '"value":"3600000","source":"DYNAMIC_TOPIC_CONFIG","sensitive":false,"readOnly":false,"synonyms":[{"name":' +
    '"retention.ms","value":"3600000","source":"DYNAMIC_TOPIC_CONFIG"}]}]}]} (broker defaults: type broker, name "")';
  static override enableJsonFlag = true;
  static override examples = [
    'kt configs describe --topic orders',
    'kt configs describe --topic orders --all',
    'kt configs describe --broker 0 --all --json',
    'kt configs describe --entity-type topics --entity-name orders --apache',
    'kt configs describe --broker-defaults',
    'kt configs describe --entity-type brokers --entity-default',
  ];
  static override flags = {
    ...entityFlags,
    all: Flags.boolean({ summary: 'Every config, with defaults, not only the ones set on the resource.' }),
    apache: Flags.boolean({ summary: 'Print kafka-configs --describe lines instead of a table.' }),
  };

  async run(): Promise<DescribeResult> {
    const { flags } = await this.parse(ConfigsDescribe);
    this.applyGlobalFlags(flags);
    const conn = await this.connection(flags);
    return ConfigsDescribe.work(conn, flags, { all: flags.all, apache: flags.apache, json: this.jsonEnabled(), log: (l) => this.log(l) });
  }

  /** Shared with `kt configs --describe`. */
  static async work(conn: Connection, entity: EntityFlags, o: { all?: boolean; apache?: boolean; json: boolean; log(l: string): void }): Promise<DescribeResult> {
    const fmt = await import('../../format/cluster.js');
    const target = fmt.resolveEntity(entity);
    const [{ openKafka }, admin] = await Promise.all([import('../../client/index.js'), import('../../client/admin.js')]);
    const h = await openKafka(conn, { clientId: 'kt-admin' });
    const resources = await admin.withSession(h, async (s) => {
      let refs: Array<{ type: 'topic' | 'broker'; name: string }>;
      if (target.name !== null) refs = [{ type: target.type, name: target.name }];
      else if (target.type === 'topic') {
        const meta = await s.metadata(null);
        refs = meta.topics.filter((t) => t.errorCode === 0).map((t) => ({ type: 'topic' as const, name: t.name })).sort((a, b) => (a.name < b.name ? -1 : 1));
      } else {
        const meta = await s.metadata([]);
        refs = [...meta.brokers.map((b) => ({ type: 'broker' as const, name: String(b.nodeId) })).sort((a, b) => Number(a.name) - Number(b.name)), { type: 'broker' as const, name: '' }];
      }
      return admin.describeConfigs(s, refs, { all: o.all });
    });
    if (!o.json) {
      const text = o.apache ? fmt.configsApacheText(resources, Boolean(o.all)) : fmt.configsTable(resources, out().bold);
      if (text) o.log(text);
    }
    return { resources };
  }
}
