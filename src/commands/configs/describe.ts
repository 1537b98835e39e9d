import { Flags } from '@oclif/core';
import { KtCommand } from '../../cli/base.js';
import { describeConfigsCommand, entityFlags, type DescribeResult } from '../../cli/configs.js';

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
    const conn = await this.connection(flags);
    return describeConfigsCommand(conn, flags, { all: flags.all, apache: flags.apache, json: this.jsonEnabled(), log: (l) => this.log(l) });
  }
}
