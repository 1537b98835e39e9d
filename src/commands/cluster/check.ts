import { Flags } from '@oclif/core';
import { KtCommand } from '../../cli/base.js';
import { KtError, UsageError } from '../../cli/errors.js';
import type { CheckResult } from '../../client/cluster.js';

export default class ClusterCheck extends KtCommand {
  static override summary = 'CI smoke check: exit 0 when the cluster answers and the topics exist, else 1.';
  static override description =
    'Connects, asks for the cluster metadata (no topic is ever auto-created) and checks that every --topic ' +
    'exists and has a leader for each partition. Success: one line on stdout, exit 0. Failure: nothing on ' +
    'stdout, one line on stderr with the reason (e.g. "kt: error: cluster check failed: topic \'orders\' does ' +
    'not exist"), exit 1. An unreachable broker fails within 10 s; --wait keeps retrying for up to that long ' +
    '(for a cluster that is still starting).\n\n' +
    'JSON (--json): {"ok":true,"clusterId":"kt-local","controller":0,"brokers":1,"topics":[{"name":"orders","partitions":3}]}';
  static override enableJsonFlag = true;
  static override examples = [
    'kt cluster check',
    'kt cluster check --topic orders --topic payments',
    'kt cluster check -b localhost:9092 --topic orders --wait 60s',
    'kt cluster check --topic orders --json',
  ];
  static override flags = {
    topic: Flags.string({ char: 't', summary: 'A topic that must exist (repeatable, or T1,T2).', multiple: true, multipleNonGreedy: true, helpValue: 'TOPIC' }),
    wait: Flags.string({ summary: 'Keep retrying a failing check for up to this long (e.g. 30s, 2m, or ms).', helpValue: 'DURATION' }),
  };

  async run(): Promise<CheckResult> {
    const { flags } = await this.parse(ClusterCheck);
    this.applyGlobalFlags(flags);
    const topics = (flags.topic ?? []).flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);
    let waitMs = 0;
    if (flags.wait !== undefined) {
      const { parseDuration } = await import('../../format/offset.js');
      const w = /^\d+$/.test(flags.wait) ? Number(flags.wait) : parseDuration(flags.wait);
      if (w === null) throw new UsageError(`invalid --wait '${flags.wait}'; expected a duration such as 30s, 2m or a number of ms`);
      waitMs = w;
    }
    const conn = await this.connection(flags);
    const [{ openKafka }, { withSession }, { checkCluster }] = await Promise.all([
      import('../../client/index.js'),
      import('../../client/admin.js'),
      import('../../client/cluster.js'),
    ]);
    const deadline = Date.now() + waitMs;
    for (;;) {
      try {
        const h = await openKafka(conn, { clientId: 'kt-check' });
        const r = await withSession(h, (s) => checkCluster(s, topics));
        const what = r.topics.length ? `; topics: ${r.topics.map((t) => `${t.name} (${t.partitions} partition${t.partitions === 1 ? '' : 's'})`).join(', ')}` : '';
        this.log(`OK: cluster ${r.clusterId ?? '-'}, ${r.brokers} broker${r.brokers === 1 ? '' : 's'}, controller ${r.controller ?? 'none'}${what}`);
        return r;
      } catch (err) {
        if (Date.now() + 500 < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          continue;
        }
        const msg = err instanceof Error ? err.message : String(err);
        throw new KtError(`cluster check failed: ${msg}`, { hint: (err as KtError).hint, cause: err });
      }
    }
  }
}
